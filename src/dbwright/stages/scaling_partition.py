"""Partitioning: which tables to partition, how (range by time, list by tenant, hash), the
PostgreSQL declarative-partitioning DDL (emitted by SQLAlchemy) and pg_partman configuration."""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.schema import CreateTable

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Entity, Spec
from dbwright.spec.units import fmt_bytes, fmt_duration
from dbwright.stages import workload_profile as wp
from dbwright.stages.physical import PG_LIMITS, Partitioned, copy_model, partition, partition_script

PARTITION_TARGET_BYTES = 50e9
MIN_ROWS = 100_000_000
TIME_NAMES = ("measured_at", "occurred_at", "created_at", "placed_at", "raised_at", "recorded_at", "ts", "time",
              "hour", "minute", "day", "starts_at")
INTERVALS = (("1 month", 30 * 86400.0), ("1 week", 7 * 86400.0), ("1 day", 86400.0), ("1 hour", 3600.0))
PARTMAN_DOC = "https://github.com/pgpartman/pg_partman/blob/master/doc/pg_partman.md"
PG_DOC = "https://www.postgresql.org/docs/current/ddl-partitioning.html"
SA_TYPES: dict[str, Any] = {
    "int": sa.Integer, "bigint": sa.BigInteger, "smallint": sa.SmallInteger, "float": sa.Float,
    "bool": sa.Boolean, "date": sa.Date, "timestamp": sa.DateTime(timezone=True),
    "datetime": sa.DateTime(timezone=True), "uuid": pg.UUID, "json": pg.JSONB, "ref": sa.BigInteger,
    "decimal": sa.Numeric, "money": sa.Numeric(14, 2),
}


def snake(name: str) -> str:
    return wp._snake(name)


def time_column(e: Entity) -> str | None:
    stamps = [n for n, a in e.attributes.items() if a.type in ("timestamp", "datetime", "date")]
    for n in TIME_NAMES:
        if n in stamps:
            return n
    return stamps[0] if stamps else None


def _daily_rows(spec: Spec, name: str, e: Entity) -> float:
    rate = sum(p.rate * (p.writes.get(name, 0) if p.writes else 1) for p in spec.access_patterns
               if p.is_write and p.kind == "insert" and (name in p.writes or wp.pattern_entity(spec, p) == name))
    if rate:
        return rate * 86400
    if e.retention:
        return (e.rows or 0) / (e.retention / 86400)
    return (e.rows or 0) * wp.monthly_growth(spec, e) / 30 or (e.rows or 0) / 365


def _table(spec: Spec, name: str, e: Entity, metadata: Any, tables: dict[str, str], key: str,
           by: str) -> sa.Table:
    """The partitioned parent: the schema stage's columns when available, its primary key widened
    with the partition key (PostgreSQL requires it)."""
    md = sa.MetaData()
    tname = tables.get(name) or snake(name)
    cols: list[sa.Column[Any]] = []
    src = metadata.tables.get(tname) if metadata is not None else None
    if src is not None:
        pk = {c.name for c in src.primary_key.columns}
        for c in src.columns:
            cols.append(sa.Column(c.name, c.type, nullable=c.nullable and c.name != key,
                                  primary_key=c.name in pk or c.name == key))
    else:
        cols.append(sa.Column("id", sa.BigInteger, primary_key=True))
        if spec.tenancy_model != "none" and not e.tenant and not e.global_:
            cols.append(sa.Column("tenant_id", sa.BigInteger, nullable=False, primary_key=key == "tenant_id"))
        for attr, a in e.attributes.items():
            col = f"{attr}_id" if a.type == "ref" else attr
            typ = SA_TYPES.get(a.type, sa.Text)
            cols.append(sa.Column(col, typ, nullable=a.nullable and col != key, primary_key=col == key))
    return sa.Table(tname, md, *cols, postgresql_partition_by=f"{by} ({key})")


def partition_ddl(table: sa.Table) -> str:
    return str(CreateTable(table).compile(dialect=pg.dialect())).strip() + ";"  # type: ignore[no-untyped-call]


def _partman(schema_table: str, key: str, interval: str, retention: float | None, major: int = 5) -> str:
    """pg_partman configuration. 5.x defaults p_type to range; 4.x (Debian 12's package) needs
    p_type := 'native'. The 4.x form runs against Debian's pg_partman 4.7.2 in dbwright's tests; the
    5.x form follows the 5.x documentation (not run here)."""
    p_type = "" if major >= 5 else "p_type := 'native', "
    lines = [
        f"-- pg_partman {major}.x: creates and pre-makes partitions, drops expired ones in run_maintenance()",
        "CREATE SCHEMA IF NOT EXISTS partman;",
        "CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;",
        f"SELECT partman.create_parent(p_parent_table := '{schema_table}', p_control := '{key}', "
        f"{p_type}p_interval := '{interval}', p_premake := 4);",
    ]
    if retention:
        days = max(1, round(retention / 86400))
        lines.append(f"UPDATE partman.part_config SET retention = '{days} days', retention_keep_table = false, "
                     f"infinite_time_partitions = true WHERE parent_table = '{schema_table}';")
    lines.append("-- schedule: pg_partman_bgw.interval = 3600 (shared_preload_libraries = 'pg_partman_bgw'), "
                 "or cron: SELECT partman.run_maintenance();")
    return "\n".join(lines) + "\n"


def quote(name: str) -> str:
    return str(pg.dialect().identifier_preparer.quote(name))  # type: ignore[no-untyped-call]


def _hash_children(tname: str, n: int) -> str:
    # CREATE TABLE … PARTITION OF has no SQLAlchemy construct; the parent above is SQLAlchemy's.
    return "\n".join(f"CREATE TABLE {quote(f'{tname}_p{i}')} PARTITION OF {quote(tname)} "
                     f"FOR VALUES WITH (MODULUS {n}, REMAINDER {i});" for i in range(n)) + "\n"


def partition_plan(spec: Spec, proj: list[dict[str, Any]], metadata: Any = None,
                   tables: dict[str, str] | None = None,
                   skip: set[str] | None = None) -> tuple[list[Decision], list[dict[str, Any]]]:
    """``skip``: entities not to partition (split by the shard key instead)."""
    tables = tables or {}
    # one physical model: the partitioned variant is the schema stage's model, transformed
    model = copy_model(metadata) if isinstance(metadata, sa.MetaData) else None
    variants: list[tuple[dict[str, Any], Partitioned, list[str]]] = []
    by_entity = {x["entity"]: x for x in proj[-1]["entities"]}
    now = {x["entity"]: x for x in proj[0]["entities"]}
    plans: list[dict[str, Any]] = []
    decisions: list[Decision] = []
    for name, e in spec.entities.items():
        if skip and name in skip:
            continue
        p5 = by_entity[name]
        bytes5 = p5["heap_bytes"] + p5["index_bytes"]
        if p5["rows"] < MIN_ROWS and not (e.retention and (e.rows or 0) >= 10_000_000) and bytes5 < 200e9:
            continue
        tcol = time_column(e)
        tname = tables.get(name) or snake(name)
        row_bytes = (now[name]["heap_bytes"] + now[name]["index_bytes"]) / max(1.0, now[name]["rows"])
        daily = _daily_rows(spec, name, e)
        ev = [Evidence.formula(f"{name}: rows in 5 years", round(p5["rows"]), rows_now=e.rows,
                               monthly_growth=wp.monthly_growth(spec, e)),
              Evidence.formula(f"{name}: bytes per row incl. indexes (today's projection)", round(row_bytes))]
        if tcol and (e.append_only or e.retention or any(q.range and tcol in q.range for q in spec.access_patterns)):
            interval, seconds = INTERVALS[-1]
            for label, secs in INTERVALS:
                if daily * secs / 86400 * row_bytes <= PARTITION_TARGET_BYTES:
                    interval, seconds = label, secs
                    break
            part_bytes = daily * seconds / 86400 * row_bytes
            count = math.ceil(e.retention / seconds) if e.retention else None
            key = f"{tcol}_id" if e.attributes[tcol].type == "ref" else tcol
            info = partition(model, tname, key, "range") if model is not None and tname in model.tables else None
            ddl = "" if info else partition_ddl(_table(spec, name, e, metadata, tables, key, "RANGE"))
            partman = _partman(f"public.{tname}", key, interval, e.retention)
            partman_v4 = _partman(f"public.{tname}", key, interval, e.retention, major=4)
            ev += [Evidence.formula(f"{name}: rows per day", round(daily)),
                   Evidence.formula(f"{name}: partition size = rows/day × days per partition × bytes/row "
                                    f"(largest interval ≤ {fmt_bytes(PARTITION_TARGET_BYTES)})", round(part_bytes),
                                    interval=interval),
                   Evidence.cited("PostgreSQL declarative partitioning; dropping a partition is instant", PG_DOC),
                   Evidence.cited("pg_partman create_parent and retention", PARTMAN_DOC)]
            plan = {"entity": name, "table": tname, "method": "range", "key": key, "interval": interval,
                    "partition_bytes": part_bytes, "partitions_kept": count, "retention_s": e.retention,
                    "ddl": ddl, "partman": partman, "partman_v4": partman_v4}
            if info:
                variants.append((plan, info, []))
                decisions += _kept_decisions(name, info, "range", key)
            ret = (f" Retention {fmt_duration(e.retention)} = {count} partitions; expired ones are detached and "
                   "dropped (no DELETE, no vacuum debt).") if e.retention else ""
            decisions.append(Decision(
                topic=f"partitioning {name}", choice=f"RANGE partitions on {key}, {interval} each",
                rationale=f"{name} grows to {p5['rows']:,.0f} rows ({fmt_bytes(bytes5)}) in 5 years at "
                          f"{daily:,.0f} rows/day; {interval} partitions hold ≈ {fmt_bytes(part_bytes)} each, "
                          f"small enough to index, vacuum and drop quickly.{ret} Time-range queries prune to "
                          "the partitions they touch.",
                trade_offs=[f"the primary key must include {key}; keys without it are kept by key tables "
                            "(decisions below)", "queries without a time predicate scan every partition",
                            "foreign keys referencing this table reference its key table (decisions below)"],
                alternatives=[Alternative("no partitioning", "DELETE-based retention and vacuum of a "
                                          f"{fmt_bytes(bytes5)} table; indexes outgrow memory"),
                              Alternative("hash partitioning", "no pruning on time ranges, retention still needs DELETE")],
                evidence=ev))
        else:
            if bytes5 < 4 * PARTITION_TARGET_BYTES:
                continue  # without a time key, splitting a table under ~200 GB buys little
            isolation = spec.tenancy.isolation if spec.tenancy else "standard"
            if spec.tenancy and spec.tenancy_model in ("shared", "decide") and isolation != "standard" \
                    and spec.tenancy.tenants <= 64 and not e.tenant and not e.global_:
                key, method = "tenant_id", "list"
                n = spec.tenancy.tenants
                children = "-- one partition per tenant: CREATE TABLE <t>_tenant_<id> PARTITION OF " \
                           f"{quote(tname)} FOR VALUES IN (<id>);\n"
            else:
                key = next((f"{a}_id" for q in spec.access_patterns if wp.pattern_entity(spec, q) == name
                            for a in [c[:-3] for c in q.equals if c.endswith("_id")]
                            if a in e.attributes and e.attributes[a].type == "ref"), "id")
                method = "hash"
                n = 2 ** max(2, min(6, math.ceil(math.log2(max(1.0, bytes5 / PARTITION_TARGET_BYTES)))))
                children = _hash_children(tname, n)
            info = partition(model, tname, key, method) if model is not None and tname in model.tables else None
            ddl = "" if info else (partition_ddl(_table(spec, name, e, metadata, tables, key, method.upper()))
                                   + "\n" + children)
            ev.append(Evidence.formula(f"{name}: partitions = 2^ceil(log2(bytes in 5 years / "
                                       f"{fmt_bytes(PARTITION_TARGET_BYTES)})), 4..64", n, bytes_5y=round(bytes5)))
            ev.append(Evidence.cited("PostgreSQL hash and list partitioning", PG_DOC))
            plans_item = {"entity": name, "table": tname, "method": method, "key": key, "partitions": n,
                          "ddl": ddl, "partman": None}
            plans.append(plans_item)
            if info:
                variants.append((plans_item, info, [c for c in children.splitlines() if c.startswith("CREATE")]))
            decisions.append(Decision(
                topic=f"partitioning {name}", choice=f"{method.upper()} partitions on {key} ({n})",
                rationale=f"{name} reaches {fmt_bytes(bytes5)} in 5 years without a time key that queries filter "
                          f"on; {method} partitions on {key} keep each partition's indexes and vacuum small, and "
                          f"queries with {key} = … touch one partition.",
                trade_offs=["queries without the partition key visit every partition",
                            "the partition count is fixed: changing it means rewriting the table"],
                alternatives=[Alternative("no partitioning", f"one {fmt_bytes(bytes5)} heap: long vacuums and "
                                          "index rebuilds")],
                evidence=ev))
            if info:
                decisions += _kept_decisions(name, info, method, key)
            continue
        plans.append(plan)
    for item, info, extra in variants:  # rendered once every table is transformed (FKs may move)
        assert model is not None
        item["ddl"] = partition_script(model, info, metadata, extra)
        item["kept"] = [k.__dict__ for k in info.kept]
        item["primary_key"] = info.primary_key
    return decisions, plans


def _kept_decisions(name: str, info: Partitioned, method: str, key: str) -> list[Decision]:
    """A rule PostgreSQL cannot declare on the partitioned table is kept another way, said so."""
    out = []
    for k in info.kept:
        cols = ", ".join(k.columns)
        refs = (f"; foreign keys {', '.join(k.referenced_by)} now reference {k.key_table}" if k.referenced_by else "")
        out.append(Decision(
            topic=f"partitioning {name}: keep {k.rule} ({cols})",
            choice=f"key table {k.key_table} (primary key {cols}) written by trigger {info.table}_keys in the "
                   f"same transaction{refs}",
            rationale=f"PostgreSQL cannot enforce a unique key on a partitioned table unless it contains the "
                      f"partition key {key}; ({cols}) does not, so a duplicate in another partition would be "
                      f"accepted. The key table's primary key refuses it, in the writing transaction.",
            trade_offs=["one more B-tree insert (and a trigger call) per written row",
                        "dropping a partition (retention) does not fire row triggers: delete its keys from "
                        f"{k.key_table} in the same job, or they stay reserved",
                        f"the application role needs INSERT/DELETE on {k.key_table}"],
            alternatives=[Alternative(f"include {key} in the key",
                                      f"({cols}, {key}) is unique per {key} only: the same {cols} is accepted "
                                      "again in another partition — the declared rule is weakened"),
                          Alternative(f"hash-partition on {cols}" if method == "range" else "range partitioning",
                                      "the key is then enforceable natively, but partition pruning and "
                                      "retention by dropping partitions are lost"),
                          Alternative("no partitioning", "the constraint stays native; the table and its "
                                                         "indexes grow without bound, retention needs DELETE")],
            evidence=[Evidence.cited("unique constraints on partitioned tables must include all partition key "
                                     "columns", PG_LIMITS)]))
    return out


__all__ = ["partition_ddl", "partition_plan", "time_column"]
