"""High-rate ingestion: bytes per second, nodes from the measured per-node ingest rate, batching,
compression, retention by dropping partitions/chunks, and downsampling into rollups."""

from __future__ import annotations

import math
import re
from typing import Any

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_bytes, fmt_duration
from dbwright.stages import workload_profile as wp
from dbwright.theory import capacity as cap

INGEST_MIN = 10_000.0  # rows/s at peak that make ingestion its own concern
COMPRESSION = {"timescaledb": (10.0, "https://docs.timescale.com/use-timescale/latest/compression/"),
               "clickhouse": (10.0, "https://clickhouse.com/docs/en/data-compression/compression-in-clickhouse"),
               "citus": (6.0, "https://docs.citusdata.com/en/stable/admin_guide/table_management.html#columnar-storage"),
               "questdb": (3.0, "https://questdb.com/docs/guides/compression-zfs/"),
               "influxdb": (10.0, "https://docs.influxdata.com/influxdb3/core/")}
ROLLUP_DOC = "https://docs.timescale.com/use-timescale/latest/continuous-aggregates/"
RETENTION_DOC = "https://docs.timescale.com/use-timescale/latest/data-retention/"


def ingest_decisions(spec: Spec, node: dict[str, float], tp: dict[str, Any], engine: str | None
                     ) -> tuple[list[Decision], list[dict[str, Any]]]:
    decisions: list[Decision] = []
    data: list[dict[str, Any]] = []
    for name, e in spec.entities.items():
        pats = [p for p in spec.access_patterns if p.is_write and p.kind == "insert"
                and (name in p.writes or (not p.writes and wp.pattern_entity(spec, p) == name))]
        # volumes from sustained load + bursts (averaged in), sizing from the peak (a burst may set it)
        rate = sum(wp.average_rate(p) * (p.writes.get(name, 1) if p.writes else 1) for p in pats)
        peak = sum(wp.peak_rate(p, spec.workload.peak_multiplier) * (p.writes.get(name, 1) if p.writes else 1)
                   for p in pats)
        time_reads = [p.name for p in spec.access_patterns if not p.is_write and wp.pattern_entity(spec, p) == name
                      and wp.pattern_dimension(p) in ("time_window", "aggregate")]
        if peak < INGEST_MIN or not e.append_only or not (e.retention or time_reads):
            continue
        payload = wp.row_payload(spec, e)
        heap_row = cap.heap_row_bytes(payload)
        idx_keys = wp.index_keys(spec, name, e)
        idx_row = sum(cap.btree_entry_bytes(k) / cap.BTREE_FILLFACTOR for k in idx_keys)
        raw_bps = peak * payload
        disk_bps = rate * (heap_row + idx_row)
        per_day = disk_bps * 86400
        nodes = cap.nodes_for(peak, node["ingest_rows_per_s"], 0.6)
        ratio, source = COMPRESSION.get(engine or "", (1.0, ""))
        window = e.retention or 365 * 86400
        raw_window = per_day * window / 86400
        hot_days = 1.0
        stored = per_day * hot_days + (raw_window - per_day * hot_days) / ratio if ratio > 1 else raw_window
        p99 = min((p.p99 for p in pats if p.p99), default=1.0)
        batch = max(100, min(50_000, int(peak / max(1, nodes * 4) * min(p99, 1.0) / 2)))
        series_ref = next((a.ref for a in e.attributes.values() if a.type == "ref" and a.ref in spec.entities), None)
        rollup_entity = next((n for n, x in spec.entities.items() if n != name and re.search(
            r"rollup|hourly|daily|minute|aggregate|downsampl", n, re.I) and series_ref and any(
            a.type == "ref" and a.ref == series_ref for a in x.attributes.values())), None)
        series = spec.entities[series_ref].rows if series_ref and (time_reads or rollup_entity) else None
        rollup_rows_year = (series or 0) * 8760
        measured = not tp.get("planning_default")
        ev = [Evidence.formula("peak ingest rows/s = Σ insert rate × rows per call × peak multiplier", round(peak),
                               rate=rate, peak_multiplier=spec.workload.peak_multiplier),
              Evidence.formula("raw payload bytes/s at peak = peak rows/s × row payload", round(raw_bps),
                               row_payload=payload),
              Evidence.formula("stored bytes/day (row store) = rows/s × (heap row + Σ index entries/0.9) × 86400",
                               round(per_day), heap_row=heap_row, index_bytes_per_row=round(idx_row)),
              Evidence.formula("ingest nodes = ceil(peak rows/s / (node ingest rows/s × 0.6))", nodes,
                               node_ingest=round(node["ingest_rows_per_s"]),
                               basis="measured" if measured else "planning default"),
              Evidence.formula(f"storage for the {fmt_duration(window)} window = 1 day uncompressed + rest ÷ {ratio:g}",
                               round(stored), uncompressed=round(raw_window), ratio=ratio),
              Evidence.formula("batch rows per COPY ≈ peak/(nodes × 4 writers) × min(p99, 1 s) / 2", batch,
                               p99=p99)]
        if source:
            ev.append(Evidence.cited(f"{engine} columnar compression (planning ratio {ratio:g}×, verify on real data)",
                                     source))
        if e.retention:
            ev.append(Evidence.cited("Retention by dropping whole chunks/partitions", RETENTION_DOC))
        if series:
            ev.append(Evidence.formula(f"hourly rollup rows/year = {series_ref} rows × 8760", rollup_rows_year,
                                       series=series))
            ev.append(Evidence.cited("Continuous aggregates for downsampling", ROLLUP_DOC))
        text = (f"{name}: {peak:,.0f} rows/s at peak ({fmt_bytes(raw_bps)}/s raw payload, {fmt_bytes(per_day)}/day "
                f"stored in a row store). One node ingests {node['ingest_rows_per_s']:,.0f} rows/s "
                + (f"(scaled from COPY measured on {tp['engine']} {tp['version']})" if measured else
                   "(planning default — not measured)")
                + f", so {nodes} ingest node(s) at ≤ 60% busy. Gateways/collectors write batches of ≈ {batch:,} rows "
                  f"per COPY, spread over {nodes * 4} writers. "
                + (f"Keep {fmt_duration(window)} raw: " if e.retention else "No retention declared; one year is ")
                + f"{fmt_bytes(raw_window)} uncompressed"
                + (f", ≈ {fmt_bytes(stored)} with chunks older than 1 day compressed {ratio:g}×" if ratio > 1 else
                   f" ({engine or 'this engine'} has no native compression in the catalogue)")
                + (f". Retention drops whole partitions/chunks past {fmt_duration(window)}." if e.retention else "."))
        if series:
            text += (f" Downsample into hourly rollups per {series_ref} ({rollup_rows_year:,.0f} rows/year), "
                     "maintained incrementally (continuous aggregate or a materialized rollup fed per batch); "
                     "dashboards beyond the raw window read rollups only.")
        decisions.append(Decision(
            topic=f"ingestion {name}",
            choice=f"batched COPY into time partitions on {nodes} node(s)"
                   + (f", {ratio:g}× compression after 1 day" if ratio > 1 else "")
                   + (f", {fmt_duration(window)} raw retention" if e.retention else "")
                   + (f", hourly rollups{' (' + rollup_entity + ')' if rollup_entity else ''}" if series else ""),
            rationale=text,
            trade_offs=["compressed chunks are expensive to update (late data beyond a day needs decompression)",
                        "a Kafka buffer in front decouples gateways from database maintenance and failover",
                        "multi-node ingest needs the rows spread by the series key (see the sharding decision)"
                        if nodes > 1 else "one ingest node: its failover pauses ingestion (gateways buffer)"],
            alternatives=[Alternative("row-by-row INSERTs", f"500-row INSERTs reach {tp['insert_rows_per_s'] / tp['copy_rows_per_s']:.0%} "
                                      "of COPY's throughput per stream (" + ("measured" if measured else "planning default")
                                      + "); single-row INSERTs far less, with per-statement overhead"),
                          Alternative("keep everything raw", f"{fmt_bytes(per_day * 365)} per year uncompressed")],
            evidence=ev))
        tsdb = timescale_sql(spec, name, rollup_entity, window if e.retention else None) \
            if engine == "timescaledb" else None
        data.append({"entity": name, "timescaledb_sql": tsdb, "peak_rows_per_s": peak, "raw_bytes_per_s": raw_bps, "stored_bytes_per_day": per_day,
                     "nodes": nodes, "batch_rows": batch, "compression_ratio": ratio, "retention_s": window,
                     "storage_window_bytes": stored, "uncompressed_window_bytes": raw_window,
                     "rollup_rows_per_year": rollup_rows_year, "measured": measured})
    return decisions, data


def timescale_sql(spec: Spec, name: str, rollup: str | None, retention: float | None) -> str:
    """Hypertable, compression, retention and an hourly continuous aggregate for ``name``.
    (TimescaleDB's functions have no SQLAlchemy constructs; identifiers come from the schema.)"""
    from dbwright.stages.scaling_partition import quote, snake, time_column

    e = spec.entities[name]
    table, tcol = snake(name), time_column(e) or "created_at"
    seg = next((f"{a}_id" for a, x in e.attributes.items() if x.type == "ref"), None)
    values = [a for a, x in e.attributes.items() if x.type in ("float", "decimal", "money") and a != tcol] or \
        [a for a, x in e.attributes.items() if x.type in ("int", "bigint") and a != tcol]
    chunk = "1 hour" if any(p.rate >= 100_000 for p in spec.access_patterns if p.is_write) else "1 day"
    q = quote
    lines = [f"-- {name}: TimescaleDB hypertable, compression, retention and hourly rollup (generated by dbwright)",
             f"-- on TimescaleDB this replaces partitioning/{table}.sql (pg_partman): create {table} from that "
             f"file's CREATE TABLE without PARTITION BY (its primary key already includes {tcol})",
             "CREATE EXTENSION IF NOT EXISTS timescaledb;",
             f"SELECT create_hypertable('{table}', by_range('{tcol}', INTERVAL '{chunk}'));",
             f"ALTER TABLE {q(table)} SET (timescaledb.compress"
             + (f", timescaledb.compress_segmentby = '{seg}'" if seg else "")
             + f", timescaledb.compress_orderby = '{tcol} DESC');",
             f"SELECT add_compression_policy('{table}', INTERVAL '1 day');"]
    if retention:
        lines.append(f"SELECT add_retention_policy('{table}', INTERVAL '{max(1, round(retention / 86400))} days');")
    aggs = ", ".join(f"min({q(v)}) AS {q('min_' + v)}, max({q(v)}) AS {q('max_' + v)}, avg({q(v)}) AS {q('avg_' + v)}"
                     for v in values[:3])
    view = f"{table}_hourly"
    group = f"{q(seg)}, " if seg else ""
    lines += [f"CREATE MATERIALIZED VIEW {q(view)} WITH (timescaledb.continuous) AS",
              f"  SELECT {group}time_bucket(INTERVAL '1 hour', {q(tcol)}) AS bucket"
              + (f", {aggs}" if aggs else "") + ", count(*) AS samples",
              f"  FROM {q(table)} GROUP BY {group}bucket WITH NO DATA;",
              f"SELECT add_continuous_aggregate_policy('{view}', start_offset => INTERVAL '3 hours', "
              "end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');"]
    keep = spec.entities[rollup].retention if rollup else None
    if keep:
        lines.append(f"SELECT add_retention_policy('{view}', INTERVAL '{max(1, round(keep / 86400))} days');")
    if rollup:
        lines.append(f"-- the continuous aggregate replaces the hand-maintained {rollup} table of the spec")
    return "\n".join(lines) + "\n"


def nodes_needed(peak: float, per_node: float) -> int:
    return max(1, math.ceil(peak / (per_node * 0.6)))


__all__ = ["ingest_decisions"]
