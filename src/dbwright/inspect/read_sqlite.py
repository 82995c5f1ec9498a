"""Read a SQLite database into :class:`~dbwright.model.database.Database`, in bulk.

The ``pragma_*`` table-valued functions joined to ``sqlite_schema`` give every table's columns,
foreign keys and indexes in one query each. SQLite keeps no usage statistics; row counts are exact
(``count(*)`` of every table in one UNION ALL statement), which on SQLite is a scan of each table's
smallest b-tree.
"""

from __future__ import annotations

import re
from typing import Any

from dbwright.model.database import Column, Database, ForeignKey, Index, Table, Unique


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_sqlite(conn: Any, db: Database, count_rows: bool = True) -> Database:
    db.schemas = ["main"]
    db.version = str(conn.execute("select sqlite_version()").fetchone()[0])
    objects = conn.execute("select name, type, sql from sqlite_master where type in ('table', 'view') "
                           "and name not like 'sqlite_%' order by name").fetchall()
    sqls: dict[str, str] = {}
    for name, kind, sql in objects:
        t = Table("main", name, "view" if kind == "view" else "table", view_definition=sql if kind == "view" else None)
        db.tables[t.key] = t
        sqls[name] = sql or ""
    for tname, cid, name, typ, notnull, dflt, pk in conn.execute("""
        select m.name, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk
        from sqlite_master m join pragma_table_info(m.name) p
        where m.type in ('table', 'view') and m.name not like 'sqlite_%' order by m.name, p.cid"""):
        t = db.tables[f"main.{tname}"]
        t.columns.append(Column(name, typ or "", nullable=not notnull and not pk, default=dflt, position=cid + 1))
        if pk:
            t.primary_key.append((pk, name))  # type: ignore[arg-type]  # sorted below
    for t in db.tables.values():
        pairs: list[Any] = t.primary_key
        t.primary_key = [n for _, n in sorted(pairs)]
        sql = sqls.get(t.name, "")
        if len(t.primary_key) == 1:
            col = t.column(t.primary_key[0])
            if col is not None and col.type.upper() == "INTEGER":
                col.identity = "auto_increment" if re.search(r"\bautoincrement\b", sql, re.I) else "rowid"
    fks: dict[tuple[str, int], ForeignKey] = {}
    for tname, fid, _seq, ref, src, dst, on_update, on_delete in conn.execute("""
        select m.name, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete
        from sqlite_master m join pragma_foreign_key_list(m.name) f
        where m.type = 'table' order by m.name, f.id, f.seq"""):
        fk = fks.get((tname, fid))
        if fk is None:
            fk = ForeignKey(f"fk_{tname}_{fid}", [], "main", ref, [], on_delete, on_update)
            fks[(tname, fid)] = fk
            db.tables[f"main.{tname}"].foreign_keys.append(fk)
        fk.columns.append(src)
        fk.ref_columns.append(dst)
    for fk in fks.values():
        if not any(fk.ref_columns) or fk.ref_columns == [None] * len(fk.ref_columns):
            target = db.tables.get(f"main.{fk.ref_table}")
            fk.ref_columns = list(target.primary_key) if target else []
    idx: dict[tuple[str, str], Index] = {}
    for tname, iname, unique, origin, partial, _seqno, col in conn.execute("""
        select m.name, il.name, il."unique", il.origin, il.partial, ii.seqno, ii.name
        from sqlite_master m join pragma_index_list(m.name) il join pragma_index_info(il.name) ii
        where m.type = 'table' order by m.name, il.name, ii.seqno"""):
        t = db.tables[f"main.{tname}"]
        ix = idx.get((tname, iname))
        if ix is None:
            ix = Index(iname, [], unique=bool(unique), primary=origin == "pk",
                       constraint=iname if origin in ("pk", "u") else None)
            if partial:
                ix.predicate = _partial(conn, iname)
            idx[(tname, iname)] = ix
            t.indexes.append(ix)
            if origin == "u":
                t.uniques.append(Unique(iname, ix.columns))
        ix.columns.append(col if col is not None else "(expression)")
    for (iname, sql) in conn.execute("select name, sql from sqlite_master where type = 'index' and sql is not null"):
        for ix in idx.values():
            if ix.name == iname:
                ix.definition = sql
    base = [t for t in db.tables.values() if t.kind == "table"]
    if count_rows and base:
        union = " union all ".join(f"select {i}, count(*) from {_q(t.name)}" for i, t in enumerate(base))
        for i, n in conn.execute(union):
            base[i].rows, base[i].rows_exact = int(n), True
    return db


def _partial(conn: Any, iname: str) -> str | None:
    row = conn.execute("select sql from sqlite_master where type = 'index' and name = ?", (iname,)).fetchone()
    m = re.search(r"\bwhere\b(.*)$", row[0] or "", re.I | re.S) if row else None
    return m.group(1).strip() if m else None
