"""The engine catalogue: engine facts as data (``engines.yaml``), each fact with its source URL.

``load_catalog()`` reads and checks the YAML once and returns a typed :class:`Catalog`. Scores are
dbwright's 0–5 ratings per dimension (:data:`DIMENSIONS`); each rating is backed by the facts
tagged with that dimension, which the technology stage cites as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

# Dimension -> what a high rating means. The technology scorer weighs these against the spec.
DIMENSIONS: dict[str, str] = {
    "relational": "joins, foreign keys and dense relationships between entities",
    "point": "key lookups",
    "range": "ordered range scans and secondary-index lists",
    "aggregate": "aggregations over large data (GROUP BY, dashboards)",
    "full_text": "full-text search with relevance",
    "traversal": "hierarchy and graph traversal",
    "time_window": "time-series ingest, time-window queries, retention and rollups",
    "similarity": "vector similarity search",
    "write_scale": "write throughput beyond one node",
    "read_scale": "read throughput beyond one node",
    "volume": "data volume and growth",
    "latency": "low, predictable request latency",
    "consistency": "strong consistency and multi-row ACID transactions",
    "multi_region": "multi-region writes and data residency",
    "schema_flexibility": "schema volatility, semi-structured data",
    "compliance": "security and compliance controls (RLS, audit, encryption)",
    "operations": "ease of operation (maturity, managed offerings, tooling)",
    "cost": "licence and infrastructure cost",
}

CATEGORIES = ("relational", "distributed-sql", "document", "key-value", "wide-column", "time-series",
              "analytics", "search", "graph", "vector", "event-log")
ROLES = ("primary", "cache", "search", "analytics", "event-log", "vector", "coordination")
PROVIDERS = ("aws", "azure", "gcp")


class CatalogError(ValueError):
    """The catalogue YAML is malformed (a bug in dbwright's data, caught by its tests)."""


@dataclass(frozen=True)
class Fact:
    claim: str
    source: str
    dims: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManagedOffering:
    provider: str
    name: str
    source: str


@dataclass(frozen=True)
class Engine:
    id: str
    name: str
    category: str
    license: str
    roles: tuple[str, ...]
    skills: tuple[str, ...]
    scores: dict[str, int]
    facts: tuple[Fact, ...]
    managed: tuple[ManagedOffering, ...] = ()
    managed_only: bool = False

    def score(self, dim: str) -> int:
        return self.scores[dim]

    def facts_for(self, dim: str) -> list[Fact]:
        return [f for f in self.facts if dim in f.dims]

    def providers(self) -> list[str]:
        return sorted({m.provider for m in self.managed})


@dataclass(frozen=True)
class Catalog:
    engines: tuple[Engine, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Engine:
        key = self.resolve(name)
        if key is None:
            known = ", ".join(e.id for e in self.engines)
            raise KeyError(f"unknown engine '{name}'; known engines: {known}")
        return next(e for e in self.engines if e.id == key)

    def resolve(self, name: str) -> str | None:
        key = name.strip().lower().replace(" ", "").replace("_", "-")
        if any(e.id == key for e in self.engines):
            return key
        return self.aliases.get(key)

    def by_role(self, role: str) -> list[Engine]:
        return [e for e in self.engines if role in e.roles]

    def by_category(self, category: str) -> list[Engine]:
        return [e for e in self.engines if e.category == category]


ALIASES = {
    "postgres": "postgresql", "pg": "postgresql", "aurora": "postgresql", "mongo": "mongodb",
    "valkey": "redis", "elasticsearch": "opensearch", "elastic": "opensearch", "es": "opensearch",
    "cockroach": "cockroachdb", "crdb": "cockroachdb", "yugabyte": "yugabytedb", "timescale": "timescaledb",
    "mssql": "sqlserver", "sql-server": "sqlserver", "scylla": "scylladb", "influx": "influxdb",
    "dynamo": "dynamodb", "cosmos": "cosmosdb", "azure-cosmos-db": "cosmosdb", "cloud-spanner": "spanner",
    "google-spanner": "spanner", "keyspaces": "cassandra", "msk": "kafka", "documentdb": "mongodb",
    "alloydb": "postgresql", "cloudsql": "postgresql", "planetscale": "vitess", "clickhouse-cloud": "clickhouse",
}


def _parse_engine(raw: dict[str, Any]) -> Engine:
    try:
        scores = {str(k): int(v) for k, v in raw["scores"].items()}
        facts = tuple(Fact(claim=str(f["claim"]), source=str(f["source"]),
                           dims=tuple(str(d) for d in f.get("dims", ()))) for f in raw["facts"])
        managed = tuple(ManagedOffering(provider=str(m["provider"]), name=str(m["name"]),
                                        source=str(m["source"])) for m in raw.get("managed") or ())
        engine = Engine(id=str(raw["id"]), name=str(raw["name"]), category=str(raw["category"]),
                        license=str(raw["license"]), roles=tuple(raw["roles"]),
                        skills=tuple(str(s) for s in raw.get("skills", ())), scores=scores, facts=facts,
                        managed=managed, managed_only=bool(raw.get("managed_only", False)))
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"engine {raw.get('id', '?')}: {exc}") from exc
    _check(engine)
    return engine


def _check(e: Engine) -> None:
    if set(e.scores) != set(DIMENSIONS):
        missing, extra = set(DIMENSIONS) - set(e.scores), set(e.scores) - set(DIMENSIONS)
        raise CatalogError(f"engine {e.id}: scores missing {sorted(missing)}, unknown {sorted(extra)}")
    if any(not 0 <= v <= 5 for v in e.scores.values()):
        raise CatalogError(f"engine {e.id}: scores are 0..5")
    if e.category not in CATEGORIES:
        raise CatalogError(f"engine {e.id}: unknown category {e.category}")
    if not set(e.roles) <= set(ROLES):
        raise CatalogError(f"engine {e.id}: unknown role in {e.roles}")
    for f in e.facts:
        if not f.source.startswith("https://"):
            raise CatalogError(f"engine {e.id}: fact '{f.claim}' needs an https source URL")
        if not set(f.dims) <= set(DIMENSIONS):
            raise CatalogError(f"engine {e.id}: fact '{f.claim}' tags unknown dimensions {f.dims}")
    for m in e.managed:
        if m.provider not in PROVIDERS or not m.source.startswith("https://"):
            raise CatalogError(f"engine {e.id}: managed offering {m.name} needs provider and https source")


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The bundled catalogue, parsed and checked once per process."""
    text = resources.files(__package__).joinpath("engines.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    engines = tuple(_parse_engine(raw) for raw in data["engines"])
    ids = [e.id for e in engines]
    if len(ids) != len(set(ids)):
        raise CatalogError("duplicate engine ids in the catalogue")
    return Catalog(engines=engines, aliases=dict(ALIASES))


__all__ = ["CATEGORIES", "DIMENSIONS", "PROVIDERS", "ROLES", "Catalog", "CatalogError", "Engine", "Fact",
           "ManagedOffering", "load_catalog"]
