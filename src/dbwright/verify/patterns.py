"""Access patterns on real engines: name checks, parameter binding from loaded rows, EXPLAIN, run.

SQL patterns are parsed (sqlglot) and every table/column is checked against the physical schema;
an unknown name is an error pointing at the pattern's line in the spec. Structured patterns are
built with SQLAlchemy. Parameters take values from a real row, so queries return rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlglot import exp

from dbwright.ddl import order
from dbwright.model import Finding, Location, Severity
from dbwright.spec.models import AccessPattern, Spec


@dataclass
class PatternRun:
    name: str
    sql: str
    ok: bool
    rows: int | None = None
    ms: float | None = None
    plan: list[str] = field(default_factory=list)
    indexes_used: list[str] = field(default_factory=list)
    error: str | None = None
    note: str | None = None
    portable: bool = True  # False: SQL uses features this engine lacks (not a design error)


def safe_placeholders(sql: str) -> str:
    """``:from`` → ``:p_from``: parameter names may be SQL keywords; ``::`` casts are kept."""
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r":p_\1", sql)


def check_names(spec: Spec, md: sa.MetaData, locate: Any) -> list[Finding]:
    """Tables/columns named by SQL patterns must exist in the physical schema."""
    out: list[Finding] = []
    for i, ap in enumerate(spec.access_patterns):
        if ap.sql is None:
            continue
        loc: Location = locate(("access_patterns", i, "sql"))
        try:
            tree = sqlglot.parse_one(safe_placeholders(ap.sql), read="postgres")
        except sqlglot.errors.ParseError as exc:
            out.append(Finding("VER001", Severity.ERROR, f"pattern '{ap.name}': SQL does not parse: "
                               f"{str(exc).splitlines()[0]}", loc, remediation="fix the SQL"))
            continue
        aliases: dict[str, str] = {}
        tables: list[str] = []
        for node in tree.find_all(exp.Table):
            tables.append(node.name)
            aliases[node.alias_or_name] = node.name
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        for tname in tables:
            if tname not in md.tables and tname not in ctes:
                out.append(Finding("VER002", Severity.ERROR, f"pattern '{ap.name}' names unknown table '{tname}'",
                                   loc, remediation=_close(tname, list(md.tables))))
        known_cols = {c.name for t in tables if t in md.tables for c in md.tables[t].columns}
        select_aliases = {a.alias for a in tree.find_all(exp.Alias)}
        for c in tree.find_all(exp.Column):
            if c.name == "*" or c.name in select_aliases:
                continue
            owner = aliases.get(c.table) if c.table else None
            cols = {x.name for x in md.tables[owner].columns} if owner and owner in md.tables else known_cols
            unresolved = owner is None and any(t not in md.tables and t not in ctes for t in tables)
            if c.name not in cols and (owner is None or owner in md.tables) and not unresolved:
                out.append(Finding("VER003", Severity.ERROR,
                                   f"pattern '{ap.name}' names unknown column '{c.name}'", loc,
                                   remediation=_close(c.name, sorted(cols))))
    return out


def _close(name: str, choices: list[str]) -> str:
    import difflib

    m = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    return f"did you mean '{m[0]}'?" if m else "valid: " + ", ".join(choices[:20])


def _sample_row(conn: sa.Connection, table: sa.Table, rnd: random.Random, tenant: Any = None) -> dict[str, Any]:
    where = [table.c.tenant_id == tenant] if tenant is not None and "tenant_id" in table.c else []
    n = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() or 0
    if not n:
        return {}
    row = conn.execute(sa.select(table).where(*where).offset(rnd.randrange(n)).limit(1)).mappings().first()
    return dict(row) if row else {}


def _param_columns(tree: Any) -> dict[str, tuple[str | None, str]]:
    """Each placeholder → the (table alias, column) it is compared with, for realistic values."""
    out: dict[str, tuple[str | None, str]] = {}
    for p in tree.find_all(exp.Placeholder):
        parent = p.parent
        other: Any = None
        if isinstance(parent, exp.Between | exp.In):
            other = parent.this
        elif isinstance(parent, exp.Binary):
            other = parent.this if parent.expression is p else parent.expression
        if isinstance(other, exp.Column):
            out[str(p.this)] = (other.table or None, other.name)
        else:
            out[str(p.this)] = (None, str(p.this))
    return out


def structured_sql(ap: AccessPattern, spec: Spec, md: sa.MetaData, hierarchy: str | None,
                   dialect: str) -> tuple[Any, dict[str, str]]:
    """A SQLAlchemy statement for a structured pattern plus param → column mapping."""
    from dbwright.stages.schema_naming import entity_table_in, ref_column

    t: sa.Table = entity_table_in(md, ap.entity or "")
    params: dict[str, str] = {}

    def col(name: str) -> sa.Column[Any]:
        base = name.split()[0].lstrip("-")
        if base == "tenant":
            base = "tenant_id"
        if base not in t.c and ref_column(base) in t.c:
            base = ref_column(base)
        if base not in t.c:  # an attribute with its own column name (column:)
            base = next((c.name for c in t.columns if c.info.get("attribute") == base), base)
        return t.c[base]

    if ap.kind in ("subtree", "ancestors"):
        params["node_path"] = "path"
        if hierarchy == "path":
            node = sa.bindparam("node_path", type_=sa.String())
            if dialect == "postgresql":
                op = "<@" if ap.kind == "subtree" else "@>"
                cond = t.c.path.op(op)(sa.cast(node, t.c.path.type))
            else:
                # ancestors: the node's path starts with the ancestor's (a bound value on the left)
                cond = t.c.path.like(node + "%") if ap.kind == "subtree" else node.like(t.c.path + "%")
            path_stmt = sa.select(t).where(cond)
            if "tenant_id" in t.c:
                path_stmt = path_stmt.where(t.c.tenant_id == sa.bindparam("tenant_id"))
                params["tenant_id"] = "tenant_id"
            return path_stmt, params
        parent = next((c for c in t.c if c.info.get("ref") == ap.entity), None)
        if parent is None:
            raise ValueError(f"{ap.entity} has no self-reference for a subtree query")
        params.pop("node_path")
        params["node_id"] = "id"
        tree = sa.select(t.c.id).where(t.c.id == sa.bindparam("node_id")).cte("subtree", recursive=True)
        tree = tree.union_all(sa.select(t.c.id).where(parent == tree.c.id))
        return sa.select(t).where(t.c.id.in_(sa.select(tree.c.id))), params
    stmt: Any = sa.select(t)
    if ap.kind == "update":
        # never a key, a reference or a unique column: setting several rows to one value would break it
        keys = {c.name for c in t.primary_key.columns} | {c.name for fk in order.foreign_keys(t)
                                                          for c in fk.columns} | _unique_columns(t)
        target = next((c for c in t.columns if c.name not in keys and c.server_default is None), None)
        if target is None:
            raise ValueError(f"{ap.entity} has no updatable column")
        stmt = sa.update(t).values({target.name: sa.bindparam("new_value", type_=target.type)})
        params["new_value"] = target.name
    elif ap.kind == "delete":
        stmt = sa.delete(t)
    for name in ap.equals:
        c = col(name)
        stmt = stmt.where(c == sa.bindparam(f"w_{c.name}", type_=c.type))
        params[f"w_{c.name}"] = c.name
    for name in ap.range:
        c = col(name)
        stmt = stmt.where(c >= sa.bindparam(f"w_{c.name}_from", type_=c.type))
        params[f"w_{c.name}_from"] = c.name
    if ap.kind in ("update", "delete"):
        return stmt, params
    for name in ap.order_by:
        c = col(name)
        desc = name.lower().endswith(" desc") or name.startswith("-")
        stmt = stmt.order_by(c.desc() if desc else c.asc())
    if ap.limit:
        stmt = stmt.limit(ap.limit)
    return stmt, params


def _unique_columns(t: sa.Table) -> set[str]:
    out = {c.name for u in order.constraints(t) if isinstance(u, sa.UniqueConstraint) for c in u.columns}
    out |= {c.name for ix in order.indexes(t) if ix.unique for e in ix.expressions
            for c in sa.sql.visitors.iterate(e) if isinstance(c, sa.Column)}  # type: ignore[arg-type]
    return out


def explain(conn: sa.Connection, sql: str, params: dict[str, Any], dialect: str) -> tuple[list[str], list[str]]:
    if dialect == "postgresql":
        raw = conn.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql), params).scalar()
        plan = raw if isinstance(raw, list) else json.loads(str(raw))
        lines: list[str] = []
        used: list[str] = []

        def walk(node: dict[str, Any], depth: int) -> None:
            desc = node["Node Type"]
            if node.get("Index Name"):
                desc += f" using {node['Index Name']}"
                used.append(node["Index Name"])
            if node.get("Relation Name"):
                desc += f" on {node['Relation Name']}"
            lines.append("  " * depth + f"{desc} (cost {node['Total Cost']})")
            for child in node.get("Plans", []):
                walk(child, depth + 1)

        walk(plan[0]["Plan"], 0)
        return lines, used
    if dialect == "sqlite":
        rows = conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql), params).fetchall()
        lines = [str(r[-1]) for r in rows]
        used = [w.split(" USING ")[-1] for w in lines if " USING " in w]
        return lines, used
    maps = conn.execute(sa.text("EXPLAIN " + sql), params).mappings().fetchall()
    lines = [f"{r['table']}: type={r['type']} key={r['key']} rows={r['rows']}" for r in maps]
    return lines, [str(r["key"]) for r in maps if r.get("key")]


def run_patterns(spec: Spec, md: sa.MetaData, engine: sa.Engine, dialect: str,
                 hierarchies: dict[str, str], seed: int = 11) -> list[PatternRun]:
    from dbwright.stages.schema_naming import entity_table_in

    rnd = random.Random(seed)
    runs: list[PatternRun] = []
    with engine.connect() as conn:
        for ap in spec.access_patterns:
            try:
                if ap.is_write and ap.sql is None and ap.writes:
                    runs.append(_run_writes(conn, ap, md, rnd))
                    continue
                if ap.sql is not None:
                    pattern_sql = safe_placeholders(ap.sql)
                    tree: Any = sqlglot.parse_one(pattern_sql, read="postgres")
                    pmap = _param_columns(tree)
                    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table) if t.name in md.tables}
                    sampled: dict[str, dict[str, Any]] = {}
                    params: dict[str, Any] = {}
                    types: dict[str, Any] = {}
                    for p, (alias, c) in pmap.items():
                        owner = aliases.get(alias or "") or next(
                            (tn for tn in aliases.values() if c in md.tables[tn].c), None)
                        if owner is None:
                            params[p] = 10
                            continue
                        if owner not in sampled:
                            sampled[owner] = _sample_row(conn, md.tables[owner], rnd)
                        params[p] = sampled[owner].get(c)
                        types[p] = md.tables[owner].c[c].type
                    stmt_text = (pattern_sql.strip().rstrip(";") if dialect == "postgresql"
                                 else _transpile(tree, dialect))
                    stmt: Any = sa.text(stmt_text).bindparams(
                        *[sa.bindparam(p, type_=ty) for p, ty in types.items() if ty is not None])
                    explain_text = None
                else:
                    stmt, pmap2 = structured_sql(ap, spec, md, hierarchies.get(ap.entity or ""), dialect)
                    row = _sample_row(conn, entity_table_in(md, ap.entity or ""), rnd)
                    params = {p: row.get(c) for p, c in pmap2.items()}
                    if "node_path" in params and params["node_path"] is not None and dialect != "postgresql":
                        params["node_path"] = str(params["node_path"])
                    stmt_text = str(stmt.compile(dialect=engine.dialect))
                    explain_text = None if ap.is_write else _literal_sql(stmt.params(params), engine.dialect)
                if ap.is_write:
                    if conn.in_transaction():
                        conn.rollback()
                    trans = conn.begin()
                    t0 = time.perf_counter()
                    res = conn.execute(stmt, params)
                    ms = (time.perf_counter() - t0) * 1000
                    trans.rollback()
                    runs.append(PatternRun(ap.name, stmt_text, True, res.rowcount, ms,
                                           note="executed in a transaction, rolled back"))
                    continue
                if explain_text is not None:
                    plan, used = explain(conn, explain_text, {}, dialect)
                else:
                    plan, used = explain(conn, stmt_text, _bind_values(stmt, params, engine.dialect), dialect)
                t0 = time.perf_counter()
                rows = conn.execute(stmt, params).fetchall()
                ms = (time.perf_counter() - t0) * 1000
                if ap.sql is None and ap.equals and params and not rows and \
                        all(v is not None for v in params.values()):
                    # the key came from an existing row: a lookup that finds nothing is wrong
                    runs.append(PatternRun(ap.name, stmt_text, False, 0, ms, plan, used,
                                           error="returned no row for a key taken from an existing row"))
                    continue
                runs.append(PatternRun(ap.name, stmt_text, True, len(rows), ms, plan, used))
            except Exception as exc:  # a failing pattern is a finding, not a crash
                if conn.in_transaction():
                    conn.rollback()
                msg = str(getattr(exc, "orig", exc)).splitlines()[0][:300]
                portable = not (ap.sql is not None and dialect != "postgresql" and _engine_lacks(msg))
                if os.environ.get("DBWRIGHT_DEBUG"):
                    raise
                runs.append(PatternRun(ap.name, ap.sql or "", False, error=msg, portable=portable))
            finally:
                if conn.in_transaction():
                    conn.rollback()
    return runs


_LACKS = ("no such function", "no such column", "syntax", "does not exist", "not supported", "1064", "1305")


def _engine_lacks(message: str) -> bool:
    low = message.lower()
    return any(k in low for k in _LACKS)


def _transpile(tree: Any, dialect: str) -> str:
    """PostgreSQL-flavoured pattern SQL → another dialect, keeping each engine's own NULL ordering
    (sqlglot would otherwise emulate PostgreSQL's and defeat index-ordered scans)."""
    tree = tree.copy()
    for o in tree.find_all(exp.Ordered):
        o.set("nulls_first", not bool(o.args.get("desc")))
    return str(tree.sql(dialect="mysql" if dialect == "mysql" else "sqlite"))


def _literal_sql(stmt: Any, dialect: sa.engine.Dialect) -> str:
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _bind_values(stmt: Any, params: dict[str, Any], dialect: sa.engine.Dialect) -> dict[str, Any]:
    """Python values → what the driver gets (e.g. UUID → hex text on CHAR(32) columns)."""
    out = dict(params)
    for name, bp in getattr(stmt, "_bindparams", {}).items():
        if name in out:
            proc = bp.type._cached_bind_processor(dialect)
            if proc is not None:
                out[name] = proc(out[name])
    return out


def _make_unique(conn: sa.Connection, t: sa.Table, row: dict[str, Any], written: int, rnd: random.Random) -> None:
    """A copied template row would collide with its original on unique constraints: change a
    non-key column, or pick another existing parent for a unique set made only of foreign keys."""
    fk_cols = {c.name: fk for fk in order.foreign_keys(t) for c in fk.columns}
    pk = {c.name for c in t.primary_key.columns}
    for u in (u for u in order.constraints(t) if isinstance(u, sa.UniqueConstraint)):
        cols = [c.name for c in u.columns if c.name != "tenant_id"]
        free = [c for c in cols if c not in fk_cols and c not in pk]
        if free:
            c = free[-1]
            value = row.get(c)
            if isinstance(value, str):
                length = getattr(t.c[c].type, "length", None) or 60
                tag = f"w{rnd.randrange(10**6)}"
                row[c] = (value[: max(0, length - len(tag) - 1)] + "-" + tag)[:length]
            elif isinstance(value, int) and not isinstance(value, bool):
                row[c] = 20000 + written  # clear of loaded values, within SMALLINT
            elif isinstance(value, uuid.UUID):
                row[c] = uuid.uuid4()
            elif isinstance(value, dt.datetime | dt.date):
                row[c] = value + dt.timedelta(days=3650 + written)
            continue
        if not cols or set(cols) <= pk or cols[-1] not in fk_cols:
            continue  # e.g. MariaDB's UNIQUE (id): the key is regenerated for the new row
        fk = fk_cols[cols[-1]]
        parent = fk.referred_table
        for _ in range(10):
            where = [parent.c.tenant_id == row["tenant_id"]] if "tenant_id" in parent.c and "tenant_id" in row else []
            pick = conn.execute(sa.select(parent).where(*where).order_by(sa.func.random()
                                if conn.dialect.name != "mysql" else sa.func.rand()).limit(1)).mappings().first()
            if pick is None:
                break
            for lc, el in zip(fk.columns, fk.elements, strict=True):
                row[lc.name] = pick[el.column.name]
            taken = conn.execute(sa.select(sa.func.count()).select_from(t).where(
                *[t.c[c] == row[c] for c in [x.name for x in u.columns]])).scalar()
            if not taken:
                break
        else:
            # every combination of existing parents is taken (small synthetic data): free one, in
            # this rolled-back transaction, so the insert path is still exercised
            conn.execute(sa.delete(t).where(*[t.c[c] == row[c] for c in [x.name for x in u.columns]]))


def _run_writes(conn: sa.Connection, ap: AccessPattern, md: sa.MetaData, rnd: random.Random) -> PatternRun:
    """Insert the declared rows per call (parent first, children referencing it), then roll back."""
    from dbwright.stages.schema_naming import entity_table_in

    trans = conn.begin()
    t0 = time.perf_counter()
    written = 0
    try:
        created: dict[str, dict[str, Any]] = {}
        order = {t.name: i for i, t in enumerate(md.sorted_tables)}  # parents before children
        writes = sorted(ap.writes.items(), key=lambda kv: order.get(entity_table_in(md, kv[0]).name, 0))
        tables = [entity_table_in(md, e) for e, _n in writes]
        tenant = None
        for _ in range(20):  # a tenant that has template rows in every written table
            first = _sample_row(conn, tables[0], rnd)
            tenant = first.get("tenant_id")
            if tenant is None or all(_sample_row(conn, t, rnd, tenant) for t in tables[1:]):
                break
        for ent, count in writes:
            t = entity_table_in(md, ent)
            template = _sample_row(conn, t, rnd, tenant)
            if not template:
                continue
            for _ in range(count):
                row = dict(template)
                for c in t.primary_key.columns:
                    if c.name == "id":
                        row.pop("id", None)
                        if isinstance(c.type, sa.Uuid):
                            row["id"] = uuid.uuid4()
                        elif len(t.primary_key.columns) > 1 and conn.dialect.name == "sqlite":
                            # SQLite cannot auto-assign a member of a composite key
                            row["id"] = (conn.execute(sa.select(sa.func.max(t.c.id))).scalar() or 0) + 1
                for parent_ent, parent_row in created.items():
                    for c in t.columns:
                        if c.info.get("ref") == parent_ent:
                            row[c.name] = parent_row.get("id")
                _make_unique(conn, t, row, written, rnd)
                res = conn.execute(t.insert().returning(*t.primary_key.columns) if conn.dialect.insert_returning
                                   else t.insert(), row)
                if conn.dialect.insert_returning:
                    pk = res.mappings().first()
                    row.update(dict(pk or {}))
                else:
                    row["id"] = res.inserted_primary_key[-1] if res.inserted_primary_key else row.get("id")
                created[ent] = row
                tenant = row.get("tenant_id", tenant)
                written += 1
        ms = (time.perf_counter() - t0) * 1000
        return PatternRun(ap.name, f"INSERT {dict(ap.writes)}", True, written, ms,
                          note="executed in a transaction, rolled back")
    finally:
        trans.rollback()
