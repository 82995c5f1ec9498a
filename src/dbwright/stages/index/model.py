"""Shapes of the index advisor: index definitions, parsed queries, verdicts with reasons.

Pure data; SQL for an index is emitted per dialect by SQLAlchemy in ``dbwright.stages.index.ddl``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Reason = Literal["picked", "budget", "redundant", "little-gain", "write-cost", "max-indexes", "unused"]


@dataclass(frozen=True)
class IndexDef:
    """An index: key columns in order, optional INCLUDE columns and partial predicate.

    ``table`` is ``schema.table`` outside ``public``. Candidates are B-trees; ``method`` records an
    existing index's access method (hash, gin, gist, ...), which serves other lookups than a B-tree.
    """

    table: str
    columns: tuple[str, ...]
    include: tuple[str, ...] = ()
    where: str | None = None
    descending: tuple[bool, ...] = ()
    method: str = "btree"

    @property
    def key(self) -> str:
        cols = ", ".join(c + (" DESC" if self.is_desc(i) else "") for i, c in enumerate(self.columns))
        s = f"{self.table} ({cols})" if self.method == "btree" else f"{self.table} USING {self.method} ({cols})"
        if self.include:
            s += f" INCLUDE ({', '.join(self.include)})"
        if self.where:
            s += f" WHERE {self.where}"
        return s

    def __lt__(self, other: IndexDef) -> bool:
        return (self.table, self.columns, self.include, self.where or "") < \
            (other.table, other.columns, other.include, other.where or "")

    def is_desc(self, i: int) -> bool:
        return i < len(self.descending) and self.descending[i]

    @property
    def name(self) -> str:
        base = f"{self.table.replace('.', '_')}_{'_'.join(self.columns)}"
        if self.include:
            base += "_incl"
        if self.where:
            base += "_part"
        return (base[:59] + "_idx") if len(base) > 59 else base + "_idx"

    def prefix_covers(self, other: IndexDef) -> bool:
        """True when this index serves every lookup ``other`` serves (``other`` is a key prefix)."""
        if other.table != self.table or (self.where is not None and self.where != other.where):
            return False
        if self.method != other.method:
            return False  # a hash or GIN index serves other lookups than a B-tree on the same columns
        n = len(other.columns)
        if self.columns[:n] != other.columns:
            return False
        if any(other.is_desc(i) != self.is_desc(i) for i in range(n)) and n > 1:
            return False
        return set(other.include) <= set(self.columns) | set(self.include)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"table": self.table, "columns": list(self.columns), "key": self.key}
        if self.include:
            d["include"] = list(self.include)
        if self.where:
            d["where"] = self.where
        if self.method != "btree":
            d["method"] = self.method
        return d


@dataclass
class TableUse:
    """How one query uses one table: the columns of each kind, in order of appearance."""

    equality: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    join: list[str] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    group: list[str] = field(default_factory=list)
    referenced: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)  # column -> literal SQL in `col = literal`

    def add(self, kind: str, col: str) -> None:
        seq = getattr(self, kind)
        if col not in seq:
            seq.append(col)

    @property
    def indexable(self) -> list[str]:
        out: list[str] = []
        for c in [*self.equality, *self.join, *self.range, *[c for c, _ in self.order], *self.group]:
            if c not in out:
                out.append(c)
        return out


@dataclass
class Query:
    """One statement of the workload, with its weight (calls per second, or a relative frequency)."""

    qid: str
    sql: str
    weight: float = 1.0
    tables: dict[str, TableUse] = field(default_factory=dict)
    kind: Literal["select", "insert", "update", "delete", "other"] = "select"
    write_table: str | None = None
    problem: str | None = None  # why it could not be parsed/resolved, when it could not
    limit: int | None = None
    params: dict[int, tuple[str, str]] = field(default_factory=dict)  # $n -> (table, column) compared

    def use(self, table: str) -> TableUse:
        return self.tables.setdefault(table, TableUse())

    @property
    def is_write(self) -> bool:
        return self.kind in ("insert", "update", "delete")


@dataclass
class Verdict:
    """Why a candidate was picked or rejected, with the numbers behind it."""

    index: IndexDef
    reason: Reason
    detail: str
    size_bytes: int = 0
    benefit: float = 0.0  # weighted cost saved (planner units)
    queries: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.index.to_dict(), "reason": self.reason, "detail": self.detail,
                "size_bytes": self.size_bytes, "benefit": round(self.benefit, 2), "queries": self.queries}
