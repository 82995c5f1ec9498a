"""Read a PostgreSQL schema from the catalogs into plain data (what the diff compares).

Definitions come from the server itself (``format_type``, ``pg_get_expr``, ``pg_get_constraintdef``,
``pg_get_indexdef``, ``pg_get_viewdef``, ``pg_get_functiondef``, ``pg_get_triggerdef``), so type aliases,
defaults and generated names are normalized exactly as the engine does.

:func:`read_schema` reads every catalog in bulk — one query per kind of object, never one per table —
inside one read-only REPEATABLE READ transaction (a consistent snapshot), so a database of hundreds of
tables reads in about twenty queries. (``inspect`` keeps its own bulk reader: it builds a documentation
model with statistics and samples, where this one keeps the server-rendered DDL a diff needs.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.migration.ops import literal

# every query takes the parameters of _params(): %(nsps)s, the schema filter (NULL = all user schemas)
_USER_NS = ("n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%%' "
            "and n.nspname not like 'pg_toast_temp%%' and (%(nsps)s::text[] is null or n.nspname = any(%(nsps)s))")
# extension members, read once as a hashed set (pg_depend has no index on objid alone)
_NOT_EXT = "{oid} not in (select objid from pg_depend where deptype = 'e')"


@dataclass
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    identity: str = ""  # 'a' always, 'd' by default
    generated: str = ""  # 's' stored
    position: int = 0
    local: bool = True  # False: inherited from a parent/partitioned table
    acl: list[str] = field(default_factory=list, compare=False)  # column privileges (aclitem text)


@dataclass
class Constraint:
    name: str
    kind: str  # p u f c x
    definition: str
    validated: bool = True


@dataclass
class Domain:
    base: str  # format_type of the base type
    not_null: bool = False
    default: str | None = None
    constraints: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (CHECK def, validated)

    def create_sql(self, key: str) -> str:
        nsp, name = key.split(".", 1)
        return (f"CREATE DOMAIN {_qn(nsp, name)} AS {self.base}" + (f" DEFAULT {self.default}" if self.default else "")
                + (" NOT NULL" if self.not_null else "")
                + "".join(f" CONSTRAINT {_q(c)} {d}" for c, (d, v) in self.constraints.items() if v))


@dataclass
class Table:
    schema: str
    name: str
    kind: str  # r or p
    columns: dict[str, Column] = field(default_factory=dict)
    constraints: dict[str, Constraint] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)  # name -> indexdef (non-constraint)
    comment: str | None = None
    column_comments: dict[str, str] = field(default_factory=dict)
    rls: bool = False
    partition_of: str | None = None  # "parent FOR VALUES …"
    inherits: list[str] = field(default_factory=list)  # parent keys (plain inheritance)
    unlogged: bool = False
    owned_sequences: dict[str, tuple[str, str]] = field(default_factory=dict)  # seq key -> (column, type)
    ddl_hint: str = ""  # partitioned: the partition key (pg_get_partkeydef)
    # index name -> (parent index key, definition): this partition's part of a partitioned index
    partition_indexes: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    oid: int = field(default=0, compare=False)
    rows_estimate: float | None = field(default=None, compare=False)  # pg_class.reltuples (-1: never analyzed)
    total_bytes: int | None = field(default=None, compare=False)  # pg_total_relation_size

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"

    def pk_columns(self) -> list[str]:
        for c in self.constraints.values():
            if c.kind == "p":
                inner = c.definition[c.definition.index("(") + 1:c.definition.index(")")]
                return [x.strip().strip('"') for x in inner.split(",")]
        return []


@dataclass
class Schema:
    schemas: set[str] = field(default_factory=set)
    extensions: dict[str, str] = field(default_factory=dict)  # name -> schema
    tables: dict[str, Table] = field(default_factory=dict)  # "schema.name"
    enums: dict[str, list[str]] = field(default_factory=dict)  # "schema.name" -> labels
    sequences: dict[str, str] = field(default_factory=dict)  # "schema.name" -> data type (standalone)
    views: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # key -> (kind v/m, def, oid)
    functions: dict[str, tuple[str, str]] = field(default_factory=dict)  # identity sig -> (def, result)
    triggers: dict[str, tuple[str, str]] = field(default_factory=dict)  # "table.trigger" -> (table key, def)
    policies: dict[str, tuple[str, str]] = field(default_factory=dict)  # "table.policy" -> (table key, def)
    domains: dict[str, Domain] = field(default_factory=dict)
    view_indexes: dict[str, tuple[str, str]] = field(default_factory=dict)  # index -> (view key, def)
    comments: dict[str, str] = field(default_factory=dict)  # "COMMENT ON <type> <identity>" -> text
    composites: dict[str, str] = field(default_factory=dict)  # key -> CREATE TYPE … AS (…)
    collations: dict[str, str] = field(default_factory=dict)  # key -> CREATE COLLATION …
    aggregates: dict[str, str] = field(default_factory=dict)  # identity signature -> CREATE AGGREGATE …
    force_rls: set[str] = field(default_factory=set)
    unsupported: list[str] = field(default_factory=list)
    # "schema.table.column" -> objects that reference the column (pg_depend), direct only
    column_deps: dict[str, list[Dependent]] = field(default_factory=dict)
    # view key -> views that read it (pg_depend through pg_rewrite)
    view_deps: dict[str, set[str]] = field(default_factory=dict)

    def dependents(self, table_key: str, column: str) -> list[Dependent]:
        """Every object that references ``table_key.column``, views over those views included
        (each once, views in dependency order: a view before the views that read it)."""
        out = list(dict.fromkeys(self.column_deps.get(f"{table_key}.{column}", [])))
        views = [d.name for d in out if d.kind == "view"]
        seen = set(views)
        i = 0
        while i < len(views):
            for v in sorted(self.view_deps.get(views[i], ())):
                if v not in seen:
                    seen.add(v)
                    views.append(v)
                    out.append(Dependent("view", v, v))
            i += 1
        return out


@dataclass(frozen=True)
class Dependent:
    """An object that references a column: ``kind`` index | constraint | view | trigger | policy |
    default (a column's default or generation expression); ``table`` the key of the relation that
    owns it; ``name`` its key in :class:`Schema` (index and constraint name, view key, trigger and
    policy key "schema.table.name", column name for a default)."""

    kind: str
    table: str
    name: str


def _read_aggregates(conn: Any, s: Schema, params: dict[str, Any]) -> None:
    """User aggregates as CREATE AGGREGATE text, rebuilt from pg_aggregate (pg_get_functiondef refuses
    aggregates); ordered-set and hypothetical-set ones are listed as unsupported."""
    for row in _rows(conn, f"""
        select p.oid::regprocedure::text, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
               a.aggkind, a.aggtransfn::regproc::text, format_type(a.aggtranstype, null),
               nullif(a.aggfinalfn, 0)::regproc::text, a.agginitval, nullif(a.aggcombinefn, 0)::regproc::text,
               nullif(a.aggserialfn, 0)::regproc::text, nullif(a.aggdeserialfn, 0)::regproc::text,
               nullif(a.aggmtransfn, 0)::regproc::text, nullif(a.aggminvtransfn, 0)::regproc::text,
               case when a.aggmtranstype <> 0 then format_type(a.aggmtranstype, null) end, a.aggminitval,
               nullif(a.aggmfinalfn, 0)::regproc::text, nullif(a.aggsortop, 0)::regoperator::text, p.proparallel
        from pg_aggregate a join pg_proc p on p.oid = a.aggfnoid join pg_namespace n on n.oid = p.pronamespace
        where {_USER_NS} and {_NOT_EXT.format(oid='p.oid')}""", params):
        (sig, nsp, name, args, kind, sfunc, stype, final, init, combine, serial, deserial, msfunc, minv, mstype,
         minit, mfinal, sortop, parallel) = row
        if kind != "n":
            s.unsupported.append(f"aggregate {sig}: ordered-set aggregates are not diffed")
            continue
        opts = [f"SFUNC = {sfunc}", f"STYPE = {stype}"]
        opts += [f"{k} = {v}" for k, v in (("FINALFUNC", final), ("COMBINEFUNC", combine), ("SERIALFUNC", serial),
                                             ("DESERIALFUNC", deserial), ("MSFUNC", msfunc), ("MINVFUNC", minv),
                                             ("MSTYPE", mstype), ("MFINALFUNC", mfinal)) if v]
        opts += [f"{k} = {literal(v)}" for k, v in (("INITCOND", init), ("MINITCOND", minit)) if v is not None]
        if sortop:
            opts.append(f"SORTOP = {sortop.split('(')[0]}")
        if parallel in ("s", "r"):
            opts.append("PARALLEL = " + ("SAFE" if parallel == "s" else "RESTRICTED"))
        s.aggregates[sig] = f"CREATE AGGREGATE {_qn(nsp, name)}({args}) (\n    " + ",\n    ".join(opts) + "\n)"



def _rows(conn: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())


def read_schema(conn: Any, schemas: list[str] | tuple[str, ...] | set[str] | None = None) -> Schema:
    """Read every user object of the database (or of ``schemas`` only) in bulk queries.

    On an autocommit connection the reads run in one ``READ ONLY`` ``REPEATABLE READ`` transaction
    (one snapshot, nothing written); on a connection already in a transaction they join it.
    """
    params = {"nsps": sorted(schemas) if schemas else None}
    if getattr(conn, "autocommit", False):
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _read(conn, params)
    return _read(conn, params)


def _read(conn: Any, params: dict[str, Any]) -> Schema:
    s = Schema()
    for (name,) in _rows(conn, f"select n.nspname from pg_namespace n where {_USER_NS} and "
                               + _NOT_EXT.format(oid="n.oid"), params):
        s.schemas.add(name)
    for name, nsp in _rows(conn, "select e.extname, n.nspname from pg_extension e join pg_namespace n on "
                                 "n.oid = e.extnamespace where e.extname <> 'plpgsql'", params):
        s.extensions[name] = nsp
    by_oid = _read_tables(conn, s, params)
    _read_columns(conn, by_oid, params)
    _read_table_parts(conn, by_oid, params)
    _read_types(conn, s, params)
    view_oids = _read_views_and_functions(conn, s, params)
    _read_aggregates(conn, s, params)
    _read_triggers_policies(conn, s, params)
    _read_domains_collations(conn, s, params)
    _read_comments(conn, s, params)
    _read_dependencies(conn, s, by_oid, view_oids, params)
    return s


def _read_tables(conn: Any, s: Schema, params: dict[str, Any]) -> dict[int, Table]:
    by_oid: dict[int, Table] = {}
    for (nsp, name, kind, oid, rls, force, bound, parents, persistence, partkey, comment, tuples,
         size) in _rows(conn, f"""
        select n.nspname, c.relname, c.relkind, c.oid, c.relrowsecurity, c.relforcerowsecurity,
               pg_get_expr(c.relpartbound, c.oid),
               array(select pn.nspname || '.' || p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
                 join pg_namespace pn on pn.oid = p.relnamespace where i.inhrelid = c.oid order by i.inhseqno),
               c.relpersistence, case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end,
               obj_description(c.oid, 'pg_class'), c.reltuples, pg_total_relation_size(c.oid)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and {_USER_NS} and {_NOT_EXT.format(oid='c.oid')} order by c.oid""", params):
        t = Table(nsp, name, kind, rls=bool(rls), unlogged=persistence == "u", comment=comment,
                  ddl_hint=partkey or "", oid=int(oid), rows_estimate=float(tuples), total_bytes=int(size))
        if bound:
            t.partition_of = f"{parents[0]} {bound}"
        elif parents:
            t.inherits = list(parents)
        if force:
            s.force_rls.add(t.key)
        s.tables[t.key] = t
        by_oid[int(oid)] = t
    return by_oid


def _read_columns(conn: Any, by_oid: dict[int, Table], params: dict[str, Any]) -> None:
    for rel, att, typ, nn, dflt, ident, gen, num, local, comment, acl in _rows(conn, f"""
        select a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod)
                 || case when a.attcollation <> ty.typcollation then coalesce((select ' COLLATE '
                      || quote_ident(cn.nspname) || '.' || quote_ident(co.collname) from pg_collation co
                      join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation), '')
                    else '' end,
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attnum,
               a.attislocal, col_description(a.attrelid, a.attnum), a.attacl::text[]
        from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        join pg_type ty on ty.oid = a.atttypid
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relkind in ('r', 'p') and {_USER_NS} and a.attnum > 0 and not a.attisdropped
        order by a.attrelid, a.attnum""", params):
        t = by_oid.get(int(rel))
        if t is None:
            continue
        t.columns[att] = Column(att, typ, bool(nn), dflt, ident or "", gen or "", int(num), bool(local),
                                acl=list(acl or []))
        if comment is not None:
            t.column_comments[att] = comment


def _read_table_parts(conn: Any, by_oid: dict[int, Table], params: dict[str, Any]) -> None:
    """Owned sequences, constraints and (non-constraint) indexes of every table."""
    for rel, snsp, sname, scol, styp in _rows(conn, f"""
        select d.refobjid, n.nspname, s.relname, a.attname, format_type(q.seqtypid, null) from pg_depend d
        join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace n on n.oid = s.relnamespace
        join pg_sequence q on q.seqrelid = s.oid
        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype = 'a'
          and {_USER_NS}""", params):
        if (t := by_oid.get(int(rel))) is not None:
            t.owned_sequences[f"{snsp}.{sname}"] = (scol, styp)
    for rel, cname, ctype, cdef, valid in _rows(conn, f"""
        select k.conrelid, k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
        where k.contype in ('p', 'u', 'f', 'c', 'x') and k.coninhcount = 0 and {_USER_NS}
        order by k.conrelid, k.conname""", params):
        if (t := by_oid.get(int(rel))) is not None:
            t.constraints[cname] = Constraint(cname, str(ctype), cdef, bool(valid))
    for rel, iname, idef, parent in _rows(conn, f"""
        select i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid),
               (select pn.nspname || '.' || p.relname from pg_inherits h join pg_class p on p.oid = h.inhparent
                join pg_namespace pn on pn.oid = p.relnamespace where h.inhrelid = i.indexrelid)
        from pg_index i
        join pg_class ic on ic.oid = i.indexrelid join pg_namespace n on n.oid = ic.relnamespace
        where {_USER_NS} and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid
              and k.conrelid = i.indrelid)
        order by i.indrelid, ic.relname""", params):
        if (t := by_oid.get(int(rel))) is None:
            continue
        if parent:  # a partition's share of a partitioned index: created with it, not on its own
            t.partition_indexes[iname] = (parent, idef)
        else:
            t.indexes[iname] = idef


def _read_types(conn: Any, s: Schema, params: dict[str, Any]) -> None:
    for nsp, name, labels in _rows(conn, f"""
        select n.nspname, t.typname, array_agg(e.enumlabel order by e.enumsortorder)
        from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where {_USER_NS} and {_NOT_EXT.format(oid='t.oid')} group by 1, 2""", params):
        s.enums[f"{nsp}.{name}"] = list(labels)
    for nsp, name, typ in _rows(conn, f"""
        select n.nspname, c.relname, format_type(q.seqtypid, null) || ' INCREMENT BY ' || q.seqincrement ||
               ' MINVALUE ' || q.seqmin || ' MAXVALUE ' || q.seqmax || ' START WITH ' || q.seqstart ||
               ' CACHE ' || q.seqcache || case when q.seqcycle then ' CYCLE' else ' NO CYCLE' end from pg_class c
        join pg_namespace n on n.oid = c.relnamespace join pg_sequence q on q.seqrelid = c.oid
        where c.relkind = 'S' and {_USER_NS} and c.oid not in (select objid from pg_depend
          where classid = 'pg_class'::regclass and deptype in ('a', 'i', 'e'))""", params):
        s.sequences[f"{nsp}.{name}"] = typ
    for nsp, name, attrs in _rows(conn, f"""select n.nspname, t.typname,
        array(select quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) from pg_attribute a
              where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum)
        from pg_type t join pg_namespace n on
        n.oid = t.typnamespace where t.typtype = 'c' and {_USER_NS} and not exists (select 1 from pg_class c
        where c.oid = t.typrelid and c.relkind <> 'c') and {_NOT_EXT.format(oid='t.oid')}""", params):
        s.composites[f"{nsp}.{name}"] = f"CREATE TYPE {_qn(nsp, name)} AS ({', '.join(attrs)})"


def _read_views_and_functions(conn: Any, s: Schema, params: dict[str, Any]) -> dict[int, str]:
    view_oids: dict[int, str] = {}
    for nsp, name, kind, vdef, oid in _rows(conn, f"""
        select n.nspname, c.relname, c.relkind, coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '')
               || ' AS ' || pg_get_viewdef(c.oid), c.oid from pg_class c
        join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('v', 'm') and {_USER_NS}
          and {_NOT_EXT.format(oid='c.oid')}""", params):
        s.views[f"{nsp}.{name}"] = (str(kind), vdef, int(oid))
        view_oids[int(oid)] = f"{nsp}.{name}"
    for iname, vnsp, vname, idef in _rows(conn, f"""
        select ic.relname, n.nspname, c.relname, pg_get_indexdef(i.indexrelid) from pg_index i
        join pg_class ic on ic.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'm' and {_USER_NS}""", params):
        s.view_indexes[iname] = (f"{vnsp}.{vname}", idef)
    for sig, fdef, res in _rows(conn, f"""
        select p.oid::regprocedure::text, pg_get_functiondef(p.oid),
               p.prokind::text || ':' || coalesce(pg_get_function_result(p.oid), '') || ':' ||
               coalesce(array_to_string(p.proargnames, ','), '')
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where {_USER_NS} and p.prokind in ('f', 'p') and {_NOT_EXT.format(oid='p.oid')}""", params):
        s.functions[sig] = (fdef, res or "")
    return view_oids


def _read_triggers_policies(conn: Any, s: Schema, params: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:
    trig_oids: dict[int, str] = {}
    pol_oids: dict[int, str] = {}
    for oid, nsp, rel, tname, tdef in _rows(conn, f"""
        select t.oid, n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) from pg_trigger t
        join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and {_USER_NS} and t.tgparentid = 0""", params):
        s.triggers[f"{nsp}.{rel}.{tname}"] = (f"{nsp}.{rel}", tdef)
        trig_oids[int(oid)] = f"{nsp}.{rel}.{tname}"
    cmds = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
    for oid, nsp, rel, pname, permissive, cmd, roles, qual, check in _rows(conn, f"""
        select p.oid, n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
               array(select case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end
                     from unnest(p.polroles) r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
        where {_USER_NS}""", params):
        text = (f"CREATE POLICY {_q(pname)} ON {_qn(nsp, rel)} AS {'PERMISSIVE' if permissive else 'RESTRICTIVE'} "
                f"FOR {cmds[str(cmd)]} TO {', '.join(roles)}" + (f" USING ({qual})" if qual else "")
                + (f" WITH CHECK ({check})" if check else ""))
        s.policies[f"{nsp}.{rel}.{pname}"] = (f"{nsp}.{rel}", text)
        pol_oids[int(oid)] = f"{nsp}.{rel}.{pname}"
    return trig_oids, pol_oids


def _read_domains_collations(conn: Any, s: Schema, params: dict[str, Any]) -> None:
    for nsp, name, provider, collate, ctype, icu, deterministic in _rows(conn, f"""
        select n.nspname, c.collname, c.collprovider, c.collcollate, c.collctype, c.colliculocale,
               c.collisdeterministic
        from pg_collation c join pg_namespace n on n.oid = c.collnamespace
        where {_USER_NS} and {_NOT_EXT.format(oid='c.oid')}""", params):
        if provider == "i":
            how = f"provider = icu, locale = {literal(icu)}"
        elif collate == ctype:
            how = f"provider = libc, locale = {literal(collate)}"
        else:
            how = f"provider = libc, lc_collate = {literal(collate)}, lc_ctype = {literal(ctype)}"
        s.collations[f"{nsp}.{name}"] = (f"CREATE COLLATION {_qn(nsp, name)} ({how}"
                                         + ("" if deterministic else ", deterministic = false") + ")")
    for nsp, name, base, nn, dflt in _rows(conn, f"""
        select n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault
        from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'd' and {_USER_NS}
          and {_NOT_EXT.format(oid='t.oid')}""", params):
        s.domains[f"{nsp}.{name}"] = Domain(base, bool(nn), dflt)
    # rows, not a nested array: psycopg's text[][] reader cuts values holding braces and backslashes
    for nsp, name, cname, cdef, valid in _rows(conn, f"""
        select n.nspname, t.typname, k.conname, pg_get_constraintdef(k.oid), k.convalidated
        from pg_constraint k join pg_type t on t.oid = k.contypid join pg_namespace n on n.oid = t.typnamespace
        where k.contype = 'c' and {_USER_NS} order by k.conname""", params):
        dom = s.domains.get(f"{nsp}.{name}")
        if dom is not None:
            dom.constraints[cname] = (cdef, bool(valid))


def _read_comments(conn: Any, s: Schema, params: dict[str, Any]) -> None:
    for otype, ident, text in _rows(conn, f"""
        select i.type, i.identity, d.description from pg_description d
        cross join lateral pg_identify_object(d.classoid, d.objoid, d.objsubid) i
        where coalesce(i.schema, '') not in ('pg_catalog', 'information_schema', 'pg_toast')
          and (%(nsps)s::text[] is null or i.schema = any(%(nsps)s))
          and d.classoid not in ('pg_namespace'::regclass, 'pg_extension'::regclass)
          and {_NOT_EXT.format(oid='d.objoid')}""", params):
        kind = "COLUMN" if otype == "table column" else str(otype).upper()
        if kind in ("TABLE CONSTRAINT", "DOMAIN CONSTRAINT"):
            name, _, rest = str(ident).partition(" on ")
            s.comments[f"COMMENT ON CONSTRAINT {name} ON {'DOMAIN ' if 'DOMAIN' in kind else ''}{rest}"] = text
            continue
        if kind in ("TRIGGER", "POLICY", "RULE"):
            name, _, rest = str(ident).partition(" on ")
            s.comments[f"COMMENT ON {kind} {name} ON {rest}"] = text
            continue
        s.comments[f"COMMENT ON {kind} {ident}"] = text


def _read_dependencies(conn: Any, s: Schema, by_oid: dict[int, Table], view_oids: dict[int, str],
                       params: dict[str, Any]) -> None:
    """What references each column (and each view): indexes, constraints, views, triggers, policies
    and other columns' defaults, from pg_depend in one query."""
    rels = {**{oid: t.key for oid, t in by_oid.items()}, **view_oids}
    for ref, attname, kind, owner, name in _rows(conn, """
        select d.refobjid, a.attname,
               case d.classid when 'pg_class'::regclass then 'index' when 'pg_constraint'::regclass then 'constraint'
                 when 'pg_rewrite'::regclass then 'view' when 'pg_trigger'::regclass then 'trigger'
                 when 'pg_policy'::regclass then 'policy' when 'pg_attrdef'::regclass then 'default' end,
               coalesce(ix.indrelid, k.conrelid, rw.ev_class, tg.tgrelid, po.polrelid, ad.adrelid),
               coalesce(ic.relname, k.conname, tg.tgname, po.polname, da.attname, '')
        from pg_depend d
        left join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid and d.refobjsubid > 0
        left join pg_index ix on d.classid = 'pg_class'::regclass and ix.indexrelid = d.objid
        left join pg_class ic on ic.oid = ix.indexrelid
        left join pg_constraint k on d.classid = 'pg_constraint'::regclass and k.oid = d.objid and k.conrelid <> 0
        left join pg_rewrite rw on d.classid = 'pg_rewrite'::regclass and rw.oid = d.objid
        left join pg_trigger tg on d.classid = 'pg_trigger'::regclass and tg.oid = d.objid and not tg.tgisinternal
        left join pg_policy po on d.classid = 'pg_policy'::regclass and po.oid = d.objid
        left join pg_attrdef ad on d.classid = 'pg_attrdef'::regclass and ad.oid = d.objid
        left join pg_attribute da on da.attrelid = ad.adrelid and da.attnum = ad.adnum
        where d.refclassid = 'pg_class'::regclass and d.deptype in ('n', 'a')
          and d.classid in ('pg_class'::regclass, 'pg_constraint'::regclass, 'pg_rewrite'::regclass,
                            'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_attrdef'::regclass)
          and d.refobjid >= 16384""", params):
        ref_key = rels.get(int(ref))
        owner_key = rels.get(int(owner)) if owner is not None else None
        if ref_key is None or owner_key is None or kind is None:
            continue
        if kind == "view":
            if owner_key != ref_key:
                s.view_deps.setdefault(ref_key, set()).add(owner_key)
                if attname:
                    s.column_deps.setdefault(f"{ref_key}.{attname}", []).append(
                        Dependent("view", owner_key, owner_key))
            continue
        if not attname or not name:
            continue
        if kind == "index" and name not in by_oid.get(int(owner), Table("", "", "")).indexes:
            continue  # the index of a constraint: the constraint is listed
        if kind in ("trigger", "policy"):
            name = f"{owner_key}.{name}"
        s.column_deps.setdefault(f"{ref_key}.{attname}", []).append(Dependent(kind, owner_key, name))


def _q(name: str) -> str:
    from dbwright.migration.ops import quote

    return quote(name)


def _qn(schema: str, name: str) -> str:
    from dbwright.migration.ops import qname

    return qname(schema, name)
