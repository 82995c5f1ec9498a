"""Names: entities → snake_case tables, refs → <name>_id columns."""

from __future__ import annotations

import re


def snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.lower()


def table_name(entity: str) -> str:
    return snake(entity)


def ref_column(attribute: str) -> str:
    return attribute if attribute.endswith("_id") else f"{attribute}_id"


def constraint_name(kind: str, table: str, *cols: str) -> str:
    """Deterministic, engine-safe (≤ 63 chars) constraint/index names."""
    name = f"{kind}_{table}_{'_'.join(cols)}" if cols else f"{kind}_{table}"
    if len(name) > 60:
        import hashlib

        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = name[:51] + "_" + digest
    return name
