"""DR012: Automatic failover without a watchdog to fence a stale primary."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class NoWatchdog(Rule):
    """Automatic failover without a watchdog to fence a stale primary.

    ## What it does
    Flags automatic failover when no watchdog (or other fencing) is available.

    ## Why it matters
    If Patroni hangs or dies while PostgreSQL keeps running, nobody demotes the old primary; after the lease expires a replica is promoted and two primaries accept writes.

    ## Known problems
    HAProxy routing to /primary limits the damage to clients that bypass the router.

    ## Example
    dr: {watchdog: false}

    ## Use instead
    Load softdog (or use a hardware watchdog) and set Patroni watchdog.mode=required; add STONITH via the cloud API where possible.

    ## References
    Patroni watchdog: https://patroni.readthedocs.io/en/latest/watchdog.html
    """

    code = "DR012"
    name = "dr.no_watchdog"
    bundle = "dr"
    severity = Severity.WARNING

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.automatic_failover and facts.watchdog is False:
            yield self.finding("automatic failover without a watchdog: a hung Patroni leaves an undemoted primary",
                               Location(path="dr.watchdog"), "enable softdog and watchdog.mode: required")
