"""Cross-reference checks that a schema-level validator cannot do: names that must exist."""

from __future__ import annotations

import difflib

from dbwright.model import Finding, Severity
from dbwright.spec.load import Positions
from dbwright.spec.models import Spec


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else "valid: " + ", ".join(sorted(choices))


def column_names(spec: Spec, entity: str) -> list[str]:
    """Names an access pattern may use for an entity: attributes, <ref>_id, id, tenant_id."""
    ent = spec.entities[entity]
    names = ["id"]
    for a, attr in ent.attributes.items():
        names.append(a)
        if attr.type == "ref":
            names.append(f"{a}_id")
        if attr.column:
            names.append(attr.column)
    if spec.tenancy_model in ("shared", "decide") and not ent.tenant and not ent.global_:
        names += ["tenant_id", "tenant"]
    if ent.audit:
        names += ["created_at", "updated_at"]
    if ent.soft_delete:
        names.append("deleted_at")
    return names


def check_references(spec: Spec, pos: Positions) -> list[Finding]:
    out: list[Finding] = []
    entities = list(spec.entities)

    def err(path: tuple[str | int, ...], msg: str, fix: str, code: str = "SPEC003") -> None:
        out.append(Finding(code, Severity.ERROR, msg, pos.locate(path), remediation=fix))

    for ename, ent in spec.entities.items():
        attrs = list(ent.attributes)
        for aname, attr in ent.attributes.items():
            if attr.type == "ref" and attr.ref not in spec.entities:
                err(("entities", ename, "attributes", aname), f"refers to unknown entity '{attr.ref}'",
                    _suggest(attr.ref or "", entities))
        for i, group in enumerate(ent.unique):
            for col in group:
                if col not in attrs and col not in ("tenant_id", "tenant"):
                    err(("entities", ename, "unique", i), f"unique names unknown attribute '{col}'",
                        _suggest(col, attrs))
        if ent.key != "natural" and "id" in ent.attributes:
            err(("entities", ename, "attributes", "id"), "attribute 'id' collides with the surrogate key the "
                f"design adds (key: {ent.key})", "use key: natural with natural_key: [id], or rename the attribute")
        if ent.key == "natural":
            if not ent.natural_key:
                err(("entities", ename, "key"), "key: natural needs natural_key: [attributes]",
                    "add natural_key: [code] or use key: auto")
            for col in ent.natural_key or []:
                if col not in attrs:
                    err(("entities", ename, "natural_key"), f"natural_key names unknown attribute '{col}'",
                        _suggest(col, attrs))
        for i, fd in enumerate(ent.functional_dependencies):
            if "->" not in fd:
                err(("entities", ename, "functional_dependencies", i),
                    f"'{fd}' is not a dependency", "write 'a, b -> c'")
                continue
            lhs, rhs = fd.split("->", 1)
            for col in [c.strip() for c in (lhs + "," + rhs).split(",") if c.strip()]:
                if col not in attrs:
                    err(("entities", ename, "functional_dependencies", i),
                        f"dependency names unknown attribute '{col}'", _suggest(col, attrs))
    for i, rel in enumerate(spec.relationships):
        for e in rel.between:
            if e not in spec.entities:
                err(("relationships", i, "between"), f"unknown entity '{e}'", _suggest(e, entities))
    for i, ap in enumerate(spec.access_patterns):
        if ap.entity is not None:
            if ap.entity not in spec.entities:
                err(("access_patterns", i, "entity"), f"unknown entity '{ap.entity}'",
                    _suggest(ap.entity, entities))
                continue
            cols = column_names(spec, ap.entity)
            for fld in ("equals", "range", "order_by"):
                for j, col in enumerate(getattr(ap, fld)):
                    name = col.split()[0].lstrip("-") if col.split() else ""
                    if name not in cols:
                        err(("access_patterns", i, fld, j),
                            f"{ap.entity} has no attribute '{name}'", _suggest(name, cols))
        for ent_name in ap.writes:
            if ent_name not in spec.entities:
                err(("access_patterns", i, "writes", ent_name), f"unknown entity '{ent_name}'",
                    _suggest(ent_name, entities))
    names = [ap.name for ap in spec.access_patterns]
    for i, n in enumerate(names):
        if names.index(n) != i:
            err(("access_patterns", i, "name"), f"duplicate access pattern name '{n}'", "give each a unique name")
    if spec.tenancy and spec.tenancy.model != "none":
        tenants = [n for n, e in spec.entities.items() if e.tenant]
        if not tenants and spec.tenancy.tenant_entity not in spec.entities:
            err(("tenancy",), f"no tenant entity: '{spec.tenancy.tenant_entity}' is not an entity",
                "mark one entity with 'tenant: true' or set tenancy.tenant_entity", "SPEC004")
    return out
