"""Multi-region: sync vs async cost, quorum placement, DR tier, residency, failover/failback runbook."""

from __future__ import annotations

from typing import Any

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_duration
from dbwright.stages.dr_common import DrInputs, cited, evidence_of, q
from dbwright.theory import geo, recovery

AWS_DR_WHITEPAPER = ("AWS, Disaster Recovery of Workloads on AWS, 'Disaster recovery options in the cloud', "
                     "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/"
                     "disaster-recovery-options-in-the-cloud.html")
# Approximate AWS prices, eu-west-1 (check the current price list): r6g.2xlarge on-demand ≈ $0.45/h
# (https://aws.amazon.com/ec2/pricing/on-demand/), gp3 ≈ $0.088/GB-month (https://aws.amazon.com/ebs/pricing/),
# inter-region transfer $0.02/GB (https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer).
NODE_USD_MONTH = 0.45 * 730
GP3_USD_GB_MONTH = 0.088
TRANSFER_USD_GB = 0.02
S3_USD_GB_MONTH = 0.023
PILOT_LIGHT_SIZE = 0.25  # pilot-light standby instance: a quarter of the primary's size (assumption)
# Assumptions for region-loss timings.
DECISION_S = 300.0  # on-call acknowledges and declares the region lost (automated cross-region promotion
#                     risks split brain across a partition)
RESIZE_S = 600.0  # stop/start a pilot-light instance with a larger instance class
ASYNC_APPLY_S = 1.0  # async standby normally within ~1 s plus one-way delay (alert when lag > RPO)
SYNC_RTT_WARN_MS = 10.0  # see rule DR004


def region_rtt(spec: Spec, a: str, b: str) -> dict[str, Any] | None:
    coords = {r.name: (r.location.lat, r.location.lon) for r in spec.regions.list_ if r.location}
    est = geo.estimate_rtt(a, b, spec.regions.rtt_ms, coords)
    if est is None:
        return None
    if est.source == "given":
        return cited(est.rtt_ms, "ms", f"RTT {a} ↔ {b}", "spec regions.rtt_ms")
    return {**q(est.rtt_ms, "ms", est.formula, **est.inputs), "source": est.source}


def jurisdiction(spec: Spec, name: str) -> str | None:
    for r in spec.regions.list_:
        if r.name == name and r.jurisdiction:
            return r.jurisdiction
    info = geo.region_info(name)
    return info[2] if info else None


def _witness(spec: Spec, primary: str, dr: str) -> str | None:
    if spec.regions.witness:
        return spec.regions.witness
    want = set(spec.regions.residency) or {jurisdiction(spec, primary) or ""}
    p = geo.region_info(primary)
    if p is None:
        return None
    cands = [(geo.great_circle_km(p[0], p[1], v[0], v[1]), n) for n, v in geo.REGIONS.items()
             if n not in (primary, dr) and v[2] in want and v[3] == p[3]]
    return min(cands)[1] if cands else None


def voters(geo_data: dict[str, Any], ha: dict[str, Any]) -> list[str]:
    """The DCS voters the configs list: every member of the chosen quorum placement (a witness region
    included), else the in-region voters the HA plan sized."""
    chosen = (geo_data.get("quorum") or {}).get("chosen")
    if chosen:
        return [f"etcd-{site}-{i + 1}" for site, n in sorted(chosen.items()) for i in range(n)]
    return [f"etcd{i + 1}" for i in range(max(1, int(ha.get("dcs_voters") or 3)))]


def plan_geo(spec: Spec, inputs: DrInputs, restore_b_s: float, archive_rpo_s: float,
             ha_nodes: int, failover_s: float | None = None) -> tuple[list[Decision], dict[str, Any]]:
    regs = spec.regions
    primary = regs.primary or next((r.name for r in regs.list_ if r.role == "primary"), None)
    dr_region = regs.dr or next((r.name for r in regs.list_ if r.role == "dr"), None) or next(
        (r.name for r in regs.list_ if r.name != primary and r.role != "read"), None)
    decisions: list[Decision] = []
    data: dict[str, Any] = {"primary": primary, "dr": dr_region}
    if not primary or not dr_region:
        data["note"] = "no DR region in the spec (regions.dr): only in-region HA and backups are planned"
        return decisions, data
    rtt = region_rtt(spec, primary, dr_region)
    data["rtt"] = rtt
    rtt_ms = rtt["value"] if rtt else 30.0
    # Sync vs async across regions.
    modes: list[dict[str, Any]] = [
        {"mode": "async to the DR region", "commit_latency_added": q(0.0, "ms", "async: commits do not wait", mode="async"),
         "rpo": q(rtt_ms / 2000 + ASYNC_APPLY_S, "s", "async RPO ≈ one-way delay + apply lag (normal load)",
                  rtt_ms=rtt_ms, apply_lag_s=ASYNC_APPLY_S)},
        {"mode": "sync to a standby in another zone of the primary region",
         "commit_latency_added": cited(geo.INTER_ZONE_RTT_MS, "ms", "every commit waits one inter-zone round trip",
                                       "AWS fault isolation boundaries whitepaper (single-digit ms between AZs)"),
         "rpo": q(0.0, "s", "sync in-region: 0 for host/zone loss; region loss falls back to the async stream",
                  mode="sync-zone")},
        {"mode": "quorum commit: ANY 1 of 2 standbys, one per region",
         "commit_latency_added": q(geo.INTER_ZONE_RTT_MS, "ms", "quorum commit waits for the fastest standby "
                                   "(the in-region one) — but the remote copy may then lag", zone_rtt_ms=geo.INTER_ZONE_RTT_MS,
                                   rtt_ms=rtt_ms),
         "rpo": q(rtt_ms / 2000 + ASYNC_APPLY_S, "s", "region loss: only the in-region standby is guaranteed; "
                  "the remote one lags like async", rtt_ms=rtt_ms, apply_lag_s=ASYNC_APPLY_S)},
        {"mode": "sync to the DR region (remote_write)",
         "commit_latency_added": q(rtt_ms, "ms", "every commit waits ≥ 1 RTT to the DR region", rtt_ms=rtt_ms),
         "rpo": q(0.0, "s", "sync: an acknowledged commit is on both regions", mode="sync")},
    ]
    jur_ok = {n: (not regs.residency or jurisdiction(spec, n) in regs.residency) for n in (primary, dr_region)}
    data.update({"sync_vs_async": modes, "residency": {"required": list(regs.residency), "regions": jur_ok}})
    decisions.append(Decision(
        topic="Cross-region replication mode",
        choice="async" if inputs.rpo_s("region") > 0 else "sync (quorum) — required by region RPO 0",
        rationale=(f"RTT {primary} ↔ {dr_region} is {rtt['display'] if rtt else 'unknown (30 ms assumed)'}"
                   + (" (fibre floor from great-circle distance; real routes are longer)"
                      if rtt and rtt.get("source") == "fibre-floor" else "")
                   + (f"; region RPO {fmt_duration(inputs.rpo_s('region'))} allows async (≈ "
                      f"{modes[0]['rpo']['display']})." if inputs.rpo_s("region") > 0 else
                      "; region RPO 0 forces every commit to wait for the remote region.")),
        trade_offs=[f"sync would add ≥ {rtt_ms:.1f} ms to every commit", "async loses the in-flight WAL on a "
                    "region loss: alert when replication lag exceeds the region RPO"],
        alternatives=([Alternative("sync across regions", f"+{rtt_ms:.1f} ms per commit for an RPO the spec "
                                   "does not need"),
                       Alternative("quorum commit ANY 1 (in-region + remote)", "the fast in-region standby "
                                   "answers first, so the remote copy is no safer than async")]
                      if inputs.rpo_s("region") > 0 else
                      [Alternative("async", "loses acknowledged commits on region loss")]),
        evidence=[evidence_of(m["commit_latency_added"]) for m in modes] + [evidence_of(m["rpo"]) for m in modes]
        + ([evidence_of(rtt)] if rtt else []),
    ))
    # Quorum placement.
    witness = _witness(spec, primary, dr_region)
    placements = {"3 voters, primary region only (3 zones)": {primary: 3},
                  "3 voters over 2 regions (2+1)": {primary: 2, dr_region: 1}}
    if witness:
        placements["3 voters over 3 regions (1+1+1)"] = {primary: 1, dr_region: 1, witness: 1}
        placements["5 voters over 3 regions (2+2+1)"] = geo.spread(5, [primary, dr_region, witness])
    evals = {k: geo.quorum_placement(v).to_dict() for k, v in placements.items()}
    cross = inputs.rpo_s("region") == 0 and witness is not None
    data["quorum"] = {"witness": witness, "placements": evals,
                      "chosen": placements["5 voters over 3 regions (2+2+1)"] if cross else None}
    decisions.append(Decision(
        topic="DCS quorum placement",
        choice=("3 etcd voters in the primary region (one per zone) for automatic in-region failover; a separate "
                "standby cluster in the DR region promoted by runbook"
                if not cross else
                f"5 voters over 3 regions (2+2+1, witness {witness}) — automatic failover across regions; "
                "all 5 are listed in patroni.yml (etcd3.hosts)"),
        rationale=("A majority must survive the failure that should fail over automatically. 3 voters in one "
                   "region survive a zone, not a region; 2+1 over two regions cannot survive losing the larger "
                   "one; 2+2+1 over three regions survives any one region."),
        trade_offs=["cross-region voters put the inter-region RTT into every DCS write and lease refresh",
                    "the witness region holds only DCS metadata, no data (residency still applies to it)"],
        alternatives=[Alternative(k, "survives any one region: " + str(v["survives_any_site"]))
                      for k, v in evals.items()],
        evidence=[Evidence.formula(v["formula"], v["survives_any_site"], placement=v["placement"])
                  for v in evals.values()],
    ))
    tiers = _tiers(spec, inputs, restore_b_s, archive_rpo_s, rtt_ms, ha_nodes,
                   failover_s if cross else None)
    meet = [t for t in tiers if t["meets"]]
    chosen = min(meet, key=lambda t: t["cost"]["value"]) if meet else tiers[-1]
    data["tiers"] = tiers
    data["tier"] = chosen["tier"]
    data["runbook"] = failover_runbook(primary, dr_region, chosen["tier"])
    decisions.append(Decision(
        topic="Multi-region DR tier",
        choice=f"{chosen['tier']} in {dr_region}" + ("" if meet else " — does NOT meet the region targets (DR018)"),
        rationale=(f"Cheapest tier meeting region RPO {fmt_duration(inputs.rpo_s('region'))} and RTO "
                   f"{fmt_duration(inputs.rto_s('region'))}: predicted RPO {chosen['rpo']['display']}, RTO "
                   f"{chosen['rto']['display']}, ≈ {chosen['cost']['display']}."
                   + ("" if meet else " No tier meets the targets; the strongest is planned.")
                   + ("" if all(jur_ok.values()) else " RESIDENCY: the DR region is outside "
                      + ", ".join(regs.residency) + ".")),
        trade_offs=["region failover is declared by a human (DECISION_S in the RTO): automatic cross-region "
                    "promotion risks two primaries across a partition"],
        alternatives=[Alternative(t["tier"], ("does not meet: " if not t["meets"] else "costs ")
                                  + f"RPO {t['rpo']['display']}, RTO {t['rto']['display']}, {t['cost']['display']}")
                      for t in tiers if t is not chosen],
        evidence=[evidence_of(chosen["rto"]), evidence_of(chosen["rpo"]), evidence_of(chosen["cost"]),
                  Evidence.cited("backup & restore / pilot light / warm standby / multi-site active-active",
                                 AWS_DR_WHITEPAPER)],
    ))
    return decisions, data


def top_tier(spec: Spec, inputs: DrInputs) -> str:
    """The name of the strongest tier: 'active-active' only where the engine takes writes in both
    regions (Galera multi-primary); a single-writer engine gets a hot standby, never a false label."""
    if inputs.engine == "mariadb" and spec.dr.manager == "galera":
        return "active-active"
    return "hot standby"


def _tiers(spec: Spec, inputs: DrInputs, restore_b_s: float, archive_rpo_s: float, rtt_ms: float,
           ha_nodes: int, auto_failover_s: float | None = None) -> list[dict[str, Any]]:
    size_gb = inputs.size_b / 1e9
    wal_gb_month = inputs.wal_per_day["value"] * 30 / 1e9
    node = NODE_USD_MONTH + size_gb * 1.2 * GP3_USD_GB_MONTH
    repo = size_gb * 0.35 * 2 * S3_USD_GB_MONTH + wal_gb_month * TRANSFER_USD_GB
    dns = recovery.REDIRECT_DNS_S
    verify = recovery.VERIFY_S
    restore = recovery.predict_restore(inputs.size_b, restore_b_s, inputs.wal_rate["value"] * 86400,
                                       provision_s=recovery.PROVISION_NEW_HOST_S, verify_s=verify, redirect_s=dns)
    stream_rpo = rtt_ms / 2000 + ASYNC_APPLY_S
    top = top_tier(spec, inputs)
    if top == "active-active":
        top_rto, top_how = dns, "Galera writes in both regions; +RTT per commit (certification)"
    elif auto_failover_s is not None:
        top_rto = auto_failover_s + dns
        top_how = ("standby in the DR region in the same Patroni cluster, synchronous, with a 2+2+1 DCS quorum: "
                   "automatic failover across regions; +RTT per commit")
    else:
        top_rto = DECISION_S + recovery.PROMOTE_S + verify + dns
        top_how = ("standby in the DR region streaming (sync when the region RPO is 0), promoted by runbook "
                   "(no witness region for an automatic quorum)")
    rows = [
        ("backup & restore", archive_rpo_s, DECISION_S + restore.total_s, repo,
         "restore the off-site repository (repo2) onto a new host", {"restore_phases": restore.phases}),
        ("pilot light", stream_rpo, DECISION_S + RESIZE_S + recovery.PROMOTE_S + verify + dns,
         repo + node * PILOT_LIGHT_SIZE + size_gb * 1.2 * GP3_USD_GB_MONTH * (1 - PILOT_LIGHT_SIZE),
         "small async standby streaming from the primary; resize, promote, switch DNS", {}),
        ("warm standby", stream_rpo, DECISION_S + recovery.PROMOTE_S + verify + dns, repo + node,
         "full-size Patroni standby cluster (standby_cluster) streaming async; promote and switch DNS", {}),
        (top, 0.0 if inputs.rpo_s("region") == 0 else stream_rpo, top_rto, repo + node * ha_nodes * 1.5,
         top_how, {}),
    ]
    out = []
    for tier, rpo, rto, cost, how, extra in rows:
        rpo_q = q(rpo, "s", "tier RPO: archive-only = archive_timeout + push; streaming = one-way delay + apply lag",
                  rtt_ms=rtt_ms, archive_rpo_s=archive_rpo_s, apply_lag_s=ASYNC_APPLY_S)
        rto_q = q(rto, "s", "tier RTO = decision + (provision + restore + replay | resize | 0) + promote + verify "
                  "+ DNS switch", decision_s=DECISION_S, resize_s=RESIZE_S, promote_s=recovery.PROMOTE_S,
                  verify_s=verify, dns_s=dns, **({"restore_s": restore.total_s} if tier == "backup & restore" else {}))
        cost_q = q(cost, "USD/month", "monthly extra = off-site repo + WAL transfer + standby nodes (approximate "
                   "AWS prices)", node_usd_month=round(node, 2), repo_usd_month=round(repo, 2),
                   size_gb=round(size_gb, 1), ha_nodes=ha_nodes)
        out.append({"tier": tier, "how": how, "rpo": rpo_q, "rto": rto_q, "cost": cost_q,
                    "meets": rpo <= inputs.rpo_s("region") and rto <= inputs.rto_s("region"), **extra})
    return out


def failover_runbook(primary: str, dr: str, tier: str) -> dict[str, list[str]]:
    promote = {
        "backup & restore": [f"Provision a host in {dr}; `pgbackrest --stanza=main --repo=2 restore` "
                             "(latest, --type=default, no --target-action)."],
        "pilot light": [f"Resize the {dr} standby to the primary's instance class; wait until it is streaming "
                        "or has replayed all archived WAL."],
        "warm standby": [f"Check the {dr} standby cluster's replay lag (`pg_last_xact_replay_timestamp()`)."],
        "active-active": [f"Remove {primary} from the global load balancer; {dr} already takes writes."],
        "hot standby": [f"Check that the {dr} standby is the synchronous one (`patronictl list`); with the 2+2+1 "
                        "quorum Patroni promotes it by itself — confirm, do not promote twice."],
    }[tier]
    return {
        "failover": [
            f"Declare the region lost: {primary} unreachable from two vantage points for > 2 min (not a "
            "single failed check).",
            f"Fence {primary}: revoke its security-group ingress / stop its instances if the API answers, so a "
            "returning old primary cannot take writes.",
            *promote,
            f"Promote: `patronictl -c /etc/patroni/patroni.yml edit-config --force -s standby_cluster=null` on "
            f"the {dr} cluster (or `pg_ctl promote`); note the new timeline.",
            f"Switch the endpoint: update the DNS record `db-primary` (TTL 60 s) to the {dr} HAProxy/LB address; "
            "restart or drain application pools that cache DNS.",
            "Verify writes through the endpoint; compare the last committed transaction time with the "
            "application's last acknowledged one (the real RPO).",
            f"Point pgBackRest archive-push at a repository in {dr} (new stanza or repo) and take a full backup.",
        ],
        "failback": [
            f"When {primary} is back, rebuild it as a standby of {dr} (pg_rewind if it has checksums or "
            "wal_log_hints, else a fresh clone) — never restart it as a primary.",
            "Wait for lag ≈ 0, then schedule a switchover window: stop writes, `patronictl switchover`, switch "
            "DNS back, resume writes.",
            f"Restore the {dr} cluster to standby_cluster mode and re-check archiving to both repositories.",
        ],
    }


# Approximate: t4g.small on-demand ≈ $0.0168/h (https://aws.amazon.com/ec2/pricing/on-demand/) for an
# HAProxy or extra etcd instance.
SMALL_USD_MONTH = 0.0168 * 730


def plan_cost(spec: Spec, inputs: DrInputs, ha: dict[str, Any], backups: dict[str, Any],
              geo_data: dict[str, Any], shards: int = 1) -> tuple[Decision, dict[str, Any]]:
    """Monthly cost of the DR/HA infrastructure vs the spec's budget."""
    size_gb = inputs.size_b / 1e9
    node = NODE_USD_MONTH + size_gb * 1.2 * GP3_USD_GB_MONTH
    chosen = next(s for s in backups["strategies"] if s["key"] == backups["chosen"])
    extra_voters = max(0, ha.get("dcs_voters", 3) - 3)
    terms = {
        "database_nodes": ha["nodes"] * node,
        "routers": ha.get("routers", 0) * SMALL_USD_MONTH if ha["nodes"] > 1 else 0.0,
        "extra_dcs_voters": extra_voters * SMALL_USD_MONTH,
        "backups_pitr_tier": chosen["footprint_now"]["value"] / 1e9 * S3_USD_GB_MONTH,
        "backups_compliance_tier": backups["compliance_storage"]["monthly_cost"]["value"],
        "dr_tier": next((t["cost"]["value"] for t in geo_data.get("tiers", []) if t["tier"] == geo_data.get("tier")),
                        0.0),
    }
    total = sum(terms.values()) * shards
    budget = spec.budget.monthly_usd
    cost = q(total, "USD/month", "cost = shard groups × (nodes × (instance + gp3 storage) + routers + extra voters "
             "+ backup storage + DR tier) (approximate AWS on-demand prices)",
             **{k: round(v, 2) for k, v in terms.items()}, shard_groups=shards,
             node_usd_month=round(node, 2), budget_usd_month=budget)
    dec = Decision(
        topic="DR/HA cost",
        choice=f"≈ {cost['display']}" + (f" of a {budget:,.0f} USD/month budget" if budget else ""),
        rationale="Sum of the planned nodes, routers, DCS voters, backup storage and the DR tier at approximate "
                  "on-demand prices; reserved instances or savings plans cut the compute part by ~30–60%.",
        trade_offs=["prices are approximate list prices for one region; data transfer beyond WAL shipping and "
                    "support plans are not included"],
        alternatives=[Alternative("a managed service (RDS/Aurora, Cloud SQL)", "trades per-hour premium for less "
                                  "operations; the technology stage weighs it")],
        evidence=[evidence_of(cost)],
    )
    return dec, {"monthly": cost, "budget_usd_month": budget}
