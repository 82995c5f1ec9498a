"""A Database → a dbwright spec (a plain dict, dumped as YAML) that validates and designs.

Entities keep the database's own names (``table:``, ``column:``), types map to logical types
(the physical spelling stays in each attribute's description when it is lossy), keys become
``key: natural`` with the existing key columns unless the key is a surrogate ``id``, single-column
foreign keys become ``ref`` attributes (``owned`` when they cascade), and the statistics give
``rows`` and ``row_bytes``. Access patterns come from pg_stat_statements, with their measured
rates. What the spec language cannot say (composite foreign keys, expression indexes, triggers,
views) is listed in ``notes`` rather than dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from dbwright.inspect.relations import Relation, words
from dbwright.model.database import Column, Database, Table

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def entity_names(db: Database, tables: list[Table]) -> dict[str, str]:
    """table key → entity name (PascalCase of the table; the schema prefixed when names collide)."""
    def pascal(name: str) -> str:
        p = "".join(w.capitalize() for w in words(name)) or "T"
        return p if p[0].isalpha() else f"T{p}"

    base = {t.key: pascal(t.name) for t in tables}
    counts: dict[str, int] = {}
    for v in base.values():
        counts[v] = counts.get(v, 0) + 1
    out: dict[str, str] = {}
    used: set[str] = set()
    for t in tables:
        name = base[t.key] if counts[base[t.key]] == 1 else pascal(t.schema) + base[t.key]
        while name in used:
            name += "_"
        used.add(name)
        out[t.key] = name
    return out


def logical_type(col: Column, db: Database) -> tuple[str, dict[str, Any], bool]:
    """(shorthand type, long-form extras, exact?) of a column's type."""
    t = col.type.lower().strip()
    enum_key = next((k for k in db.enums if k.split(".", 1)[1] == t.strip('"') or k == t), None)
    if enum_key:
        return "enum", {"values": db.enums[enum_key]}, True
    m = re.match(r"enum\((.*)\)", t)
    if m:
        return "enum", {"values": re.findall(r"'((?:[^']|'')*)'", col.type[5:-1])}, True
    if re.match(r"(tinyint\(1\)|bool|boolean)\b", t):
        return "bool", {}, True
    if re.match(r"(bigint|int8|bigserial)\b", t):
        return "bigint", {}, True
    if re.match(r"(smallint|int2|tinyint|smallserial)\b", t):
        return "smallint", {}, t.startswith(("smallint", "int2"))
    if re.match(r"(integer|int|int4|mediumint|serial)\b", t) or t.startswith("int("):
        return "int", {}, True
    m = re.match(r"(numeric|decimal|number)\s*(?:\((\d+)\s*(?:,\s*(\d+))?\))?", t)
    if m:
        extra: dict[str, Any] = {}
        if m.group(2):
            extra["precision"] = int(m.group(2))
            extra["scale"] = int(m.group(3) or 0)
        return "decimal", extra, bool(m.group(2))
    if t == "money":
        return "money", {}, False
    if re.match(r"(real|float|double|float4|float8)", t):
        return "float", {}, t.startswith(("double", "float8"))
    if re.match(r"timestamp(\(\d\))? with time zone|timestamptz", t):
        return "timestamp", {}, True
    if re.match(r"timestamp|datetime", t):
        return "datetime", {}, t.startswith("timestamp")
    if t == "date":
        return "date", {}, True
    if t.startswith("time"):
        return "time", {}, t.startswith("time without") or t == "time"
    if t.startswith("interval"):
        return "duration", {}, False
    if t == "uuid":
        return "uuid", {}, True
    if t in ("json", "jsonb"):
        return "json", {}, t == "jsonb"
    if re.match(r"(bytea|blob|longblob|mediumblob|tinyblob|binary|varbinary)", t):
        return "bytes", {}, t == "bytea"
    if t in ("inet", "cidr"):
        return "ip", {}, t == "inet"
    m = re.match(r"(?:character varying|varchar|nvarchar|char|character|nchar|varchar2)\s*\((\d+)\)", t)
    if m:
        return "string", {"length": int(m.group(1))}, t.startswith(("character varying", "varchar"))
    if re.match(r"(text|character varying|varchar|clob|longtext|mediumtext|tinytext|citext|nvarchar|string)", t):
        return "text", {}, t in ("text", "character varying", "varchar")
    return "text", {}, False


def _attr_name(col: str, used: set[str]) -> str:
    name = col if _IDENT.match(col) else re.sub(r"[^A-Za-z0-9_]", "_", col).strip("_") or "c"
    if not name[0].isalpha():
        name = f"c_{name}"
    while name in used:
        name += "_"
    used.add(name)
    return name


def _checks(t: Table, col: str) -> dict[str, Any]:
    """min/max/values from simple CHECKs on one column (PostgreSQL's normalized spelling)."""
    out: dict[str, Any] = {}
    for ck in t.checks:
        e = re.sub(r"::[\w ]+(\[\])?|[()]", "", ck.expression).strip()
        m = re.fullmatch(rf'"?{re.escape(col)}"?\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)', e)
        if m:
            op, v = m.group(1), float(m.group(2))
            if op in (">=", ">"):
                out["min"] = v + (1 if op == ">" and v.is_integer() else 0)
            else:
                out["max"] = v - (1 if op == "<" and v.is_integer() else 0)
    return out


def build_spec(db: Database, relations: list[Relation], project: str | None = None,
               min_confidence: float = 0.8) -> tuple[dict[str, Any], list[str]]:
    """The spec dict and the notes on what it could not express."""
    notes: list[str] = []
    tables = [t for t in db.base_tables() if not t.partition_of]
    names = entity_names(db, tables)
    by_key = {t.key: t for t in tables}
    refs: dict[tuple[str, str], Relation] = {}
    for r in relations:
        if len(r.columns) == 1 and r.ref_table in by_key and (r.declared or r.score >= min_confidence):
            refs.setdefault((r.table, r.columns[0]), r)
        elif r.declared and len(r.columns) > 1:
            notes.append(f"{r.table}({', '.join(r.columns)}) → {r.ref_table}: composite foreign key kept as plain "
                         "attributes (a spec ref is one column)")
    entities: dict[str, Any] = {}
    multi_schema = len({t.schema for t in tables}) > 1
    seen_names: dict[str, int] = {}
    for t in tables:
        seen_names[t.name.lower()] = seen_names.get(t.name.lower(), 0) + 1
    for t in tables:
        ent: dict[str, Any] = {}
        if t.comment:
            ent["description"] = t.comment
        if t.rows is not None and t.rows > 0:
            ent["rows"] = int(t.rows)
            if t.table_bytes and t.table_bytes >= 1 << 20:  # below ~128 pages the page size dominates
                ent["row_bytes"] = f"{max(1, int(t.table_bytes / t.rows))}B"
        ent["table"] = t.name
        if seen_names[t.name.lower()] > 1:
            # a spec has one namespace of tables: same-named tables of different schemas get the schema prefix
            ent["table"] = f"{t.schema}_{t.name}"
            notes.append(f"{t.key}: designed as table {ent['table']} (the name exists in several schemas; a spec's "
                         "tables share one namespace)")
        if multi_schema:
            ent["subject_area"] = t.schema
        pk = list(t.primary_key)
        surrogate = len(pk) == 1 and pk[0] == "id"
        pkcol = t.column(pk[0]) if len(pk) == 1 else None
        attrs: dict[str, Any] = {}
        used: set[str] = set()
        colattr: dict[str, str] = {}
        if surrogate and pkcol is not None:
            lt = logical_type(pkcol, db)[0]
            ent["key"] = "uuid" if lt == "uuid" else "bigint"
            used.add("id")
            colattr["id"] = "id"
            if lt not in ("uuid", "bigint"):
                notes.append(f"{t.key}.id: {pkcol.type} key designed as bigint (the spec's surrogate keys are bigint "
                             "or uuid)")
        elif pk:
            ent["key"] = "natural"
        else:
            notes.append(f"{t.key}: no primary key; the design adds a surrogate id")
        single_uniques = {u[0] for u in t.unique_sets() if len(u) == 1 and u != pk}
        for col in t.columns:
            if col.name in colattr:
                continue
            rel = refs.get((t.key, col.name))
            target_ok = rel is not None and _ref_target_ok(by_key[rel.ref_table], rel.ref_columns)
            aname = _attr_name(col.name, used)
            colattr[col.name] = aname
            if rel is not None and target_ok:
                a: dict[str, Any] = {"type": "ref", "ref": names[rel.ref_table]}
                if col.nullable:
                    a["nullable"] = True
                if rel.on_delete == "CASCADE":
                    a["owned"] = True
                if not rel.declared:
                    a["description"] = (f"inferred reference ({rel.confidence}: "
                                        + "; ".join(e["detail"] for e in rel.evidence if e["weight"] > 0) + ")")
                if aname != col.name or not col.name.endswith("_id"):
                    a["column"] = col.name
            else:
                typ, extra, exact = logical_type(col, db)
                a = {"type": typ, **extra}
                if col.nullable:
                    a["nullable"] = True
                if not exact:
                    a["description"] = f"was {col.type}"
                if aname != col.name:
                    a["column"] = col.name
                a.update(_checks(t, col.name))
            if col.name in single_uniques:
                a["unique"] = True
            if col.comment:
                a["description"] = (col.comment + "; " + a["description"]) if a.get("description") else col.comment
            attrs[aname] = _compact(a)
        ent["attributes"] = attrs
        if ent.get("key") == "natural":
            ent["natural_key"] = [colattr[c] for c in pk]
        groups = [u for u in t.unique_sets() if len(u) > 1 and u != pk]
        if groups:
            ent["unique"] = [[colattr[c] for c in u if c in colattr] for u in groups]
        if not attrs:
            ent["attributes"] = {}
        entities[names[t.key]] = ent
        for ix in t.indexes:
            if any(c.startswith("(") for c in ix.columns) or ix.predicate:
                notes.append(f"{t.key}: index {ix.name} ({ix.definition or ', '.join(ix.columns)}) has expressions or "
                             "a predicate: not expressible in a spec, re-derived by the index advisor")
    _drop_bad_natural_keys(entities, notes)
    for v in db.tables.values():
        if v.is_view:
            notes.append(f"{v.key}: {v.kind} not carried into the spec (views are not designed)")
    spec: dict[str, Any] = {"version": 1, "project": project or _project(db),
                            "description": f"Reverse-engineered by dbwright inspect from {db.source or db.name} "
                                           f"({db.engine} {db.version})".strip(),
                            "entities": entities}
    patterns = access_patterns(db, by_key)
    if patterns:
        spec["access_patterns"] = patterns
    if db.engine in ("postgresql", "mysql", "mariadb", "sqlite"):
        spec["technology"] = {"current": "mariadb" if db.engine == "mariadb" else db.engine}
    total = sum(t.total_bytes or 0 for t in tables)
    if total:
        spec["dr"] = {"data_size": f"{max(1, total // 1_000_000)}MB"}
    return spec, notes


def _ref_target_ok(parent: Table, ref_columns: list[str]) -> bool:
    """A spec ref points at the target's key: its one primary-key column (or its surrogate id)."""
    return parent.primary_key == ref_columns and len(ref_columns) == 1


def _drop_bad_natural_keys(entities: dict[str, Any], notes: list[str]) -> None:
    """A natural key made of refs to entities that themselves have composite keys cannot be typed."""
    for name, ent in entities.items():
        if ent.get("key") != "natural":
            continue
        for a in ent.get("natural_key", []):
            attr = ent["attributes"].get(a)
            if isinstance(attr, dict) and attr.get("type") == "ref":
                target = entities.get(attr["ref"], {})
                if target.get("key") == "natural" and len(target.get("natural_key", [])) > 1:
                    notes.append(f"{name}.{a}: refers to a composite key; kept as a plain column")
                    attr.clear()
                    attr.update({"type": "bigint"})


def _compact(a: dict[str, Any]) -> Any:
    """The shorthand string when it says everything, else the long form."""
    simple_keys = {"type", "nullable", "unique", "ref", "owned", "length", "precision", "scale", "values",
                   "min", "max"}
    if set(a) <= simple_keys and not (a.get("values") and any(re.search(r"[,()\s]", v) for v in a["values"])):
        t = a["type"]
        if t == "ref":
            head = f"ref {a['ref']}" + ("?" if a.get("nullable") else "")
        else:
            args = ""
            if "length" in a:
                args = f"({a['length']})"
            elif "precision" in a:
                args = f"({a['precision']},{a.get('scale', 0)})"
            elif a.get("values"):
                args = "(" + ", ".join(a["values"]) + ")"
            head = t + args + ("?" if a.get("nullable") else "")
        mods = [m for m, on in (("unique", a.get("unique")), ("owned", a.get("owned"))) if on]
        for k, op in (("min", ">="), ("max", "<=")):
            if k in a:
                v = a[k]
                mods.append(f"{op} {int(v) if float(v).is_integer() else v}")
        return " ".join([head, *mods])
    return a


def _project(db: Database) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", (db.name or "database").lower()).strip("-")
    return name or "database"


def access_patterns(db: Database, by_key: dict[str, Table]) -> list[dict[str, Any]]:
    """pg_stat_statements → SQL access patterns with measured rates (calls / statistics age)."""
    if not db.queries or not db.stats_age_s:
        return []
    from dbwright.inspect.workload_sql import to_spec_sql

    out: list[dict[str, Any]] = []
    names = {t.name.lower() for t in by_key.values()}
    for i, q in enumerate(db.queries):
        sql = to_spec_sql(q.query, names)
        if sql is None or q.calls < 2:
            continue
        rate = q.calls / db.stats_age_s
        if rate <= 0:
            continue
        out.append({"name": f"q{i + 1}", "sql": sql, "rate": f"{rate:.6g}/s",
                    "description": f"pg_stat_statements: {q.calls} calls, mean {q.mean_ms:.2f} ms, "
                                   f"{q.calls / max(1, db.stats_age_s):.3g}/s over {db.stats_age_s:.0f} s"})
        if len(out) >= 50:
            break
    return out
