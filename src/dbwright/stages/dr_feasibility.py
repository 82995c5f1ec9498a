"""Feasibility of the DR/HA targets: the priced options a rule lists when a target cannot be met.

The DR rules decide *whether* a requirement is infeasible (DR007, DR008, DR013, DR015, DR017,
DR018); this module computes *what each way out costs* — the RPO you get, the latency you add,
the monthly price — from the same plan numbers, so an error finding names its options with their
price instead of a generic "relax the target".
"""

from __future__ import annotations

from typing import Any

from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_duration
from dbwright.stages.dr_availability import HA_SIZES
from dbwright.stages.dr_common import DrInputs
from dbwright.stages.dr_geo import ASYNC_APPLY_S, GP3_USD_GB_MONTH, NODE_USD_MONTH, jurisdiction
from dbwright.theory import availability, geo, recovery

# Patroni's safe floor (recovery.tune_patroni_for_rto never goes below ttl 10 s: DCS hiccups would
# otherwise demote healthy primaries).
PATRONI_FLOOR = {"ttl": 10.0, "loop_wait": 2.5, "retry_timeout": 2.5}
# CockroachDB: a range lease held by a dead node is taken over after the liveness/lease expiry
# (~9 s with default settings): "Replication Layer — Leases", https://www.cockroachlabs.com/docs/stable/architecture/replication-layer
DISTRIBUTED_LEASE_FAILOVER_S = 9.0


def failover_floor(spec: Spec, inputs: DrInputs) -> float:
    """Worst-case failover of the HA manager at its fastest safe setting."""
    if inputs.engine == "mariadb":
        return float(recovery.predict_maxscale_failover().worst_s)
    inter = float(spec.dr.health_check_interval or 1.0)
    fall = int(spec.dr.health_check_fall or 2)
    return float(recovery.predict_patroni_failover(PATRONI_FLOOR["ttl"], PATRONI_FLOOR["loop_wait"],
                                                   PATRONI_FLOOR["retry_timeout"], inter, fall).worst_s)


def _usd(v: float) -> str:
    return f"${v:,.0f}/month"


def _node_usd(inputs: DrInputs) -> float:
    return NODE_USD_MONTH + inputs.size_b / 1e9 * 1.2 * GP3_USD_GB_MONTH


def close_regions(spec: Spec, primary: str, budget_ms: float) -> list[tuple[str, float]]:
    """Known regions (same residency, same provider) whose fibre-floor RTT to ``primary`` fits ``budget_ms``."""
    want = set(spec.regions.residency)
    p = geo.region_info(primary)
    if p is None:
        return []
    out = []
    for name, v in geo.REGIONS.items():
        if name == primary or v[3] != p[3] or (want and v[2] not in want):
            continue
        est = geo.estimate_rtt(primary, name, spec.regions.rtt_ms)
        if est is not None and est.rtt_ms <= budget_ms:
            out.append((name, est.rtt_ms))
    return sorted(out, key=lambda x: (x[1], x[0]))[:3]


def priced_options(spec: Spec, inputs: DrInputs, ha: dict[str, Any], geo_data: dict[str, Any],
                   cost: dict[str, Any]) -> dict[str, list[str]]:
    """Options per rule code, each with its computed price."""
    node = _node_usd(inputs)
    zone_rtt = float(ha["zone_rtt"]["value"])
    out: dict[str, list[str]] = {}
    rtt = geo_data.get("rtt")
    primary, dr = geo_data.get("primary"), geo_data.get("dr")
    budget_s = spec.availability.commit_latency
    if rtt is not None and primary and dr:
        rtt_ms = float(rtt["value"])
        async_rpo = rtt_ms / 2000 + ASYNC_APPLY_S
        opts = [f"async replication to {dr}: region RPO ≈ {fmt_duration(async_rpo)} (one-way delay + apply lag), "
                "+0 ms per commit, no extra cost",
                f"synchronous standby in another zone of {primary} + async to {dr}: host/zone RPO 0, region RPO ≈ "
                f"{fmt_duration(async_rpo)}, +{zone_rtt:.1f} ms per commit, +1 node ≈ {_usd(node)}"]
        if budget_s is not None:
            near = close_regions(spec, primary, budget_s * 1000)
            opts.append("a DR region within the budget (RTT ≤ "
                        f"{budget_s * 1000:g} ms ⇒ ≤ {budget_s * 1000 * geo.FIBRE_KM_PER_S / 2000:,.0f} km of fibre): "
                        + (", ".join(f"{n} (≥ {r:.1f} ms, {jurisdiction(spec, n) or '?'})" for n, r in near)
                           if near else "no known region is that close")
                        + f", region RPO 0, same cost as {dr}")
        opts.append(f"raise availability.commit_latency to ≥ {rtt_ms:.1f} ms: region RPO 0 across "
                    f"{primary} ↔ {dr}, every commit waits ≥ {rtt_ms:.1f} ms (≤ {1000 / rtt_ms:,.0f} serial commits/s "
                    "per session)")
        out["DR017"] = opts
    bound = float(ha["async_loss_bound"]["value"])
    how = ("semi-synchronous replication, AFTER_SYNC" if inputs.engine == "mariadb"
           else "Patroni synchronous_mode_strict")
    out["DR008"] = [f"synchronous standby in another zone ({how}): RPO 0 for host/zone "
                    f"loss, +{zone_rtt:.1f} ms per commit, {ha['nodes']} nodes keep it writable with one standby "
                    f"down (≈ {_usd(node)} per node)",
                    f"keep async: RPO ≈ {fmt_duration(bound)} (maximum_lag_on_failover / WAL rate), no extra cost"]
    if rtt is not None and dr:
        out["DR008"].append(f"region RPO 0 needs sync to {dr}: +{float(rtt['value']):.1f} ms per commit")
    floor = failover_floor(spec, inputs)
    manager = ha.get("manager", "patroni")
    mariadb_fo = recovery.predict_maxscale_failover().worst_s
    out["DR007"] = [f"raise the host RTO to ≥ {fmt_duration(floor)} ({manager} at its safe floor"
                    + (", ttl 10 s / loop_wait 2.5 s / retry_timeout 2.5 s" if manager == "patroni" else "") + ")",
                    *([f"MariaDB + MaxScale auto-failover: ≈ {mariadb_fo:g} s worst case, same node count"]
                      if inputs.engine != "mariadb" else []),
                    f"distributed SQL (CockroachDB/YugabyteDB): lease takeover ≈ {DISTRIBUTED_LEASE_FAILOVER_S:g} s, "
                    f"RF 3 ≈ 3 × {_usd(node)} plus licences/managed premium",
                    "client-side retry that hides the failover: the RTO stays, the user-visible error does not"]
    target = inputs.target
    if target is not None:
        sizes = []
        fo = float(ha["failover"]["expected"]["value"])
        for n, v, r in HA_SIZES:
            av = availability.ha_cluster_availability(n, fo, dcs_voters=v, router_instances=r)
            sizes.append(f"{n} nodes + {v} voters + {r} routers: {av.availability * 100:.4f}% "
                         f"(≈ {_usd(n * node + (v + r) * NODE_USD_MONTH * 0.125)})")
        best = best_availability(fo)
        out["DR013"] = [*sizes,
                        f"relax availability.target to ≤ {best * 100:.4f}% (the largest in-region composition)",
                        f"an active-active pair of regions (distributed SQL or multi-primary): ≈ "
                        f"{_usd(2 * ha['nodes'] * node)} before licences"]
    tiers = geo_data.get("tiers") or []
    monthly = float(cost["monthly"]["value"])
    budget = spec.budget.monthly_usd
    if budget is not None:
        opts = [f"raise budget.monthly_usd to ≥ {monthly:,.0f}"]
        for t in sorted(tiers, key=lambda t: t["cost"]["value"]):
            if t["tier"] != geo_data.get("tier"):
                opts.append(f"DR tier {t['tier']}: region RPO {t['rpo']['display']}, RTO {t['rto']['display']}, "
                            f"{t['cost']['display']} for the tier")
        opts.append(f"1-year reserved instances: compute ≈ 30–40% cheaper (≈ {_usd(monthly * 0.65)})")
        out["DR015"] = opts
    if tiers:
        out["DR018"] = [f"{t['tier']}: region RPO {t['rpo']['display']}, RTO {t['rto']['display']}, "
                        f"{t['cost']['display']}" for t in tiers]
        out["DR018"].append("distributed SQL with survival goal REGION over 3 regions: RPO 0, RTO ≈ "
                            f"{DISTRIBUTED_LEASE_FAILOVER_S:g} s, +RTT per commit, ≈ {_usd(3 * 3 * node)} before "
                            "licences")
    return out


def best_availability(failover_expected_s: float) -> float:
    """The highest availability any in-region composition of the HA sizes gives."""
    return max(availability.ha_cluster_availability(n, failover_expected_s, dcs_voters=v,
                                                    router_instances=r).availability
               for n, v, r in HA_SIZES)
