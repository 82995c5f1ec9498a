"""DR015: The DR/HA infrastructure alone costs more than the budget."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.dr.facts import DrFacts, with_options


@register
class CostOverBudget(Rule):
    """The DR/HA infrastructure alone costs more than the budget.

    ## What it does
    Compares the plan's estimated monthly cost (database nodes, routers, DCS voters, backup
    storage, DR tier) with `budget.monthly_usd`.

    ## Why it matters
    Targets and budget pull in opposite directions; a plan that meets every RPO/RTO but cannot be
    paid for is not a plan. The finding makes the trade-off explicit so targets or budget can move.

    ## Known problems
    Prices are approximate on-demand list prices; reserved capacity, managed services and other
    clouds differ. The budget may cover more than the database.

    ## Example
    budget: {monthly_usd: 500} with a 3-node cluster and a warm standby.

    ## Use instead
    Relax the region RTO (a cheaper DR tier), reserve instances, or raise the budget.

    ## References
    AWS EC2 on-demand pricing: https://aws.amazon.com/ec2/pricing/on-demand/
    """

    code = "DR015"
    name = "dr.cost_over_budget"
    bundle = "dr"
    severity = Severity.ERROR

    def check(self, facts: DrFacts) -> Iterator[Finding]:
        c, b = facts.cost_usd_month, facts.budget_usd_month
        if c is not None and b is not None and c > b:
            yield self.finding(f"the cheapest DR/HA plan meeting the RPO/RTO targets costs about ${c:,.0f}/month, "
                               f"above the ${b:,.0f}/month budget", Location(path="budget.monthly_usd"),
                               with_options(facts, self.code, "choose a cheaper DR tier (relax the region RTO), "
                                            "reserve capacity, or raise the budget"))
