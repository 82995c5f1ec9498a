"""DR011: Patroni timings break loop_wait + 2·retry_timeout ≤ ttl."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class PatroniTimingRule(Rule):
    """Patroni timings break loop_wait + 2·retry_timeout ≤ ttl.

    ## What it does
    Checks the DCS timings against Patroni's documented constraint.

    ## Why it matters
    With a longer retry window than the lease, a slow DCS makes the leader lose its key while still retrying: spurious failovers and demotions.

    ## Known problems
    None known.

    ## Example
    dr: {patroni_ttl: 20s, patroni_loop_wait: 10s, patroni_retry_timeout: 10s}

    ## Use instead
    Keep the 3:1:1 default ratio (30/10/10) or 4:1:1 (20/5/5, measured 17–20 s failovers).

    ## References
    Patroni dynamic configuration: https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
    """

    code = "DR011"
    name = "dr.patroni_timing"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        p = facts.patroni
        if p and p.get("loop_wait", 0) + 2 * p.get("retry_timeout", 0) > p.get("ttl", 0):
            yield self.finding(f"loop_wait {p.get('loop_wait')} + 2·retry_timeout {p.get('retry_timeout')} > ttl "
                               f"{p.get('ttl')}", Location(path="dr.patroni_ttl"),
                               "raise ttl or lower loop_wait/retry_timeout")
