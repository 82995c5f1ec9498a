"""Round trip: apply the rendered DDL to a real engine, reflect it back with SQLAlchemy, compare.

Every difference between the intended MetaData and what the engine reports is a finding. Type
names are compared after compiling both sides with the same dialect; the few spellings an engine
reports differently for the same type are listed in ``TYPE_ALIASES`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dbwright.ddl.emit import split_statements

# (dialect, intended spelling) -> spellings the engine reports for the same storage.
TYPE_ALIASES: dict[tuple[str, str], set[str]] = {
    # MariaDB stores BOOL as TINYINT(1).
    ("mysql", "BOOL"): {"TINYINT(1)", "TINYINT", "BOOL"},
    # MariaDB's JSON is LONGTEXT with a JSON_VALID check.
    ("mysql", "JSON"): {"LONGTEXT", "JSON"},
    # MariaDB's UUID type (10.7+) vs SQLAlchemy's CHAR(32) for Uuid on the mysql dialect.
    ("mysql", "CHAR(32)"): {"CHAR(32)", "UUID"},
    ("mysql", "DOUBLE"): {"DOUBLE"},
    # SQLite keeps declared type names verbatim, except these that SQLAlchemy maps on reflection.
    ("sqlite", "DOUBLE"): {"DOUBLE", "FLOAT"},
    ("sqlite", "DATETIME"): {"DATETIME", "TIMESTAMP"},
}
_ON_DELETE_DEFAULT = {None, "NO ACTION", "RESTRICT"}


@dataclass
class Difference:
    table: str
    what: str
    intended: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.table}: {self.what}: intended {self.intended!r}, engine has {self.actual!r}"


@dataclass
class RoundTrip:
    engine: str
    version: str
    statements: int
    tables: int
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None


def apply_script(conn: sa.Connection, script: str) -> int:
    n = 0
    for stmt in split_statements(script):
        conn.exec_driver_sql(stmt)
        n += 1
    return n


def _norm_type(text: str) -> str:
    t = re.sub(r"\s+", " ", text.upper()).strip()
    t = re.sub(r" COLLATE \"?\w+\"?", "", t)
    t = re.sub(r" CHARACTER SET \w+", "", t)
    # integer display widths (BIGINT(20)) are cosmetic, not storage
    t = re.sub(r"^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\((\d+)\)$",
               lambda m: m.group(0) if m.group(1) == "TINYINT" and m.group(2) == "1" else m.group(1), t)
    return {"NUMERIC": "DECIMAL", "INT": "INTEGER"}.get(t.split("(")[0], t.split("(")[0]) + \
        (t[len(t.split("(")[0]):] if "(" in t else "")


def _type_ok(dialect: str, intended: str, actual: str) -> bool:
    i, a = _norm_type(intended), _norm_type(actual)
    if i == a:
        return True
    return a in TYPE_ALIASES.get((dialect, i), set())


def _expr(text: str) -> str:
    t = re.sub(r"[\s\"`]", "", text).lower()
    t = re.sub(r"::[a-z ]+", "", t)
    return re.sub(r"\b\w+\.", "", t)


def _idx_cols(cols: list[Any], exprs: list[Any] | None) -> tuple[str, ...]:
    out = []
    for i, c in enumerate(cols):
        if c is None and exprs:
            out.append(_expr(str(exprs[i])))
        else:
            out.append(str(c))
    return tuple(out)


def _intended_uniques(t: sa.Table, dialect: sa.engine.Dialect) -> set[tuple[str, ...]]:
    out = {tuple(c.name for c in u.columns) for u in t.constraints if isinstance(u, sa.UniqueConstraint)}
    for ix in t.indexes:
        if ix.unique:
            out.add(tuple(c if isinstance(c, str) else
                          (c.name if isinstance(c, sa.Column) else
                           _expr(str(c.compile(dialect=dialect))))
                          for c in ix.expressions))
    return out


FkKey = tuple[tuple[str, ...], str, tuple[str, ...], str]


def _norm_fks(fks: set[FkKey]) -> set[FkKey]:
    """ON DELETE RESTRICT and NO ACTION (the default) differ only in deferrability: same check."""
    return {(a, b, c, "RESTRICT" if d in _ON_DELETE_DEFAULT else d) for a, b, c, d in fks}


def compare(md: sa.MetaData, engine: sa.Engine) -> list[Difference]:
    insp = sa.inspect(engine)
    dialect = engine.dialect
    dname = "mysql" if dialect.name in ("mysql", "mariadb") else dialect.name
    from dbwright.ddl.dialects import dialect_for

    render_dialect = dialect_for(dname)
    diffs: list[Difference] = []
    actual_tables = set(insp.get_table_names())
    intended_tables = set(md.tables)
    for name in sorted(intended_tables - actual_tables):
        diffs.append(Difference(name, "table", "present", "missing"))
    for name in sorted(actual_tables - intended_tables):
        diffs.append(Difference(name, "table", "absent", "present"))
    for name in sorted(intended_tables & actual_tables):
        t = md.tables[name]
        cols = {c["name"]: c for c in insp.get_columns(name)}
        for c in t.columns:
            got = cols.get(c.name)
            if got is None:
                diffs.append(Difference(name, f"column {c.name}", "present", "missing"))
                continue
            want_null = bool(c.nullable) and not c.primary_key
            if bool(got["nullable"]) != want_null:
                diffs.append(Difference(name, f"column {c.name} nullable", want_null, got["nullable"]))
            it = str(c.type.compile(dialect=render_dialect))
            try:
                at = str(got["type"].compile(dialect=render_dialect))
            except Exception:
                at = str(got["type"])
            if not _type_ok(dname, it, at):
                diffs.append(Difference(name, f"column {c.name} type", it, at))
        for extra in sorted(set(cols) - {c.name for c in t.columns}):
            diffs.append(Difference(name, f"column {extra}", "absent", "present"))
        pk = insp.get_pk_constraint(name).get("constrained_columns") or []
        if list(pk) != [c.name for c in t.primary_key.columns]:
            diffs.append(Difference(name, "primary key", [c.name for c in t.primary_key.columns], pk))
        want_fks = {(tuple(c.name for c in fk.columns), fk.referred_table.name,
                     tuple(e.column.name for e in fk.elements),
                     (fk.ondelete or "NO ACTION").upper()) for fk in t.foreign_key_constraints}
        got_fks = set()
        for fk in insp.get_foreign_keys(name):
            od = ((fk.get("options") or {}).get("ondelete") or "NO ACTION").upper()
            got_fks.add((tuple(fk["constrained_columns"]), fk["referred_table"],
                         tuple(fk["referred_columns"]), od))
        if _norm_fks(want_fks) != _norm_fks(got_fks):
            diffs.append(Difference(name, "foreign keys", sorted(_norm_fks(want_fks)), sorted(_norm_fks(got_fks))))
        got_idx = insp.get_indexes(name)
        got_unique = {tuple(u["column_names"]) for u in insp.get_unique_constraints(name)}
        got_unique |= {_idx_cols(i["column_names"], i.get("expressions")) for i in got_idx if i["unique"]}
        want_unique = _intended_uniques(t, dialect)
        if want_unique != got_unique:
            diffs.append(Difference(name, "unique", sorted(want_unique), sorted(got_unique)))
        want_idx = {tuple(c.name for c in ix.columns) for ix in t.indexes if not ix.unique}
        got_plain = {_idx_cols(i["column_names"], i.get("expressions")) for i in got_idx
                     if not i["unique"] and not i.get("duplicates_constraint")}
        if dname == "mysql":
            # InnoDB creates an index for a foreign key only when none leads with its columns; ours all do.
            pass
        if want_idx != got_plain:
            diffs.append(Difference(name, "indexes", sorted(want_idx), sorted(got_plain)))
        want_ck: set[str] = {str(ck.name) for ck in t.constraints if isinstance(ck, sa.CheckConstraint) and ck.name}
        try:
            got_ck: set[str] = {str(c["name"]) for c in insp.get_check_constraints(name) if c.get("name")}
        except NotImplementedError:
            got_ck = want_ck
        if dname == "mysql":
            got_ck = {c for c in got_ck if c not in {col.name for col in t.columns}}  # JSON_VALID checks
        if want_ck != got_ck:
            diffs.append(Difference(name, "check constraints", sorted(want_ck), sorted(got_ck)))
    return diffs


def round_trip(md: sa.MetaData, script: str, url: str, engine_name: str, version: str) -> RoundTrip:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            n = apply_script(conn, script)
        diffs = compare(md, engine)
        return RoundTrip(engine_name, version, n, len(md.tables), diffs)
    except sa.exc.SQLAlchemyError as exc:
        return RoundTrip(engine_name, version, 0, len(md.tables), [], error=str(exc.orig if hasattr(exc, "orig") else exc)[:500])
    finally:
        engine.dispose()
