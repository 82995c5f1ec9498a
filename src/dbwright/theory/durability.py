"""Durability math: annual probability of losing data from independent disk/node failures.

Model (Markov chain, valid when failure rate × repair time ≪ 1): data is lost when the last
copy fails before the previous failures are repaired. For ``n`` devices of which ``m`` may fail
(replication factor r: n = r, m = r − 1; erasure code k+p: n = k + p, m = p):

    loss rate per year ≈ n·(n−1)·…·(n−m) · λ^(m+1) · T^m        (λ per year, T = repair time in years)
    P(loss in a year) = 1 − exp(−rate)

Replication and erasure coding copy *logical* corruption (a bad UPDATE, a dropped table) at
once to every copy: only backups with retention protect against that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

YEAR_H = 365 * 24.0

# Backblaze Drive Stats for 2023: annualized failure rate 1.70% over all drives in service
# (https://www.backblaze.com/blog/backblaze-drive-stats-for-2023/).
DISK_AFR: float = 0.017
# AWS EBS gp2/gp3 volumes: "designed for ... an annual failure rate (AFR) of between 0.1% - 0.2%"
# (https://aws.amazon.com/ebs/features/ — durability section). Upper end used.
EBS_GP3_AFR: float = 0.002
# Assumption: rebuilding a replica of a few hundred GB (new node + pg_basebackup) takes ~ 4 h.
REPAIR_HOURS: float = 4.0
LOGICAL_CAVEAT = ("Replication protects against losing devices, not against logical corruption or human "
                  "error: a bad UPDATE or DROP reaches every replica within the replication lag. Only "
                  "backups plus WAL with retention (PITR) recover from it.")


@dataclass(frozen=True)
class DurabilityResult:
    annual_loss_probability: float
    nines: float
    loss_rate_per_year: float
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)
    caveat: str = LOGICAL_CAVEAT

    def to_dict(self) -> dict[str, Any]:
        return {"annual_loss_probability": self.annual_loss_probability, "nines": self.nines,
                "loss_rate_per_year": self.loss_rate_per_year, "formula": self.formula,
                "inputs": dict(self.inputs), "caveat": self.caveat}


FORMULA = ("rate = n·(n−1)·…·(n−m) · λ^(m+1) · T^m per year (λ = AFR, T = repair time in years); "
           "P(loss/year) = 1 − e^(−rate)")


def annual_loss_probability(devices: int, tolerated: int, afr: float = DISK_AFR,
                            repair_hours: float = REPAIR_HOURS) -> DurabilityResult:
    """Annual data-loss probability for ``devices`` holding data that survives ``tolerated`` losses."""
    if devices < 1 or not 0 <= tolerated < devices:
        raise ValueError("need devices >= 1 and 0 <= tolerated < devices")
    lam = -math.log(1 - afr) if afr < 1 else math.inf  # AFR -> constant rate per year
    t_years = repair_hours / YEAR_H
    falling = math.prod(range(devices - tolerated, devices + 1))
    rate = falling * lam ** (tolerated + 1) * t_years ** tolerated
    p = -math.expm1(-rate)
    nines = -math.log10(p) if p > 0 else math.inf
    inputs = {"devices": devices, "tolerated": tolerated, "afr": afr, "repair_hours": repair_hours}
    return DurabilityResult(p, nines, rate, FORMULA, inputs)


def replication_durability(replicas: int, afr: float = DISK_AFR,
                           repair_hours: float = REPAIR_HOURS) -> DurabilityResult:
    """``replicas`` full copies: lost when all fail within overlapping repair windows."""
    return annual_loss_probability(replicas, replicas - 1, afr, repair_hours)


def erasure_durability(data_shards: int, parity_shards: int, afr: float = DISK_AFR,
                       repair_hours: float = REPAIR_HOURS) -> DurabilityResult:
    """Erasure code k+p: lost when p+1 of the k+p shards fail within overlapping repair windows."""
    return annual_loss_probability(data_shards + parity_shards, parity_shards, afr, repair_hours)
