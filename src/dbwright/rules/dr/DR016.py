"""DR016: A zone loss takes the DCS quorum with it: no automatic failover."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, fmt


@register
class ZoneLossLosesQuorum(Rule):
    """A zone loss takes the DCS quorum with it: no automatic failover.

    ## What it does
    Checks that the consensus voters (etcd for Patroni) are spread so that a majority survives the
    loss of any one availability zone of the primary region.

    ## Why it matters
    With one zone, or 3 voters over 2 zones (2+1), losing the larger zone leaves a minority: Patroni
    cannot elect a leader and demotes the primary, so the database stays down until someone
    intervenes — the zone RTO then depends on a human.

    ## Known problems
    The zone count comes from `regions.list[].zones` (default 3 when not given).

    ## Example
    regions: {list: [{name: eu-west-1, role: primary, zones: 2}]}

    ## Use instead
    Use a region with 3 zones (one voter each), or put a third voter (a witness etcd member) in
    another zone or region.

    ## References
    etcd FAQ, "Why an odd number of cluster members?": https://etcd.io/docs/v3.5/faq/
    """

    code = "DR016"
    name = "dr.zone_loss_loses_quorum"
    bundle = "dr"
    severity = Severity.WARNING

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if facts.zone_failover_automatic is False:
            rto = facts.rto_s.get("zone")
            yield self.finding(f"with {facts.zones or '?'} zone(s), losing one zone loses the DCS quorum: zone "
                               "failover is manual" + (f" (zone RTO {fmt(rto)})" if rto is not None else ""),
                               Location(path="regions"),
                               "spread 3 or 5 voters over 3 zones, or add a witness voter elsewhere")
