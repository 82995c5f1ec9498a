"""DR008: Asynchronous replication cannot meet the RPO."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt, with_options


@register
class AsyncLossAboveRpo(Rule):
    """Asynchronous replication cannot meet the RPO.

    ## What it does
    Flags a disruption covered by an async replica whose RPO is below the loss async failover allows (maximum_lag_on_failover / WAL rate), including RPO 0.

    ## Why it matters
    Async standbys acknowledge nothing: commits in flight when the primary dies are lost. A drill on loopback losing 0 proves only that lag was 0 then.

    ## Known problems
    The bound is a configured cap; at low write rates the typical loss is far smaller.

    ## Example
    rpo: {host: 0s} with dr.replication: async.

    ## Use instead
    Synchronous replication within the region (Patroni synchronous_mode) for RPO 0, or relax the RPO.

    ## References
    Patroni replication modes: https://patroni.readthedocs.io/en/latest/replication_modes.html
    """

    code = "DR008"
    name = "dr.async_loss_above_rpo"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        bound = facts.async_loss_bound_s
        for kind, mech in facts.rpo_mechanism.items():
            rpo = facts.rpo_s.get(kind)
            if mech == "async" and rpo is not None and (rpo == 0 or (bound is not None and rpo < bound)):
                yield self.finding(f"{kind} RPO {fmt(rpo)} with asynchronous replication (can lose up to "
                                   f"{fmt(bound or 0)} of WAL)", Location(path=f"availability.rpo.{kind}"),
                                   with_options(facts, self.code, "use synchronous replication to a standby in "
                                                "another zone, or relax the RPO"))
