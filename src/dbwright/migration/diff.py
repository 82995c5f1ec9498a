"""Schema diff: load both sides into a throwaway PostgreSQL, read the catalogs, produce operations
in dependency order.

Renames come only from an explicit rename map (``{"table.old": "new", "old_table": "new_table"}``);
a dropped and an added column of the same type in one table become a *prompt* in the result
("did you mean a rename?") — the diff never turns a rename into a silent drop and add without
saying so.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dbwright.migration import ops as o
from dbwright.migration.catalog import Column, Schema, Table, read_schema
from dbwright.migration.diff_objects import diff_objects, owned_sequences
from dbwright.model import DbwrightError


@dataclass
class DiffResult:
    ops: list[o.Op] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    old: Schema | None = None
    new: Schema | None = None
    renames: dict[str, str] = field(default_factory=dict)

    def sql(self) -> str:
        return "".join(s + ";\n" for op in self.ops for s in op.sql())


def _split(key: str) -> tuple[str, str]:
    nsp, name = key.split(".", 1)
    return nsp, name


def _tn(key: str) -> tuple[str | None, str]:
    nsp, name = _split(key)
    return (None if nsp == "public" else nsp), name


def column_type_spec(c: Column) -> str:
    spec = c.type
    if c.identity:
        spec += " GENERATED " + ("ALWAYS" if c.identity == "a" else "BY DEFAULT") + " AS IDENTITY"
    if c.generated == "s" and c.default:
        spec += f" GENERATED ALWAYS AS ({c.default}) STORED"
    return spec


def create_table_sql(t: Table) -> str:
    from sqlalchemy.dialects import postgresql

    if t.partition_of:
        parent, bound = t.partition_of.split(" ", 1)
        return f"CREATE TABLE {o.qname(t.schema, t.name)} PARTITION OF {o.qkey(parent)} {bound}"
    md = sa.MetaData()
    cols = [sa.Column(c.name, o._RawType(column_type_spec(c)), nullable=not c.not_null,
                      server_default=sa.text(c.default) if c.default and not c.generated and not c.identity
                      else None)
            for c in sorted(t.columns.values(), key=lambda c: c.position) if c.local]
    prefixes = ["UNLOGGED"] if t.unlogged else []
    table = sa.Table(t.name, md, *cols, schema=None if t.schema == "public" else t.schema, prefixes=prefixes)
    text = str(sa.schema.CreateTable(table).compile(dialect=postgresql.dialect())).strip()  # type: ignore[no-untyped-call]
    if t.inherits:
        text += f" INHERITS ({', '.join(o.qkey(p) for p in t.inherits)})"
    if t.kind == "p" and t.ddl_hint:
        text += f" PARTITION BY {t.ddl_hint}"
    return text




def parse_renames(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    if not items:
        return {}
    if isinstance(items, dict):
        return {k.lower(): v.lower() for k, v in items.items()}
    out = {}
    for item in items:
        if "=" not in item:
            raise DbwrightError(f"bad rename {item!r}: use table.old_column=new_column or old_table=new_table")
        k, v = item.split("=", 1)
        out[k.strip().lower()] = v.strip().lower()
    return out


def diff_schemas(old: Schema, new: Schema, renames: dict[str, str] | None = None) -> DiffResult:
    renames = renames or {}
    res = DiffResult(old=old, new=new, renames=renames)
    late_idx: list[o.Op] = []
    columns: list[o.Op] = []
    constraints: list[o.Op] = []
    late: list[o.Op] = []
    res.unsupported += [u for u in new.unsupported if u not in old.unsupported]

    # table renames: old key -> new key
    table_map: dict[str, str] = {}
    for key in old.tables:
        nsp, name = _split(key)
        target = renames.get(name) or renames.get(key)
        if target and "." not in target:
            table_map[key] = f"{nsp}.{target}"
    changed_tables: set[str] = set()

    objs = diff_objects(old, new)
    pre, create, drops, function_drops = objs.pre, objs.create, objs.drops, objs.function_drops
    res.unsupported += objs.unsupported
    owned_old, owned_new = owned_sequences(old), owned_sequences(new)

    for key, t in new.tables.items():
        old_key = next((k for k, v in table_map.items() if v == key), key)
        if old_key not in old.tables:
            for seq, (col, typ) in t.owned_sequences.items():
                if seq not in owned_old:
                    create.append(o.RawSQL(f"CREATE SEQUENCE IF NOT EXISTS {o.qkey(seq)} AS {typ}",
                                           note=f"sequence {seq}"))
                    late.append(o.RawSQL(f"ALTER SEQUENCE {o.qkey(seq)} OWNED BY {o.qkey(key)}.{o.quote(col)}",
                                         note=f"sequence {seq} owned by {key}.{col}"))
            create.append(o.CreateTable(*_tn(key), create_table_sql(t)))
            for c in t.constraints.values():
                constraints.extend(_add_constraint(t, c, new_table=True))
            for iname, idef in t.indexes.items():
                late.append(o.CreateIndex(iname, t.name, idef, concurrently=False, schema=_tn(key)[0]))
            if t.rls:
                late.append(o.RawSQL(f"ALTER TABLE {o.qkey(key)} ENABLE ROW LEVEL SECURITY", note="enable RLS"))
            continue
        ot = old.tables[old_key]
        for seq in ot.owned_sequences:
            if seq not in owned_new and seq not in new.sequences:
                drops.append(o.RawSQL(f"DROP SEQUENCE IF EXISTS {o.qkey(seq)}", note=f"drop sequence {seq}", lossy=True))
        for seq, (col, typ) in t.owned_sequences.items():
            if seq in old.sequences and seq not in owned_old:  # a standalone sequence becomes the column's
                if old.sequences[seq].split(" ", 1)[0] != typ:
                    create.append(o.RawSQL(f"ALTER SEQUENCE {o.qkey(seq)} AS {typ}", note=f"alter sequence {seq}"))
                late.append(o.RawSQL(f"ALTER SEQUENCE {o.qkey(seq)} OWNED BY {o.qkey(key)}.{o.quote(col)}",
                                     f"ALTER SEQUENCE {o.qkey(seq)} OWNED BY NONE",
                                     note=f"sequence {seq} owned by {key}.{col}"))
                continue
            if seq not in owned_old and seq not in old.sequences and not t.columns[col].identity:
                create.append(o.RawSQL(f"CREATE SEQUENCE IF NOT EXISTS {o.qkey(seq)} AS {typ}", note=f"sequence {seq}"))
                late.append(o.RawSQL(f"ALTER SEQUENCE {o.qkey(seq)} OWNED BY {o.qkey(key)}.{o.quote(col)}",
                                     note=f"sequence {seq} owned by {key}.{col}"))
                continue
            old_typ = ot.owned_sequences.get(seq, (None, typ))[1]
            if old_typ != typ:
                create.append(o.RawSQL(f"ALTER SEQUENCE {o.qkey(seq)} AS {typ}", f"ALTER SEQUENCE {o.qkey(seq)} AS {old_typ}",
                                       note=f"sequence {seq} as {typ} (catalog update)"))
        if old_key != key:
            create.append(o.RenameTable(ot.name, t.name, _tn(key)[0]))
        _diff_table(ot, t, renames, res, columns, constraints, late, drops, pre, changed_tables, new)
    for key, t in old.tables.items():
        if key not in new.tables and key not in table_map:
            (pre if key in new.views else drops).append(o.DropTable(*_tn(key), create_table_sql(t)))
            changed_tables.add(t.name)
            for c in t.constraints.values():
                if c.kind == "f":
                    drops.insert(0, o.DropConstraint(t.name, c.name, c.definition, _tn(key)[0]))

    # views: drop changed ones (and every view over a changed table) first, recreate in creation order
    recreate = set()
    for key, (kind, vdef, _oid) in old.views.items():
        nv = new.views.get(key)
        touches = any(re.search(rf"\b{re.escape(tn)}\b", vdef) for tn in changed_tables)
        if nv is None or nv[1] != vdef or nv[0] != kind or touches:
            pre.insert(0, o.RawSQL(f"DROP {'MATERIALIZED VIEW' if kind == 'm' else 'VIEW'} IF EXISTS {o.qkey(key)} CASCADE",
                                   f"CREATE VIEW {o.qkey(key)}{vdef}", note=f"drop view {key}"))
            if nv is not None:
                recreate.add(key)
    dropped_views = {k for k in old.views if k not in new.views} | set(recreate)
    grew = True
    while grew:
        grew = False
        for key, (_kind, vdef, _oid) in old.views.items():
            if key in dropped_views:
                continue
            if any(re.search(rf"\b{re.escape(_split(d)[1])}\b", vdef) for d in dropped_views):
                dropped_views.add(key)
                if key in new.views:
                    recreate.add(key)
                grew = True
    for key, (tkey, tdef) in list(new.triggers.items()):
        if tkey in recreate and key in old.triggers and old.triggers[key][1] == tdef:
            del old.triggers[key]  # dropped with its view: create it again below
    for iname, (vkey, idef) in new.view_indexes.items():
        if vkey in recreate or vkey not in old.views or old.view_indexes.get(iname) != (vkey, idef):
            post_views_idx = o.RawSQL(idef, note=f"index {iname} on {vkey}")
            late_idx.append(post_views_idx)
    for key, (kind, vdef, _oid) in sorted(new.views.items(), key=lambda kv: kv[1][2]):
        if key not in old.views or key in recreate:
            what = "MATERIALIZED VIEW" if kind == "m" else "VIEW"
            late.append(o.RawSQL(f"CREATE {what} {o.qkey(key)}{vdef.rstrip().rstrip(';')}",
                                 f"DROP {what} IF EXISTS {o.qkey(key)}", note=f"create view {key}"))
    late.extend(late_idx)
    for name, (tkey, tdef) in new.triggers.items():
        cur_t = old.triggers.get(name)
        if cur_t and cur_t[1] == tdef:
            continue
        if cur_t:
            pre.append(o.RawSQL(f"DROP TRIGGER IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                                note=f"drop trigger {name}"))
        late.append(o.RawSQL(tdef, f"DROP TRIGGER IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                             note=f"create trigger {name}"))
    for name, (tkey, tdef) in old.triggers.items():
        if name not in new.triggers and tkey in new.tables:
            drops.insert(0, o.RawSQL(f"DROP TRIGGER IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                                     tdef, note=f"drop trigger {name}"))
    for name, (tkey, pdef) in new.policies.items():
        cur_p = old.policies.get(name)
        if cur_p and cur_p[1] == pdef:
            continue
        if cur_p:
            pre.append(o.RawSQL(f"DROP POLICY IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                                note=f"drop policy {name}"))
        late.append(o.RawSQL(pdef, f"DROP POLICY IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                             note=f"create policy {name}"))
    for name, (tkey, pdef) in old.policies.items():
        if name not in new.policies and tkey in new.tables:
            drops.insert(0, o.RawSQL(f"DROP POLICY IF EXISTS {o.quote(name.rsplit('.', 1)[1])} ON {o.qkey(tkey)}",
                                     pdef, note=f"drop policy {name}"))
    for key in old.enums:
        if key not in new.enums:
            drops.append(o.RawSQL(f"DROP TYPE IF EXISTS {o.qkey(key)}", note=f"drop enum {key}"))
    for ext in old.extensions:
        if ext not in new.extensions:
            drops.append(o.RawSQL(f"DROP EXTENSION IF EXISTS {o.quote(ext)}", note=f"drop extension {ext}"))
    for nsp in sorted(old.schemas - new.schemas):
        drops.append(o.RawSQL(f"DROP SCHEMA IF EXISTS {o.quote(nsp)}", note=f"drop schema {nsp}"))
    comments: list[o.Op] = []
    for target, text in new.comments.items():
        if old.comments.get(target) != text:
            comments.append(o.RawSQL(f"{target} IS {o.literal(text)}", note="comment"))
    for target in old.comments:
        if target not in new.comments and _comment_target_survives(target, new):
            comments.append(o.RawSQL(f"{target} IS NULL", note="comment removed"))
    for key in new.force_rls ^ old.force_rls:
        if key in new.tables:
            late.append(o.RawSQL(f"ALTER TABLE {o.qkey(key)} {'' if key in new.force_rls else 'NO '}FORCE ROW LEVEL "
                                 "SECURITY", note="force row level security"))
    constraints.sort(key=lambda op: 0 if isinstance(op, o.AddConstraint) and re.match(
        r"(PRIMARY KEY|UNIQUE)", op.definition) else 1)
    create = _dependency_order(create)
    late = _views_before_dependent_functions(late, create, set(new.views))
    if any(isinstance(op, o.RawSQL) and op.note.startswith("create or replace function") for op in create + late):
        pre.insert(0, o.RawSQL("SET check_function_bodies = off", note="session: function bodies are checked "
                               "when first called, so creation order cannot fail on them (as pg_dump does)"))
    res.ops = pre + create + columns + constraints + late + objs.validations + drops + function_drops + comments
    return res


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _defines(op: o.Op) -> str | None:
    if isinstance(op, o.CreateTable):
        return op.name
    if isinstance(op, o.RawSQL):
        m = re.match(r"create (?:type|domain|enum|sequence|view|or replace function) (\S+)", op.note)
        if m:
            return m.group(1).split("(")[0].split(".")[-1]
    return None


def _dependency_order(ops: list[o.Op]) -> list[o.Op]:
    """Stable topological order: an object is created after the objects its SQL names."""
    names = {n: i for i, op in enumerate(ops) if (n := _defines(op))}
    deps: dict[int, set[int]] = {}
    for i, op in enumerate(ops):
        words = set(_WORD.findall(" ".join(op.sql())))
        deps[i] = {names[w] for w in words if w in names and names[w] != i}
    out: list[int] = []
    done: set[int] = set()
    remaining = list(range(len(ops)))
    while remaining:
        for i in remaining:
            if deps[i] <= done or not any(d in remaining for d in deps[i]):
                out.append(i)
                done.add(i)
                remaining.remove(i)
                break
        else:  # a cycle: keep the original order
            out += remaining
            break
    return [ops[i] for i in out]


def _views_before_dependent_functions(late: list[o.Op], create: list[o.Op], views: set[str]) -> list[o.Op]:
    """Functions whose signature names a view must wait for the view (moved from create to late)."""
    view_names = {v.split(".")[-1] for v in views}
    moved = []
    for op in list(create):
        if isinstance(op, o.RawSQL) and op.note.startswith("create or replace function"):
            header = op.statement.split("AS ", 1)[0]
            if any(re.search(rf"\b{re.escape(v)}\b", header) for v in view_names):
                create.remove(op)
                moved.append(op)
    return late + moved


def _comment_target_survives(target: str, new: Schema) -> bool:
    m = re.match(r"COMMENT ON (TABLE|COLUMN) (\S+)", target)
    if not m:
        return False
    parts = m.group(2).replace('"', "").split(".")
    key = ".".join(parts[:2]) if len(parts) >= 2 else f"public.{parts[0]}"
    return key in new.tables


def _add_constraint(t: Table, c: Any, new_table: bool = False) -> list[o.Op]:
    schema = None if t.schema == "public" else t.schema
    if c.kind in ("f", "c") and not new_table:
        out: list[o.Op] = [o.AddConstraint(t.name, c.name, c.definition, True, schema)]
        if c.validated:
            out.append(o.ValidateConstraint(t.name, c.name, schema))
        return out
    return [o.AddConstraint(t.name, c.name, c.definition, c.kind in ("f", "c") and not c.validated, schema)]


def _diff_table(ot: Table, t: Table, renames: dict[str, str], res: DiffResult, columns: list[o.Op],
                constraints: list[o.Op], late: list[o.Op], drops: list[o.Op], pre: list[o.Op],
                changed_tables: set[str], new: Schema | None = None) -> None:
    schema = None if t.schema == "public" else t.schema
    col_map = {}  # old name -> new name
    for oc in ot.columns:
        target = renames.get(f"{ot.name}.{oc}") or renames.get(f"{ot.schema}.{ot.name}.{oc}")
        col_map[oc] = target or oc
    added = [c for c in t.columns if c not in col_map.values() and t.columns[c].local]
    dropped = [oc for oc, nc in col_map.items() if nc not in t.columns and ot.columns[oc].local]
    pk_cols = set(t.pk_columns())
    qt = o.qname(t.schema, t.name)
    for oc, nc in col_map.items():
        if nc != oc and nc in t.columns:
            columns.append(o.RenameColumn(t.name, oc, nc, schema))
            changed_tables.add(t.name)
    for d in dropped:
        for new_name in added:
            if ot.columns[d].type == t.columns[new_name].type:
                res.prompts.append(f"{t.name}: column {d} is dropped and {new_name} ({t.columns[new_name].type}) "
                                   f"added — if this is a rename, pass --rename {t.name}.{d}={new_name} "
                                   f"(otherwise {d}'s data is lost)")
    for new_name in sorted(added, key=lambda n: t.columns[n].position):
        c = t.columns[new_name]
        default = c.default if not (c.identity or c.generated) else None
        columns.append(o.AddColumn(t.name, new_name, column_type_spec(c), not c.not_null, default, schema))
    for oc, nc in col_map.items():
        if nc not in t.columns:
            continue
        a, b = ot.columns[oc], t.columns[nc]
        if not b.local:
            continue
        if a.generated != b.generated or (b.generated and a.default != b.default):
            if a.generated and not b.generated and not b.default:
                columns.append(o.RawSQL(f"ALTER TABLE {qt} ALTER COLUMN {o.quote(nc)} DROP EXPRESSION",
                                        note=f"{t.name}.{nc} becomes a plain column"))
            else:
                columns.append(o.DropColumn(t.name, nc, a.type, not a.not_null, a.default, schema))
                columns.append(o.AddColumn(t.name, nc, column_type_spec(b), not b.not_null,
                                           None if b.generated else b.default, schema))
                continue
        retyped_default = False
        if a.type != b.type:
            enumish = a.type in res_enums(res) or b.type in res_enums(res)
            using = f"{o.quote(nc)}::text::{b.type}" if enumish else f"{o.quote(nc)}::{b.type}"
            if a.default and "nextval(" not in a.default:
                # ALTER COLUMN TYPE converts the old default too and fails when it has no implicit
                # cast (text -> enum): drop it first, set the target's after
                columns.append(o.SetDefault(t.name, nc, None, a.default, schema))
                retyped_default = True
            columns.append(o.AlterColumnType(t.name, nc, a.type, b.type, using, schema))
            if retyped_default and b.default and not (b.identity or b.generated):
                columns.append(o.SetDefault(t.name, nc, b.default, None, schema))
            changed_tables.add(t.name)
        if a.identity and not b.identity:
            columns.append(o.RawSQL(f"ALTER TABLE {qt} ALTER COLUMN {o.quote(nc)} DROP IDENTITY IF EXISTS",
                                    note=f"{t.name}.{nc} stops being an identity"))
        if (a.default or None) != (b.default or None) and not (b.identity or b.generated) and not retyped_default:
            columns.append(o.SetDefault(t.name, nc, b.default, a.default, schema))
        if a.not_null != b.not_null and not (b.identity and b.not_null) and not (nc in pk_cols and b.not_null):
            columns.append(o.SetNullable(t.name, nc, not b.not_null, schema))
        if b.identity and not a.identity:
            if a.default:
                columns.append(o.SetDefault(t.name, nc, None, a.default, schema))
            if not a.not_null:
                columns.append(o.SetNullable(t.name, nc, False, schema))
            how = "ALWAYS" if b.identity == "a" else "BY DEFAULT"
            columns.append(o.RawSQL(f"ALTER TABLE {qt} ALTER COLUMN {o.quote(nc)} ADD GENERATED {how} AS IDENTITY",
                                    note=f"{t.name}.{nc} becomes an identity"))
        elif a.identity and b.identity and a.identity != b.identity:
            how = "ALWAYS" if b.identity == "a" else "BY DEFAULT"
            columns.append(o.RawSQL(f"ALTER TABLE {qt} ALTER COLUMN {o.quote(nc)} SET GENERATED {how}",
                                    note=f"{t.name}.{nc} identity kind"))
    for d in dropped:
        dc = ot.columns[d]
        children = res.new.tables.values() if res.new is not None else ()
        if any(t.key in child.inherits and d in child.columns and child.columns[d].local for child in children):
            # children keep the column as their own: ONLY drops it from the parent and marks theirs
            # local, so their values stay (a plain DROP would cascade to them)
            drops.append(o.RawSQL(f"ALTER TABLE ONLY {qt} DROP COLUMN IF EXISTS {o.quote(d)}",
                                  note=f"drop column {t.name}.{d} from the parent only (its children keep theirs)",
                                  lossy=True))
            continue
        drops.append(o.DropColumn(t.name, d, dc.type, not dc.not_null, dc.default, schema))
        changed_tables.add(t.name)
    for name, con in t.constraints.items():
        oc2 = ot.constraints.get(name)
        if oc2 and _norm_def(oc2.definition, col_map) == con.definition and oc2.validated == con.validated:
            continue
        if oc2 and oc2.definition == con.definition and not oc2.validated and con.validated:
            constraints.append(o.ValidateConstraint(t.name, name, schema))
            continue
        if oc2:
            op = o.DropConstraint(t.name, name, oc2.definition, schema)
            pre.insert(0, op) if oc2.kind == "f" else pre.append(op)
        constraints.extend(_add_constraint(t, con))
    for name, oc3 in ot.constraints.items():
        if name not in t.constraints:
            op = o.DropConstraint(t.name, name, oc3.definition, schema)
            pre.insert(0, op) if oc3.kind == "f" else pre.append(op)
    for name, idef in t.indexes.items():
        cur_i = ot.indexes.get(name)
        if cur_i == idef:
            continue
        if cur_i:
            pre.append(o.DropIndex(name, t.name, cur_i, False, schema))
        if t.kind == "p" and new is not None:
            late.append(partitioned_index(new, t, name, idef))
        else:
            late.append(o.CreateIndex(name, t.name, idef, True, schema))
    for name, idef in ot.indexes.items():
        if name not in t.indexes:  # DROP INDEX CONCURRENTLY is refused on a partitioned table
            drops.append(o.DropIndex(name, t.name, idef, t.kind != "p", schema))
    if ot.unlogged != t.unlogged:
        late.append(o.RawSQL(f"ALTER TABLE {o.qname(t.schema, t.name)} SET {'UNLOGGED' if t.unlogged else 'LOGGED'}",
                             note="persistence (rewrites the table)"))
    if ot.partition_of != t.partition_of:
        if ot.partition_of:
            parent = ot.partition_of.split(" ", 1)[0]
            pre.append(o.RawSQL(f"ALTER TABLE {o.qkey(parent)} DETACH PARTITION {o.qname(t.schema, t.name)}",
                                note=f"detach {t.name}"))
        if t.partition_of:
            parent, bound = t.partition_of.split(" ", 1)
            late.append(o.RawSQL(f"ALTER TABLE {o.qkey(parent)} ATTACH PARTITION {o.qname(t.schema, t.name)} {bound}",
                                 note=f"attach {t.name}"))
    if ot.rls != t.rls:
        late.append(o.RawSQL(f"ALTER TABLE {o.qname(t.schema, t.name)} {'ENABLE' if t.rls else 'DISABLE'} ROW LEVEL "
                             "SECURITY", note="row level security"))


def res_enums(res: DiffResult) -> set[str]:
    names: set[str] = set()
    for sch in (res.old, res.new):
        for key in (sch.enums if sch else {}):
            nsp, name = _split(key)
            names.add(name if nsp == "public" else f"{nsp}.{name}")
    return names


def _norm_def(definition: str, col_map: dict[str, str]) -> str:
    out = definition
    for old, new in col_map.items():
        if old != new:
            out = re.sub(rf"\b{re.escape(old)}\b", new, out)
    return out


def partitioned_index(new: Schema, t: Table, name: str, idef: str) -> o.CreatePartitionedIndex:
    """The online build of a new index on partitioned ``t``: every partition (recursively) with the
    index name the target gives it (PostgreSQL's own naming, table_columns_idx, when it has none)."""
    op = o.CreatePartitionedIndex(name, t.name, idef, True, None if t.schema == "public" else t.schema)

    def walk(parent: Table, pidx: str, pdef: str) -> None:
        for ckey, child in new.tables.items():
            if not (child.partition_of or "").startswith(f"{parent.key} "):
                continue
            cname = next((n for n, (par, _d) in child.partition_indexes.items() if par == f"{parent.schema}.{pidx}"),
                         None)
            cdef = child.partition_indexes[cname][1] if cname else ""
            if not cname:
                cols = re.findall(r'"?(\w+)"?(?:\s+\w+)*\s*(?:,|\)$)', pdef[pdef.index("(", pdef.index(" USING ")):])
                cname = f"{child.name}_{'_'.join(cols)}_idx"[:63]
                cdef = re.sub(r" ON (ONLY )?\S+ USING ", f" ON {'ONLY ' if child.kind == 'p' else ''}"
                              f"{o.qkey(ckey)} USING ", pdef.replace(f"INDEX {pidx} ", f"INDEX {cname} ", 1), count=1)
            if child.kind == "p":
                walk(child, cname, cdef)
            op.parts.append((ckey, cname, cdef))
            op.parent_of[cname] = o.qname(parent.schema, pidx)

    walk(t, name, idef)
    return op


# -- loading both sides into a throwaway engine -----------------------------------------------

def load_schema(cluster: Any, database: str, sql: str, setup_sql: str | None = None) -> Schema:
    cluster.create_database(database)
    with cluster.connect(database) as conn:
        try:
            if setup_sql:
                conn.execute(setup_sql)
            conn.execute(sql)
        except Exception as exc:
            raise DbwrightError(f"could not load schema into the sandbox: {str(exc).splitlines()[0]}") from None
        schema = read_schema(conn)
    return schema


def diff_sql(cluster: Any, old_sql: str, new_sql: str, renames: dict[str, str] | None = None,
             setup_sql: str | None = None, prefix: str = "dbw_diff") -> DiffResult:
    """Load ``old_sql`` and ``new_sql`` into two throwaway databases of ``cluster`` and diff them."""
    a, b = f"{prefix}_a", f"{prefix}_b"
    try:
        old = load_schema(cluster, a, old_sql, setup_sql)
        new = load_schema(cluster, b, new_sql, setup_sql)
        return diff_schemas(old, new, renames)
    finally:
        for db in (a, b):
            with contextlib.suppress(Exception):
                cluster.drop_database(db)
