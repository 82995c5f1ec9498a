"""Stage 'scaling': capacity projections (1/3/5 years), vertical headroom, read replicas,
connection pooling, partitioning, sharding and high-rate ingestion.

Every figure is a formula over the spec with its inputs. Per-node throughput comes from a
measurement on a sandbox (``verify.throughput``) when one is attached (``ctx.options['throughput']``
or later via :func:`apply_throughput`); until then a stated planning default is used and the
section says so.
"""

from __future__ import annotations

import math
from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Location, Severity
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_bytes
from dbwright.stages import workload_profile as wp
from dbwright.stages.context import DesignContext
from dbwright.stages.scaling_ingest import ingest_decisions
from dbwright.stages.scaling_partition import partition_plan
from dbwright.stages.scaling_shard import shard_plan
from dbwright.theory import capacity as cap
from dbwright.theory.caching import lru_hit_ratio, parse_zipf

HORIZONS = (0, 1, 3, 5)
NODE_CORES = 16
NODE_RAM = 128 * 2**30
EFFICIENCY = 0.7   # share of linear scaling kept when going from the sandbox's cores to a node's
UTILISATION = 0.6  # plan nodes to run at most 60% busy at peak
# Assumption when the spec gives no workload.max_write_nodes: beyond ~64 shard primaries operations
# (schema changes, rebalancing, backups per shard) dominate; a larger fleet is a different product.
DEFAULT_MAX_WRITE_NODES = 64
SINGLE_NODE_STORAGE = 64 * 2**40
BATCHED_INSERT_RATE = 10_000.0
INGEST_BATCH = 500
PGBOUNCER_CLIENTS_PER_PROCESS = 10_000  # single-threaded: run several behind SO_REUSEPORT past this
STORAGE_SOURCE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html"
COMFORT_STORAGE = 10e12  # beyond ~10 TB restores and rebuilds of one node take many hours
# Planning default until a measurement is attached: round numbers below what dbwright measured on a
# 2-core Debian 12 sandbox with PostgreSQL 15.20 (COPY 96k rows/s, 500-row INSERT 25k rows/s,
# 14.5k primary-key reads/s on one connection).
PLANNING = {"engine": None, "version": None, "cores": 2, "copy_rows_per_s": 50_000.0,
            "insert_rows_per_s": 10_000.0, "point_reads_per_s_per_connection": 10_000.0,
            "planning_default": True}


def node_capacity(tp: dict[str, Any], node_cores: int) -> dict[str, float]:
    """Scale a sandbox measurement to one production node (formula stated in the evidence)."""
    streams = max(1.0, node_cores / 2)
    sandbox_streams = max(1.0, tp["cores"] / 2)
    return {
        "ingest_rows_per_s": tp["copy_rows_per_s"] * streams / sandbox_streams * EFFICIENCY,
        "write_rows_per_s": tp["insert_rows_per_s"] * streams / sandbox_streams * EFFICIENCY,
        "point_reads_per_s": tp["point_reads_per_s_per_connection"] * node_cores * EFFICIENCY,
    }


def _tp_evidence(tp: dict[str, Any], node: dict[str, float], node_cores: int) -> list[Evidence]:
    scale = f"× (node cores {node_cores} / 2 streams) / (sandbox {tp['cores']} cores / 2) × {EFFICIENCY}"
    if tp.get("planning_default"):
        head = [Evidence.formula("per-node throughput: PLANNING DEFAULT, not measured — attach a sandbox "
                                 "measurement (`dbwright capacity SPEC --measure`, or `dbwright design` with "
                                 "verification)", None, **{k: v for k, v in PLANNING.items() if v is not None})]
    else:
        head = [Evidence.measured(f"single-stream COPY on {tp['engine']} ({tp.get('method', '')}; settings "
                                  f"{', '.join(f'{k}={v}' for k, v in (tp.get('settings') or {}).items()) or 'defaults'}"
                                  + (f"; {tp['calibration']}" if tp.get("calibration") else "") + ")",
                                  round(tp["copy_rows_per_s"]), engine=tp["engine"],
                                  version=tp["version"], cores=tp["cores"]),
                Evidence.measured(f"500-row INSERT batches on {tp['engine']}", round(tp["insert_rows_per_s"]),
                                  engine=tp["engine"], version=tp["version"], cores=tp["cores"]),
                Evidence.measured(f"primary-key reads per connection on {tp['engine']}",
                                  round(tp["point_reads_per_s_per_connection"]), engine=tp["engine"],
                                  version=tp["version"], cores=tp["cores"])]
    return [
        *head,
        Evidence.formula(f"node ingest rows/s = COPY rate {scale}", round(node["ingest_rows_per_s"]),
                         copy_rows_per_s=round(tp["copy_rows_per_s"])),
        Evidence.formula(f"node transactional rows/s = INSERT rate {scale}", round(node["write_rows_per_s"]),
                         insert_rows_per_s=round(tp["insert_rows_per_s"])),
        Evidence.formula(f"node point reads/s = per-connection rate × {node_cores} cores × {EFFICIENCY}",
                         round(node["point_reads_per_s"]),
                         per_connection=round(tp["point_reads_per_s_per_connection"]))]


def projections(spec: Spec) -> list[dict[str, Any]]:
    """Per horizon: rows, heap and index bytes, per entity and in total."""
    out = []
    for years in HORIZONS:
        ents: list[dict[str, Any]] = []
        for name, e in spec.entities.items():
            rows = cap.grow(e.rows or 0, wp.monthly_growth(spec, e), 12 * years)
            payload = wp.row_payload(spec, e)
            heap = cap.heap_bytes(rows, payload)
            idx = sum(cap.btree_bytes(rows, k) for k in wp.index_keys(spec, name, e))
            ents.append({"entity": name, "rows": rows, "heap_bytes": heap, "index_bytes": idx})
        out.append({"years": years, "entities": ents, "rows": sum(x["rows"] for x in ents),
                    "heap_bytes": sum(x["heap_bytes"] for x in ents),
                    "index_bytes": sum(x["index_bytes"] for x in ents),
                    "total_bytes": sum(x["heap_bytes"] + x["index_bytes"] for x in ents)})
    return out


def _traffic_growth(spec: Spec) -> float:
    return spec.workload.growth or 0.0


def load_at(spec: Spec, years: float, cache_saved: float) -> dict[str, float]:
    r = wp.rates(spec)
    g = cap.grow(1.0, _traffic_growth(spec), 12 * years)
    reads_db = max(0.0, r.peak_reads - cache_saved * r.peak_multiplier) * g
    wal = wal_peak = 0.0
    for p in spec.access_patterns:
        if not p.is_write:
            continue
        targets = p.writes or {wp.pattern_entity(spec, p) or "": 1}
        for ent, n in targets.items():
            e = spec.entities.get(ent)
            if e is None:
                continue
            per_row = cap.wal_bytes_per_row(wp.row_payload(spec, e), wp.index_keys(spec, ent, e))
            wal += wp.average_rate(p) * n * per_row  # volume: sustained + bursts averaged in
            wal_peak += wp.peak_rate(p, r.peak_multiplier) * n * per_row  # sizing: the peak
    return {"peak_rows_written": r.peak_rows_written * g, "peak_reads_db": reads_db,
            "wal_bytes_per_s_peak": wal_peak * g, "wal_bytes_per_day": wal * 86400 * g,
            "growth_factor": g}


def _busy_connections(spec: Spec, years: float) -> float:
    g = cap.grow(1.0, _traffic_growth(spec), 12 * years)
    total = 0.0
    for p in spec.access_patterns:
        mean = (p.p99 / 3) if p.p99 else 0.005
        calls = p.rate
        if p.is_write and p.kind == "insert" and wp.rows_written(p) >= BATCHED_INSERT_RATE:
            calls = wp.rows_written(p) / INGEST_BATCH  # high-rate inserts arrive in batches
        total += cap.little_concurrency(calls * spec.workload.peak_multiplier * g, min(mean, 0.5))
    return total


def _years_until(load: float, capacity: float, growth: float) -> float | None:
    if load <= 0:
        return None
    if load >= capacity:
        return 0.0
    if growth <= 0:
        return None
    return math.log(capacity / load) / math.log(1 + growth) / 12


def capacity_decisions(spec: Spec, proj: list[dict[str, Any]], tp: dict[str, Any], node_cores: int,
                       cache_saved: float) -> tuple[list[Decision], dict[str, Any], list[Finding]]:
    node = node_capacity(tp, node_cores)
    findings: list[Finding] = []
    loads = {y: load_at(spec, y, cache_saved) for y in HORIZONS}
    g = _traffic_growth(spec)
    ingest_heavy = wp.rates(spec).peak_rows_written >= 20_000
    per_node_writes = (node["ingest_rows_per_s"] if ingest_heavy else node["write_rows_per_s"]) * UTILISATION
    read_cap = node["point_reads_per_s"] * UTILISATION
    rows = []
    for y in HORIZONS:
        ld, pr = loads[y], proj[HORIZONS.index(y)]
        rows.append({"years": y, "rows": pr["rows"], "heap_bytes": pr["heap_bytes"], "index_bytes": pr["index_bytes"],
                     "total_bytes": pr["total_bytes"], "peak_rows_written": ld["peak_rows_written"],
                     "peak_reads_db": ld["peak_reads_db"], "wal_bytes_per_day": ld["wal_bytes_per_day"],
                     "write_iops_upper": ld["peak_rows_written"] * 2, "busy_connections": _busy_connections(spec, y),
                     "write_headroom": per_node_writes / ld["peak_rows_written"] if ld["peak_rows_written"] else None,
                     "read_headroom": read_cap / ld["peak_reads_db"] if ld["peak_reads_db"] else None,
                     "storage_headroom": COMFORT_STORAGE / pr["total_bytes"] if pr["total_bytes"] else None,
                     "replicas": max(0, cap.nodes_for(ld["peak_reads_db"], node["point_reads_per_s"], UTILISATION) - 1),
                     "write_nodes": cap.nodes_for(ld["peak_rows_written"], per_node_writes / UTILISATION, UTILISATION)})
    now, y3 = rows[0], rows[2]
    # read IOPS: reads missing the node's memory (LRU over rows of read entities, RAM / row size)
    s = parse_zipf(spec.workload.access_skew) if spec.workload.access_skew else 1.0
    ram_rows = NODE_RAM * 0.75 / 200
    read_rows = max(1, int(sum(x["rows"] for x in proj[0]["entities"])))
    mem_hit = lru_hit_ratio(read_rows, s, ram_rows)
    for row in rows:
        row["read_iops"] = row["peak_reads_db"] * (1 - mem_hit) * 2
    ev: list[Evidence] = _tp_evidence(tp, node, node_cores)
    for row in rows:
        ev.append(Evidence.formula(
            f"year {row['years']}: bytes = Σ entities heap(rows, 24 B header + aligned payload + 4 B line pointer, "
            f"8 kB pages) + B-tree leaves (8 B tuple header + key + 4 B pointer, fill 90%); rows = rows₀ × (1+g)^months",
            round(row["total_bytes"]), rows=round(row["rows"]), heap_bytes=round(row["heap_bytes"]),
            index_bytes=round(row["index_bytes"])))
        ev.append(Evidence.formula(
            f"year {row['years']}: WAL/day = Σ write rate × rows × (24 B record + heap tuple + Σ(24 B + index entry)) "
            "× 86400 × traffic growth (no full-page images: a lower bound)", round(row["wal_bytes_per_day"]),
            growth=round(loads[row["years"]]["growth_factor"], 3)))
        ev.append(Evidence.formula(f"year {row['years']}: busy connections = Σ peak rate × mean time (p99/3, "
                                   "5 ms when no p99) — Little's law", round(row["busy_connections"], 1)))
        ev.append(Evidence.formula(f"year {row['years']}: read IOPS = DB reads × (1 − memory hit {mem_hit:.2f}) × 2 "
                                   "pages (index leaf + heap)", round(row["read_iops"]),
                                   db_reads=round(row["peak_reads_db"]), node_ram=NODE_RAM, skew=s))
    ev.append(Evidence.cited("single-instance storage limit (RDS PostgreSQL: 64 TiB)", STORAGE_SOURCE))
    ev.append(Evidence.cited("PostgreSQL page layout: tuple header, line pointers, 8 kB pages",
                             cap.SOURCES["page_layout"]))
    tw = _years_until(now["peak_rows_written"], per_node_writes, g)
    tr = _years_until(now["peak_reads_db"], read_cap * (1 + now["replicas"]), g)
    limits = []
    if now["write_headroom"] is not None and now["write_headroom"] < 1:
        limits.append(f"writes already exceed one node ({now['peak_rows_written']:,.0f} rows/s at peak vs "
                      f"{per_node_writes:,.0f} per node at {UTILISATION:.0%})")
    elif tw is not None:
        limits.append(f"one primary's write capacity lasts ≈ {tw:.1f} years at {g:.1%}/month traffic growth")
    if now["storage_headroom"] is not None and now["storage_headroom"] < 1:
        limits.append(f"data ({fmt_bytes(now['total_bytes'])}) already exceeds the ~10 TB comfortable for one node")
    if now["write_headroom"] is None or now["write_headroom"] >= 1:
        choice = "vertical: one primary" + (f" + {now['replicas']} read replica(s) today" if now["replicas"] else "") \
            + (f", {y3['replicas']} read replica(s) by year 3" if y3["replicas"] != now["replicas"] else "")
        if tw is not None and tw < 3:
            choice += f"; writes outgrow one primary in ≈ {tw:.1f} years (see sharding)"
    else:
        choice = f"horizontal: ≥ {now['write_nodes']} write nodes today, {y3['write_nodes']} by year 3"
    decisions = [Decision(
        topic="capacity and vertical headroom",
        choice=choice + f" ({node_cores}-vCPU nodes)",
        rationale=(f"Today {fmt_bytes(now['total_bytes'])} ({fmt_bytes(now['index_bytes'])} indexes), "
                   f"{fmt_bytes(y3['total_bytes'])} in 3 years, {fmt_bytes(rows[3]['total_bytes'])} in 5. Peak "
                   f"{now['peak_rows_written']:,.0f} rows written/s and {now['peak_reads_db']:,.0f} database reads/s "
                   f"(after cache hits) against {per_node_writes:,.0f} writes/s and {read_cap:,.0f} reads/s per node at "
                   f"{UTILISATION:.0%} utilisation. " + "; ".join(limits) + "."
                   + (" Per-node throughput is a planning default, not yet measured." if tp.get("planning_default")
                      else f" Per-node throughput measured on {tp['engine']} {tp['version']}.")),
        trade_offs=["a bigger node buys time but not write scale-out; replicas scale reads only",
                    "replicas lag: reads that must see their own writes stay on the primary"],
        alternatives=[Alternative("shard now", "adds cross-shard queries and operations before the load needs it")
                      if now["write_headroom"] is None or now["write_headroom"] >= 1 else
                      Alternative("a bigger single node", "writes exceed what one node sustains")],
        evidence=ev)]
    if tr is not None:
        decisions[0].trade_offs.append(f"read capacity with today's replicas lasts ≈ {tr:.1f} years")
    # pooling
    pool = cap.pool_size(node_cores)
    busy3 = y3["busy_connections"]
    nodes3 = max(1 + y3["replicas"], y3["write_nodes"])
    client = max(1000, math.ceil(busy3 * 4 / 100) * 100)
    processes = max(1, math.ceil(client / PGBOUNCER_CLIENTS_PER_PROCESS))
    pgb = {"pool_mode": "transaction", "default_pool_size": pool, "reserve_pool_size": max(2, pool // 5),
           "max_client_conn": client, "max_db_connections": pool + max(2, pool // 5),
           "server_idle_timeout": 600, "query_wait_timeout": 30, "processes": processes,
           "so_reuseport": processes > 1}
    decisions.append(Decision(
        topic="connection pooling",
        choice=f"PgBouncer in transaction mode: {pool} server connections per node, up to {client:,} clients"
               + (f" over {processes} PgBouncer processes (so_reuseport)" if processes > 1 else ""),
        rationale=(f"At peak {now['busy_connections']:.0f} queries are in flight today and {busy3:.0f} in 3 years "
                   f"(Little's law); a {node_cores}-core node does useful work with about cores × 2 + 1 = {pool} "
                   f"active connections, so the pool queues the rest instead of letting PostgreSQL thrash. "
                   + (f"{busy3:.0f} in flight over {nodes3} node(s) × {pool} = {nodes3 * pool} slots: "
                      + ("enough." if busy3 <= nodes3 * pool else "not enough — more replicas or faster queries.")
                      )),
        trade_offs=["transaction pooling forbids session state: SET, advisory session locks, LISTEN, "
                    "session-level prepared statements (PgBouncer ≥ 1.21 supports protocol-level prepared statements)"],
        alternatives=[Alternative("session pooling", "one server connection per client session: no multiplexing"),
                      Alternative("application-side pools only", f"{client} clients × N app instances overwhelm "
                                  "max_connections; no central queue")],
        evidence=[Evidence.formula("pool size = cores × 2 + effective spindles", pool, cores=node_cores, spindles=1),
                  Evidence.formula("busy connections in 3 years (Little's law; inserts ≥ 10k rows/s counted as "
                                   f"{INGEST_BATCH}-row batches)", round(busy3, 1)),
                  Evidence.formula("client connections = 4 × busy (idle application pool slots), ≥ 1000; "
                                   f"PgBouncer processes = ceil(clients / {PGBOUNCER_CLIENTS_PER_PROCESS:,})",
                                   processes, clients=client),
                  Evidence.cited("Number of database connections", cap.SOURCES["pool_size"]),
                  Evidence.cited("PgBouncer configuration reference", cap.SOURCES["pgbouncer"])]))
    findings += write_feasibility(spec, now["peak_rows_written"], per_node_writes, tp, ingest_heavy)
    findings += growth_contradictions(spec)
    if tp.get("planning_default"):
        findings.append(Finding("SCALE000", Severity.INFO, "per-node throughput is a planning default, not measured",
                                Location(path="workload"), remediation="run `dbwright capacity SPEC --measure` or "
                                "`dbwright design` with verification on PostgreSQL"))
    data = {"node": {"cores": node_cores, "ram_bytes": NODE_RAM, **{k: round(v) for k, v in node.items()}},
            "projections": rows, "pgbouncer": pgb, "memory_hit_ratio": mem_hit,
            "years_until_write_limit": tw, "years_until_read_limit": tr}
    return decisions, data, findings


MYSQL_FAMILY = ("mysql", "mariadb")
DISTRIBUTED_FAMILY = ("cockroachdb", "yugabytedb", "tidb", "spanner")


def engine_pooling(decisions: list[Decision], engine: str | None) -> str:
    """Re-aim the pooling decision at the chosen engine's family; returns the pooler planned.

    The connection maths (Little's law, cores × 2 + 1 per node) holds for every engine; the tool
    that enforces it does not: PgBouncer speaks only the PostgreSQL protocol."""
    dec = next((d for d in decisions if d.topic == "connection pooling"), None)
    if dec is None or engine not in (*MYSQL_FAMILY, *DISTRIBUTED_FAMILY):
        return "pgbouncer"
    size = dec.choice.split(":", 1)[1].split(",")[0].strip() if ":" in dec.choice else dec.choice
    if engine in MYSQL_FAMILY:
        dec.choice = f"ProxySQL (connection multiplexing, read/write split): {size}"
        dec.trade_offs = ["multiplexing is disabled for a connection that sets session variables, creates "
                          "temporary tables or takes GET_LOCK: keep sessions stateless",
                          "ProxySQL is another tier to run (2 instances, or one per application host)"]
        dec.alternatives = [Alternative("MaxScale (readwritesplit)", "BSL licence for production beyond 3 servers"),
                            Alternative("PgBouncer", f"speaks only the PostgreSQL protocol, not {engine}'s")]
        dec.evidence.append(Evidence.cited("ProxySQL multiplexing", "https://proxysql.com/documentation/multiplexing/"))
        return "proxysql"
    dec.choice = (f"application-side pools per node behind a load balancer ({engine} nodes are symmetric; "
                  f"YSQL Connection Manager on YugabyteDB): {size}")
    dec.trade_offs = ["every node accepts connections: pools spread over all nodes, sized per node"]
    dec.alternatives = [Alternative("PgBouncer", f"works only for PostgreSQL-wire engines and hides node topology "
                                    f"from {engine}'s smart drivers")]
    dec.evidence.append(Evidence.cited("connection pooling for distributed SQL",
                                       "https://www.cockroachlabs.com/docs/stable/connection-pooling"))
    return "application"


GROWTH_TOLERANCE = 2.0  # inserts and declared growth may differ by 2× before they contradict


def _rate(r: float) -> str:
    return f"{r:,.0f}/s" if r >= 10 else f"{r:.3g}/s"


def _updated_parent(spec: Spec, p: Any, name: str) -> bool:
    """An entity the pattern's own entity references (a balance, a parent's counter) is updated by
    the call, not inserted: Transfer writes {Account: 2} touches two existing accounts."""
    main = spec.entities.get(p.entity or "")
    return main is not None and p.entity != name and any(
        a.type == "ref" and a.ref == name for a in main.attributes.values())


def growth_contradictions(spec: Spec) -> list[Finding]:
    """Warn when an entity's insert rate and its declared growth disagree by more than 2×, with both."""
    out: list[Finding] = []
    month = 30 * 86400
    for name, e in spec.entities.items():
        rows = float(e.rows or 0)
        g = wp.monthly_growth(spec, e)
        pats = [p for p in spec.access_patterns if p.is_write and p.kind == "insert"
                and (name in p.writes or (not p.writes and wp.pattern_entity(spec, p) == name))
                and not _updated_parent(spec, p, name)]
        if not rows or not pats:
            continue
        inserted = sum(wp.average_rate(p) * (p.writes.get(name, 1) if p.writes else 1) for p in pats) * month
        turnover = rows * month / e.retention if e.retention else 0.0  # expired rows replaced by inserts
        declared = rows * g + turnover
        if declared <= 0 or (1 / GROWTH_TOLERANCE) <= inserted / declared <= GROWTH_TOLERANCE:
            continue
        out.append(Finding(
            "SCALE003", Severity.WARNING,
            f"{name}: insert patterns add {inserted:,.0f} rows/month (sustained + bursts averaged in: "
            + ", ".join(f"{p.name} {_rate(wp.average_rate(p))}" for p in pats) + f") but rows {rows:,.0f} × growth "
            f"{g:.1%}/month" + (f" + retention turnover {turnover:,.0f}" if turnover else "")
            + f" = {declared:,.0f} rows/month — {inserted / declared:,.1f}× apart",
            Location(path=f"entities.{name}.growth"),
            rationale="volumes, partitions and backups are sized from one of the two numbers; if they disagree "
                      "by more than 2× one of them is wrong (a burst given as sustained rate is the usual cause)",
            remediation="state bursts apart from the sustained rate (access_patterns[].bursts: rate, duration, "
                        "every), correct entities.<name>.growth, or give a retention that accounts for deletes"))
    return out


def write_feasibility(spec: Spec, peak_writes: float, per_node: float, tp: dict[str, Any],
                      batched: bool) -> list[Finding]:
    """Error when peak writes exceed per-node capacity (at the utilisation target) × the most write nodes."""
    max_nodes = spec.workload.max_write_nodes or DEFAULT_MAX_WRITE_NODES
    ceiling = per_node * max_nodes
    if peak_writes <= ceiling or per_node <= 0:
        return []
    need = math.ceil(peak_writes / per_node)
    basis = "planning default" if tp.get("planning_default") else f"measured on {tp.get('engine')}"
    # COPY/multi-row batches: the planning default's copy/insert ratio (50k vs 10k rows/s per 2 cores)
    per_batch = per_node * float(PLANNING["copy_rows_per_s"] or 1) / float(PLANNING["insert_rows_per_s"] or 1)
    batch = ("buffer in a log (Kafka) and aggregate before loading: the per-node figure is already COPY-batched"
             if batched else f"batch inserts (COPY / multi-row, ≈ {per_batch:,.0f} rows/s per node at the same "
             "utilisation) or buffer in a log (Kafka) and load in bulk")
    return [Finding(
        "SCALE002", Severity.ERROR,
        f"peak writes {peak_writes:,.0f} rows/s exceed per-node capacity {per_node:,.0f} rows/s ({basis}, at "
        f"{UTILISATION:.0%} utilisation) × {max_nodes} write nodes = {ceiling:,.0f} rows/s",
        Location(path="workload.max_write_nodes" if spec.workload.max_write_nodes else "access_patterns"),
        rationale="a write rate no allowed fleet can absorb is not a plan: the primaries queue, replicas lag "
                  "and backups fall behind",
        remediation=(f"options: (1) allow ≥ {need} write nodes (≈ ${need * 0.45 * 730:,.0f}/month of primaries "
                     "before replicas); (2) " + batch + "; (3) a "
                     "distributed SQL or time-series engine sized by its own per-node figures; (4) lower or "
                     f"aggregate the write rate to ≤ {ceiling:,.0f} rows/s"))]


def _cache_saved(ctx_sections: dict[str, Section]) -> float:
    caching = ctx_sections.get("caching")
    if caching is None:
        return 0.0
    return float(sum(p.get("db_reads_saved", 0.0) for p in caching.data.get("patterns", [])))


def build(spec: Spec, sections: dict[str, Section], options: dict[str, Any]) -> Section:
    tp = dict(options.get("throughput") or PLANNING)
    node_cores = int(options.get("node_cores", NODE_CORES))
    saved = _cache_saved(sections)
    proj = projections(spec)
    decisions, data, findings = capacity_decisions(spec, proj, tp, node_cores, saved)
    node = node_capacity(tp, node_cores)
    tech = sections.get("technology")
    engine = tech.data.get("recommended") if tech else None
    ingest_ds, ingest_data = ingest_decisions(spec, node, tp, engine)
    decisions += ingest_ds
    part_ds, part_data = partition_plan(spec, proj, options.get("metadata"), options.get("tables"))
    decisions += part_ds
    # ingest tables are stored compressed: size the cluster on what is really on disk
    y3 = data["projections"][2]
    bytes_3y = y3["total_bytes"]
    g3 = {x["entity"]: x for x in proj[2]["entities"]}
    for item in ingest_data:
        ent = g3.get(item["entity"])
        if ent and item["compression_ratio"] > 1:
            bytes_3y -= (ent["heap_bytes"] + ent["index_bytes"]) * (1 - 1 / item["compression_ratio"])
    shard_ds, shard_data, shard_findings = shard_plan(spec, proj, data, engine,
                                                      tech.data.get("category") if tech else None, bytes_3y)
    decisions += shard_ds
    findings += shard_findings
    if shard_data.get("chosen"):
        # distributed tables are already split by the shard key; keep only time partitions
        hashed = {p["entity"] for p in part_data if p["method"] != "range"}
        if hashed:  # planned again without them: the partitioned model must not transform them either
            old = {id(d) for d in part_ds}
            part_ds, part_data = partition_plan(spec, proj, options.get("metadata"), options.get("tables"),
                                                skip=hashed)
            decisions = [d for d in decisions if id(d) not in old] + part_ds
    data.update({"throughput": tp, "ingest": ingest_data, "partitioning": part_data, "sharding": shard_data})
    data["pooler"] = engine_pooling(decisions, engine)
    now, y5 = data["projections"][0], data["projections"][-1]
    summary = (f"{fmt_bytes(now['total_bytes'])} today → {fmt_bytes(y5['total_bytes'])} in 5 years; "
               f"peak {now['peak_rows_written']:,.0f} rows/s written, {now['peak_reads_db']:,.0f} DB reads/s; "
               + (f"{now['replicas']} replica(s) now; " if not shard_data.get("chosen") else
                  f"reads need {now['replicas'] + 1} node(s) of capacity, served by the shard nodes; ")
               + (f"{len(part_data)} partitioned table(s); " if part_data else "")
               + (f"shard by {shard_data['chosen']['key']} on {shard_data['chosen']['shards']} shards"
                  if shard_data.get("chosen") else "no sharding needed")
               + ("; throughput measured on " + f"{tp['engine']} {tp['version']}" if not tp.get("planning_default")
                  else "; throughput: planning default"))
    return Section(name="scaling", title="Scaling and capacity", summary=summary, decisions=decisions,
                   findings=findings, data=data)


def run(ctx: DesignContext) -> Section | None:
    options = dict(ctx.options)
    options["metadata"] = ctx.metadata
    options["tables"] = ctx.tables
    return build(ctx.spec, ctx.sections, options)


def apply_throughput(section: Section, spec: Spec, measurement: dict[str, Any], options: dict[str, Any],
                     sections: dict[str, Section] | None = None) -> None:
    """Recompute the section in place with a measured per-node throughput."""
    opts = dict(options)
    opts["throughput"] = measurement
    fresh = build(spec, sections or {}, opts)
    section.summary, section.decisions, section.findings, section.data = (
        fresh.summary, fresh.decisions, fresh.findings, fresh.data)


__all__ = ["apply_throughput", "build", "node_capacity", "projections", "run"]
