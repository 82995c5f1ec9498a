"""High availability within the primary region: manager, replication mode, failover time,
split-brain protection, routing, availability and durability."""

from __future__ import annotations

from typing import Any

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_duration
from dbwright.stages.dr_common import DrInputs, cited, evidence_of, q
from dbwright.theory import availability, durability, geo, recovery

PATRONI_DOCS = "Patroni documentation, https://patroni.readthedocs.io/en/latest/dynamic_configuration.html"
FIELD_NOTES = "measured on Debian 12, Patroni 3.0.2, etcd 3.4, HAProxy 2.6 (shared/FIELD-NOTES.md)"
# Patroni default: a replica lagging more than this is not promoted (bounds the async loss).
MAX_LAG_ON_FAILOVER_B = 1_048_576
MIN_LAG_ON_FAILOVER_B = 16_384
HA_NODES = 3
# (database nodes, DCS voters, router instances), smallest first: the first that meets the target is used.
HA_SIZES = ((3, 3, 2), (3, 5, 2), (3, 5, 3), (5, 5, 3))


def size_cluster(target: float | None, failover_s: float) -> tuple[int, int, int, availability.AvailabilityResult]:
    """Smallest (nodes, voters, routers) whose composed availability meets ``target``."""
    best = None
    for n, v, r in HA_SIZES:
        av = availability.ha_cluster_availability(n, failover_s, dcs_voters=v, router_instances=r)
        best = (n, v, r, av)
        if target is None or av.availability >= target:
            break
    assert best is not None
    return best


# Assumption when the spec gives no regions.list[].zones for the primary region: 3 zones (AWS, Azure
# and GCP regions mostly have 3+; https://aws.amazon.com/about-aws/global-infrastructure/regions_az/).
DEFAULT_ZONES = 3


def primary_zones(spec: Spec) -> tuple[int, bool]:
    name = spec.regions.primary or next((r.name for r in spec.regions.list_ if r.role == "primary"), None)
    for r in spec.regions.list_:
        if r.name == name and r.zones:
            return int(r.zones), True
    return DEFAULT_ZONES, False


def choose_replication(spec: Spec, inputs: DrInputs) -> tuple[str, dict[str, Any]]:
    """sync when the host/zone RPO is below what async can bound, else async."""
    wal = max(inputs.wal_rate["value"], 1.0)
    need = min(inputs.rpo_s("host"), inputs.rpo_s("zone"))
    # Patroni's maximum_lag_on_failover, lowered so that the async loss fits the RPO (not below 16 KiB:
    # a lower cap would refuse most failovers under normal lag).
    max_lag = float(max(MIN_LAG_ON_FAILOVER_B, min(MAX_LAG_ON_FAILOVER_B, need * wal)))
    bound = q(max_lag / wal, "s",
              "async loss bound ≈ maximum_lag_on_failover / wal_rate (a replica further behind is not promoted); "
              "maximum_lag_on_failover = clamp(RPO × wal_rate, 16 KiB, 1 MiB)",
              maximum_lag_on_failover_b=max_lag, wal_rate_bps=wal, rpo_s=need)
    if spec.dr.replication != "decide":
        return spec.dr.replication, bound
    # Region RPO 0 is kept only by a synchronous standby in the DR region: the cluster replicates sync.
    return ("sync" if need == 0 or need < bound["value"] or inputs.rpo_s("region") == 0 else "async"), bound


def patroni_settings(spec: Spec, inputs: DrInputs) -> tuple[dict[str, float], str]:
    dr = spec.dr
    if dr.patroni_ttl is not None:
        return {"ttl": float(dr.patroni_ttl),
                "loop_wait": float(dr.patroni_loop_wait or recovery.PATRONI_DEFAULT_LOOP_WAIT),
                "retry_timeout": float(dr.patroni_retry_timeout or recovery.PATRONI_DEFAULT_RETRY_TIMEOUT)}, \
            "given in the spec (dr.patroni_*)"
    inter = float(dr.health_check_interval or 1.0)
    fall = int(dr.health_check_fall or 2)
    tuned = recovery.tune_patroni_for_rto(inputs.rto_s("host"), inter, fall)
    if tuned is None:
        return {"ttl": 10.0, "loop_wait": 2.5, "retry_timeout": 2.5}, \
            "the host RTO is below any safe Patroni setting: ttl 10 s is the floor used"
    if tuned["ttl"] >= recovery.PATRONI_DEFAULT_TTL:
        return {"ttl": recovery.PATRONI_DEFAULT_TTL, "loop_wait": recovery.PATRONI_DEFAULT_LOOP_WAIT,
                "retry_timeout": recovery.PATRONI_DEFAULT_RETRY_TIMEOUT}, \
            "Patroni defaults already meet the host RTO"
    return tuned, "largest ttl whose worst case fits the host RTO (ttl : loop_wait : retry_timeout = 4 : 1 : 1)"


def plan_ha(spec: Spec, inputs: DrInputs, zone_rtt_ms: float) -> tuple[list[Decision], dict[str, Any]]:
    dr = spec.dr
    decisions: list[Decision] = []
    mode, async_bound = choose_replication(spec, inputs)
    timings, why_timings = patroni_settings(spec, inputs)
    inter = float(dr.health_check_interval or 1.0)
    fall = int(dr.health_check_fall or 2)
    fo = recovery.predict_patroni_failover(timings["ttl"], timings["loop_wait"], timings["retry_timeout"],
                                           inter, fall)
    # primary_start_timeout: time Patroni gives a crashed PostgreSQL to restart in place.
    rest = inputs.rto_s("host") - 2 * timings["loop_wait"] - recovery.PROMOTE_S - inter * fall
    pst = max(0.0, min(recovery.PATRONI_DEFAULT_PRIMARY_START_TIMEOUT, float(int(rest))))
    crash = recovery.predict_patroni_failover(timings["ttl"], timings["loop_wait"], timings["retry_timeout"],
                                              inter, fall, scenario="postgres_crash", primary_start_timeout=pst)
    failover = {**q(fo.worst_s, "s", fo.formula, **fo.inputs), "best": q(fo.best_s, "s", fo.formula, **fo.inputs),
                "expected": q(fo.expected_s, "s", fo.formula, **fo.inputs), "phases": fo.phases,
                "timing_rule": fo.timing_rule, "timing_rule_ok": fo.timing_rule_ok,
                "measured_defaults": cited(25.4, "s", "defaults (30/10/10): first write 21.6 and 25.4 s after "
                                           "kill -9 of the leader", FIELD_NOTES),
                "postgres_crash": {**q(crash.worst_s, "s", crash.formula, **crash.inputs),
                                   "primary_start_timeout": pst}}
    engine = inputs.engine
    if engine == "mariadb":
        fo = recovery.predict_maxscale_failover()
        failover = {**q(fo.worst_s, "s", fo.formula, **fo.inputs), "best": q(fo.best_s, "s", fo.formula, **fo.inputs),
                    "expected": q(fo.expected_s, "s", fo.formula, **fo.inputs), "phases": fo.phases,
                    "timing_rule": fo.timing_rule, "timing_rule_ok": True}
    n_nodes, n_voters, n_routers, _ = size_cluster(inputs.target, fo.expected_s)
    zones, zones_given = primary_zones(spec)
    zone_quorum = geo.quorum_placement(geo.spread(n_voters, [f"zone-{i + 1}" for i in range(zones)]))
    multi = dr.ha == "active-active" or spec.regions.writes == "multi"
    manager: str = dr.manager if dr.manager != "decide" else ("patroni" if engine == "postgresql" else "maxscale")
    if dr.ha == "none":
        manager = "none"
    if engine == "postgresql" and manager != "none":
        decisions.append(Decision(
            topic="High-availability topology",
            choice=(f"{'active-active writes across regions are out of reach for PostgreSQL: ' if multi else ''}"
                    f"active-passive: {n_nodes} PostgreSQL nodes over {zones} zone(s) managed by "
                    f"{f'Patroni + etcd ({n_voters} voters over {zones} zone(s))' if manager == 'patroni' else manager}, "
                    f"{mode} replication"),
            rationale=(f"Host RPO {fmt_duration(inputs.rpo_s('host'))}, zone RPO {fmt_duration(inputs.rpo_s('zone'))}: "
                       + ("synchronous replication (Patroni synchronous_mode) loses no acknowledged commit — "
                          "measured 0 lost across kills — "
                          if mode == "sync" else
                          f"async loses up to ~{async_bound['display']} of WAL on failover, within the RPO; ")
                       + f"failover worst case {fo.worst_s:.1f} s vs host RTO {fmt_duration(inputs.rto_s('host'))}."),
            trade_offs=[f"sync: every commit waits one inter-zone round trip (~{zone_rtt_ms:.1f} ms)" if mode == "sync"
                        else "async: a failover can lose the WAL not yet replicated",
                        "3 nodes: a third copy keeps sync mode available while one standby is down"],
            alternatives=[
                Alternative("pg_auto_failover (monitor + 2 nodes)",
                            "the monitor is a single point for failover decisions; Patroni's DCS quorum "
                            "spreads it over 3 zones" if manager == "patroni" else "chosen in the spec"),
                Alternative("active-active (BDR/pgEdge, or distributed SQL)",
                            "PostgreSQL has no built-in multi-primary: BDR/pgEdge bring conflict resolution and "
                            "licence cost, distributed SQL is the technology stage's call; the DR tier below "
                            "prices it" if multi else
                            "conflict resolution, licence cost and ~2× nodes; single-writer meets the targets"),
                Alternative("single node + restore", "RTO would be a restore "
                            "(see backups), far above the host RTO"),
            ],
            evidence=[evidence_of(failover), evidence_of(async_bound), evidence_of(failover["measured_defaults"]),
                      Evidence.cited("loop_wait + 2·retry_timeout ≤ ttl", PATRONI_DOCS)],
        ))
        decisions.append(Decision(
            topic="Failover timings",
            choice=(f"ttl={timings['ttl']:g}, loop_wait={timings['loop_wait']:g}, "
                    f"retry_timeout={timings['retry_timeout']:g}, primary_start_timeout={pst:g}; "
                    f"HAProxy inter {inter:g}s fall {fall} rise 1"),
            rationale=(f"{why_timings}. Failover = lease expiry (ttl − loop_wait … ttl) + promotion + router switch: "
                       f"{fo.best_s:.1f}–{fo.worst_s:.1f} s, expected {fo.expected_s:.1f} s. A PostgreSQL crash "
                       f"with Patroni alive first restarts in place for primary_start_timeout: worst "
                       f"{crash.worst_s:.0f} s."),
            trade_offs=["a shorter ttl fails over faster but a DCS or network hiccup longer than ttl demotes a "
                        "healthy primary", "primary_start_timeout 0 fails over on every crash instead of a "
                        "quicker in-place restart"],
            alternatives=[Alternative("Patroni defaults (30/10/10)", f"worst case "
                                      f"{recovery.predict_patroni_failover().worst_s:.1f} s"
                                      + (" exceeds the host RTO" if recovery.predict_patroni_failover().worst_s
                                         > inputs.rto_s("host") else ""))],
            evidence=[evidence_of(failover), evidence_of(failover["postgres_crash"])],
        ))
    watchdog = dr.watchdog if dr.watchdog is not None else True
    if engine == "mariadb" and manager != "none":
        decisions += mariadb_ha_decisions(inputs, mode, fo, n_nodes, n_routers)
    if engine == "postgresql":
        decisions += pg_ha_decisions(watchdog, n_routers)
    # Availability and durability.
    nodes = n_nodes if manager != "none" else 1
    av = availability.ha_cluster_availability(nodes, fo.expected_s, dcs_voters=n_voters,
                                              router_instances=n_routers if nodes > 1 else 0)
    single = availability.ha_cluster_availability(1, 0.0, router_instances=0)
    avail = {**q(av.availability, "fraction", av.formula, **av.inputs), "terms": av.terms,
             "downtime": q(av.downtime_min_per_year, "min/year", "downtime = (1 − A) × 525,600 min",
                           availability=av.availability),
             "target": inputs.target,
             "meets_target": inputs.target is None or av.availability >= inputs.target,
             "single_node": q(single.availability, "fraction", single.formula, **single.inputs),
             "max_failover_for_target": (q(availability.max_failover_for_target(inputs.target, nodes), "s",
                                           "t_max = ((1 − target) − (1 − a)ⁿ) × year / failovers_per_year",
                                           target=inputs.target, nodes=nodes)
                                         if inputs.target else None)}
    decisions.append(Decision(
        topic="Availability",
        choice=f"{av.availability * 100:.4f}% ≈ {av.downtime_min_per_year:.0f} min/year of downtime",
        rationale=("Series of the router pair, the DCS quorum and the database cluster; the cluster is down when "
                   "every node is, plus one failover per primary loss."
                   + (f" Target {inputs.target * 100:g}% ({availability.downtime_minutes_per_year(inputs.target):.0f} "
                      f"min/year) is {'met' if avail['meets_target'] else 'NOT met'}." if inputs.target else "")),
        trade_offs=["node availability is the cloud SLA floor (99.5%), not a measured rate",
                    "planned switchovers (patching) cost a few seconds each and are not counted"],
        alternatives=[Alternative("single node", f"{single.availability * 100:.2f}% ≈ "
                                  f"{single.downtime_min_per_year:.0f} min/year")],
        evidence=[evidence_of(avail), evidence_of(avail["downtime"]),
                  Evidence.cited("EC2 instance-level SLA 99.5%", "https://aws.amazon.com/compute/sla/")],
    ))
    dur = durability.replication_durability(nodes, durability.EBS_GP3_AFR)
    dur_disk = durability.replication_durability(nodes, durability.DISK_AFR)
    durab = {**q(dur.annual_loss_probability, "probability", dur.formula, **dur.inputs),
             "nines": dur.nines, "caveat": dur.caveat,
             "raw_disks": q(dur_disk.annual_loss_probability, "probability", dur_disk.formula, **dur_disk.inputs)}
    decisions.append(Decision(
        topic="Durability",
        choice=f"{nodes} copies on EBS-class volumes: annual loss probability {dur.annual_loss_probability:.1e} "
               f"(~{dur.nines:.0f} nines) before backups",
        rationale=dur.caveat + " Backups in two regions add independent copies on top.",
        trade_offs=["the model assumes independent failures; a shared bug or operator error is correlated"],
        alternatives=[Alternative("raw disks (AFR 1.7%)", f"{dur_disk.annual_loss_probability:.1e} per year")],
        evidence=[evidence_of(durab),
                  Evidence.cited("EBS gp3 AFR 0.1–0.2%", "https://aws.amazon.com/ebs/features/"),
                  Evidence.cited("Backblaze 2023 AFR 1.70%", "https://www.backblaze.com/blog/"
                                 "backblaze-drive-stats-for-2023/")],
    ))
    data = {"zones": zones, "zones_given": zones_given, "zone_quorum": zone_quorum.to_dict(),
            "zone_failover_automatic": zone_quorum.survives_any_site and manager != "none",
            "manager": manager, "nodes": nodes, "dcs_voters": n_voters, "routers": n_routers, "multi_writer_requested": multi, "replication": mode, "async_loss_bound": async_bound,
            "patroni": {**timings, "primary_start_timeout": pst, "maximum_lag_on_failover":
                        int(async_bound["evidence"]["inputs"]["maximum_lag_on_failover_b"]),
                        "synchronous_mode": mode == "sync"},
            "health_check": {"inter_s": inter, "fall": fall, "rise": 1}, "watchdog": watchdog,
            "failover": failover, "availability": avail, "durability": durab,
            "zone_rtt": cited(zone_rtt_ms, "ms", "inter-zone RTT", "AWS fault isolation boundaries whitepaper"
                              " (single-digit ms between AZs)") if zone_rtt_ms == geo.INTER_ZONE_RTT_MS
            else cited(zone_rtt_ms, "ms", "inter-zone RTT", "spec")}
    return decisions, data



def pg_ha_decisions(watchdog: bool, n_routers: int) -> list[Decision]:
    """Split-brain protection and routing for Patroni-managed PostgreSQL."""
    return [Decision(
        topic="Split-brain protection",
        choice=("leader lease in etcd (ttl) + Linux watchdog (softdog, Patroni watchdog.mode=required) + "
                "router checks on GET /primary with on-marked-down shutdown-sessions"
                if watchdog else "leader lease + router fencing only (no watchdog available)"),
        rationale=("A primary that loses the DCS demotes itself within ttl; if Patroni itself hangs or dies, only "
                   "the watchdog resets the host, otherwise its PostgreSQL stays a primary nobody demotes "
                   "(FIELD-NOTES: killing only Patroni leaves an undemoted primary). HAProxy sends writes only "
                   "where /primary answers 200 and cuts sessions to a node marked down."),
        trade_offs=["the watchdog reboots a host whose Patroni stalls longer than ttl − safety_margin",
                    "synchronous_mode_strict=off keeps writes available when no sync standby is left, at the "
                    "cost of RPO 0 while degraded (alert on it)"],
        alternatives=[Alternative("STONITH via the cloud API", "slower and needs credentials on every node; "
                                  "use it in addition where a watchdog cannot be loaded")],
        evidence=[Evidence.cited("watchdog, safety_margin and leader lease", "https://patroni.readthedocs.io/en/"
                                 "latest/watchdog.html"), Evidence.cited("kill only Patroni → stale primary without "
                                                                         "watchdog", FIELD_NOTES)],
    ), Decision(
        topic="Connection routing",
        choice=f"{n_routers} HAProxy instances (keepalived VIP or cloud LB) → port 5000 writes (GET /primary), "
               "5001 reads (GET /replica); PgBouncer (transaction pooling) on each PostgreSQL node",
        rationale="Clients keep one endpoint; HAProxy follows the Patroni leader within inter·fall; PgBouncer "
                  "bounds server connections so a reconnect storm after failover does not exhaust them.",
        trade_offs=["transaction pooling forbids session state (SET, advisory locks, prepared statements "
                    "before PgBouncer 1.21)", "HAProxy checks make Patroni log a ConnectionResetError per check"],
        alternatives=[Alternative("libpq multi-host target_session_attrs=read-write",
                                  "no router to run, but every client must support it and reconnect by itself"),
                      Alternative("DNS switch by Patroni callbacks", "bounded by DNS TTL and client caching")],
        evidence=[Evidence.cited("HAProxy httpchk GET /primary → 200 on the leader", FIELD_NOTES)],
    )]


MAXSCALE_DOCS = "MariaDB MaxScale monitor docs, https://mariadb.com/kb/en/mariadb-maxscale-2302-mariadb-monitor/"


def mariadb_ha_decisions(inputs: DrInputs, mode: str, fo: recovery.FailoverPrediction, n_nodes: int,
                         n_routers: int) -> list[Decision]:
    """Topology, failover, split brain and routing for MariaDB with MaxScale."""
    ev = Evidence.formula(fo.formula, fo.worst_s, **fo.inputs)
    return [Decision(
        topic="High-availability topology",
        choice=(f"MariaDB primary + {n_nodes - 1} replicas in separate zones (GTID replication"
                + (", semi-synchronous: rpl_semi_sync_master_wait_point=AFTER_SYNC" if mode == "sync" else ", async")
                + f"), MaxScale mariadbmon auto_failover + auto_rejoin on {n_routers} MaxScale nodes"),
        rationale=(f"Failover {fo.best_s:.0f}–{fo.worst_s:.0f} s (monitor interval × failcount + promotion) vs host RTO "
                   f"{fmt_duration(inputs.rto_s('host'))}; "
                   + ("semi-sync AFTER_SYNC acknowledges a commit only once a replica has the event: RPO 0 for a "
                      "single failure." if mode == "sync" else "async replicas can miss the last events on failover.")),
        trade_offs=["semi-sync falls back to async after rpl_semi_sync_master_timeout (alert on it)",
                    "estimate only: the MaxScale failover is not drilled here (the Patroni one is)"],
        alternatives=[Alternative("Galera (3-node synchronous multi-primary)", "certification conflicts on hot "
                                  "rows and flow control make write latency follow the slowest node"),
                      Alternative("Orchestrator", "unmaintained since 2021")],
        evidence=[ev, Evidence.cited("mariadbmon defaults monitor_interval 2 s, failcount 5", MAXSCALE_DOCS)],
    ), Decision(
        topic="Split-brain protection and routing",
        choice="one active MaxScale at a time (cooperative_monitoring_locks=majority_of_all), readwritesplit "
               "router; old primary rejoins as replica (auto_rejoin) and stays read_only until then",
        rationale="Only the monitor holding a majority of the server locks may fail over, so two MaxScales cannot "
                  "promote two primaries; clients reach the primary only through MaxScale.",
        trade_offs=["applications must not bypass MaxScale to write"],
        alternatives=[Alternative("HAProxy + scripts", "no coordinated promotion: split-brain risk")],
        evidence=[Evidence.cited("cooperative_monitoring_locks", MAXSCALE_DOCS)],
    )]
