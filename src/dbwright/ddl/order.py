"""Deterministic iteration over a table's constraints, foreign keys and indexes.

SQLAlchemy keeps ``Table.constraints``, ``Table.indexes`` and ``Table.foreign_key_constraints`` in
plain sets of objects hashed by identity, so their order changes from one process to the next; every
rendered file, synthetic dataset and ``design.json`` built from them would too. Constraints carry
SQLAlchemy's creation counter (the order the schema stage declared them); indexes are ordered by name.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def _order(c: Any) -> tuple[int, str]:
    return (int(getattr(c, "_creation_order", 0) or 0), str(getattr(c, "name", "") or ""))


def constraints(table: sa.Table) -> list[sa.Constraint]:
    return sorted(table.constraints, key=_order)


def foreign_keys(table: sa.Table) -> list[sa.ForeignKeyConstraint]:
    return sorted(table.foreign_key_constraints, key=_order)


def indexes(table: sa.Table) -> list[sa.Index]:
    return sorted(table.indexes, key=lambda ix: (str(ix.name or ""), _order(ix)))


__all__ = ["constraints", "foreign_keys", "indexes"]
