"""Stage 'dr_ha': the disaster-recovery and high-availability plan, computed from the spec.

Backups (schedule, GFS retention, restore prediction, footprint, alternatives), PITR (archiving
settings and runbooks), HA (manager, replication mode, failover prediction, split brain, routing,
availability, durability), multi-region (sync vs async, quorum, DR tier, runbooks), the settings
the renderer turns into configuration files, and gap findings from the DR rules (DR001…).
"""

from __future__ import annotations

from typing import Any

from dbwright.design import Section
from dbwright.model import Finding
from dbwright.rules import load_bundle
from dbwright.rules.dr.facts import DrFacts
from dbwright.spec import Positions, Spec
from dbwright.spec.units import fmt_duration
from dbwright.stages.context import DesignContext
from dbwright.stages.dr_availability import plan_ha
from dbwright.stages.dr_backup import plan_backups, plan_delayed_replica, restore_throughput
from dbwright.stages.dr_common import derive_inputs, q
from dbwright.stages.dr_distributed import build_distributed, is_distributed
from dbwright.stages.dr_feasibility import best_availability, failover_floor, priced_options
from dbwright.stages.dr_geo import DECISION_S, jurisdiction, plan_cost, plan_geo, voters
from dbwright.stages.dr_pitr import choose_archive_timeout, mariadb_plan, pitr_runbooks
from dbwright.theory import geo, recovery

STANZA = "main"


def run(ctx: DesignContext) -> Section | None:
    tech = ctx.section("technology")
    hint = None
    if tech is not None:
        engine = tech.data.get("recommended") or tech.data.get("engine")
        hint = engine if isinstance(engine, str) else None
    if ctx.spec.dr.engine == "decide" and is_distributed(hint):
        assert hint is not None
        return build_distributed(ctx.spec, ctx.positions, hint, shard_nodes(ctx))
    return build_section(ctx.spec, ctx.positions, hint, shard_nodes(ctx))


def shard_nodes(ctx: DesignContext) -> int:
    """Shard primaries decided by the scaling stage (1 when it does not shard)."""
    scaling = ctx.section("scaling")
    sharding = scaling.data.get("sharding") if scaling is not None else None
    if isinstance(sharding, dict) and sharding.get("needed") and isinstance(sharding.get("nodes"), int):
        return max(1, int(sharding["nodes"]))
    return 1


def build_section(spec: Spec, positions: Positions | None = None, engine_hint: str | None = None,
                  shards: int = 1) -> Section:
    inputs = derive_inputs(spec, engine_hint, shards)
    dr = spec.dr
    decisions = []
    restore_bps = restore_throughput(spec)
    provision = float(dr.provision_time) if dr.provision_time is not None else recovery.PROVISION_NEW_HOST_S
    backup_decs, backups = plan_backups(spec, inputs, provision, recovery.REDIRECT_DNS_S, restore_bps)
    chosen = next(s for s in backups["strategies"] if s["key"] == backups["chosen"])
    delayed = plan_delayed_replica(inputs, chosen["restore"]["value"])
    if delayed is not None:
        backup_decs.append(delayed[0])
        backups["delayed_replica"] = delayed[1]
    archive_dec, archive = choose_archive_timeout(spec, inputs)
    zone_rtt = geo.INTER_ZONE_RTT_MS
    ha_decs, ha = plan_ha(spec, inputs, zone_rtt)
    geo_decs, geo_data = plan_geo(spec, inputs, restore_bps["value"], archive["archive_rpo"]["value"], ha["nodes"],
                                  ha["failover"]["value"] if ha["nodes"] > 1 else None)
    # MariaDB: the binlog stream replaces WAL archiving (see the MariaDB decision below).
    decisions += [*backup_decs, *([archive_dec] if inputs.engine == "postgresql" else []), *ha_decs, *geo_decs]
    pitr: dict[str, Any] = {"runbooks": pitr_runbooks(STANZA), "archive": archive}
    if inputs.engine == "mariadb":
        from dbwright.theory.recovery import predict_mariadb_restore

        pred = predict_mariadb_restore(inputs.size_b, inputs.wal_rate["value"] * 86400, provision_s=provision,
                                       verify_s=recovery.VERIFY_S, redirect_s=recovery.REDIRECT_DNS_S)
        mq = {**q(pred.total_s, "s", pred.formula, **pred.inputs), "phases": pred.phases}
        mdec, mdata = mariadb_plan(spec, inputs, mq)
        decisions.append(mdec)
        pitr["mariadb"] = mdata
    cost_dec, cost = plan_cost(spec, inputs, ha, backups, geo_data, shards)
    decisions.append(cost_dec)
    facts = build_facts(spec, inputs, ha, geo_data, archive, chosen, backups)
    facts.cost_usd_month = cost["monthly"]["value"]
    facts.budget_usd_month = cost["budget_usd_month"]
    facts.options = priced_options(spec, inputs, ha, geo_data, cost)
    findings = check(facts, positions)
    settings = config_settings(spec, inputs, ha, geo_data, archive, backups)
    data = {
        "engine": inputs.engine, "shard_nodes": shards,
        "inputs": {"size": inputs.size, "growth": inputs.growth, "change_rate": inputs.change_rate,
                   "wal_rate": inputs.wal_rate, "wal_per_day": inputs.wal_per_day,
                   "restore_throughput": restore_bps, "rpo": inputs.rpo, "rto": inputs.rto,
                   "assumptions": inputs.assumptions, "totals": inputs.totals},
        "backups": backups, "pitr": pitr, "cost": cost, "ha": ha, "multi_region": geo_data,
        "targets": targets_table(inputs, ha, geo_data, archive, chosen, backups),
        "facts": facts.__dict__, "settings": settings,
    }
    summary = ((f"per shard group ({shards} shard primaries, each its own cluster and backups): " if shards > 1
                else "")
               + f"{inputs.engine}: {ha['nodes']} nodes, {ha['replication']} replication, failover ≤ "
               f"{ha['failover']['display']}; {chosen['name'].lower()}, restore ≈ {chosen['restore']['display']}; "
               f"availability {ha['availability']['display']} "
               f"({ha['availability']['downtime']['display']}); DR tier: {geo_data.get('tier', 'none')}.")
    return Section(name="dr_ha", title="Disaster recovery & high availability", summary=summary,
                   decisions=decisions, findings=findings, data=data)


def targets_table(inputs: Any, ha: dict[str, Any], geo_data: dict[str, Any], archive: dict[str, Any],
                  chosen: dict[str, Any], backups: dict[str, Any]) -> list[dict[str, Any]]:
    """Per disruption: target vs predicted RPO/RTO and the mechanism that delivers it."""
    tier = next((t for t in geo_data.get("tiers", []) if t["tier"] == geo_data.get("tier")), None)
    sync = ha["replication"] == "sync"
    rpo_inzone = q(0.0, "s", "synchronous: acknowledged commits are on a standby",
                   replication="sync") if sync else ha["async_loss_bound"]
    rows = [
        ("logical", "archive + PITR", archive["archive_rpo"], *logical_rto(chosen, backups)),
        ("host", ha["replication"], rpo_inzone, "failover", ha["failover"]),
        ("zone", ha["replication"], rpo_inzone, *zone_rto(ha)),
    ]
    if tier is not None:
        rows.append(("region", tier["tier"], tier["rpo"], "promote", tier["rto"]))
    else:
        rows.append(("region", "off-site backups", archive["archive_rpo"], "restore", chosen["restore"]))
    out = []
    for kind, rpo_mech, rpo, rto_mech, rto in rows:
        out.append({"disruption": kind, "rpo_target": inputs.rpo[kind], "rpo_predicted": _strip(rpo),
                    "rpo_mechanism": rpo_mech, "rto_target": inputs.rto[kind], "rto_predicted": _strip(rto),
                    "rto_mechanism": rto_mech,
                    "meets": rpo["value"] <= inputs.rpo_s(kind) and rto["value"] <= inputs.rto_s(kind)})
    return out


def zone_rto(ha: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Automatic failover when the DCS quorum survives a zone, else a manual promotion."""
    if ha["zone_failover_automatic"]:
        return "failover", ha["failover"]
    manual = q(DECISION_S + recovery.PROMOTE_S + recovery.REDIRECT_DNS_S, "s",
               "manual zone failover = decision + promote + endpoint switch (the DCS quorum is lost with the zone)",
               decision_s=DECISION_S, promote_s=recovery.PROMOTE_S, redirect_s=recovery.REDIRECT_DNS_S,
               zones=ha["zones"])
    return "manual", manual


def logical_rto(chosen: dict[str, Any], backups: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Logical errors are undone by a delayed replica when one is planned and fits, else by a restore."""
    dr = backups.get("delayed_replica")
    if dr and dr["meets"]:
        return "delayed-replica", dr["rto"]
    return "restore", chosen["restore"]


def _strip(quantity: dict[str, Any]) -> dict[str, Any]:
    return {k: quantity[k] for k in ("value", "unit", "display", "evidence")}


def build_facts(spec: Spec, inputs: Any, ha: dict[str, Any], geo_data: dict[str, Any], archive: dict[str, Any],
                chosen: dict[str, Any], backups: dict[str, Any]) -> DrFacts:
    tier = geo_data.get("tier")
    region_rpo_mech = {"backup & restore": "archive", "pilot light": "async", "warm standby": "async",
                       "active-active": "sync" if inputs.rpo_s("region") == 0 else "async",
                       "hot standby": "sync" if inputs.rpo_s("region") == 0 else "async"}.get(tier or "", "archive")
    region_rto_mech = "restore" if tier in (None, "backup & restore") else "promote"
    has_ha = ha["nodes"] > 1
    in_region = ha["replication"] if has_ha else "archive"
    ret = backups["retention"]
    longest = max(t["keep_days"] for t in ret["tiers"]) * 86400
    repo_regions = [spec.regions.primary or "primary"]
    if spec.dr.off_site:
        repo_regions.append(spec.regions.dr or "off-site")
    data_regions = {r: jurisdiction(spec, r) for r in (spec.regions.primary, spec.regions.dr) if r}
    for r in spec.regions.list_:
        data_regions.setdefault(r.name, r.jurisdiction or jurisdiction(spec, r.name))
    sync_rtt = None
    if ha["replication"] == "sync":
        sync_rtt = ha["zone_rtt"]["value"]
    if inputs.rpo_s("region") == 0 and geo_data.get("rtt"):
        sync_rtt = geo_data["rtt"]["value"]
    return DrFacts(
        rpo_s={k: inputs.rpo_s(k) for k in inputs.rpo}, rto_s={k: inputs.rto_s(k) for k in inputs.rto},
        rpo_mechanism={"logical": "archive", "host": in_region, "zone": in_region, "region": region_rpo_mech},
        rto_mechanism={"logical": logical_rto(chosen, backups)[0], "host": "failover" if has_ha else "restore",
                       "zone": zone_rto(ha)[0] if has_ha else "restore", "region": region_rto_mech},
        zone_failover_automatic=bool(ha["zone_failover_automatic"]) if has_ha else None,
        zones=ha["zones"],
        archive_rpo_s=archive["archive_rpo"]["value"], async_loss_bound_s=ha["async_loss_bound"]["value"],
        predicted_restore_s=chosen["restore"]["value"], failover_worst_s=ha["failover"]["value"] if has_ha else None,
        off_site=spec.dr.off_site, primary_region=spec.regions.primary, repo_regions=repo_regions,
        sync_rtt_ms=sync_rtt, backup_retention_s=ret["backup_retention_s"] if spec.dr.backup_retention is None
        else spec.dr.backup_retention, longest_retention_s=longest,
        compliance_retention_s=spec.dr.compliance_retention, pitr_window_s=spec.dr.pitr_window,
        restored_archive_mode=spec.dr.restored_archive_mode,
        patroni={k: ha["patroni"][k] for k in ("ttl", "loop_wait", "retry_timeout")}
        if has_ha and ha["manager"] == "patroni" else None,
        automatic_failover=has_ha, watchdog=ha["watchdog"], residency=list(spec.regions.residency),
        data_regions=data_regions, availability=ha["availability"]["value"],
        availability_target=inputs.target, wal_rate_bps=inputs.wal_rate["value"],
        replay_rate_bps=recovery.REPLAY_RATE_BPS,
        commit_latency_budget_ms=(spec.availability.commit_latency * 1000
                                  if spec.availability.commit_latency is not None else None),
        failover_floor_s=failover_floor(spec, inputs) if has_ha else None,
        availability_max=best_availability(ha["failover"]["expected"]["value"]) if has_ha else None,
        region_tier_meets=(any(t["meets"] for t in geo_data["tiers"]) if geo_data.get("tiers") else None))


def check(facts: DrFacts, positions: Positions | None) -> list[Finding]:
    out: list[Finding] = []
    for rule_cls in load_bundle("dr"):
        for f in rule_cls().check(facts):
            if positions is not None and f.location.path:
                loc = positions.locate(tuple(f.location.path.split(".")))
                f = Finding(f.code, f.severity, f.message, loc, f.rationale, f.remediation)
            out.append(f)
    return out


def config_settings(spec: Spec, inputs: Any, ha: dict[str, Any], geo_data: dict[str, Any],
                    archive: dict[str, Any], backups: dict[str, Any]) -> dict[str, Any]:
    """Plain settings the renderer turns into files (no quantities: those live in the plan)."""
    ret = backups["retention"]
    chosen = next(s for s in backups["strategies"] if s["key"] == backups["chosen"])
    rpo = {k: inputs.rpo_s(k) for k in inputs.rpo}
    return {
        "project": spec.project, "stanza": STANZA, "engine": inputs.engine,
        "primary_region": spec.regions.primary, "dr_region": spec.regions.dr, "off_site": spec.dr.off_site,
        "archive_timeout_s": archive["archive_timeout_s"],
        "pitr_days": round(ret["pitr_window_s"] / 86400), "retention_days": round(ret["backup_retention_s"] / 86400),
        "compliance_days": round(ret["compliance_retention_s"] / 86400),
        "schedule": chosen["schedule"], "tiers": [{k: t[k] for k in ("tier", "every_days", "keep_days", "with_wal")}
                                                  for t in ret["tiers"]],
        "patroni": ha["patroni"], "health_check": ha["health_check"], "watchdog": ha["watchdog"],
        "replication": ha["replication"], "nodes": ha["nodes"],
        # Strict synchronous mode whenever RPO 0 is promised: without it Patroni drops to async when the
        # last synchronous standby goes, and an acknowledged commit can then be lost.
        "synchronous_mode_strict": ha["replication"] == "sync" and min(rpo.values()) == 0,
        "etcd_hosts": voters(geo_data, ha),
        "alerts": {"backup_age_s": chosen["schedule"]["full_every_days"] * 86400 * 1.5
                   if not chosen["schedule"]["diff_every_days"] else 86400 * 1.5,
                   "replication_lag_s": max(1.0, min(rpo["region"], rpo["host"] or rpo["region"])),
                   "archive_lag_s": max(archive["archive_timeout_s"] * 2, min(rpo["logical"], 900.0))},
        "mariadb": inputs.engine == "mariadb",
        "tier": geo_data.get("tier"), "summary_rto": fmt_duration(inputs.rto_s("host")),
    }
