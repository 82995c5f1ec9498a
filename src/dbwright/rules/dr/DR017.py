"""DR017: Synchronous commit across a round trip above the commit-latency budget."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, with_options


@register
class SyncOverLatencyBudget(Rule):
    """Synchronous commit across a round trip above the commit-latency budget.

    ## What it does
    Flags a plan whose promised RPO needs synchronous commit to a standby (or a quorum) whose round
    trip from the primary is longer than `availability.commit_latency`, the most replication may add
    to each commit.

    ## Why it matters
    A synchronous commit waits at least one round trip to the standby: light in fibre covers about
    100 km of distance per millisecond of RTT, so RPO 0 across regions 1,000 km apart costs ≥ 10 ms
    per commit whatever the engine. Both promises cannot hold; the design must say which one gives.

    ## Known problems
    RTTs estimated from great-circle distance are floors: real routes are longer, so a plan that
    passes on the floor may still miss the budget. Give measured `regions.rtt_ms`.

    ## Example
    availability: {rpo: {region: 0s}, commit_latency: 5ms} with regions 1,192 km apart (≥ 11.9 ms RTT).

    ## Use instead
    Async replication to the far region (region RPO ≈ one-way delay + apply lag), a DR region close
    enough for the budget, synchronous commit within the region only, or a larger budget.

    ## References
    PostgreSQL docs, synchronous replication: https://www.postgresql.org/docs/15/warm-standby.html#SYNCHRONOUS-REPLICATION
    """

    code = "DR017"
    name = "dr.sync_over_latency_budget"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        rtt, budget = facts.sync_rtt_ms, facts.commit_latency_budget_ms
        if rtt is not None and budget is not None and rtt > budget:
            yield self.finding(f"the RPO needs synchronous commit over {rtt:.1f} ms RTT, above the commit-latency "
                               f"budget of {budget:g} ms", Location(path="availability.commit_latency"),
                               with_options(facts, self.code, "replicate async across regions, pick a closer "
                                            "DR region, or raise the commit-latency budget"))
