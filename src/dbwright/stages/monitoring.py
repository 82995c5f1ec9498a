"""Stage 'monitoring': alerting rules for the design's own concerns (DR/HA alerts live with dr_ha).

Each rule's threshold comes from a figure of the design (pool size, cache hit target, capacity
projections, partition interval, ingest capacity) and says which one. Metrics are those of
postgres_exporter, pgbouncer_exporter and redis_exporter; rules that need a custom query say so.
"""

from __future__ import annotations

from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.units import fmt_bytes
from dbwright.stages import workload_profile as wp
from dbwright.stages.context import DesignContext

EXPORTERS = {
    "postgres_exporter": "https://github.com/prometheus-community/postgres_exporter",
    "pgbouncer_exporter": "https://github.com/prometheus-community/pgbouncer_exporter",
    "redis_exporter": "https://github.com/oliver006/redis_exporter",
    "rules": "https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/",
}


def _rule(name: str, expr: str, for_: str, severity: str, summary: str, why: str,
          threshold: Any = None, custom_query: bool = False) -> dict[str, Any]:
    return {"alert": name, "expr": expr, "for": for_, "severity": severity, "summary": summary, "why": why,
            "threshold": threshold, "custom_query": custom_query}


def rules_for(ctx: DesignContext) -> list[dict[str, Any]]:
    spec = ctx.spec
    rules: list[dict[str, Any]] = []
    scaling = ctx.section("scaling")
    caching = ctx.section("caching")
    # connections
    pool = scaling.data["pgbouncer"]["default_pool_size"] if scaling else 20
    clients = scaling.data["pgbouncer"]["max_client_conn"] if scaling else 1000
    rules.append(_rule("DbwrightPoolClientsWaiting", "max by (database) (pgbouncer_pools_client_waiting_connections) > 0",
                       "2m", "warning", "clients queue for a server connection",
                       f"the pool has {pool} server connections per node (cores × 2 + 1); sustained waiting means "
                       "the database is the bottleneck or a query holds connections", pool))
    rules.append(_rule("DbwrightClientConnectionsHigh",
                       f"sum(pgbouncer_pools_client_active_connections + pgbouncer_pools_client_waiting_connections) > {int(clients * 0.8)}",
                       "5m", "warning", "client connections above 80% of max_client_conn",
                       f"max_client_conn = {clients} from 4 × busy connections in 3 years", int(clients * 0.8)))
    rules.append(_rule("DbwrightServerConnectionsSaturated",
                       "sum by (instance) (pg_stat_activity_count) / on (instance) "
                       "max by (instance) (pg_settings_max_connections) > 0.9", "5m", "critical",
                       "PostgreSQL connections above 90% of max_connections",
                       "connections should arrive through PgBouncer; near max_connections new sessions fail", 0.9))
    # cache
    if caching and caching.data.get("patterns"):
        target = caching.data["target_hit_ratio"]
        low = round(max(0.0, target - 0.05), 3)
        rules.append(_rule("DbwrightCacheHitRatioLow",
                           "sum(rate(redis_keyspace_hits_total[10m])) / (sum(rate(redis_keyspace_hits_total[10m])) "
                           f"+ sum(rate(redis_keyspace_misses_total[10m]))) < {low}", "15m", "warning",
                           f"shared-cache hit ratio below {low:.0%}",
                           f"the cache was sized for {target:.0%} ({fmt_bytes(caching.data['total_memory_bytes'])}); "
                           "a lower ratio means the key space or skew differs from the spec, or evictions", low))
        rules.append(_rule("DbwrightCacheEvictions", "sum(rate(redis_evicted_keys_total[10m])) > 0 and "
                           "sum(redis_memory_used_bytes) / sum(redis_memory_max_bytes) > 0.95", "15m", "info",
                           "the cache is full and evicting", "memory sized for the target hit ratio is exhausted; "
                           "resize or lower TTLs", 0.95))
    rules.append(_rule("DbwrightBufferHitRatioLow",
                       "sum by (datname) (rate(pg_stat_database_blks_hit[10m])) / (sum by (datname) "
                       "(rate(pg_stat_database_blks_hit[10m])) + sum by (datname) (rate(pg_stat_database_blks_read[10m]))) < 0.95",
                       "30m", "warning", "PostgreSQL buffer hit ratio below 95%",
                       "the working set no longer fits shared_buffers: read IOPS grow beyond the projection", 0.95))
    # bloat and vacuum
    rules.append(_rule("DbwrightTableBloat",
                       "pg_stat_user_tables_n_dead_tup / (pg_stat_user_tables_n_live_tup + pg_stat_user_tables_n_dead_tup + 1) > 0.2 "
                       "and pg_stat_user_tables_n_dead_tup > 100000", "1h", "warning", "more than 20% dead tuples",
                       "autovacuum falls behind: tables and indexes grow beyond the projected bytes", 0.2))
    rules.append(_rule("DbwrightLongTransaction", "pg_stat_activity_max_tx_duration > 600", "5m", "warning",
                       "a transaction open for more than 10 minutes",
                       "old snapshots block vacuum everywhere (bloat) and hold locks", 600))
    rules.append(_rule("DbwrightXidWraparound", "max(pg_database_datfrozenxid_age) > 1000000000", "30m", "critical",
                       "transaction-ID age above 1 billion",
                       "at 2^31 PostgreSQL stops accepting writes; anti-wraparound vacuum must keep up",
                       1_000_000_000, custom_query=True))
    # capacity headroom vs the projection
    if scaling:
        proj = scaling.data["projections"]
        y1 = proj[1]["total_bytes"]
        rules.append(_rule("DbwrightStorageAheadOfPlan", f"sum(pg_database_size_bytes) > {int(y1)}", "1h", "warning",
                           f"database larger than the 1-year projection ({fmt_bytes(y1)})",
                           "growth runs ahead of the capacity plan: re-run the projection with real growth", int(y1)))
        rules.append(_rule("DbwrightStorageFullIn30d",
                           "predict_linear(pg_database_size_bytes[7d], 30 * 86400) > on (instance) "
                           "node_filesystem_size_bytes{mountpoint=~\"/var/lib/postgresql.*\"} * 0.85", "1h", "critical",
                           "disk 85% full within 30 days at the current growth", "time to add storage or nodes", 0.85))
        now = proj[0]
        wal_s = now["wal_bytes_per_day"] / 86400
        rules.append(_rule("DbwrightWalAheadOfPlan",
                           f"rate(pg_stat_wal_bytes_total[1h]) > {int(wal_s * 3 * max(1.0, spec.workload.peak_multiplier))}",
                           "1h", "info", "WAL generation above 3× the planned peak",
                           f"planned {fmt_bytes(wal_s)}/s on average; full-page images and unplanned writes show here; "
                           "backups, replicas and archive size follow WAL", int(wal_s * 3), custom_query=True))
        node = scaling.data["node"]
        write_limit = node["write_rows_per_s"] * 0.8
        rules.append(_rule("DbwrightWriteHeadroomLow",
                           f"sum by (instance) (rate(pg_stat_database_tup_inserted[5m]) + rate(pg_stat_database_tup_updated[5m]) "
                           f"+ rate(pg_stat_database_tup_deleted[5m])) > {int(write_limit)}", "15m", "warning",
                           "row writes above 80% of one node's capacity",
                           f"node capacity {node['write_rows_per_s']:,} rows/s ("
                           + ("planning default" if scaling.data["throughput"].get("planning_default") else
                              f"measured on {scaling.data['throughput']['engine']}") + ")", int(write_limit)))
        for ing in scaling.data.get("ingest", []):
            table = ctx.tables.get(ing["entity"]) or wp._snake(ing["entity"])
            rules.append(_rule(f"DbwrightIngestBehind{ing['entity']}",
                               f"sum(rate(pg_stat_user_tables_n_tup_ins{{relname=~\"{table}(_p.*)?\"}}[5m])) < "
                               f"{int(ing['peak_rows_per_s'] / max(1.0, spec.workload.peak_multiplier) * 0.5)}",
                               "10m", "critical", f"{ing['entity']} ingest below half the normal rate",
                               "gateways are buffering or writers are failing; their buffer is finite",
                               int(ing["peak_rows_per_s"] / max(1.0, spec.workload.peak_multiplier) * 0.5)))
        for part in scaling.data.get("partitioning", []):
            if part["method"] != "range":
                continue
            rules.append(_rule(f"DbwrightPartitionsMissing{part['entity']}",
                               f"dbwright_partman_premade_partitions{{parent_table=\"public.{part['table']}\"}} < 2",
                               "30m", "critical", f"fewer than 2 future partitions of {part['table']}",
                               f"{part['interval']} partitions are pre-made by pg_partman; without them inserts fail "
                               "(or land in a default partition)", 2, custom_query=True))
        if scaling.data["projections"][0]["replicas"]:
            rules.append(_rule("DbwrightReplicaLagAboveStaleness",
                               "max(pg_replication_lag_seconds) > 5", "2m", "warning",
                               "read replica lag above 5 s", "replicas serve reads that tolerate bounded staleness",
                               5))
    return rules


def run(ctx: DesignContext) -> Section | None:
    rules = rules_for(ctx)
    custom = [r["alert"] for r in rules if r["custom_query"]]
    ev = [Evidence.formula(f"{r['alert']}: threshold", r["threshold"], why=r["why"]) for r in rules
          if r["threshold"] is not None]
    ev += [Evidence.cited(f"metrics from {k}", v) for k, v in EXPORTERS.items()]
    decision = Decision(
        topic="monitoring",
        choice=f"{len(rules)} Prometheus alerting rules (connections, cache, bloat, capacity, ingest, partitions)",
        rationale="Each threshold is a figure of this design, so an alert means the system left the plan: "
                  + "; ".join(f"{r['alert']} ({r['why']})" for r in rules[:6]) + " …",
        trade_offs=["thresholds follow the spec's figures: revisit them when the spec changes",
                    f"{len(custom)} rule(s) need a custom postgres_exporter query: {', '.join(custom)}"],
        alternatives=[Alternative("generic dashboards only", "nobody is told when growth or hit ratio leave the plan")],
        evidence=ev)
    return Section(name="monitoring", title="Monitoring and alerting",
                   summary=f"{len(rules)} alerting rules derived from the design's figures", decisions=[decision],
                   data={"rules": rules})
