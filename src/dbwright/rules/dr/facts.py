"""The subject of the DR rules: the targets and the plan's predicted capabilities, JSON-able.

A DR plan (stage ``dr_ha``) builds one from the spec and its own predictions; the rules' YAML
cases build one from a mapping (``DrFacts.from_dict``). Keys per disruption: logical, host, zone,
region. Mechanisms: ``rpo_mechanism`` is archive | async | sync; ``rto_mechanism`` is restore |
failover | promote | delayed-replica.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class DrFacts:
    rpo_s: dict[str, float] = field(default_factory=dict)
    rto_s: dict[str, float] = field(default_factory=dict)
    rpo_mechanism: dict[str, str] = field(default_factory=dict)
    rto_mechanism: dict[str, str] = field(default_factory=dict)
    archive_rpo_s: float | None = None
    async_loss_bound_s: float | None = None
    predicted_restore_s: float | None = None
    failover_worst_s: float | None = None
    off_site: bool = True
    primary_region: str | None = None
    repo_regions: list[str] = field(default_factory=list)
    sync_rtt_ms: float | None = None
    backup_retention_s: float | None = None
    longest_retention_s: float | None = None
    compliance_retention_s: float | None = None
    pitr_window_s: float | None = None
    restored_archive_mode: str = "off"
    patroni: dict[str, float] | None = None
    automatic_failover: bool = True
    watchdog: bool | None = None
    residency: list[str] = field(default_factory=list)
    data_regions: dict[str, str | None] = field(default_factory=dict)
    availability: float | None = None
    availability_target: float | None = None
    wal_rate_bps: float | None = None
    replay_rate_bps: float | None = None
    cost_usd_month: float | None = None
    zone_failover_automatic: bool | None = None
    zones: int | None = None
    budget_usd_month: float | None = None
    commit_latency_budget_ms: float | None = None
    failover_floor_s: float | None = None  # the HA manager's fastest safe failover (worst case)
    availability_max: float | None = None  # the best the largest in-region composition gives
    region_tier_meets: bool | None = None  # some DR tier meets the region RPO and RTO
    # Priced options per rule code, computed by the plan (the RPO you get, the latency you add, the cost).
    options: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DrFacts:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown DR fact(s): {', '.join(sorted(unknown))}")
        return cls(**data)


def fmt(seconds: float) -> str:
    """Seconds as a short human duration (kept here so rules need nothing above them)."""
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def with_options(facts: DrFacts, code: str, fallback: str) -> str:
    """The remediation: the plan's priced options for ``code`` when it computed them, else ``fallback``."""
    opts = facts.options.get(code) or []
    if not opts:
        return fallback
    return "options: " + "; ".join(f"({i}) {o}" for i, o in enumerate(opts, 1))
