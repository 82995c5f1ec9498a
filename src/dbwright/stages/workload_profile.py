"""Workload facts the architecture stages share: what kind each access pattern is, read and write
rates (normal and peak), row widths and volumes. Pure functions of the spec."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dbwright.spec.attributes import AttributeSpec
from dbwright.spec.models import AccessPattern, Entity, Spec

# Average stored width in bytes per logical type (PostgreSQL representation; variable-length
# types use a typical average, stated as an input wherever it matters).
TYPE_BYTES = {
    "text": 48, "string": 0, "int": 4, "bigint": 8, "smallint": 2, "decimal": 12, "money": 12,
    "float": 8, "bool": 1, "date": 4, "timestamp": 8, "datetime": 8, "time": 8, "duration": 16,
    "email": 28, "uuid": 16, "json": 200, "enum": 4, "bytes": 64, "url": 60, "phone": 16, "ip": 7,
    "ref": 8,
}

KIND_DIMENSION = {
    "lookup": "point", "list": "range", "range": "range", "aggregate": "aggregate", "subtree": "traversal",
    "ancestors": "traversal", "traversal": "traversal", "search": "full_text", "timeseries": "time_window",
    "similarity": "similarity",
}

_AGG = re.compile(r"\b(group\s+by|count\s*\(|sum\s*\(|avg\s*\(|min\s*\(|max\s*\(|percentile)", re.I)
_SEARCH = re.compile(r"(@@|to_tsvector|ts_rank|\bilike\b|\blike\s+'%|match\s*\()", re.I)
_RECURSIVE = re.compile(r"\bwith\s+recursive\b", re.I)
_VECTOR = re.compile(r"(<->|<=>|<#>)")
_TIME = re.compile(r"\b(date_trunc|time_bucket|interval\s+')", re.I)


def pattern_kind(p: AccessPattern) -> str:
    """The access kind, refined from SQL text when the spec did not say (GROUP BY → aggregate …)."""
    kind = p.kind or "list"
    if p.sql is None or p.is_write or kind not in ("list", "lookup"):
        return kind
    sql = p.sql
    if _RECURSIVE.search(sql):
        return "traversal"
    if _VECTOR.search(sql):
        return "similarity"
    if _SEARCH.search(sql):
        return "search"
    if _AGG.search(sql):
        return "aggregate"
    if _TIME.search(sql):
        return "timeseries"
    return kind


def pattern_dimension(p: AccessPattern) -> str | None:
    return None if p.is_write else KIND_DIMENSION.get(pattern_kind(p), "range")


def rows_written(p: AccessPattern) -> float:
    """Rows written per second by a write pattern at normal load (``writes`` rows per call)."""
    if not p.is_write:
        return 0.0
    return p.rate * (sum(p.writes.values()) if p.writes else 1)


def pattern_entity(spec: Spec, p: AccessPattern) -> str | None:
    """The entity a pattern reads or writes: structured ``entity`` or the first table in its SQL."""
    if p.entity:
        return p.entity
    if p.sql:
        tables = {_snake(name): name for name in spec.entities}
        for m in re.finditer(r"\b(?:from|join|into|update)\s+\"?([a-z_][a-z0-9_]*)\"?", p.sql, re.I):
            if m.group(1).lower() in tables:
                return tables[m.group(1).lower()]
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def average_rate(p: AccessPattern) -> float:
    """Calls per second averaged over time: sustained rate + each burst's excess × duration / period."""
    return p.rate + sum(max(0.0, b.rate - p.rate) * min(b.duration, b.every) / b.every for b in p.bursts)


def peak_rate(p: AccessPattern, peak_multiplier: float) -> float:
    """The highest rate to size for: the sustained peak (rate × peak_multiplier) or a burst's rate."""
    return max([p.rate * peak_multiplier, *(b.rate for b in p.bursts)])


@dataclass(frozen=True)
class Rates:
    reads: float          # read calls per second, normal load
    writes: float         # write calls per second, normal load
    rows_written: float   # rows per second, normal load
    peak_multiplier: float
    # Peaks summed per pattern: max(rate × peak_multiplier, burst rate); bursts of different patterns
    # are assumed to coincide (a sale drives reads and writes together), the conservative reading.
    peak_reads_: float | None = None
    peak_writes_: float | None = None
    peak_rows_: float | None = None

    @property
    def peak_reads(self) -> float:
        return self.peak_reads_ if self.peak_reads_ is not None else self.reads * self.peak_multiplier

    @property
    def peak_writes(self) -> float:
        return self.peak_writes_ if self.peak_writes_ is not None else self.writes * self.peak_multiplier

    @property
    def peak_rows_written(self) -> float:
        return self.peak_rows_ if self.peak_rows_ is not None else self.rows_written * self.peak_multiplier

    @property
    def read_share(self) -> float:
        total = self.reads + self.writes
        return self.reads / total if total else 0.0


def rates(spec: Spec) -> Rates:
    reads = sum(p.rate for p in spec.access_patterns if not p.is_write)
    writes = sum(p.rate for p in spec.access_patterns if p.is_write)
    rows = sum(rows_written(p) for p in spec.access_patterns)
    m = spec.workload.peak_multiplier
    pats = spec.access_patterns
    per_call = {id(p): (sum(p.writes.values()) if p.writes else 1) for p in pats}
    return Rates(reads=reads, writes=writes, rows_written=rows, peak_multiplier=m,
                 peak_reads_=sum(peak_rate(p, m) for p in pats if not p.is_write),
                 peak_writes_=sum(peak_rate(p, m) for p in pats if p.is_write),
                 peak_rows_=sum(peak_rate(p, m) * per_call[id(p)] for p in pats if p.is_write))


def attribute_bytes(a: AttributeSpec) -> int:
    if a.type == "string":
        return max(4, (a.length or 64) // 2)
    return TYPE_BYTES.get(a.type, 16)


def row_payload(spec: Spec, entity: Entity) -> float:
    """Declared ``row_bytes``, else the sum of attribute widths plus id, tenant and audit columns."""
    if entity.row_bytes:
        return float(entity.row_bytes)
    payload = 8 + sum(attribute_bytes(a) for a in entity.attributes.values())
    if spec.tenancy_model != "none" and not entity.tenant and not entity.global_:
        payload += 8
    if entity.audit:
        payload += 8 * 2 + 16
    if entity.soft_delete:
        payload += 8
    return float(payload)


def index_keys(spec: Spec, name: str, entity: Entity) -> list[float]:
    """Key widths of the B-tree indexes an entity will carry: primary key, one per reference,
    each unique constraint, and one per distinct read pattern's equality/range columns."""
    keys: list[float] = [8.0]
    tenant = 8.0 if spec.tenancy_model != "none" and not entity.tenant and not entity.global_ else 0.0
    seen: set[tuple[str, ...]] = set()
    for p in spec.access_patterns:
        if p.is_write or pattern_entity(spec, p) != name:
            continue
        cols = tuple(c for c in p.equals + p.range if c != "tenant_id")
        if cols and cols not in seen:
            seen.add(cols)
            keys.append(8.0 * len(cols) + tenant)
    leading = {c[0] for c in seen}
    for attr, a in entity.attributes.items():
        col = f"{attr}_id" if a.type == "ref" else attr
        if a.type == "ref" and (col in leading or attr in leading):
            continue  # a pattern index leading with this column already serves the foreign key
        if a.type == "ref" or a.unique or a.unique_per_tenant or a.indexed:
            keys.append(attribute_bytes(a) + tenant)
    for u in entity.unique:
        keys.append(sum(attribute_bytes(entity.attributes[c]) for c in u if c in entity.attributes) + tenant)
    return keys


def monthly_growth(spec: Spec, entity: Entity) -> float:
    if entity.growth is not None:
        return entity.growth
    return spec.workload.growth or 0.0


def has_json(entity: Entity) -> bool:
    return any(a.type == "json" for a in entity.attributes.values())


__all__ = ["KIND_DIMENSION", "Rates", "attribute_bytes", "average_rate", "has_json", "index_keys", "monthly_growth",
           "pattern_dimension", "pattern_entity", "pattern_kind", "peak_rate", "rates", "row_payload", "rows_written"]
