"""Read a PostgreSQL schema from the catalogs into plain data (what the diff compares).

Definitions come from the server itself (``format_type``, ``pg_get_expr``, ``pg_get_constraintdef``,
``pg_get_indexdef``, ``pg_get_viewdef``, ``pg_get_functiondef``, ``pg_get_triggerdef``), so type aliases,
defaults and generated names are normalized exactly as the engine does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.migration.ops import literal

_USER_NS = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%%'"
_NOT_EXT = ("not exists (select 1 from pg_depend d where d.objid = {oid} and d.deptype = 'e')")


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


@dataclass
class Constraint:
    name: str
    kind: str  # p u f c x
    definition: str
    validated: bool = True


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
    ddl_hint: str = ""

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
    domains: dict[str, str] = field(default_factory=dict)
    view_indexes: dict[str, tuple[str, str]] = field(default_factory=dict)  # index -> (view key, def)
    comments: dict[str, str] = field(default_factory=dict)  # "COMMENT ON <type> <identity>" -> text
    composites: dict[str, str] = field(default_factory=dict)  # key -> CREATE TYPE … AS (…)
    collations: dict[str, str] = field(default_factory=dict)  # key -> CREATE COLLATION …
    aggregates: dict[str, str] = field(default_factory=dict)  # identity signature -> CREATE AGGREGATE …
    force_rls: set[str] = field(default_factory=set)
    unsupported: list[str] = field(default_factory=list)


def _read_aggregates(conn: Any, s: Schema) -> None:
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
        where {_USER_NS} and {_NOT_EXT.format(oid='p.oid')}"""):
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


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql).fetchall())


def read_schema(conn: Any) -> Schema:
    s = Schema()
    for (name,) in _rows(conn, f"select n.nspname from pg_namespace n where {_USER_NS} and "
                               + _NOT_EXT.format(oid="n.oid")):
        s.schemas.add(name)
    for name, nsp in _rows(conn, "select e.extname, n.nspname from pg_extension e join pg_namespace n on "
                                 "n.oid = e.extnamespace where e.extname <> 'plpgsql'"):
        s.extensions[name] = nsp
    for nsp, name, kind, oid, rls, bound, parent, persistence, parents in _rows(conn, f"""
        select n.nspname, c.relname, c.relkind, c.oid, c.relrowsecurity,
               pg_get_expr(c.relpartbound, c.oid), (select pn.nspname || '.' || p.relname from pg_inherits i
                 join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
                 where i.inhrelid = c.oid limit 1), c.relpersistence,
               array(select pn.nspname || '.' || p.relname from pg_inherits i join pg_class p on p.oid = i.inhparent
                 join pg_namespace pn on pn.oid = p.relnamespace where i.inhrelid = c.oid order by i.inhseqno)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and {_USER_NS} and {_NOT_EXT.format(oid='c.oid')} order by c.oid"""):
        t = Table(nsp, name, kind, rls=bool(rls), unlogged=persistence == "u")
        if bound:
            t.partition_of = f"{parent} {bound}"
        elif parents:
            t.inherits = list(parents)
        s.tables[t.key] = t
        for att, typ, nn, dflt, ident, gen, num, local in _rows(conn, f"""
            select a.attname, format_type(a.atttypid, a.atttypmod)
                     || coalesce((select ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                                  from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace
                                  join pg_type ty on ty.oid = a.atttypid
                                  where co.oid = a.attcollation and a.attcollation <> ty.typcollation), ''),
                   a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attnum, a.attislocal
            from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where a.attrelid = {oid} and a.attnum > 0 and not a.attisdropped order by a.attnum"""):
            t.columns[att] = Column(att, typ, bool(nn), dflt, ident or "", gen or "", int(num), bool(local))
        for snsp, sname, scol, styp in _rows(conn, f"""
            select n.nspname, s.relname, a.attname, format_type(q.seqtypid, null) from pg_depend d
            join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_namespace n on n.oid = s.relnamespace
            join pg_sequence q on q.seqrelid = s.oid
            join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            where d.refobjid = {oid} and d.deptype = 'a'"""):
            t.owned_sequences[f"{snsp}.{sname}"] = (scol, styp)
        for cname, ctype, cdef, valid in _rows(conn, f"""
            select conname, contype, pg_get_constraintdef(oid), convalidated from pg_constraint
            where conrelid = {oid} and contype in ('p', 'u', 'f', 'c', 'x') and coninhcount = 0
            order by conname"""):
            t.constraints[cname] = Constraint(cname, str(ctype), cdef, bool(valid))
        for iname, idef in _rows(conn, f"""
            select ic.relname, pg_get_indexdef(i.indexrelid) from pg_index i join pg_class ic on ic.oid = i.indexrelid
            where i.indrelid = {oid} and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid
              and k.conrelid = i.indrelid) and not exists (select 1 from pg_inherits h where h.inhrelid = i.indexrelid)
            order by ic.relname"""):
            t.indexes[iname] = idef
        t.comment = conn.execute(f"select obj_description({oid}, 'pg_class')").fetchone()[0]
        for att, com in _rows(conn, f"select a.attname, col_description({oid}, a.attnum) from pg_attribute a "
                                    f"where a.attrelid = {oid} and a.attnum > 0 and not a.attisdropped "
                                    f"and col_description({oid}, a.attnum) is not null"):
            t.column_comments[att] = com
    for nsp, name, labels in _rows(conn, f"""
        select n.nspname, t.typname, array_agg(e.enumlabel order by e.enumsortorder)
        from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where {_USER_NS} and {_NOT_EXT.format(oid='t.oid')} group by 1, 2"""):
        s.enums[f"{nsp}.{name}"] = list(labels)
    for nsp, name, typ in _rows(conn, f"""
        select n.nspname, c.relname, format_type(q.seqtypid, null) || ' INCREMENT BY ' || q.seqincrement ||
               ' MINVALUE ' || q.seqmin || ' MAXVALUE ' || q.seqmax || ' START WITH ' || q.seqstart ||
               ' CACHE ' || q.seqcache || case when q.seqcycle then ' CYCLE' else ' NO CYCLE' end from pg_class c
        join pg_namespace n on n.oid = c.relnamespace join pg_sequence q on q.seqrelid = c.oid
        where c.relkind = 'S' and {_USER_NS} and not exists (select 1 from pg_depend d where d.objid = c.oid
          and d.deptype in ('a', 'i', 'e'))"""):
        s.sequences[f"{nsp}.{name}"] = typ
    for nsp, name, kind, vdef, oid in _rows(conn, f"""
        select n.nspname, c.relname, c.relkind, coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '')
               || ' AS ' || pg_get_viewdef(c.oid), c.oid from pg_class c
        join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('v', 'm') and {_USER_NS}
          and {_NOT_EXT.format(oid='c.oid')}"""):
        s.views[f"{nsp}.{name}"] = (str(kind), vdef, int(oid))
    for iname, vnsp, vname, idef in _rows(conn, f"""
        select ic.relname, n.nspname, c.relname, pg_get_indexdef(i.indexrelid) from pg_index i
        join pg_class ic on ic.oid = i.indexrelid join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'm' and {_USER_NS}"""):
        s.view_indexes[iname] = (f"{vnsp}.{vname}", idef)
    for sig, fdef, res in _rows(conn, f"""
        select p.oid::regprocedure::text, pg_get_functiondef(p.oid),
               p.prokind::text || ':' || coalesce(pg_get_function_result(p.oid), '') || ':' ||
               coalesce(array_to_string(p.proargnames, ','), '')
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where {_USER_NS} and p.prokind in ('f', 'p') and {_NOT_EXT.format(oid='p.oid')}"""):
        s.functions[sig] = (fdef, res or "")
    _read_aggregates(conn, s)
    for nsp, rel, tname, tdef in _rows(conn, f"""
        select n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) from pg_trigger t
        join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and {_USER_NS} and t.tgparentid = 0"""):
        s.triggers[f"{nsp}.{rel}.{tname}"] = (f"{nsp}.{rel}", tdef)
    for nsp, rel, pname, permissive, cmd, roles, qual, check in _rows(conn, f"""
        select n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
               array(select case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end
                     from unnest(p.polroles) r),
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
        where {_USER_NS}"""):
        cmds = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
        text = (f"CREATE POLICY {_q(pname)} ON {_qn(nsp, rel)} AS {'PERMISSIVE' if permissive else 'RESTRICTIVE'} "
                f"FOR {cmds[str(cmd)]} TO {', '.join(roles)}" + (f" USING ({qual})" if qual else "")
                + (f" WITH CHECK ({check})" if check else ""))
        s.policies[f"{nsp}.{rel}.{pname}"] = (f"{nsp}.{rel}", text)
    for nsp, name, provider, collate, ctype, icu, deterministic in _rows(conn, f"""
        select n.nspname, c.collname, c.collprovider, c.collcollate, c.collctype, c.colliculocale,
               c.collisdeterministic
        from pg_collation c join pg_namespace n on n.oid = c.collnamespace
        where {_USER_NS} and {_NOT_EXT.format(oid='c.oid')}"""):
        if provider == "i":
            how = f"provider = icu, locale = {literal(icu)}"
        elif collate == ctype:
            how = f"provider = libc, locale = {literal(collate)}"
        else:
            how = f"provider = libc, lc_collate = {literal(collate)}, lc_ctype = {literal(ctype)}"
        s.collations[f"{nsp}.{name}"] = (f"CREATE COLLATION {_qn(nsp, name)} ({how}"
                                         + ("" if deterministic else ", deterministic = false") + ")")
    for nsp, name, base, nn, dflt, oid in _rows(conn, f"""
        select n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, t.oid
        from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'd' and {_USER_NS}
          and {_NOT_EXT.format(oid='t.oid')}"""):
        text = f"CREATE DOMAIN {_qn(nsp, name)} AS {base}" + (f" DEFAULT {dflt}" if dflt else "") + (
            " NOT NULL" if nn else "")
        for cname, cdef in _rows(conn, f"select conname, pg_get_constraintdef(oid) from pg_constraint "
                                       f"where contypid = {oid} and contype = 'c' order by conname"):
            text += f" CONSTRAINT {_q(cname)} {cdef}"
        s.domains[f"{nsp}.{name}"] = text
    for otype, ident, text in _rows(conn, """
        select i.type, i.identity, d.description from pg_description d
        cross join lateral pg_identify_object(d.classoid, d.objoid, d.objsubid) i
        where coalesce(i.schema, '') not in ('pg_catalog', 'information_schema', 'pg_toast')
          and d.classoid not in ('pg_namespace'::regclass, 'pg_extension'::regclass)
          and not exists (select 1 from pg_depend x where x.objid = d.objoid and x.deptype = 'e')"""):
        kind = "COLUMN" if otype == "table column" else str(otype).upper()
        if kind in ("TABLE CONSTRAINT", "DOMAIN CONSTRAINT"):
            name, _, rest = str(ident).partition(" on ")
            s.comments[f"COMMENT ON CONSTRAINT {name} ON {'DOMAIN ' if 'DOMAIN' in kind else ''}{rest}"] = text
            continue
        if kind == "TRIGGER" or kind == "POLICY" or kind == "RULE":
            name, _, rest = str(ident).partition(" on ")
            s.comments[f"COMMENT ON {kind} {name} ON {rest}"] = text
            continue
        s.comments[f"COMMENT ON {kind} {ident}"] = text
    for (key,) in _rows(conn, f"select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on "
                              f"n.oid = c.relnamespace where c.relforcerowsecurity and {_USER_NS}"):
        s.force_rls.add(key)
    for nsp, name, attrs in _rows(conn, f"""select n.nspname, t.typname,
        array(select quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) from pg_attribute a
              where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped order by a.attnum)
        from pg_type t join pg_namespace n on
        n.oid = t.typnamespace where t.typtype = 'c' and {_USER_NS} and not exists (select 1 from pg_class c
        where c.oid = t.typrelid and c.relkind <> 'c') and {_NOT_EXT.format(oid='t.oid')}"""):
        s.composites[f"{nsp}.{name}"] = f"CREATE TYPE {_qn(nsp, name)} AS ({', '.join(attrs)})"
    return s


def _q(name: str) -> str:
    from dbwright.migration.ops import quote

    return quote(name)


def _qn(schema: str, name: str) -> str:
    from dbwright.migration.ops import qname

    return qname(schema, name)
