"""Read a PostgreSQL database into :class:`~dbwright.model.database.Database`, in bulk.

One query per kind of object for every selected schema at once (tables, columns, constraints,
indexes, sequences, policies, …): about fifteen round trips whatever the number of tables. The
caller opens the connection read-only; nothing here writes. Statistics come from the engine's own
counters (``pg_class.reltuples``, ``pg_stat_*``, ``pg_stats``), never from scanning the tables.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from dbwright.model.database import (
    Check,
    Column,
    Database,
    ForeignKey,
    Function,
    Index,
    Policy,
    Query,
    ReplicationSlot,
    Sequence,
    Table,
    Unique,
)

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_KINDS = {"r": "table", "p": "partitioned", "v": "view", "m": "materialized view", "f": "foreign"}
_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_CMDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
_CATALOG = re.compile(r"\b(pg_catalog\.|information_schema\.|pg_(class|attribute|namespace|constraint|index|proc|type|"
                      r"depend|description|stat_\w+|stats|sequences?|policy|extension|inherits|am|attrdef|"
                      r"database|replication_slots|settings|locks)\b)", re.IGNORECASE)
_NOT_EXT = "not exists (select 1 from pg_depend d where d.objid = {oid} and d.deptype = 'e')"


def _rows(conn: Any, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())


def list_schemas(conn: Any) -> list[str]:
    return [r[0] for r in _rows(conn, f"""
        select n.nspname from pg_namespace n where n.nspname <> all(%s) and n.nspname not like 'pg_temp%%'
          and n.nspname not like 'pg_toast_temp%%' and {_NOT_EXT.format(oid='n.oid')} order by 1""",
        (list(SYSTEM_SCHEMAS),))]


def read_postgres(conn: Any, schemas: list[str], db: Database, samples: bool = True) -> Database:
    """Fill ``db`` with every object of ``schemas``; ``samples`` takes column values from pg_stats."""
    db.schemas = list(schemas)
    head = conn.execute("select current_database(), current_setting('server_version'), now()::text").fetchone()
    db.name, db.version, db.collected_at = head[0], head[1], head[2]
    _tables(conn, schemas, db)
    _columns(conn, schemas, db, samples)
    _constraints(conn, schemas, db)
    _indexes(conn, schemas, db)
    _sequences(conn, schemas, db)
    _enums_functions(conn, schemas, db)
    _policies(conn, schemas, db)
    _statistics(conn, db)
    return db


def _tables(conn: Any, schemas: list[str], db: Database) -> None:
    for (nsp, name, kind, comment, rls, force, persistence, reltuples, options, parent, bound, vdef,
         tbytes, ibytes, total, seq, idx, ins, upd, dele, dead) in _rows(conn, f"""
        select n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'), c.relrowsecurity,
               c.relforcerowsecurity, c.relpersistence, c.reltuples::float8, c.reloptions,
               (select pn.nspname || '.' || p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
                  join pg_namespace pn on pn.oid = p.relnamespace where i.inhrelid = c.oid limit 1),
               pg_get_expr(c.relpartbound, c.oid),
               case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end,
               case when c.relkind in ('r', 'm', 'p') then pg_table_size(c.oid) end,
               case when c.relkind in ('r', 'm', 'p') then pg_indexes_size(c.oid) end,
               case when c.relkind in ('r', 'm', 'p') then pg_total_relation_size(c.oid) end,
               s.seq_scan, s.idx_scan, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_dead_tup
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        left join pg_stat_all_tables s on s.relid = c.oid
        where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname = any(%s) and {_NOT_EXT.format(oid='c.oid')}
        order by n.nspname, c.relname""", (schemas,)):
        t = Table(nsp, name, _KINDS[kind], comment=comment, rls_enabled=bool(rls), rls_forced=bool(force),
                  unlogged=persistence == "u", view_definition=vdef)
        t.options = dict(o.split("=", 1) for o in options or [] if "=" in o)
        if bound:
            t.partition_of = parent
        elif parent:
            t.inherits = [parent]
        # reltuples is -1 (PG ≥ 14) or 0 before the first VACUUM/ANALYZE: unknown, not empty
        t.rows = int(reltuples) if reltuples is not None and reltuples >= 0 else None
        t.table_bytes, t.index_bytes, t.total_bytes = tbytes, ibytes, total
        t.seq_scan, t.idx_scan, t.n_tup_ins, t.n_tup_upd, t.n_tup_del, t.n_dead_tup = seq, idx, ins, upd, dele, dead
        db.tables[t.key] = t


def _columns(conn: Any, schemas: list[str], db: Database, samples: bool) -> None:
    sample_sql = ("case when s.most_common_vals is not null then (s.most_common_vals::text::text[])[1:20] "
                  "when s.histogram_bounds is not null then (s.histogram_bounds::text::text[])[1:20] end"
                  if samples else "null::text[]")
    for nsp, rel, name, typ, notnull, dflt, ident, gen, num, comment, null_frac, n_distinct, vals in _rows(conn, f"""
        select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end,
               a.attidentity, case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end,
               a.attnum, col_description(c.oid, a.attnum), s.null_frac::float8, s.n_distinct::float8,
               {sample_sql}
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        left join pg_stats s on s.schemaname = n.nspname and s.tablename = c.relname and s.attname = a.attname
             and not s.inherited
        where c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
          and n.nspname = any(%s)
        order by n.nspname, c.relname, a.attnum""", (schemas,)):
        t = db.tables.get(f"{nsp}.{rel}")
        if t is None:
            continue
        identity = {"a": "always", "d": "by default"}.get(ident or "", "")
        if not identity and dflt and dflt.startswith("nextval("):
            identity = "serial"
        t.columns.append(Column(name, typ, nullable=not notnull, default=dflt, identity=identity, generated=gen,
                                comment=comment, position=int(num), null_frac=null_frac, n_distinct=n_distinct,
                                samples=[v for v in (vals or []) if v is not None]))


def _names(cols: list[str] | None) -> list[str]:
    return [c for c in cols or [] if c is not None]


def _constraints(conn: Any, schemas: list[str], db: Database) -> None:
    for (nsp, rel, name, kind, cols, fnsp, frel, fcols, deltype, updtype, deferrable, valid,
         definition) in _rows(conn, """
        select n.nspname, c.relname, k.conname, k.contype,
               array(select a.attname from unnest(k.conkey) with ordinality u(num, ord)
                     join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.num order by u.ord),
               fn.nspname, fc.relname,
               array(select a.attname from unnest(k.confkey) with ordinality u(num, ord)
                     join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.num order by u.ord),
               k.confdeltype, k.confupdtype, k.condeferrable, k.convalidated, pg_get_constraintdef(k.oid)
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        left join pg_class fc on fc.oid = k.confrelid left join pg_namespace fn on fn.oid = fc.relnamespace
        where k.contype in ('p', 'u', 'f', 'c') and n.nspname = any(%s) and k.conparentid = 0
        order by n.nspname, c.relname, k.conname""", (schemas,)):
        t = db.tables.get(f"{nsp}.{rel}")
        if t is None:
            continue
        if kind == "p":
            t.primary_key, t.primary_key_name = _names(cols), name
        elif kind == "u":
            t.uniques.append(Unique(name, _names(cols)))
        elif kind == "f":
            t.foreign_keys.append(ForeignKey(name, _names(cols), fnsp, frel, _names(fcols),
                                             _ACTIONS.get(deltype, "NO ACTION"), _ACTIONS.get(updtype, "NO ACTION"),
                                             bool(deferrable), bool(valid)))
        elif kind == "c":
            expr = definition[len("CHECK "):] if definition.startswith("CHECK ") else definition
            t.checks.append(Check(name, expr, bool(valid)))


def _indexes(conn: Any, schemas: list[str], db: Database) -> None:
    for (nsp, rel, name, cols, nkey, unique, primary, valid, am, pred, definition, size, scans,
         constraint) in _rows(conn, """
        select n.nspname, c.relname, ic.relname,
               array(select case when k.attnum = 0 then '(' || pg_get_indexdef(i.indexrelid, k.ord::int, true) || ')'
                                 else pg_get_indexdef(i.indexrelid, k.ord::int, true) end
                     from unnest(i.indkey) with ordinality k(attnum, ord) order by k.ord),
               i.indnkeyatts, i.indisunique, i.indisprimary, i.indisvalid and i.indisready, am.amname,
               pg_get_expr(i.indpred, i.indrelid), pg_get_indexdef(i.indexrelid), pg_relation_size(i.indexrelid),
               s.idx_scan, (select k.conname from pg_constraint k where k.conindid = i.indexrelid
                            and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x') limit 1)
        from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace join pg_am am on am.oid = ic.relam
        left join pg_stat_all_indexes s on s.indexrelid = i.indexrelid
        where n.nspname = any(%s) order by n.nspname, c.relname, ic.relname""", (schemas,)):
        t = db.tables.get(f"{nsp}.{rel}")
        if t is None:
            continue
        allcols = [str(x).strip('"') if not str(x).startswith("(") else str(x) for x in cols]
        t.indexes.append(Index(name, allcols[:nkey], unique=bool(unique), primary=bool(primary), method=am,
                               predicate=pred, include=allcols[nkey:], valid=bool(valid), constraint=constraint,
                               definition=definition, size_bytes=size, scans=scans))


def _sequences(conn: Any, schemas: list[str], db: Database) -> None:
    for nsp, name, typ, start, inc, mn, mx, cyc, last, owner in _rows(conn, """
        select n.nspname, c.relname, format_type(q.seqtypid, null), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
               q.seqcycle, (select s.last_value from pg_sequences s where s.schemaname = n.nspname
                            and s.sequencename = c.relname),
               (select tn.nspname || '.' || t.relname || '.' || a.attname from pg_depend d
                  join pg_class t on t.oid = d.refobjid join pg_namespace tn on tn.oid = t.relnamespace
                  join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                  where d.objid = c.oid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i') limit 1)
        from pg_sequence q join pg_class c on c.oid = q.seqrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%s) order by 1, 2""", (schemas,)):
        s = Sequence(nsp, name, typ, int(start), int(inc), int(mn), int(mx), last if last is None else int(last),
                     bool(cyc), owner)
        db.sequences[s.key] = s


def _enums_functions(conn: Any, schemas: list[str], db: Database) -> None:
    for nsp, name, labels in _rows(conn, """
        select n.nspname, t.typname, array_agg(e.enumlabel order by e.enumsortorder)
        from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where n.nspname = any(%s) group by 1, 2""", (schemas,)):
        db.enums[f"{nsp}.{name}"] = list(labels)
    for nsp, name, sig, lang, secdef, config in _rows(conn, f"""
        select n.nspname, p.proname, p.oid::regprocedure::text, l.lanname, p.prosecdef, p.proconfig
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
        where n.nspname = any(%s) and p.prokind in ('f', 'p') and {_NOT_EXT.format(oid='p.oid')}""", (schemas,)):
        db.functions.append(Function(nsp, name, sig, lang, bool(secdef), list(config or [])))
    for name, nsp in _rows(conn, "select e.extname, n.nspname from pg_extension e join pg_namespace n on "
                                 "n.oid = e.extnamespace where e.extname <> 'plpgsql'"):
        db.extensions[name] = nsp


def _policies(conn: Any, schemas: list[str], db: Database) -> None:
    for nsp, rel, name, permissive, cmd, roles, qual, check in _rows(conn, """
        select n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
               array(select case when r = 0 then 'public' else pg_get_userbyid(r) end from unnest(p.polroles) r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any(%s)""", (schemas,)):
        t = db.tables.get(f"{nsp}.{rel}")
        if t is not None:
            t.policies.append(Policy(name, _CMDS.get(str(cmd), "ALL"), bool(permissive), list(roles), qual, check))


def _statistics(conn: Any, db: Database) -> None:
    """Statistics age, pg_stat_statements (when installed and loaded) and replication slots."""
    reset, age = conn.execute("""
        select stats_reset::text, extract(epoch from now() - coalesce(stats_reset,
               (select pg_postmaster_start_time())))::float8
        from pg_stat_database where datname = current_database()""").fetchone()
    db.stats_reset = reset
    # With stats_reset NULL the counters run since the cluster's statistics were created, which the
    # server does not record: the server start is a lower bound only when nothing reset them since.
    db.stats_age_s = age if reset else None
    db.statistics = True
    if "pg_stat_statements" in db.extensions:
        with contextlib.suppress(Exception), conn.transaction():
                for q, calls, total, mean, stddev, rows in _rows(conn, """
                    select query, calls, total_exec_time, mean_exec_time, stddev_exec_time, rows
                    from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
                      and toplevel order by total_exec_time desc limit 200"""):
                    if _CATALOG.search(q or ""):
                        continue  # catalog reads (tools like this one, psql's \d): not the application's workload
                    db.queries.append(Query(q, int(calls), float(total), float(mean), float(stddev), int(rows)))
        if not db.queries:
            db.notes.append("pg_stat_statements is installed but returned no statements (not in "
                            "shared_preload_libraries, no privilege, or reset): no access patterns imported")
    with contextlib.suppress(Exception), conn.transaction():
        for name, active, retained, kind in _rows(conn, """
            select slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint, slot_type
            from pg_replication_slots"""):
            db.replication_slots.append(ReplicationSlot(name, bool(active), retained, kind))
