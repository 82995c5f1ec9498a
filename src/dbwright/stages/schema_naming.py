"""Names: entities → snake_case tables, refs → <name>_id columns."""

from __future__ import annotations

import re
from typing import Any


def snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.lower()


def table_name(entity: str) -> str:
    return snake(entity)


def ref_column(attribute: str) -> str:
    return attribute if attribute.endswith("_id") else f"{attribute}_id"


def entity_table(spec: Any, entity: str) -> str:
    """The table of ``entity``: its ``table:`` (a database's own name, kept by inspect) or snake_case."""
    ent = spec.entities.get(entity) if spec is not None else None
    return ent.table if ent is not None and ent.table else table_name(entity)


def attribute_column(attribute: str, attr: Any) -> str:
    """The column of an attribute: its ``column:``, else the attribute (``<name>_id`` for a ref)."""
    if getattr(attr, "column", None):
        return str(attr.column)
    return ref_column(attribute) if getattr(attr, "type", None) == "ref" else attribute


def entity_table_in(md: Any, entity: str) -> Any:
    """The sqlalchemy Table built for ``entity`` in ``md`` (None when there is none)."""
    for t in md.tables.values():
        if t.info.get("entity") == entity:
            return t
    return md.tables.get(table_name(entity))


def constraint_name(kind: str, table: str, *cols: str) -> str:
    """Deterministic, engine-safe (≤ 63 chars) constraint/index names."""
    name = f"{kind}_{table}_{'_'.join(cols)}" if cols else f"{kind}_{table}"
    if len(name) > 60:
        import hashlib

        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = name[:51] + "_" + digest
    return name
