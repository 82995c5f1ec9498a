"""DR010: A region holding data is outside the residency jurisdictions."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts


@register
class ResidencyViolated(Rule):
    """A region holding data is outside the residency jurisdictions.

    ## What it does
    Flags a primary, DR or backup region whose jurisdiction is not in `regions.residency`.

    ## Why it matters
    Data-residency rules (GDPR transfers, sector laws) forbid copies in other jurisdictions — backups and replicas included.

    ## Known problems
    Jurisdictions come from the spec or the built-in region table; unknown regions are not flagged.

    ## Example
    residency: [EU] with dr: us-east-1

    ## Use instead
    Pick DR and backup regions inside the allowed jurisdiction (e.g. eu-central-1 for eu-west-1).

    ## References
    GDPR Chapter V (transfers): https://gdpr-info.eu/chapter-5/
    """

    code = "DR010"
    name = "dr.residency"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        if not facts.residency:
            return
        for region, jur in facts.data_regions.items():
            if jur is not None and jur not in facts.residency:
                yield self.finding(f"region {region} ({jur}) is outside the residency {', '.join(facts.residency)}",
                                   Location(path="regions"), "choose regions within the allowed jurisdictions")
