"""Read a MySQL/MariaDB server into :class:`~dbwright.model.database.Database`, in bulk.

``information_schema`` views for every selected database ("schema") at once: one query each for
tables, columns, constraints and indexes. Row counts are InnoDB's estimates (``TABLE_ROWS``) and
sizes its page counts; MySQL keeps no per-index usage counters without performance_schema, so
"unused index" checks are skipped with a note.
"""

from __future__ import annotations

from typing import Any

from dbwright.model.database import Check, Column, Database, ForeignKey, Index, Table, Unique

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")


def _rows(conn: Any, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def list_schemas(conn: Any) -> list[str]:
    return [r[0] for r in _rows(conn, "select schema_name from information_schema.schemata "
                                      "where schema_name not in %s order by 1", (SYSTEM_SCHEMAS,))]


def _in(schemas: list[str]) -> tuple[str, ...]:
    return tuple(schemas) or ("",)


def read_mysql(conn: Any, schemas: list[str], db: Database) -> Database:
    db.schemas = list(schemas)
    version = str(_rows(conn, "select version()")[0][0])
    db.version = version
    db.engine = "mariadb" if "mariadb" in version.lower() else "mysql"
    db.collected_at = str(_rows(conn, "select now()")[0][0])
    p = (_in(schemas),)
    for sch, name, ttype, engine, rows, data, index, comment, auto in _rows(conn, """
        select table_schema, table_name, table_type, engine, table_rows, data_length, index_length, table_comment,
               auto_increment
        from information_schema.tables where table_schema in %s order by 1, 2""", p):
        tab = Table(sch, name, "view" if ttype == "VIEW" else "table", engine=engine,
                    comment=comment or None, auto_increment=auto)
        if tab.kind == "table":
            tab.rows = int(rows) if rows is not None else None
            tab.table_bytes, tab.index_bytes = data, index
            tab.total_bytes = (data or 0) + (index or 0) if data is not None else None
        db.tables[tab.key] = tab
    for sch, tname, name, ctype, nullable, dflt, extra, comment, pos, gen in _rows(conn, """
        select table_schema, table_name, column_name, column_type, is_nullable, column_default, extra,
               column_comment, ordinal_position, generation_expression
        from information_schema.columns where table_schema in %s order by 1, 2, ordinal_position""", p):
        t = db.tables.get(f"{sch}.{tname}")
        if t is None:
            continue
        extra = (extra or "").lower()
        t.columns.append(Column(name, ctype, nullable=nullable == "YES", default=_default(dflt, db.engine),
                                identity="auto_increment" if "auto_increment" in extra else "",
                                generated=gen or None, comment=comment or None, position=int(pos)))
    for sch, tname, cname, ctype, col, _pos, rsch, rtable, rcol, delete, update in _rows(conn, """
        select c.table_schema, c.table_name, c.constraint_name, c.constraint_type, k.column_name, k.ordinal_position,
               k.referenced_table_schema, k.referenced_table_name, k.referenced_column_name, r.delete_rule, r.update_rule
        from information_schema.table_constraints c
        join information_schema.key_column_usage k on k.constraint_schema = binary c.constraint_schema
             and k.constraint_name = binary c.constraint_name and k.table_name = binary c.table_name
        left join information_schema.referential_constraints r on r.constraint_schema = binary c.constraint_schema
             and r.constraint_name = binary c.constraint_name and r.table_name = binary c.table_name
        where c.table_schema in %s and c.constraint_type in ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
        order by 1, 2, 3, k.ordinal_position""", p):  # binary: information_schema compares names
        # case-insensitively, and `Customer` and `customer` are two tables where lower_case_table_names=0
        t = db.tables.get(f"{sch}.{tname}")
        if t is None:
            continue
        if ctype == "PRIMARY KEY":
            t.primary_key.append(col)
            t.primary_key_name = "PRIMARY"
        elif ctype == "UNIQUE":
            u = next((u for u in t.uniques if u.name == cname), None)
            if u is None:
                u = Unique(cname, [])
                t.uniques.append(u)
            u.columns.append(col)
        else:
            fk = next((f for f in t.foreign_keys if f.name == cname), None)
            if fk is None:
                fk = ForeignKey(cname, [], rsch, rtable, [], delete or "RESTRICT", update or "RESTRICT")
                t.foreign_keys.append(fk)
            fk.columns.append(col)
            fk.ref_columns.append(rcol)
    try:
        checks = _rows(conn, """select constraint_schema, table_name, constraint_name, check_clause
                                from information_schema.check_constraints where constraint_schema in %s""", p)
    except Exception:  # MySQL < 8.0.16 has no CHECK_CONSTRAINTS view
        checks = []
        db.notes.append("CHECK constraints not read: information_schema.check_constraints is missing")
    for sch, tname, cname, clause in checks:
        t = db.tables.get(f"{sch}.{tname}")
        if t is not None and not (clause or "").lower().startswith("json_valid"):
            t.checks.append(Check(cname, clause))
    for sch, tname, iname, non_unique, col, expr, itype, sub, _seq in _rows(conn, _index_sql(db.engine), p):
        t = db.tables.get(f"{sch}.{tname}")
        if t is None:
            continue
        ix = next((i for i in t.indexes if i.name == iname), None)
        if ix is None:
            ix = Index(iname, [], unique=not non_unique, primary=iname == "PRIMARY", method=(itype or "BTREE").lower(),
                       constraint=iname if iname == "PRIMARY" or any(u.name == iname for u in t.uniques) else None)
            t.indexes.append(ix)
        ix.columns.append(col if col is not None else f"({expr})")
        if sub:
            ix.definition += f"{col}({sub}) "
    db.notes.append(f"{db.engine}: no per-index usage counters read (performance_schema not used): "
                    "unused-index checks skipped")
    return db


def _index_sql(engine: str) -> str:
    expr = "expression" if engine == "mysql" else "null"
    return f"""select table_schema, table_name, index_name, non_unique, column_name, {expr}, index_type, sub_part,
                      seq_in_index
               from information_schema.statistics where table_schema in %s order by 1, 2, 3, seq_in_index"""


def _default(value: Any, engine: str) -> str | None:
    if value is None:
        return None
    v = str(value)
    if engine == "mariadb" and v.upper() == "NULL":
        return None  # MariaDB reports a NULL default as the text NULL; a 'NULL' string comes quoted
    return v
