"""DR007: Failover settings whose worst case exceeds the RTO."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt, with_options


@register
class FailoverExceedsRto(Rule):
    """Failover settings whose worst case exceeds the RTO.

    ## What it does
    Flags a disruption recovered by automatic failover whose RTO is below the predicted worst-case failover (lease expiry ttl + promotion + router checks).

    ## Why it matters
    The leader lease dominates: with Patroni defaults (ttl 30) failover took 21–25 s in drills and can take 32 s; an RTO of 15 s is missed on every failure.

    ## Known problems
    Worst case assumes the leader refreshed its lease just before dying.

    ## Example
    rto: {host: 15s} with Patroni ttl 30, loop_wait 10.

    ## Use instead
    Lower ttl/loop_wait/retry_timeout (keeping loop_wait + 2·retry_timeout ≤ ttl) and tighten health checks, or raise the RTO.

    ## References
    Patroni dynamic configuration: https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
    """

    code = "DR007"
    name = "dr.failover_exceeds_rto"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.failover_worst_s is None:
            return
        for kind, mech in facts.rto_mechanism.items():
            rto = facts.rto_s.get(kind)
            if mech == "failover" and rto is not None and facts.failover_worst_s > rto:
                floor = facts.failover_floor_s
                below = (f"; the HA manager's failover floor is {fmt(floor)}, so no setting meets it"
                         if floor is not None and floor > rto else "")
                yield self.finding(f"worst-case failover {fmt(facts.failover_worst_s)} exceeds the {kind} RTO "
                                   f"{fmt(rto)}{below}", Location(path=f"availability.rto.{kind}"),
                                   with_options(facts, self.code, "lower Patroni ttl/loop_wait/retry_timeout and "
                                                "health-check interval, or raise the RTO"))
