"""DR001: RPO below what WAL archiving alone can give."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt


@register
class ArchiveOnlyRpo(Rule):
    """RPO below what WAL archiving alone can give.

    ## What it does
    Flags a disruption whose RPO is met only by WAL archiving (no streaming replica covers it) while the RPO is shorter than `archive_timeout` plus the time to push a segment.

    ## Why it matters
    The open WAL segment is lost with the host: archive-only with archive_timeout=60 s lost 51.2 s of acknowledged commits after kill -9 in a drill. An RPO below that bound is a promise the design cannot keep.

    ## Known problems
    The bound assumes the archive keeps up; a failing archive_command makes the real loss unbounded (alert on it).

    ## Example
    rpo: {logical: 15m, region: 10s} with only archive-push to the off-site repository.

    ## Use instead
    Stream WAL (an async standby bounds loss by its lag; a synchronous standby or `pg_receivewal --synchronous` gives 0), or relax the RPO.

    ## References
    PostgreSQL docs, Continuous Archiving (archive_timeout): https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-ARCHIVE-TIMEOUT
    """

    code = "DR001"
    name = "dr.archive_only_rpo"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.archive_rpo_s is None:
            return
        for kind, mech in facts.rpo_mechanism.items():
            rpo = facts.rpo_s.get(kind)
            if mech == "archive" and rpo is not None and rpo < facts.archive_rpo_s:
                yield self.finding(
                    f"{kind} RPO {fmt(rpo)} relies on WAL archiving, which can lose up to "
                    f"{fmt(facts.archive_rpo_s)} (archive_timeout + push)",
                    Location(path=f"availability.rpo.{kind}"),
                    "stream WAL to a standby (async bounds loss by lag; sync gives 0) or relax the RPO")
