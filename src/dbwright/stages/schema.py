"""Schema stage: conceptual → logical → physical, every decision recorded.

Produces the ``schema`` section and sets ``ctx.metadata`` (PostgreSQL physical schema) and
``ctx.options['schema_choices']`` so renderers and verifiers can build any dialect's MetaData.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dbwright.ddl import order
from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Severity
from dbwright.stages.context import DesignContext
from dbwright.stages.schema_build import DIALECTS, SchemaChoices, build_metadata, scoped
from dbwright.stages.schema_decide import decide_hierarchy, decide_key, decide_tenancy, keys_decision
from dbwright.stages.schema_naming import entity_table
from dbwright.stages.schema_types import type_rationale


def decide(ctx: DesignContext) -> tuple[SchemaChoices, list[Decision], list[Finding]]:
    spec = ctx.spec
    decisions: list[Decision] = []
    findings: list[Finding] = []
    ten = decide_tenancy(spec)
    if ten.decision:
        decisions.append(ten.decision)
    keys = {n: decide_key(spec, n, e, ten.model) for n, e in spec.entities.items()}
    choices = SchemaChoices(tenancy=ten.model, keys=keys)
    decisions.append(keys_decision(keys, spec))
    for ename, ent in spec.entities.items():
        for aname, attr in ent.attributes.items():
            if attr.type == "ref" and attr.ref == ename and ename not in choices.hierarchies:
                h = decide_hierarchy(spec, ename, aname)
                choices.hierarchies[ename] = h
                decisions.append(h.decision)
            if (attr.type == "ref" and attr.ref in spec.entities and ten.model == "shared"
                    and not scoped(spec, ename, ten.model) and scoped(spec, attr.ref or "", ten.model)):
                    findings.append(Finding(
                        "SPEC010", Severity.ERROR,
                        f"{ename} is shared by all tenants but refers to tenant-scoped {attr.ref}",
                        ctx.positions.locate(("entities", ename, "attributes", aname)),
                        remediation=f"make {ename} tenant-scoped, or mark {attr.ref} global: true"))
            if attr.type == "ref" and attr.ref in spec.entities:
                tk = keys.get(attr.ref or "")
                if tk and tk.style == "natural" and len(spec.entities[attr.ref or ""].natural_key or []) > 1:
                    findings.append(Finding(
                        "SPEC011", Severity.ERROR,
                        f"{ename}.{aname} refers to {attr.ref}, whose natural key has several columns",
                        ctx.positions.locate(("entities", ename, "attributes", aname)),
                        remediation=f"give {attr.ref} key: auto (a surrogate key) and keep the natural key unique"))
    return choices, decisions, findings


def _type_str(col: sa.Column[Any], dialect: sa.engine.Dialect) -> str:
    try:
        return str(col.type.compile(dialect=dialect))
    except Exception:  # a type a dialect cannot render is reported by verification
        return "?"


def describe_tables(mds: dict[str, sa.MetaData]) -> list[dict[str, Any]]:
    import warnings

    from dbwright.ddl.dialects import dialect_for

    pg = mds["postgresql"]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # FK cycles: an order is only for reading
        tables = list(pg.sorted_tables)
    for t in tables:
        cols = []
        for c in t.columns:
            cols.append({
                "name": c.name,
                "logical": c.info.get("logical") or c.info.get("role") or "key",
                "types": {d: _type_str(mds[d].tables[t.name].c[c.name], dialect_for(d)) for d in DIALECTS},
                "nullable": bool(c.nullable),
                "comment": c.comment,
                "sensitivity": c.info.get("sensitivity") or [],
            })
        out.append({
            "name": t.name, "entity": t.info.get("entity"), "kind": t.info.get("kind"),
            "tenant_scoped": bool(t.info.get("scoped")),
            "columns": cols,
            "primary_key": [c.name for c in t.primary_key.columns],
            "foreign_keys": [{"columns": [c.name for c in fk.columns],
                              "references": fk.referred_table.name,
                              "referenced_columns": [e.column.name for e in fk.elements],
                              "on_delete": fk.ondelete} for fk in order.foreign_keys(t)],
            "unique": [[c.name for c in u.columns] for u in order.constraints(t)
                       if isinstance(u, sa.UniqueConstraint)],
            "checks": [str(ck.sqltext) for ck in order.constraints(t) if isinstance(ck, sa.CheckConstraint)],
            "indexes": [{"name": ix.name, "columns": [str(getattr(e, "name", e)) for e in ix.expressions],
                         "unique": bool(ix.unique)} for ix in order.indexes(t)],
            "row_level_security": bool(t.info.get("rls")),
        })
    return out


def conceptual(ctx: DesignContext) -> dict[str, Any]:
    spec = ctx.spec
    rels = []
    for ename, ent in spec.entities.items():
        for aname, attr in ent.attributes.items():
            if attr.type == "ref":
                rels.append({"from": ename, "to": attr.ref, "via": aname,
                             "cardinality": "1:1" if attr.one_to_one else "N:1",
                             "optional": attr.nullable, "owned": attr.owned,
                             "self": attr.ref == ename})
    for rel in spec.relationships:
        rels.append({"from": rel.between[0], "to": rel.between[1], "via": rel.name or "",
                     "cardinality": "M:N", "optional": True, "owned": False, "self": False})
    return {"entities": {n: {"description": e.description, "rows": e.rows, "growth_per_month": e.growth,
                             "subject_area": e.subject_area,
                             "attributes": {a: at.type for a, at in e.attributes.items()}}
                         for n, e in spec.entities.items()},
            "relationships": rels}


def run(ctx: DesignContext) -> Section:
    choices, decisions, findings = decide(ctx)
    mds = {d: build_metadata(ctx.spec, choices, d) for d in DIALECTS}
    ctx.metadata = mds["postgresql"]
    ctx.tables = {n: entity_table(ctx.spec, n) for n in ctx.spec.entities}
    ctx.options["schema_choices"] = choices
    ctx.options["metadata_by_dialect"] = mds

    for topic, choice, why, trade in type_rationale():
        decisions.append(Decision(topic=topic, choice=choice, rationale=why, trade_offs=trade,
                                  alternatives=_type_alternatives(topic), evidence=_type_evidence(topic)))
    decisions.append(Decision(
        topic="relationships",
        choice="foreign keys with ON DELETE chosen from ownership (CASCADE owned, SET NULL optional, "
               "RESTRICT required); M:N through junction tables with composite primary keys",
        rationale="ownership in the spec says whether a child can outlive its parent",
        trade_offs=["RESTRICT makes deletes of referenced rows an explicit, ordered job",
                    "CASCADE deletes can touch many rows in one statement: batch large deletes"],
        alternatives=[Alternative("no foreign keys (application-enforced)",
                                  "orphans appear silently; the planner loses join facts"),
                      Alternative("CASCADE everywhere", "one delete could silently remove business records")],
        evidence=[Evidence.formula("foreign keys = refs + 2 × junction tables + tenant keys",
                                   len(choices.fk_policies))]))
    fk_index_count = sum(len(t.info.get("fk_indexes", [])) for t in ctx.metadata.tables.values())
    decisions.append(Decision(
        topic="indexes.foreign_keys",
        choice="every foreign key is covered by an index that leads with its columns",
        rationale="deletes/updates of a parent scan the child by the FK; joins from parent to child need it",
        trade_offs=["each index costs write amplification and storage"],
        alternatives=[Alternative("index only FKs used by queries",
                                  "a parent delete would scan the whole child table under lock")],
        evidence=[Evidence.formula("indexes added for uncovered foreign keys", fk_index_count)]))
    extras = [n for n, e in ctx.spec.entities.items() if e.audit or e.soft_delete or e.history]
    if extras:
        decisions.append(Decision(
            topic="auditing",
            choice="; ".join(f"{n}: " + ", ".join(x for x, on in (("audit columns", e.audit),
                                                                  ("soft delete (deleted_at)", e.soft_delete),
                                                                  ("history table", e.history)) if on)
                             for n, e in ctx.spec.entities.items() if n in extras),
            rationale="requested in the spec",
            trade_offs=["soft-deleted rows still count against uniqueness unless queries and unique "
                        "indexes filter deleted_at IS NULL",
                        "history tables grow with every update: give them their own retention"],
            alternatives=[Alternative("change data capture to an audit store",
                                      "needs a CDC pipeline; good when history must be immutable"),
                          Alternative("temporal tables (MariaDB system versioning)",
                                      "engine-managed history, but not portable to PostgreSQL or SQLite")],
            evidence=[Evidence.cited(f"the spec asks for it: {', '.join(extras)} (audit / soft_delete / history)",
                                     "spec"),
                      Evidence.cited("a unique constraint treats soft-deleted rows as live; partial unique "
                                     "indexes (WHERE deleted_at IS NULL) exclude them",
                                     "https://www.postgresql.org/docs/current/indexes-partial.html")]))
    n_tables = len(ctx.metadata.tables)
    summary = (f"{n_tables} tables for {len(ctx.spec.entities)} entities; tenancy: {choices.tenancy}; "
               f"{len(choices.fk_policies)} foreign keys, all covered by indexes")
    return Section(name="schema", title="Schema", summary=summary, decisions=decisions, findings=findings,
                   data={"conceptual": conceptual(ctx), "tables": describe_tables(mds),
                         "tenancy": choices.tenancy, "foreign_key_policies": list(choices.fk_policies),
                         "hierarchies": {k: v.style for k, v in choices.hierarchies.items()},
                         "row_level_security": {t.name: t.info["rls"] for t in ctx.metadata.tables.values()
                                                if t.info.get("rls")}})


def _type_evidence(topic: str) -> list[Evidence]:
    """The rule or source that decides each shared type mapping."""
    pg = "https://www.postgresql.org/docs/current/"
    return {
        "types.money": [Evidence.formula("largest NUMERIC(19,4) value = 10^(19-4) - 10^-4", 10 ** 15 - 1e-4,
                                         precision=19, scale=4),
                        Evidence.cited("numeric is exact; float types are inexact", pg + "datatype-numeric.html")],
        "types.instants": [Evidence.cited("timestamptz stores an instant, shown in the session time zone",
                                          pg + "datatype-datetime.html"),
                           Evidence.cited("MariaDB DATETIME has no time zone; TIMESTAMP ends in 2038",
                                          "https://mariadb.com/kb/en/datetime/")],
        "types.email": [Evidence.cited("an address path is at most 256 octets; local part 64, domain 255: "
                                       "320 holds any local@domain", "RFC 5321 §4.5.3.1"),
                        Evidence.cited("an index on lower(email) enforces case-insensitive uniqueness",
                                       pg + "indexes-expressional.html")],
        "types.json": [Evidence.cited("jsonb is stored decomposed and supports GIN indexes", pg + "datatype-json.html"),
                       Evidence.cited("MariaDB JSON is an alias for LONGTEXT with a JSON_VALID check",
                                      "https://mariadb.com/kb/en/json-data-type/")],
        "types.enum": [Evidence.cited("adding an enum value needs ALTER TYPE; values cannot be removed",
                                      pg + "datatype-enum.html"),
                       Evidence.cited("a CHECK constraint is enforced by PostgreSQL, MariaDB ≥ 10.2 and SQLite",
                                      "https://mariadb.com/kb/en/constraint/")],
    }.get(topic, [])


def _type_alternatives(topic: str) -> list[Alternative]:
    return {
        "types.money": [Alternative("integer minor units (cents)", "currencies differ in minor units; "
                                    "rounding rules move into every query"),
                        Alternative("float", "binary floating point cannot represent 0.10 exactly")],
        "types.instants": [Alternative("timestamp without time zone", "ambiguous across DST and regions")],
        "types.email": [Alternative("citext", "needs an extension; lower() index is portable")],
        "types.json": [Alternative("text", "no validation and no indexing")],
        "types.enum": [Alternative("native ENUM types", "changing values needs ALTER TYPE / table rebuilds "
                                   "on MariaDB")],
    }.get(topic, [])
