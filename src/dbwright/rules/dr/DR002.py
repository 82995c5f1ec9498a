"""DR002: RTO below the predicted restore time."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt


@register
class RtoBelowRestore(Rule):
    """RTO below the predicted restore time.

    ## What it does
    Flags a disruption recovered by restoring a backup (always the case for logical corruption) whose RTO is shorter than the predicted restore: provision + size / restore throughput + WAL replay + verification + redirect.

    ## Why it matters
    A restore cannot be hurried at incident time; if the arithmetic says 2 h, the RTO of 1 h will be missed.

    ## Known problems
    The prediction uses measured or assumed throughputs; `dbwright drill pitr` measures the real one.

    ## Example
    rto: {logical: 15m} for a 2 TB database restored at 170 MB/s (≈ 3.3 h).

    ## Use instead
    More frequent backups (less WAL to replay), faster storage/process-max, a delayed replica for logical errors, smaller databases (split), or a longer RTO.

    ## References
    pgBackRest user guide (restore, process-max): https://pgbackrest.org/user-guide.html
    """

    code = "DR002"
    name = "dr.rto_below_restore"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.predicted_restore_s is None:
            return
        for kind, mech in facts.rto_mechanism.items():
            rto = facts.rto_s.get(kind)
            if mech == "restore" and rto is not None and rto < facts.predicted_restore_s:
                yield self.finding(
                    f"{kind} RTO {fmt(rto)} is below the predicted restore time {fmt(facts.predicted_restore_s)}",
                    Location(path=f"availability.rto.{kind}"),
                    "shorten the restore (more frequent backups, faster repository, delayed replica) or raise the RTO")
