"""Schema diff, the objects around tables: schemas, extensions, collations, enums, composite types,
sequences, functions, aggregates and domains (``diff.diff_schemas`` places their operations)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dbwright.migration import ops as o
from dbwright.migration.catalog import Schema


@dataclass
class ObjectOps:
    pre: list[o.Op] = field(default_factory=list)  # drops that must run before anything else
    create: list[o.Op] = field(default_factory=list)  # before tables
    drops: list[o.Op] = field(default_factory=list)  # with the table drops
    function_drops: list[o.Op] = field(default_factory=list)  # after the tables that use them
    validations: list[o.Op] = field(default_factory=list)  # after the columns and data they check
    unsupported: list[str] = field(default_factory=list)


def owned_sequences(schema: Schema) -> dict[str, tuple[str, str]]:
    """Sequences owned by a column: sequence key -> (column, data type)."""
    return {k: v for t in schema.tables.values() for k, v in t.owned_sequences.items()}


def diff_objects(old: Schema, new: Schema) -> ObjectOps:
    out = ObjectOps()
    for nsp in sorted(new.schemas - old.schemas):
        out.create.append(
            o.RawSQL(
                f"CREATE SCHEMA IF NOT EXISTS {o.quote(nsp)}",
                f"DROP SCHEMA IF EXISTS {o.quote(nsp)}",
                note=f"create schema {nsp}",
            )
        )
    for ext, nsp in sorted(new.extensions.items()):
        if ext not in old.extensions:
            out.create.append(
                o.RawSQL(
                    f"CREATE EXTENSION IF NOT EXISTS {o.quote(ext)} WITH SCHEMA {o.quote(nsp)}",
                    f"DROP EXTENSION IF EXISTS {o.quote(ext)}",
                    note=f"create extension {ext}",
                )
            )
    for key, text in new.collations.items():
        if key not in old.collations:
            out.create.append(
                o.RawSQL(text, f"DROP COLLATION IF EXISTS {o.qkey(key)}", note=f"create collation {key}")
            )
        elif old.collations[key] != text:
            out.unsupported.append(
                f"collation {key} changed (drop and recreate it with the columns using it)"
            )
    for key in old.collations:
        if key not in new.collations:
            out.drops.append(
                o.RawSQL(
                    f"DROP COLLATION IF EXISTS {o.qkey(key)}",
                    old.collations[key],
                    note=f"drop collation {key}",
                )
            )
    for key, labels in new.enums.items():
        if key not in old.enums:
            vals = ", ".join(o.literal(v) for v in labels)
            out.create.append(
                o.RawSQL(
                    f"CREATE TYPE {o.qkey(key)} AS ENUM ({vals})",
                    f"DROP TYPE IF EXISTS {o.qkey(key)}",
                    note=f"create enum {key}",
                )
            )
            continue
        cur_labels = old.enums[key]
        kept_in_order = [v for v in cur_labels if v in labels] == [v for v in labels if v in cur_labels]
        if not kept_in_order or set(cur_labels) - set(labels):
            out.unsupported.append(
                f"enum {key}: values removed or reordered (needs a new type and a column swap)"
            )
            continue
        for i, v in enumerate(labels):
            if v not in cur_labels:
                where = (
                    f" AFTER '{labels[i - 1]}'"
                    if i > 0
                    else f" BEFORE '{labels[1]}'"
                    if len(labels) > 1
                    else ""
                )
                out.create.append(
                    o.RawSQL(
                        f"ALTER TYPE {o.qkey(key)} ADD VALUE IF NOT EXISTS '{v}'{where}",
                        note=f"add enum value {key}.{v} (cannot be removed again)",
                        in_transaction=False,
                    )
                )
    for key, text in new.composites.items():
        if key not in old.composites:
            out.create.append(o.RawSQL(text, f"DROP TYPE IF EXISTS {o.qkey(key)}", note=f"create type {key}"))
        elif old.composites[key] != text:
            out.pre.append(
                o.RawSQL(f"DROP TYPE IF EXISTS {o.qkey(key)} CASCADE", note=f"drop changed type {key}")
            )
            out.create.append(o.RawSQL(text, note=f"create type {key}"))
    for key in old.composites:
        if key not in new.composites:
            out.drops.append(
                o.RawSQL(f"DROP TYPE IF EXISTS {o.qkey(key)}", old.composites[key], note=f"drop type {key}")
            )
    owned_old, owned_new = owned_sequences(old), owned_sequences(new)
    for key, typ in new.sequences.items():
        if key not in old.sequences and key in owned_old:
            # a column's sequence becomes a standalone one: keep it (and its value), release it
            out.create.append(
                o.RawSQL(f"ALTER SEQUENCE {o.qkey(key)} OWNED BY NONE", note=f"sequence {key} owned by none")
            )
            if typ.split(" ", 1)[0] != owned_old[key][1]:
                out.create.append(
                    o.RawSQL(f"ALTER SEQUENCE {o.qkey(key)} AS {typ}", note=f"alter sequence {key}")
                )
        elif key not in old.sequences:
            out.create.append(
                o.RawSQL(
                    f"CREATE SEQUENCE IF NOT EXISTS {o.qkey(key)} AS {typ}",
                    f"DROP SEQUENCE IF EXISTS {o.qkey(key)}",
                    note=f"create sequence {key}",
                )
            )
        elif old.sequences[key] != typ:
            # START WITH records the start value only; RESTART would hand out used values again
            out.create.append(
                o.RawSQL(f"ALTER SEQUENCE {o.qkey(key)} AS {typ}", note=f"alter sequence {key}")
            )
    for key in old.sequences:
        if key not in new.sequences and key not in owned_new:  # else a column takes it over (below)
            out.drops.append(
                o.RawSQL(f"DROP SEQUENCE IF EXISTS {o.qkey(key)}", note=f"drop sequence {key}", lossy=True)
            )

    # functions before tables that may use them in defaults; bodies are not checked at creation
    for sig, (fdef, result) in new.functions.items():
        cur = old.functions.get(sig)
        if cur and cur[0] == fdef:
            continue
        if cur and cur[1] != result:
            what = "PROCEDURE" if cur[1].startswith("p:") else "FUNCTION"
            out.pre.append(
                o.RawSQL(
                    f"DROP {what} IF EXISTS {sig} CASCADE",
                    note=f"drop {what.lower()} {sig} (its result or argument names change)",
                )
            )
        out.create.append(
            o.RawSQL(
                fdef.strip(),
                f"DROP FUNCTION IF EXISTS {sig}" if not cur else None,
                note=f"create or replace function {sig}",
            )
        )
    for sig in old.functions:
        if sig not in new.functions:
            what = "PROCEDURE" if old.functions[sig][1].startswith("p:") else "FUNCTION"
            out.function_drops.append(
                o.RawSQL(
                    f"DROP {what} IF EXISTS {sig}", old.functions[sig][0], note=f"drop {what.lower()} {sig}"
                )
            )
    # aggregates after the functions they call; dropped before them
    for sig, text in new.aggregates.items():
        cur_agg = old.aggregates.get(sig)
        if cur_agg == text:
            continue
        if cur_agg is not None:
            out.pre.append(
                o.RawSQL(f"DROP AGGREGATE IF EXISTS {sig}", cur_agg, note=f"drop changed aggregate {sig}")
            )
        out.create.append(o.RawSQL(text, f"DROP AGGREGATE IF EXISTS {sig}", note=f"create aggregate {sig}"))
    out.function_drops[:0] = [
        o.RawSQL(f"DROP AGGREGATE IF EXISTS {sig}", text, note=f"drop aggregate {sig}")
        for sig, text in old.aggregates.items()
        if sig not in new.aggregates
    ]
    _diff_domains(old, new, out)
    return out


def _strip_not_valid(definition: str) -> str:
    return definition.removesuffix(" NOT VALID")


def _diff_domains(old: Schema, new: Schema, out: ObjectOps) -> None:
    """ALTER DOMAIN per attribute (PostgreSQL: ALTER DOMAIN SET/DROP DEFAULT, SET/DROP NOT NULL,
    ADD … NOT VALID then VALIDATE CONSTRAINT, DROP CONSTRAINT); a new base type cannot be altered."""
    for key, dom in new.domains.items():
        qd = o.qkey(key)
        cur = old.domains.get(key)
        if cur is None:
            out.create.append(o.RawSQL(dom.create_sql(key), f"DROP DOMAIN IF EXISTS {qd}", note=f"create domain {key}"))
            for cname, (cdef, valid) in dom.constraints.items():
                if not valid:
                    out.create.append(o.RawSQL(f"ALTER DOMAIN {qd} ADD CONSTRAINT {o.quote(cname)} {cdef}",
                                               note=f"alter domain {key}: constraint {cname} (not validated)"))
            continue
        if cur.base != dom.base:
            out.unsupported.append(f"domain {key}: base type {cur.base} → {dom.base} cannot be altered (create a "
                                   "new domain and swap the columns using it)")
            continue
        if (cur.default or None) != (dom.default or None):
            out.create.append(o.RawSQL(
                f"ALTER DOMAIN {qd} " + (f"SET DEFAULT {dom.default}" if dom.default else "DROP DEFAULT"),
                f"ALTER DOMAIN {qd} " + (f"SET DEFAULT {cur.default}" if cur.default else "DROP DEFAULT"),
                note=f"alter domain {key}: default"))
        for cname, (cdef, _valid) in cur.constraints.items():
            target = dom.constraints.get(cname)
            if target is None or _strip_not_valid(target[0]) != _strip_not_valid(cdef):
                out.pre.append(o.RawSQL(f"ALTER DOMAIN {qd} DROP CONSTRAINT IF EXISTS {o.quote(cname)}",
                                        f"ALTER DOMAIN {qd} ADD CONSTRAINT {o.quote(cname)} {cdef}",
                                        note=f"alter domain {key}: drop constraint {cname}"))
        for cname, (cdef, valid) in dom.constraints.items():
            have = cur.constraints.get(cname)
            same = have is not None and _strip_not_valid(have[0]) == _strip_not_valid(cdef)
            if not same:
                # NOT VALID: only new values are checked now; VALIDATE scans the columns online
                out.create.append(o.RawSQL(
                    f"ALTER DOMAIN {qd} ADD CONSTRAINT {o.quote(cname)} {_strip_not_valid(cdef)} NOT VALID",
                    f"ALTER DOMAIN {qd} DROP CONSTRAINT IF EXISTS {o.quote(cname)}",
                    note=f"alter domain {key}: add constraint {cname}"))
            if valid and (not same or (have is not None and not have[1])):
                out.validations.append(o.RawSQL(f"ALTER DOMAIN {qd} VALIDATE CONSTRAINT {o.quote(cname)}",
                                                note=f"validate domain constraint {key}.{cname}"))
        if cur.not_null != dom.not_null:
            out.validations.append(o.RawSQL(
                f"ALTER DOMAIN {qd} {'SET' if dom.not_null else 'DROP'} NOT NULL",
                f"ALTER DOMAIN {qd} {'DROP' if dom.not_null else 'SET'} NOT NULL",
                note=f"alter domain {key}: {'set' if dom.not_null else 'drop'} not null"))
    for key in old.domains:
        if key not in new.domains:
            out.function_drops.append(
                o.RawSQL(f"DROP DOMAIN IF EXISTS {o.qkey(key)}", note=f"drop domain {key}")
            )
