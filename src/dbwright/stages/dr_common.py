"""DR/HA plan inputs derived from the spec, each with its evidence, and the quantity helper.

Every number the DR plan puts in ``Section.data`` is a *quantity*: ``{"value", "unit", "display",
"evidence": {kind, detail, inputs | source}}``, built by :func:`q` or :func:`cited`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.model import Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_bytes, fmt_duration

DISRUPTIONS = ("logical", "host", "zone", "region")

# Assumed stored bytes per value of each logical type (PostgreSQL on-disk widths; text-like
# types use a typical length). Used only when the spec gives no dr.data_size / row_bytes.
TYPE_BYTES: dict[str, int] = {
    "text": 40, "string": 32, "int": 4, "bigint": 8, "smallint": 2, "decimal": 10, "money": 10,
    "float": 8, "bool": 1, "date": 4, "timestamp": 8, "datetime": 8, "time": 8, "duration": 16,
    "email": 28, "uuid": 16, "json": 200, "enum": 4, "bytes": 100, "url": 60, "phone": 16, "ip": 7,
    "ref": 8,
}
# PostgreSQL heap tuple header (23 B, aligned to 24) + line pointer (4 B): "Database Page Layout",
# https://www.postgresql.org/docs/15/storage-page-layout.html
TUPLE_OVERHEAD_BYTES = 28
# Assumption: WAL bytes per byte of row written (heap record + index records + full-page images
# after each checkpoint). Re-measure with the pitr drill; a measured dr.wal_rate replaces it.
WAL_AMPLIFICATION = 3.0
# Assumption for a spec without dr.change_rate: 2% of the data is updated per day.
DEFAULT_CHANGE_RATE = 0.02
# Defaults when the spec gives no RPO/RTO for a disruption type (stated in the plan).
DEFAULT_RPO = {"logical": 3600.0, "host": 60.0, "zone": 300.0, "region": 3600.0}
DEFAULT_RTO = {"logical": 4 * 3600.0, "host": 300.0, "zone": 900.0, "region": 4 * 3600.0}


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    return ev.to_dict()


def q(value: float, unit: str, detail: str, **inputs: Any) -> dict[str, Any]:
    """A computed quantity with its formula and inputs."""
    return {"value": value, "unit": unit, "display": display(value, unit),
            "evidence": Evidence.formula(detail, value, **inputs).to_dict()}


def cited(value: float, unit: str, detail: str, source: str) -> dict[str, Any]:
    """A quantity taken from a source (documentation, a drill measurement, the spec)."""
    ev = Evidence.cited(detail, source).to_dict()
    ev["result"] = value
    return {"value": value, "unit": unit, "display": display(value, unit), "evidence": ev}


def given(value: float, unit: str, path: str) -> dict[str, Any]:
    """A quantity written in the spec."""
    return cited(value, unit, f"given in the spec at {path}", "spec")


def display(value: float, unit: str) -> str:
    if unit == "s":
        return fmt_duration(value)
    if unit == "B":
        return fmt_bytes(value)
    if unit == "B/s":
        return fmt_bytes(value) + "/s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "USD/month":
        return f"${value:,.0f}/month"
    if unit == "fraction":
        return f"{value * 100:.6g}%"
    if unit == "min/year":
        return f"{value:.1f} min/year"
    if unit == "probability":
        return f"{value:.2e}"
    return f"{value:.4g} {unit}".strip()


def evidence_of(quantity: dict[str, Any]) -> Evidence:
    """Turn a quantity's evidence back into an Evidence object for a Decision."""
    ev = quantity["evidence"]
    return Evidence(kind=ev["kind"], detail=ev["detail"], inputs=ev.get("inputs", {}),
                    result=ev.get("result"), source=ev.get("source"))


@dataclass
class DrInputs:
    """What the DR plan works from: sizes, rates and targets with their evidence."""

    engine: str
    size: dict[str, Any]
    growth: dict[str, Any]
    change_rate: dict[str, Any]
    wal_rate: dict[str, Any]  # bytes/s, average
    wal_per_day: dict[str, Any]
    rpo: dict[str, dict[str, Any]]
    rto: dict[str, dict[str, Any]]
    target: float | None
    assumptions: list[str] = field(default_factory=list)
    shard_nodes: int = 1  # primaries the scaling stage shards over; sizes and rates here are per node
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def size_b(self) -> float:
        return float(self.size["value"])

    def rpo_s(self, kind: str) -> float:
        return float(self.rpo[kind]["value"])

    def rto_s(self, kind: str) -> float:
        return float(self.rto[kind]["value"])


def _row_bytes(spec: Spec, name: str) -> float:
    ent = spec.entities[name]
    if ent.row_bytes:
        return float(ent.row_bytes + TUPLE_OVERHEAD_BYTES)
    width = sum(TYPE_BYTES.get(a.type, 16) if a.type != "string" or not a.length
                else max(1, a.length // 2) for a in ent.attributes.values())
    width += 8  # surrogate key
    if spec.tenancy_model in ("shared", "decide") and not ent.tenant and not ent.global_:
        width += 8  # tenant_id
    if ent.audit:
        width += 32
    if ent.soft_delete:
        width += 8
    return float(width + TUPLE_OVERHEAD_BYTES)


def row_widths(spec: Spec) -> dict[str, float]:
    """Estimated stored bytes per row of each entity."""
    return {n: _row_bytes(spec, n) for n in spec.entities}


def derive_inputs(spec: Spec, engine_hint: str | None = None, shard_nodes: int = 1) -> DrInputs:
    dr = spec.dr
    assumptions: list[str] = []
    engine = dr.engine if dr.engine != "decide" else (engine_hint or "postgresql")
    family = {"mysql": "mariadb", "timescaledb": "postgresql", "citus": "postgresql"}
    if engine in family:
        if family[engine] != engine and engine != "mysql":
            assumptions.append(f"{engine} runs on PostgreSQL: the PostgreSQL plan applies")
        engine = family[engine]
    if engine not in ("postgresql", "mariadb"):
        assumptions.append(f"the technology stage chose {engine}; the DR plan covers PostgreSQL/MariaDB "
                           "and plans for PostgreSQL")
        engine = "postgresql"

    from dbwright.stages.scaling import projections  # the one storage model of a design
    from dbwright.stages.workload_profile import average_rate

    rows = {n: float(e.rows or 0) for n, e in spec.entities.items()}
    widths = {n: _row_bytes(spec, n) for n in spec.entities}
    today = projections(spec)[0]
    heap = {x["entity"]: float(x["heap_bytes"]) for x in today["entities"]}
    if dr.data_size:
        size = given(float(dr.data_size), "B", "dr.data_size")
    else:
        total = float(today["total_bytes"])
        size = q(total, "B", "size = Σ heap bytes (whole rows per 8 kB page) + Σ B-tree leaf bytes per index "
                 "(the scaling stage's projection for today)",
                 rows=rows, heap_bytes=round(today["heap_bytes"]), index_bytes=round(today["index_bytes"]))
        assumptions.append("database size estimated from entity rows and attribute types; give dr.data_size "
                           "for a measured one")
    heap_total = sum(heap.values()) or 1.0
    growth_by = {n: (spec.entities[n].growth or 0.0) for n in spec.entities}
    g = sum(heap[n] * growth_by[n] for n in spec.entities) / heap_total
    growth = q(g, "per month", "growth = Σ heapᵢ × growthᵢ / Σ heapᵢ (size-weighted monthly growth)",
               growth_by_entity=growth_by)

    if dr.change_rate is not None:
        change = given(dr.change_rate, "per day", "dr.change_rate")
    else:
        change = cited(DEFAULT_CHANGE_RATE, "per day", "assumed share of data updated per day",
                       "assumption (no dr.change_rate in the spec)")
    if dr.wal_rate:
        wal = given(float(dr.wal_rate), "B/s", "dr.wal_rate")
    else:
        insert_bps = 0.0
        per_pattern: dict[str, float] = {}
        for ap in spec.access_patterns:
            rate = average_rate(ap)  # sustained + bursts averaged in
            if ap.writes:
                b = rate * sum(n * widths.get(e, 100.0) for e, n in ap.writes.items())
            elif ap.is_write and ap.entity:
                b = rate * widths.get(ap.entity, 100.0)
            else:
                continue
            per_pattern[ap.name] = b
            insert_bps += b
        update_bps = change["value"] * size["value"] / 86400
        wal_v = (insert_bps + update_bps) * WAL_AMPLIFICATION
        wal = q(wal_v, "B/s", "wal_rate = (Σ write rate × bytes written + change_rate × size / 86400 s) "
                "× WAL amplification", write_bytes_per_s=per_pattern, change_rate=change["value"],
                size_bytes=size["value"], wal_amplification=WAL_AMPLIFICATION)
        assumptions.append(f"WAL volume estimated with amplification {WAL_AMPLIFICATION}× over row bytes; "
                           "give dr.wal_rate (bytes/s from pg_stat_wal) for a measured one")
    totals: dict[str, Any] = {}
    if shard_nodes > 1:
        # Each shard primary is its own HA cluster with its own backups: plan one of them.
        totals = {"size": size, "wal_rate": wal}
        size = q(size["value"] / shard_nodes, "B", "size per shard node = total size / shard primaries "
                 "(scaling stage)", total_bytes=size["value"], shard_nodes=shard_nodes)
        wal = q(wal["value"] / shard_nodes, "B/s", "WAL per shard node = total WAL rate / shard primaries "
                "(scaling stage; assumes writes spread evenly by the shard key)", total_wal_bps=wal["value"],
                shard_nodes=shard_nodes)
    wal_day = q(wal["value"] * 86400, "B", "wal_per_day = wal_rate × 86400 s", wal_rate_bps=wal["value"])

    rpo: dict[str, dict[str, Any]] = {}
    rto: dict[str, dict[str, Any]] = {}
    for kind in DISRUPTIONS:
        for target, src, default in ((rpo, spec.availability.rpo, DEFAULT_RPO),
                                     (rto, spec.availability.rto, DEFAULT_RTO)):
            v = getattr(src, kind)
            label = "rpo" if target is rpo else "rto"
            if v is None:
                target[kind] = cited(default[kind], "s", f"default {label.upper()} for {kind} loss",
                                     "assumption (not given in the spec)")
                assumptions.append(f"no availability.{label}.{kind}: planned for {fmt_duration(default[kind])}")
            else:
                target[kind] = given(float(v), "s", f"availability.{label}.{kind}")
    return DrInputs(engine, size, growth, change, wal, wal_day, rpo, rto, spec.availability.target,
                    assumptions, shard_nodes, totals)


def size_after(size_b: float, monthly_growth: float, days: float) -> float:
    """Compound growth: size × (1 + g)^(days / 30)."""
    return float(size_b * (1 + monthly_growth) ** (days / 30))
