"""Prove a decomposition lossless on a real engine.

Loads the flat rows into a staging table, creates the proposed tables (SQLAlchemy ``Table``
objects, DDL compiled per dialect), fills them with ``INSERT … SELECT DISTINCT`` in dependency
order, then joins them back and counts rows missing from or added to the original (both must be
0). Rows that violate a confirmed FD are counted with examples: they are data-quality findings
and would make the fill fail on key constraints, so constraints are left off when there are any.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from dbwright.engines import postgresql as pg_engine

SA_TYPES: dict[str, Any] = {
    "int": sa.BigInteger, "float": lambda: sa.Float(53), "bool": sa.Boolean, "date": sa.Date,
    "timestamp": sa.DateTime, "text": sa.Text,
}
DIALECTS = ("postgresql", "sqlite", "mysql")


@dataclass
class TargetTable:
    name: str
    columns: list[str]
    primary_key: list[str]
    unique: list[list[str]] = field(default_factory=list)
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    reason: str = ""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> TargetTable:
        return TargetTable(d["name"], list(d["columns"]), list(d["primary_key"]), [list(u) for u in d["unique"]],
                           [(list(f["columns"]), f["references"], list(f["referenced_columns"]))
                            for f in d["foreign_keys"]], d.get("reason", ""))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "columns": self.columns, "primary_key": self.primary_key,
                "unique": self.unique, "reason": self.reason,
                "foreign_keys": [{"columns": c, "references": t, "referenced_columns": r}
                                 for c, t, r in self.foreign_keys]}


@dataclass
class FlatSource:
    name: str
    columns: list[str]
    types: dict[str, str]
    rows: list[tuple[str | None, ...]]


@dataclass
class Proof:
    engine: str
    version: str
    source_rows: int
    source_distinct: int
    joined_rows: int
    missing: int
    extra: int
    violations: list[dict[str, Any]]
    constraints: bool
    seconds: float
    table_rows: dict[str, int]

    @property
    def lossless(self) -> bool:
        return self.missing == 0 and self.extra == 0

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "version": self.version, "lossless": self.lossless,
                "source_rows": self.source_rows, "source_distinct_rows": self.source_distinct,
                "joined_rows": self.joined_rows, "missing_rows": self.missing, "extra_rows": self.extra,
                "constraints_enforced": self.constraints, "table_rows": self.table_rows,
                "fd_violations": self.violations, "seconds": round(self.seconds, 3)}


def dependency_order(targets: Sequence[TargetTable]) -> list[TargetTable]:
    """Referenced tables first (a topological order of the foreign keys)."""
    by_name = {t.name: t for t in targets}
    done: list[TargetTable] = []
    seen: set[str] = set()

    def visit(t: TargetTable, stack: tuple[str, ...]) -> None:
        if t.name in seen or t.name in stack:
            return
        for _, ref, _ in t.foreign_keys:
            if ref in by_name:
                visit(by_name[ref], (*stack, t.name))
        seen.add(t.name)
        done.append(t)

    for t in targets:
        visit(t, ())
    return done


def ident(name: str, limit: int = 63) -> str:
    """An identifier within PostgreSQL's 63-byte limit (long names keep a short hash suffix)."""
    if len(name) <= limit:
        return name
    import hashlib
    return f"{name[:limit - 9]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def build_metadata(source: FlatSource, targets: Sequence[TargetTable], constraints: bool = True,
                   staging: bool = True) -> tuple[sa.MetaData, sa.Table | None]:
    meta = sa.MetaData()
    src = None
    if staging:
        src = sa.Table(source.name, meta, *[sa.Column(c, SA_TYPES[source.types.get(c, "text")]())
                                            for c in source.columns])
    for t in dependency_order(targets):
        cols = [sa.Column(c, SA_TYPES[source.types.get(c, "text")](),
                          nullable=not (constraints and c in t.primary_key), autoincrement=False)
                for c in t.columns]
        extra: list[Any] = []
        if constraints:
            extra.append(sa.PrimaryKeyConstraint(*t.primary_key, name=ident(f"{t.name}_pkey")))
            extra += [sa.UniqueConstraint(*u, name=ident(f"{t.name}_{'_'.join(u)}_key")) for u in t.unique]
            extra += [sa.ForeignKeyConstraint(c, [f"{ref}.{r}" for r in rc],
                                              name=ident(f"{t.name}_{'_'.join(c)}_fkey"))
                      for c, ref, rc in t.foreign_keys]
        sa.Table(t.name, meta, *cols, *extra)
    return meta, src


def render_ddl(source: FlatSource, targets: Sequence[TargetTable], dialect: str) -> str:
    meta, _ = build_metadata(source, targets, staging=False)
    d = _dialect(dialect)
    return "\n".join(str(CreateTable(t).compile(dialect=d)).strip() + ";\n" for t in meta.sorted_tables)


def _dialect(name: str) -> sa.engine.Dialect:
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    mods: dict[str, Any] = {"postgresql": postgresql, "sqlite": sqlite, "mysql": mysql}
    if name not in mods:
        raise ValueError(f"unknown dialect {name}; choose from {', '.join(DIALECTS)}")
    return mods[name].dialect()  # type: ignore[no-any-return]


def fill_statements(meta: sa.MetaData, src: sa.Table, targets: Sequence[TargetTable]) -> list[sa.Insert]:
    """INSERT INTO t (cols) SELECT DISTINCT cols FROM source, referenced tables first."""
    out = []
    for t in dependency_order(targets):
        table = meta.tables[t.name]
        sel = sa.select(*[src.c[c] for c in t.columns]).distinct()
        if t.primary_key:
            sel = sel.where(sa.and_(*[src.c[c].is_not(None) for c in t.primary_key]))
        out.append(sa.insert(table).from_select(t.columns, sel))
    return out


def render_fill_sql(source: FlatSource, targets: Sequence[TargetTable], dialect: str) -> str:
    meta, src = build_metadata(source, targets)
    assert src is not None
    d = _dialect(dialect)
    return "\n".join(str(s.compile(dialect=d)).strip() + ";\n" for s in fill_statements(meta, src, targets))


def _convert(value: str | None, kind: str) -> Any:
    if value is None:
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return value == "true"
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "timestamp":
        return datetime.fromisoformat(value)
    return value


def join_back(meta: sa.MetaData, targets: Sequence[TargetTable], columns: Sequence[str],
              nullable: set[str]) -> sa.Select[Any]:
    """Natural join of the target tables along shared columns, projecting the source columns."""
    tables = [meta.tables[t.name] for t in targets]
    order = [tables[0]]
    covered = set(tables[0].c.keys())
    rest = tables[1:]
    joined: Any = tables[0]
    where = {c: tables[0] for c in covered}
    while rest:
        nxt = next((t for t in rest if set(t.c.keys()) & covered), rest[0])
        rest.remove(nxt)
        shared = sorted(set(nxt.c.keys()) & covered)
        conds = [(nxt.c[c].is_not_distinct_from(where[c].c[c]) if c in nullable else nxt.c[c] == where[c].c[c])
                 for c in shared]
        # A NULL reference has no row to join (the fill skips NULL keys): keep the row, as a
        # nullable foreign key would.
        outer = any(c in nullable for c in shared)
        joined = joined.join(nxt, sa.and_(*conds) if conds else sa.true(), isouter=outer)
        names = list(nxt.c.keys())
        for c in names:
            where.setdefault(c, nxt)
        covered |= set(names)
        order.append(nxt)
    return sa.select(*[where[c].c[c].label(c) for c in columns]).select_from(joined)


def root_first(targets: Sequence[TargetTable], keys: Sequence[Sequence[str]]) -> list[TargetTable]:
    """The table holding a key of the flat relation first: joins from it never multiply rows."""
    ks = [set(k) for k in keys]
    first = [t for t in targets if any(k <= set(t.columns) for k in ks)]
    return first[:1] + [t for t in targets if t not in first[:1]]


def fd_violations(conn: sa.Connection, src: sa.Table, fds: Sequence[tuple[list[str], list[str]]],
                  examples: int = 5) -> list[dict[str, Any]]:
    out = []
    for lhs, rhs in fds:
        d = sa.select(*[src.c[c] for c in lhs + rhs]).distinct().subquery()
        groups = (sa.select(*[d.c[c] for c in lhs], sa.func.count().label("n"))
                  .group_by(*[d.c[c] for c in lhs]).having(sa.func.count() > 1)).subquery()
        n = conn.execute(sa.select(sa.func.count()).select_from(groups)).scalar_one()
        if not n:
            continue
        rows = conn.execute(sa.select(sa.func.count()).select_from(
            src.join(groups, sa.and_(*[src.c[c] == groups.c[c] for c in lhs])))).scalar_one()
        ex = conn.execute(sa.select(*[groups.c[c] for c in lhs], groups.c.n).limit(examples)).all()
        out.append({"fd": f"{','.join(lhs)} -> {','.join(rhs)}", "groups": int(n), "rows": int(rows),
                    "examples": [dict(zip([*lhs, "distinct_values"], map(_plain, r), strict=True)) for r in ex]})
    return out


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (date, datetime)) else v


def prove_on(url: str, engine_name: str, source: FlatSource, targets: Sequence[TargetTable],
             keys: Sequence[Sequence[str]], fds: Sequence[tuple[list[str], list[str]]]) -> Proof:
    t0 = time.perf_counter()
    eng = sa.create_engine(url)
    try:
        with eng.begin() as conn:
            staging_meta, src = build_metadata(source, [], staging=True)
            assert src is not None
            staging_meta.create_all(conn)
            conn.execute(sa.insert(src), [
                {c: _convert(v, source.types.get(c, "text")) for c, v in zip(source.columns, r, strict=True)}
                for r in source.rows])
            violations = fd_violations(conn, src, fds)
            constraints = not violations
            meta, _ = build_metadata(source, targets, constraints=constraints, staging=False)
            meta.create_all(conn)
            for stmt in fill_statements(meta, src, targets):
                conn.execute(stmt)
            nullable = {c for i, c in enumerate(source.columns) if any(r[i] is None for r in source.rows)}
            joined = join_back(meta, root_first(targets, keys), source.columns, nullable)
            original = sa.select(*src.c)

            def count(q: Any) -> int:
                return int(conn.execute(sa.select(sa.func.count()).select_from(q.subquery())).scalar_one())

            proof = Proof(
                engine=engine_name, version=str(conn.dialect.server_version_info and
                                                ".".join(map(str, conn.dialect.server_version_info))),
                source_rows=count(original), source_distinct=count(original.distinct()),
                joined_rows=count(joined), missing=count(sa.except_(original, joined)),
                extra=count(sa.except_(joined, original)), violations=violations, constraints=constraints,
                seconds=0.0, table_rows={t.name: count(sa.select(meta.tables[t.name])) for t in targets})
    finally:
        eng.dispose()
    proof.seconds = time.perf_counter() - t0
    return proof


@contextlib.contextmanager
def sandbox_urls(engines: Sequence[str], pg_cluster: Any = None) -> Iterator[list[tuple[str, str]]]:
    """(engine, url) pairs: a SQLite file always, PostgreSQL when asked and available."""
    from dbwright.engines.sqlite import SQLiteSandbox

    box = SQLiteSandbox()
    cluster = None
    try:
        urls = [("sqlite", box.create_database("lossless"))] if "sqlite" in engines else []
        if "postgresql" in engines:
            if pg_cluster is None and pg_engine.available():
                cluster = pg_engine.PostgresCluster().start()
            c = pg_cluster or cluster
            if c is not None:
                db = f"lossless_{int(time.time() * 1000) % 10**9}"
                urls.append(("postgresql", c.create_database(db)))
        yield urls
    finally:
        box.close()
        if cluster is not None:
            cluster.stop()


def prove(source: FlatSource, targets: Sequence[TargetTable], keys: Sequence[Sequence[str]],
          fds: Sequence[tuple[list[str], list[str]]], engines: Sequence[str] = ("sqlite", "postgresql"),
          pg_cluster: Any = None) -> list[Proof]:
    with sandbox_urls(engines, pg_cluster) as urls:
        return [prove_on(url, name, source, targets, keys, fds) for name, url in urls]
