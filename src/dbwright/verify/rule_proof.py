"""Every declared rule refuses a violating write, on every engine and every physical variant.

For each table of the schema stage's model the declared rules are listed — primary key, UNIQUE
constraints and unique indexes (single, composite, per tenant, on a reference, ``lower(email)``),
foreign keys, CHECKs (ranges, enums) and NOT NULL — and for each one the verifier issues an UPDATE
that violates exactly that rule on a row of the synthetic data, in its own rolled-back transaction.
The engine must refuse it. Identity columns are checked in the engine's catalogue (they generate,
they do not refuse). Variants: the base schema on each engine, and on PostgreSQL the partitioned
schema (base schema + every ``partitioning/*.sql`` script, a DEFAULT partition per range/list
table), loaded with the same synthetic data.

A rule that accepts its violation is *dropped* (error VER020); one the verifier could not exercise
(no pair of rows to collide, a CHECK of an unknown shape) is reported with the reason (VER021).
SQLite enforces foreign keys only with ``PRAGMA foreign_keys=ON`` on each connection: the proof
turns it on, as an application must.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from dbwright.ddl import order
from dbwright.ddl.emit import render_ddl, split_statements

SAMPLE = 200  # rows read per table to find a row to violate and a row to collide with
VARIANT_ROWS = 1000  # synthetic rows per table at most in a variant's database
TRIES = 5  # rows tried per rule when another rule refuses the write first


@dataclass
class RuleResult:
    table: str
    rule: str  # primary key | unique | foreign key | check | not null | identity
    name: str
    columns: list[str]
    result: str  # refused | dropped | not exercised | kept
    detail: str = ""


def _rows(conn: sa.Connection, t: sa.Table) -> list[dict[str, Any]]:
    # by id, not by (tenant_id, id): the sample then spans tenants, so a key without tenant_id can
    # collide across tenants without hitting the (tenant_id, id) primary key first
    by = [t.c.id] if "id" in t.c else []
    pk = list(t.primary_key.columns)
    return [dict(r) for r in conn.execute(sa.select(t).order_by(*by, *pk).limit(SAMPLE)).mappings()]


def _where(t: sa.Table, row: dict[str, Any]) -> Any:
    return sa.and_(*[c == row[c.name] for c in t.primary_key.columns])


def _attempt(engine: sa.Engine, t: sa.Table, row: dict[str, Any], values: dict[str, Any],
             sqlite_fk: bool, insert: bool = False) -> tuple[bool, str]:
    """(refused, message) for UPDATE t SET values WHERE pk = row's (or INSERT a copy of the row),
    always rolled back."""
    with engine.connect() as conn:
        if sqlite_fk:  # outside a transaction: inside one SQLite ignores it
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
        tx = conn.begin()
        try:
            stmt = sa.insert(t).values(row) if insert else sa.update(t).where(_where(t, row)).values(values)
            res = conn.execute(stmt)
            if res.rowcount == 0:
                return False, "no row updated"
            return False, "accepted"
        except sa.exc.DBAPIError as exc:
            return True, str(exc.orig).splitlines()[0][:200]
        except sa.exc.StatementError as exc:  # the driver refused the value itself: not a proof
            return False, f"could not send the write: {str(exc.orig).splitlines()[0][:160]}"
        finally:
            tx.rollback()


def _missing_value(col: sa.Column[Any]) -> Any:
    """A value of the column's type that no parent row has."""
    if isinstance(col.type, sa.Uuid):
        return uuid.UUID(int=0xDB1 << 64)
    if isinstance(col.type, sa.Integer):
        return 987_654_321
    if isinstance(col.type, sa.DateTime):
        return dt.datetime(1901, 2, 3, 4, 5, 6)
    if isinstance(col.type, sa.Date):
        return dt.date(1901, 2, 3)
    if isinstance(col.type, sa.Numeric):
        return Decimal("0.07")
    length = getattr(col.type, "length", None) or 16
    return "zz-missing"[:length]


def _check_violation(t: sa.Table, ck: sa.CheckConstraint) -> tuple[str, Any] | None:
    text = str(ck.sqltext).strip()
    m = re.fullmatch(r'"?(\w+)"?\s*(>=|<=|>|<)\s*(-?[\d.]+)', text)
    if m and m.group(1) in t.c:
        n = float(m.group(3))
        bad = n - 1 if m.group(2) in (">=", ">") else n + 1
        col = t.c[m.group(1)]
        return col.name, int(bad) if isinstance(col.type, sa.Integer) else bad
    m = re.fullmatch(r'"?(\w+)"?\s+IN\s*\((.*)\)', text, re.S)
    if m and m.group(1) in t.c:
        length = getattr(t.c[m.group(1)].type, "length", None) or 8
        return m.group(1), "zz-bad"[:length]
    return None


def _unique_sets(t: sa.Table) -> list[tuple[str, str, list[sa.Column[Any]]]]:
    out: list[tuple[str, str, list[sa.Column[Any]]]] = [
        ("primary key", str(t.primary_key.name or "primary key"), list(t.primary_key.columns))]
    for con in order.constraints(t):
        if isinstance(con, sa.UniqueConstraint):
            out.append(("unique", str(con.name), list(con.columns)))
    for ix in order.indexes(t):
        if ix.unique:
            cols = [c for e in ix.expressions for c in sa.sql.visitors.iterate(e)  # type: ignore[arg-type]
                    if isinstance(c, sa.Column)]
            out.append(("unique", str(ix.name), list(dict.fromkeys(cols))))
    return out


def declared_rules(md: sa.MetaData) -> list[tuple[sa.Table, str, str, list[str], Any]]:
    """(table, rule, name, columns, payload) for every rule the schema declares."""
    out: list[tuple[sa.Table, str, str, list[str], Any]] = []
    for t in md.sorted_tables:
        if t.info.get("kind") in ("key", "history"):
            continue  # history rows copy their table's rows; key tables are a variant's machinery
        for rule, name, cols in _unique_sets(t):
            out.append((t, rule, name, [c.name for c in cols], cols))
        for fk in order.foreign_keys(t):
            out.append((t, "foreign key", str(fk.name), [c.name for c in fk.columns], fk))
        for ck in order.constraints(t):
            if isinstance(ck, sa.CheckConstraint):
                out.append((t, "check", str(ck.name), [], ck))
        pk = {c.name for c in t.primary_key.columns}
        for c in t.columns:
            if not c.nullable and c.name not in pk:
                out.append((t, "not null", c.name, [c.name], c))
    return out


def _candidates(kind: str, cols: list[str], rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(row to update, colliding values) pairs for a key: same tenant when the key is per tenant."""
    fixed = [c for c in cols if c == "tenant_id"]
    out = []
    for a in rows[:TRIES * 4]:
        # a key without tenant_id collides across tenants: then the (tenant_id, id) key is not hit first
        others = sorted(rows, key=lambda b: "tenant_id" not in cols and b.get("tenant_id") == a.get("tenant_id"))
        for b in others:
            if b is a or any(b.get(c) is None for c in cols) or any(a.get(c) != b.get(c) for c in fixed):
                continue
            diff = {c: b[c] for c in cols if c not in fixed and a.get(c) != b.get(c)}
            if diff:
                out.append((a, diff))
                break
        if len(out) >= TRIES:
            break
    return out


def _leaves_first(engine: sa.Engine, md: sa.MetaData, t: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows no other row references first (found in the whole table, not only the sample)."""
    refs = [(child, fk) for child in md.sorted_tables for fk in order.foreign_keys(child)
            if fk.referred_table is t and child.info.get("kind") != "key"]
    if not refs:
        return rows
    unused = [~sa.exists(sa.select(sa.literal(1)).select_from(child).where(
        sa.and_(*[c == t.c[e.column.name] for c, e in zip(fk.columns, fk.elements, strict=True)])))
        for child, fk in refs]
    with engine.connect() as conn:
        leaves = [dict(r) for r in conn.execute(
            sa.select(t).where(*unused).order_by(*t.primary_key.columns).limit(TRIES * 4)).mappings()]
    keys = {tuple(r[c.name] for c in t.primary_key.columns) for r in leaves}
    return leaves + [r for r in rows if tuple(r[c.name] for c in t.primary_key.columns) not in keys]


def _fresh(col: sa.Column[Any], n: int) -> Any:
    if isinstance(col.type, sa.Uuid):
        return uuid.UUID(int=(0xDB2 << 64) + n)
    if isinstance(col.type, sa.Integer):
        return 900_000_000 + n
    if isinstance(col.type, sa.DateTime):
        return dt.datetime(1902, 1, 1) + dt.timedelta(days=n)
    if isinstance(col.type, sa.Date):
        return dt.date(1902, 1, 1) + dt.timedelta(days=n)
    length = getattr(col.type, "length", None) or 32
    return f"fresh-{n}"[:length]


def _fresh_copy(t: sa.Table, row: dict[str, Any], override: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``row`` with ``override`` applied and every other key column fresh, so the only
    rule the INSERT can break is the one under test; None when a key is made of references only."""
    out = {**row, **override}
    fk_cols = {c.name for fk in order.foreign_keys(t) for c in fk.columns}
    for i, (_rule, _name, cols) in enumerate(_unique_sets(t)):
        names = [c.name for c in cols]
        if set(names) & set(override) and not set(names) - set(override) - {"tenant_id"}:
            continue  # the key under test
        free = [c for c in cols if c.name not in fk_cols and c.name not in override]
        if not free:
            return None
        for c in free:
            out[c.name] = _fresh(c, i)
    for c in t.columns:  # generated and server-side values: let the engine fill them
        if c.server_default is not None and c.name not in override and not c.primary_key:
            out.pop(c.name, None)
    return out


def _wider_fk(message: str, t: sa.Table, cols: list[str]) -> str | None:
    m = message.lower()
    for fk in order.foreign_keys(t):
        outgoing = "insert or update on table" in m or "cannot add or update a child row" in m
        if outgoing and str(fk.name).lower() in m and set(cols) < {c.name for c in fk.columns}:
            return str(fk.name)
    return None


def _matches(message: str, kind: str, name: str, table: str, cols: list[str]) -> bool:
    """The refusal names the rule (constraint, key table, column), as each engine words it."""
    m = message.lower()
    needles = [name.lower(), f"key_{table}".lower()]
    if kind == "primary key":
        needles.append("'primary'")
    # a partition's own index of the key: "<table>_p3_pkey", "<table>_default_<cols>_key"
    suffix = "pkey" if kind == "primary key" else "_".join(cols).lower() + "_key"
    if kind in ("primary key", "unique") and re.search(rf'"{re.escape(table.lower())}_\w*{re.escape(suffix)}"', m):
        return True
    needles += [f"{table}.{c}".lower() for c in cols]  # SQLite: "UNIQUE constraint failed: t.c"
    if kind == "foreign key":
        needles.append("foreign key constraint failed")  # SQLite does not name the constraint
    return any(n in m for n in needles)


def _prove(engine: sa.Engine, md: sa.MetaData, rule: tuple[sa.Table, str, str, list[str], Any],
           rows: list[dict[str, Any]], sqlite_fk: bool) -> RuleResult:
    t, kind, name, cols, payload = rule
    res = RuleResult(t.name, kind, name, cols, "not exercised")
    if not rows:
        res.detail = "the table has no synthetic rows"
        return res
    tries: list[tuple[dict[str, Any], dict[str, Any]]] = []
    # an UPDATE of a referenced row is refused by the referencing FK first (InnoDB; PostgreSQL for
    # tenant_id): rows nothing references first
    rows = _leaves_first(engine, md, t, rows)
    if kind in ("primary key", "unique"):
        tries = _candidates(kind, cols, rows)
        if not tries:
            res.detail = "no two rows with distinct keys to collide"
            return res
    elif kind == "foreign key":
        values = {c.name: _missing_value(c) for c in payload.columns if c.name != "tenant_id"} or \
            {"tenant_id": _missing_value(t.c.tenant_id)}
        tries = [(a, values) for a in rows[:TRIES]]
    elif kind == "check":
        bad = _check_violation(t, payload)
        if bad is None:
            res.detail = f"CHECK of a shape the verifier does not violate: {payload.sqltext}"
            return res
        tries = [(a, {bad[0]: bad[1]}) for a in rows[:TRIES]]
    elif kind == "not null":
        tries = [(a, {payload.name: sa.null()}) for a in rows[:TRIES]]  # SQL NULL (JSON None is 'null')
    other = ""
    for a, values in tries:
        refused, message = _attempt(engine, t, a, values, sqlite_fk)
        if not refused:
            res.result = "dropped" if message == "accepted" else "not exercised"
            res.detail = message
            return res
        if _matches(message, kind, name, t.name, cols):
            res.result, res.detail = "refused", message
            return res
        wider = _wider_fk(message, t, cols) if kind == "foreign key" else None
        if wider:  # (tenant_id) cannot change without breaking (tenant_id, x): that FK requires it too
            res.result, res.detail = "refused", f"by {wider}, which contains {', '.join(cols)}: {message}"
            return res
        other = message  # refused by another rule (a referencing FK, say): try another row
    # every row is referenced: INSERT a new row instead, a copy with the other keys made fresh
    if kind == "primary key":
        row: dict[str, Any] | None = dict(rows[0])  # an exact copy: the primary key is checked first
    else:
        row = _fresh_copy(t, tries[0][0], tries[0][1]) if tries else _fresh_copy(t, rows[0], {})
    if row is not None:
        refused, message = _attempt(engine, t, row, {}, sqlite_fk, insert=True)
        wider = _wider_fk(message, t, cols) if refused and kind == "foreign key" else None
        if refused and (wider or _matches(message, kind, name, t.name, cols)):
            res.result = "refused"
            res.detail = f"INSERT of a new row: {message}" + (f" ({wider} contains {', '.join(cols)})" if wider else "")
            return res
        other = message if refused else f"INSERT of a new row was {message}"
        if not refused and message == "accepted":
            res.result, res.detail = "dropped", other
            return res
    res.result, res.detail = "not exercised", f"every attempt was refused by another rule: {other}"
    return res


def _identity(conn: sa.Connection, md: sa.MetaData, dialect: str) -> list[RuleResult]:
    out = []
    for t in md.sorted_tables:
        c = t.c.get("id")
        if c is None or c.info.get("style") != "bigint" or t.info.get("kind") in ("key", "history"):
            continue
        if dialect == "postgresql":
            got = conn.execute(sa.text("SELECT attidentity FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
                                       "AND attname = 'id'"), {"t": f'"{t.name}"'}).scalar()
            ok, detail = got in ("a", "d"), f"pg_attribute.attidentity = {got!r}"
        elif dialect == "mysql":
            got = conn.execute(sa.text("SELECT extra FROM information_schema.columns WHERE table_schema = DATABASE() "
                                       "AND table_name = :t AND column_name = 'id'"), {"t": t.name}).scalar()
            ok, detail = "auto_increment" in str(got).lower(), f"information_schema.columns.extra = {got!r}"
        else:
            info = conn.exec_driver_sql(f'PRAGMA table_info("{t.name}")').fetchall()
            pk = [r for r in info if r[5]]
            ok = len(pk) == 1 and pk[0][1] == "id" and str(pk[0][2]).upper() == "INTEGER"
            detail = "INTEGER PRIMARY KEY (rowid alias)" if ok else \
                f"application-assigned (composite key {[r[1] for r in pk]}: SQLite generates only a rowid alias)"
            if not ok and len(pk) > 1:
                out.append(RuleResult(t.name, "identity", "id", ["id"], "kept", detail))
                continue
        out.append(RuleResult(t.name, "identity", "id", ["id"], "kept" if ok else "dropped", detail))
    return out


def prove(engine: sa.Engine, md: sa.MetaData, dialect: str, variant: str) -> dict[str, Any]:
    sqlite_fk = dialect == "sqlite"
    results: list[RuleResult] = []
    rules = declared_rules(md)
    with engine.connect() as conn:
        samples = {t.name: _rows(conn, t) for t in md.sorted_tables if t.info.get("kind") not in ("key",)}
        results += _identity(conn, md, dialect)
    for rule in rules:
        results.append(_prove(engine, md, rule, samples.get(rule[0].name, []), sqlite_fk))
    counted = [r for r in results if r.rule != "identity"]
    return {"variant": variant, "declared": len(counted),
            "refused": sum(r.result == "refused" for r in counted),
            "dropped": sum(r.result == "dropped" for r in results),
            "not_exercised": sum(r.result == "not exercised" for r in counted),
            "identity": {"declared": sum(r.rule == "identity" for r in results),
                         "kept": sum(r.rule == "identity" and r.result == "kept" for r in results)},
            "rules": [asdict(r) for r in results]}


def _partitioned_variant(ctx: Any, box: Any, md: sa.MetaData) -> dict[str, Any] | None:
    from dbwright.verify.data import generate, load

    scaling = ctx.section("scaling")
    plans = [p for p in (scaling.data.get("partitioning") or []) if p.get("kept") is not None] if scaling else []
    if not plans:
        return None
    url = box.create_database("dbwright_rules_partitioned")
    engine = sa.create_engine(url)
    try:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            for stmt in split_statements(render_ddl(md, "postgresql")):
                cur.execute(stmt)
            raw.commit()
            for p in plans:
                cur.execute(p["ddl"])  # the partitioning/<table>.sql script (one transaction)
                if p["method"] in ("range", "list"):
                    cur.execute(f'CREATE TABLE "{p["table"]}_default" PARTITION OF "{p["table"]}" DEFAULT')
            raw.commit()
        finally:
            raw.close()
        load(engine, md, generate(md, cap=VARIANT_ROWS))
        out = prove(engine, md, "postgresql", "partitioned")
        out["tables"] = [p["table"] for p in plans]
        return out
    finally:
        engine.dispose()


def check(ctx: Any, engine_name: str, box: Any, url: str) -> dict[str, Any] | None:
    """Verification hook: prove every declared rule on the loaded base schema, and on PostgreSQL
    on the partitioned variant."""
    dialect = {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mysql"}[engine_name]
    md: sa.MetaData = ctx.options["metadata_by_dialect"][dialect]
    engine = sa.create_engine(url)
    try:
        variants = [prove(engine, md, dialect, "base")]
    finally:
        engine.dispose()
    if engine_name == "postgresql":
        part = _partitioned_variant(ctx, box, md)
        if part:
            variants.append(part)
    return {"variants": variants}


__all__ = ["check", "declared_rules", "prove"]
