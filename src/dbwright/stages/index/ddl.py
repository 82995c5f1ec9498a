"""CREATE/DROP INDEX statements per dialect, emitted by SQLAlchemy (never hand-built DDL).

PostgreSQL gets ``CREATE INDEX CONCURRENTLY`` (online build; not inside a transaction), INCLUDE
and partial predicates; SQLite keeps partial predicates; MariaDB/MySQL get the key columns only
(no INCLUDE, no partial indexes: the advisor says so in the output).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, DropIndex

from dbwright.stages.index.model import IndexDef

DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite")


def _dialect(name: str) -> Any:
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.dialect()  # type: ignore[no-untyped-call]
    if name in ("mysql", "mariadb"):
        from sqlalchemy.dialects import mysql

        d = mysql.dialect()
        if name == "mariadb":
            d.is_mariadb = True
        return d
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.dialect()
    raise ValueError(f"unknown dialect {name!r}")


def _index(idx: IndexDef, dialect: str, concurrently: bool, name: str | None) -> sa.Index:
    md = sa.MetaData()
    cols = list(dict.fromkeys([*idx.columns, *idx.include]))
    # Key length for text columns on MySQL is the renderer's concern; TEXT keys need a prefix there.
    schema, tname = split_table(idx.table)
    table = sa.Table(tname, md, *[sa.Column(c, sa.Integer) for c in cols], schema=schema)
    exprs: list[Any] = [table.c[c].desc() if idx.is_desc(i) else table.c[c] for i, c in enumerate(idx.columns)]
    kw: dict[str, Any] = {}
    if dialect == "postgresql":
        if idx.method != "btree":
            kw["postgresql_using"] = idx.method
        if concurrently:
            kw["postgresql_concurrently"] = True
        if idx.include:
            kw["postgresql_include"] = list(idx.include)
        if idx.where:
            kw["postgresql_where"] = sa.text(idx.where)
    elif dialect == "sqlite" and idx.where:
        kw["sqlite_where"] = sa.text(idx.where)
    return sa.Index(name or idx.name, *exprs, **kw)


def split_table(table: str) -> tuple[str | None, str]:
    """``schema.table`` -> (schema, table); a bare name is in the search path (``public``)."""
    schema, _, name = table.rpartition(".")
    return (schema or None), name


def index_sql(idx: IndexDef, dialect: str = "postgresql", concurrently: bool = True,
              name: str | None = None) -> str:
    """The CREATE INDEX statement for ``idx`` in ``dialect`` (no trailing semicolon)."""
    return str(CreateIndex(_index(idx, dialect, concurrently, name)).compile(dialect=_dialect(dialect)))


def drop_sql(name: str, table: str, dialect: str = "postgresql") -> str:
    md = sa.MetaData()
    schema, tname = split_table(table)
    t = sa.Table(tname, md, sa.Column("x", sa.Integer), schema=schema)
    ix = sa.Index(name, t.c.x)
    kw: dict[str, Any] = {"postgresql_concurrently": True} if dialect == "postgresql" else {}
    ix.dialect_kwargs.update(kw)
    return str(DropIndex(ix).compile(dialect=_dialect(dialect)))


def portable(idx: IndexDef, dialect: str) -> tuple[IndexDef, str | None]:
    """The closest index ``dialect`` supports, and what was lost (None when nothing)."""
    if dialect in ("mysql", "mariadb"):
        lost = []
        if idx.include:
            lost.append("INCLUDE columns appended to the key")
        if idx.where:
            lost.append("partial predicate dropped (no partial indexes)")
        if lost:
            cols = tuple(dict.fromkeys([*idx.columns, *idx.include]))
            return IndexDef(idx.table, cols, descending=idx.descending), "; ".join(lost)
    if dialect == "sqlite" and idx.include:
        cols = tuple(dict.fromkeys([*idx.columns, *idx.include]))
        return IndexDef(idx.table, cols, where=idx.where, descending=idx.descending), \
            "INCLUDE columns appended to the key"
    return idx, None


def all_dialects(idx: IndexDef) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in ("postgresql", "mariadb", "sqlite"):
        p, _ = portable(idx, d)
        out[d] = index_sql(p, d, concurrently=True) + ";"
    return out
