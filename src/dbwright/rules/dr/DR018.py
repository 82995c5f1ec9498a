"""DR018: No DR tier meets the region RPO and RTO."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt, with_options


@register
class NoTierMeetsRegionTargets(Rule):
    """No DR tier meets the region RPO and RTO.

    ## What it does
    Flags a multi-region plan where none of the DR tiers (backup & restore, pilot light, warm
    standby, hot standby / active-active) reaches both the region RPO and the region RTO with the
    chosen engine.

    ## Why it matters
    The plan then carries the strongest tier, but labelling it as meeting the targets would be a
    promise the topology cannot keep; the targets, the engine or the topology must change.

    ## Known problems
    Tier RTOs include a human decision to declare the region lost (5 min): automatic cross-region
    promotion needs a quorum over three regions.

    ## Example
    availability: {rto: {region: 30s}} with a PostgreSQL primary and a standby cluster in another region.

    ## Use instead
    Relax the region RTO/RPO to the best tier's figures, add a witness region for automatic
    failover, or a multi-primary / distributed SQL engine.

    ## References
    AWS, Disaster recovery options in the cloud: https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html
    """

    code = "DR018"
    name = "dr.no_tier_meets_region"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.region_tier_meets is False:
            rpo, rto = facts.rpo_s.get("region"), facts.rto_s.get("region")
            yield self.finding(f"no DR tier meets region RPO {fmt(rpo or 0)} and RTO {fmt(rto or 0)}",
                               Location(path="availability.rto.region"),
                               with_options(facts, self.code, "relax the region targets or change the topology"))
