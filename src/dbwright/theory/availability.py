"""Availability math: series/parallel composition, failover cost, downtime per year.

Pure functions. Results carry the formula and inputs so a plan can show how it got a number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

YEAR_S = 365 * 86400.0
MINUTES_PER_YEAR = YEAR_S / 60

# AWS EC2 instance-level SLA: 99.5% monthly uptime for a single instance
# (https://aws.amazon.com/compute/sla/, "Instance-Level SLA"). Used as a single node's availability
# when nothing better is known; it is a commitment floor, not a measured rate.
NODE_AVAILABILITY: float = 0.995
# Assumption: unplanned primary losses per node per year that trigger a failover (host faults,
# kernel panics, hypervisor retirements). Planned switchovers for patching are not counted.
NODE_FAILOVERS_PER_YEAR: float = 2.0


@dataclass(frozen=True)
class AvailabilityResult:
    """An availability figure with its composition terms."""

    availability: float
    downtime_min_per_year: float
    terms: dict[str, float]
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"availability": self.availability, "downtime_min_per_year": self.downtime_min_per_year,
                "terms": dict(self.terms), "formula": self.formula, "inputs": dict(self.inputs)}


def series(*parts: float) -> float:
    """All parts needed: A = Π Aᵢ."""
    return math.prod(parts)


def parallel(*parts: float) -> float:
    """Any part suffices: A = 1 − Π (1 − Aᵢ)."""
    return 1 - math.prod(1 - p for p in parts)


def downtime_minutes_per_year(availability: float) -> float:
    """(1 − A) × 525,600 min."""
    return (1 - availability) * MINUTES_PER_YEAR


def quorum_availability(node_availability: float, voters: int) -> float:
    """A majority of ``voters`` independent members up: Σ_{k ≥ ⌊n/2⌋+1} C(n,k) aᵏ (1−a)ⁿ⁻ᵏ."""
    need = voters // 2 + 1
    a = node_availability
    return sum(math.comb(voters, k) * a ** k * (1 - a) ** (voters - k) for k in range(need, voters + 1))


def ha_cluster_availability(nodes: int, failover_s: float,
                            node_availability: float = NODE_AVAILABILITY,
                            failovers_per_year: float = NODE_FAILOVERS_PER_YEAR,
                            dcs_voters: int = 3, router_instances: int = 2,
                            router_availability: float = NODE_AVAILABILITY) -> AvailabilityResult:
    """Availability of a primary/standby cluster behind a router, capped by failover time.

    U_db = (1 − a)ⁿ (every node down) + f·t_failover / year (each primary loss costs one failover);
    A = A_router_pool · A_dcs_quorum · (1 − U_db). With one node there is no failover: the node's own
    availability stands.
    """
    if nodes < 1:
        raise ValueError("nodes >= 1")
    all_down = (1 - node_availability) ** nodes
    if nodes == 1:
        failover_u = 0.0
        db = node_availability
        dcs = 1.0
    else:
        failover_u = failovers_per_year * failover_s / YEAR_S
        db = 1 - all_down - failover_u
        dcs = quorum_availability(node_availability, dcs_voters)
    router = parallel(*([router_availability] * router_instances)) if router_instances else 1.0
    a = series(router, dcs, db)
    terms = {"router": router, "dcs_quorum": dcs, "all_db_nodes_down": all_down,
             "failover_unavailability": failover_u, "db_cluster": db}
    formula = ("A = A_router · A_dcs · (1 − (1 − a)ⁿ − f·t_failover/year); "
               "A_router = 1 − (1 − a_r)^k; A_dcs = P(majority of voters up)")
    inputs = {"nodes": nodes, "failover_s": failover_s, "node_availability": node_availability,
              "failovers_per_year": failovers_per_year, "dcs_voters": dcs_voters,
              "router_instances": router_instances, "router_availability": router_availability}
    return AvailabilityResult(a, downtime_minutes_per_year(a), terms, formula, inputs)


def max_failover_for_target(target: float, nodes: int, node_availability: float = NODE_AVAILABILITY,
                            failovers_per_year: float = NODE_FAILOVERS_PER_YEAR) -> float:
    """Longest failover (seconds) that still leaves the DB tier at ``target`` on its own."""
    budget = (1 - target) - (1 - node_availability) ** nodes
    return max(0.0, budget * YEAR_S / failovers_per_year) if failovers_per_year > 0 else math.inf
