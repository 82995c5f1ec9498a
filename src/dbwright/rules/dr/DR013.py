"""DR013: Predicted availability below the target."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, with_options


@register
class AvailabilityBelowTarget(Rule):
    """Predicted availability below the target.

    ## What it does
    Compares the availability predicted from series/parallel composition and failover time with `availability.target`.

    ## Why it matters
    A target the architecture cannot reach on paper will not be reached in production.

    ## Known problems
    Inputs are SLA floors and assumed failure rates; measured rates replace them.

    ## Example
    target: 99.99% with a single node (99.5%).

    ## Use instead
    Add replicas and automatic failover, shorten failover, remove single points (router pair, DCS quorum).

    ## References
    AWS EC2 SLA: https://aws.amazon.com/compute/sla/
    """

    code = "DR013"
    name = "dr.availability_below_target"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        a, t = facts.availability, facts.availability_target
        if a is not None and t is not None and a < t:
            best = (f"; the largest in-region composition gives {facts.availability_max * 100:.4f}%"
                    if facts.availability_max is not None else "")
            yield self.finding(f"predicted availability {a * 100:.4f}% is below the target {t * 100:g}%{best}",
                               Location(path="availability.target"),
                               with_options(facts, self.code, "add replicas/automatic failover or shorten "
                                            "failover time"))
