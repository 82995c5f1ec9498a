"""The spec's access patterns as a workload on the physical schema, and a rule-based cost model.

SQL patterns are parsed by pglast against the physical tables; structured patterns (entity,
equals, range, order_by, limit) are compiled to SQL with SQLAlchemy, so the planner proof can
EXPLAIN them too. ``:name`` parameters become ``$n`` (EXPLAIN of a generic plan). Write patterns
give each table a write rate (rows per second) that charges index maintenance.

``RuleOracle`` costs a query without a database, from row counts and textbook selectivities
(equality on a key: 1/rows; on a foreign key: 1/rows of the parent; tenant_id: 1/tenants; enum:
1/values; range: 1/4), so the same selection runs when no PostgreSQL is installed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dbwright.spec import Spec
from dbwright.stages.index.model import IndexDef, Query, TableUse
from dbwright.stages.index.parse import parse_query

# Planner-like units: one page read sequentially = 1; random page = 4 (PostgreSQL defaults).
RANDOM_PAGE = 4.0
ROWS_PER_PAGE = 60.0
WRITE_COST_PER_ROW = 2 * RANDOM_PAGE  # read + dirty one leaf page per index per written row
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def dollar_params(sql: str) -> str:
    """``:name`` → ``$n`` (same name, same number); ``::type`` casts are kept."""
    names: dict[str, int] = {}

    def sub(m: re.Match[str]) -> str:
        return f"${names.setdefault(m.group(1), len(names) + 1)}"

    return _PARAM.sub(sub, sql)


def _pyformat_to_dollar(sql: str) -> str:
    names: dict[str, int] = {}
    return re.sub(r"%\((\w+)\)s", lambda m: f"${names.setdefault(m.group(1), len(names) + 1)}", sql)


def _table(md: sa.MetaData, entity: str) -> sa.Table | None:
    from dbwright.stages.schema_naming import entity_table_in

    t: sa.Table | None = entity_table_in(md, entity)
    return t


def _column(t: sa.Table, name: str) -> sa.Column[Any] | None:
    base = name.split()[0].lstrip("-")
    for cand in (base, "tenant_id" if base == "tenant" else base, f"{base}_id"):
        if cand in t.c:
            return t.c[cand]
    for c in t.columns:  # an attribute with its own column name (column:)
        if c.info.get("attribute") == base:
            return c
    return None


@dataclass
class SpecWorkload:
    queries: list[Query] = field(default_factory=list)
    write_rates: dict[str, float] = field(default_factory=dict)  # table -> rows written per second
    problems: list[str] = field(default_factory=list)
    rows: dict[str, float] = field(default_factory=dict)


def structured_select(t: sa.Table, equals: Iterable[str], ranges: Iterable[str], order_by: Iterable[str],
                      limit: int | None) -> tuple[str, TableUse, list[str]]:
    """SQL (``$n`` parameters), the table use it implies, and names that did not resolve."""
    from sqlalchemy.dialects import postgresql

    stmt: Any = sa.select(t)
    use = TableUse()
    missing: list[str] = []
    for name in equals:
        c = _column(t, name)
        if c is None:
            missing.append(name)
            continue
        stmt = stmt.where(c == sa.bindparam(f"eq_{c.name}", type_=c.type))
        use.add("equality", c.name)
    for name in ranges:
        c = _column(t, name)
        if c is None:
            missing.append(name)
            continue
        stmt = stmt.where(c >= sa.bindparam(f"lo_{c.name}", type_=c.type))
        use.add("range", c.name)
    for name in order_by:
        c = _column(t, name)
        if c is None:
            missing.append(name)
            continue
        desc = name.lower().endswith(" desc") or name.startswith("-")
        stmt = stmt.order_by(c.desc() if desc else c.asc())
        use.order.append((c.name, desc))
    if limit:
        stmt = stmt.limit(limit)
    use.referenced = [c.name for c in t.columns]
    sql = str(stmt.compile(dialect=postgresql.dialect(paramstyle="pyformat"),  # type: ignore[no-untyped-call]
                           compile_kwargs={"render_postcompile": True}))
    sql = re.sub(r"LIMIT %\(param_1\)s", f"LIMIT {limit}", sql) if limit else sql
    return _pyformat_to_dollar(sql), use, missing


def spec_workload(spec: Spec, md: sa.MetaData) -> SpecWorkload:
    """Queries (weight = calls per second) and table write rates from the spec's access patterns."""
    from dbwright.stages.schema_naming import entity_table

    wl = SpecWorkload()
    schema = {t.name: [c.name for c in t.columns] for t in md.tables.values()}
    wl.rows = {t.name: float(t.info.get("rows") or spec_rows(spec, t.name) or 1000) for t in md.tables.values()}
    for ap in spec.access_patterns:
        for ent, n in ap.writes.items():
            tn = entity_table(spec, ent)
            wl.write_rates[tn] = wl.write_rates.get(tn, 0.0) + n * ap.rate
        if ap.sql is not None:
            q = parse_query(ap.name, dollar_params(ap.sql), schema, weight=ap.rate)
            if q.problem:
                wl.problems.append(f"{ap.name}: {q.problem}")
            if q.is_write and q.write_table:
                wl.write_rates[q.write_table] = wl.write_rates.get(q.write_table, 0.0) + ap.rate
            if q.problem is None or q.is_write:
                wl.queries.append(q)
            continue
        if ap.is_write or ap.entity is None:
            if ap.entity and not ap.writes:
                tn = entity_table(spec, ap.entity)
                wl.write_rates[tn] = wl.write_rates.get(tn, 0.0) + ap.rate
            continue
        t = _table(md, ap.entity)
        if t is None:
            wl.problems.append(f"{ap.name}: no table for entity {ap.entity}")
            continue
        if ap.kind in ("subtree", "ancestors", "search"):
            wl.problems.append(f"{ap.name}: {ap.kind} patterns are served by the schema's hierarchy/search "
                               "design, not by a B-tree choice here")
            continue
        equals = list(ap.equals)
        if "tenant_id" in t.c and not any(_column(t, e) is not None and _column(t, e).name == "tenant_id"  # type: ignore[union-attr]
                                           for e in equals):
            equals.insert(0, "tenant_id")  # shared tenancy: every query is scoped to one tenant
        sql, _use, missing = structured_select(t, equals, ap.range, ap.order_by, ap.limit)
        if missing:
            wl.problems.append(f"{ap.name}: unknown attribute(s) {', '.join(missing)} on {t.name}")
        q = parse_query(ap.name, sql, schema, weight=ap.rate)
        q.limit = ap.limit
        wl.queries.append(q)
    return wl


def spec_rows(spec: Spec, table: str) -> int | None:
    from dbwright.stages.schema_naming import entity_table

    for name, e in spec.entities.items():
        if entity_table(spec, name) == table:
            return e.rows
    return None


def maintenance(write_rates: Mapping[str, float]) -> dict[str, float]:
    """Cost units per second that one more index on each table adds (one leaf page per written row)."""
    return {t: r * WRITE_COST_PER_ROW for t, r in write_rates.items()}


class RuleOracle:
    """Textbook costs without a database (the fallback when PostgreSQL is not installed)."""

    def __init__(self, md: sa.MetaData, rows: Mapping[str, float], tenants: int = 1,
                 existing: Iterable[IndexDef] = ()):
        self.md, self.rows, self.tenants = md, rows, max(1, tenants)
        self.existing = list(existing)  # real indexes: in every configuration, never reported as used

    def _ndistinct(self, table: str, col: str) -> float:
        n = max(self.rows.get(table, 1000.0), 1.0)
        t = self.md.tables.get(table)
        c = t.c.get(col) if t is not None else None
        if c is None:
            return math.sqrt(n)
        if col == "tenant_id":
            return float(self.tenants)
        if c.primary_key or c.unique:
            return n
        if c.info.get("values"):
            return float(len(c.info["values"]))
        for fk in c.foreign_keys:
            return max(1.0, min(n, self.rows.get(fk.column.table.name, n)))
        if any(col in ix.columns and ix.unique for ix in t.indexes) if t is not None else False:
            return n
        return math.sqrt(n)

    def size(self, idx: IndexDef) -> int:
        n = self.rows.get(idx.table, 1000.0)
        t = self.md.tables.get(idx.table)
        width = 0
        for col in (*idx.columns, *idx.include):
            c = t.c.get(col) if t is not None else None
            length = getattr(getattr(c, "type", None), "length", None) if c is not None else None
            width += int(length or 8) if c is not None else 8
        return int(n * (width + 16) * 1.4)

    def sizes(self, idxs: Iterable[IndexDef]) -> dict[IndexDef, int]:
        return {i: self.size(i) for i in idxs}

    def _table_cost(self, q: Query, table: str, use: TableUse, config: Iterable[IndexDef]) -> tuple[float, IndexDef | None]:
        n = max(self.rows.get(table, 1000.0), 1.0)
        scan = n / ROWS_PER_PAGE + n * 0.01
        best, best_i = scan, None
        order = [c for c, _ in use.order]
        for i in config:
            if i.table != table:
                continue
            if i.method == "hash":
                # equality on its one column only: no ranges, no order, no covering
                col = i.columns[0]
                if col in use.equality or col in use.join:
                    rows = n / self._ndistinct(table, col)
                    cost = RANDOM_PAGE * 2 + rows * RANDOM_PAGE
                    if cost < best:
                        best, best_i = cost, i
                continue
            if i.method != "btree":
                continue  # GIN/GiST serve operators (@>, &&, full text) the parsed workload does not model
            sel, k = 1.0, 0
            for col in i.columns:
                if col in use.equality or col in use.join:
                    sel /= self._ndistinct(table, col)
                    k += 1
                else:
                    break
            rng = k < len(i.columns) and i.columns[k] in use.range
            if rng:
                sel *= 0.25
            sorted_ok = bool(order) and tuple(i.columns[k:k + len(order)]) == tuple(order)
            if k == 0 and not rng and not sorted_ok:
                continue
            rows = n * sel
            if sorted_ok and q.limit:
                # Walk the index in order until `limit` rows also pass the filters it does not cover.
                rest = 1.0
                for col in (*use.equality, *use.join):
                    if col not in i.columns[:k]:
                        rest /= self._ndistinct(table, col)
                rows = min(rows, float(q.limit) / max(rest, 1e-12))
            covering = set(use.referenced) <= set(i.columns) | set(i.include)
            cost = RANDOM_PAGE * math.log2(n + 1) / 4 + rows * (0.01 if covering else RANDOM_PAGE)
            if order and not sorted_ok:
                cost += rows * math.log2(rows + 2) * 0.01
            if cost < best:
                best, best_i = cost, i
        return best, best_i

    def cost(self, q: Query, config: Iterable[IndexDef]) -> tuple[float, frozenset[IndexDef]]:
        cfg = [*config, *self.existing]
        total, used = 0.0, set()
        for table, use in q.tables.items():
            c, i = self._table_cost(q, table, use, cfg)
            total += c
            if i is not None and i not in self.existing:
                used.add(i)
        return total, frozenset(used)
