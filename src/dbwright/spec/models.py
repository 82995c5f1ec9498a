"""The requirements spec, as pydantic models. Unknown keys are errors (``extra='forbid'``).

Quantities are written with explicit units in YAML and normalised to base units here (see
:mod:`dbwright.spec.units`): rows → int, rates → per second, durations → seconds, sizes → bytes,
percentages → fractions, growth → compound fraction per month.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from dbwright.spec import units
from dbwright.spec.attributes import AttributeSpec, parse_attribute

Count = Annotated[int, BeforeValidator(units.parse_count)]
Fraction = Annotated[float, BeforeValidator(units.parse_fraction)]
Seconds = Annotated[float, BeforeValidator(units.parse_duration)]
PerSecond = Annotated[float, BeforeValidator(units.parse_rate)]
MonthlyGrowth = Annotated[float, BeforeValidator(units.parse_growth)]
Bytes = Annotated[int, BeforeValidator(units.parse_size)]

SPEC_VERSION = 1
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _attribute(value: Any) -> Any:
    if isinstance(value, str):
        return parse_attribute(value)
    return value


Attribute = Annotated[AttributeSpec, BeforeValidator(_attribute)]


class Entity(Strict):
    """A domain entity; becomes one table (plus junction/history tables where needed)."""

    description: str = ""
    rows: Count | None = Field(None, description="Expected rows today, e.g. 40M")
    growth: MonthlyGrowth | None = Field(None, description="Row growth, e.g. 3%/month")
    row_bytes: Bytes | None = Field(None, description="Average row payload if known, e.g. 400B")
    attributes: dict[str, Attribute] = Field(default_factory=dict)
    key: Literal["auto", "bigint", "uuid", "natural"] = Field(
        "auto", description="Primary key style; auto decides from distribution/exposure needs")
    natural_key: list[str] | None = Field(None, description="Attributes of the natural key (key: natural)")
    unique: list[list[str]] = Field(default_factory=list, description="Composite unique constraints")
    global_: bool = Field(False, alias="global", description="Shared by all tenants (reference data)")
    tenant: bool = Field(False, description="This entity is the tenant itself")
    exposed: bool = Field(False, description="Its ids appear in URLs/APIs: avoid enumerable keys")
    audit: bool = Field(False, description="Add created_at/updated_at/created_by/updated_by")
    soft_delete: bool = Field(False, description="Add deleted_at instead of deleting rows")
    history: bool = Field(False, description="Keep a history table of every change")
    append_only: bool = Field(False, description="Rows are never updated (events, logs)")
    subject_area: str | None = Field(None, description="Groups entities in ERDs and docs")
    skew: dict[str, str] = Field(default_factory=dict,
                                 description="Value skew for synthetic data, e.g. {customer: zipf(1.2)}")
    functional_dependencies: list[str] = Field(default_factory=list,
                                               description="e.g. 'zip -> city, state'")
    retention: Seconds | None = Field(None, description="Keep rows this long, then drop or anonymise "
                                      "them (time-series windows, GDPR storage limitation), e.g. 13mo")
    service: str | None = Field(None, description="The one service that owns and writes this entity "
                                "(microservices: no other service writes its table)")
    table: str | None = Field(None, min_length=1, max_length=63,
                              description="Physical table name (default: the entity in snake_case); "
                              "`inspect` sets it to keep an existing database's own names")

    @field_validator("attributes")
    @classmethod
    def _names(cls, v: dict[str, AttributeSpec]) -> dict[str, AttributeSpec]:
        for name in v:
            if not _IDENT.match(name):
                raise ValueError(f"attribute name '{name}' must be letters, digits and _")
        return v


class ManyToMany(Strict):
    name: str | None = Field(None, description="Junction table name (default: a_b)")
    between: list[str] = Field(description="The two entities, e.g. [Product, Tag]")
    attributes: dict[str, Attribute] = Field(default_factory=dict)

    @field_validator("between")
    @classmethod
    def _two(cls, v: list[str]) -> list[str]:
        if len(v) != 2:
            raise ValueError("'between' names exactly two entities, e.g. [Product, Tag]")
        return v


AccessKind = Literal["lookup", "list", "range", "aggregate", "subtree", "ancestors", "search",
                     "insert", "update", "delete", "timeseries", "traversal", "similarity"]


class Burst(Strict):
    """A burst: ``rate`` calls/s for ``duration``, once ``every`` period (volumes average it in; sizing
    takes it as a peak)."""

    rate: PerSecond = Field(description="Calls per second during the burst, e.g. 500k/s")
    duration: Seconds = Field(description="How long a burst lasts, e.g. 5m")
    every: Seconds = Field(description="How often a burst happens, e.g. 30d (once a month)")


class AccessPattern(Strict):
    """A query the application runs: SQL against the logical schema, or the structured form."""

    name: str
    description: str = ""
    sql: str | None = Field(None, description="SQL against the logical schema; :name parameters")
    entity: str | None = Field(None, description="Structured form: the entity read or written")
    kind: AccessKind | None = Field(None, description="Inferred when omitted")
    equals: list[str] = Field(default_factory=list, description="Equality-filtered attributes")
    range: list[str] = Field(default_factory=list, description="Range-filtered attributes")
    order_by: list[str] = Field(default_factory=list, description="e.g. ['placed_at desc']")
    limit: int | None = None
    writes: dict[str, int] = Field(default_factory=dict,
                                   description="Rows written per call by entity, e.g. {Order: 1, OrderLine: 3}")
    rate: PerSecond = Field(description="Calls per second at normal load, e.g. 800/s")
    bursts: list[Burst] = Field(default_factory=list, description="Bursts apart from the sustained rate, e.g. "
                                "[{rate: 500k/s, duration: 5m, every: 30d}] for a flash sale")
    p99: Seconds | None = Field(None, description="Latency target, e.g. 20ms")
    staleness: Seconds | None = Field(None, description="How stale a result may be, e.g. 60s")
    consistency: Literal["strong", "eventual"] | None = None

    @model_validator(mode="after")
    def _form(self) -> AccessPattern:
        forms = [self.sql is not None, self.entity is not None]
        if sum(forms) != 1:
            raise ValueError("give either 'sql' or 'entity' (the structured form), not both or neither")
        if self.kind is None:
            if self.sql is not None:
                head = self.sql.lstrip().split(None, 1)[0].lower() if self.sql.strip() else "select"
                kinds: dict[str, AccessKind] = {"insert": "insert", "update": "update", "delete": "delete"}
                self.kind = kinds.get(head, "list")
            elif self.writes:
                self.kind = "insert"
            elif self.range:
                self.kind = "range"
            elif self.limit == 1:
                self.kind = "lookup"
            else:
                self.kind = "list"
        return self

    @property
    def is_write(self) -> bool:
        return self.kind in ("insert", "update", "delete")


class Workload(Strict):
    read_share: Fraction | None = Field(None, description="Share of operations that read, e.g. 90%")
    peak_qps: PerSecond | None = Field(None, description="Peak operations per second, e.g. 20k/s")
    peak_multiplier: float = Field(3.0, description="Peak load over normal load")
    growth: MonthlyGrowth | None = Field(None, description="Traffic growth, e.g. 5%/month")
    access_skew: str | None = Field(None, description="e.g. zipf(1.1): hot keys for caching maths")
    cache_hit_target: Fraction | None = Field(
        None, description="Target shared-cache hit ratio the cache memory is sized for, e.g. 95%")
    max_write_nodes: Count | None = Field(
        None, description="Most write nodes (shard primaries) the platform may run; writes above "
        "per-node capacity × this are infeasible (default 64)")


class Consistency(Strict):
    default: Literal["strong", "eventual"] = "strong"
    entities: dict[str, str] = Field(default_factory=dict,
                                     description="Per entity: strong, or eventual-<duration>")
    transactions: list[list[str]] = Field(default_factory=list,
                                          description="Entities written together atomically")


class Tenancy(Strict):
    model: Literal["shared", "schema", "database", "decide", "none"] = "decide"
    tenants: Count = Field(1, description="Number of tenants")
    largest_tenant_share: Fraction = Field(0.0, description="Share of rows of the largest tenant")
    isolation: Literal["standard", "strict", "dedicated"] = Field(
        "standard", description="strict: RLS at least; dedicated: separate storage")
    tenant_entity: str = "Tenant"


class PerDisruption(Strict):
    logical: Seconds | None = Field(None, description="Human error / logical corruption")
    host: Seconds | None = Field(None, description="Instance or host loss")
    zone: Seconds | None = Field(None, description="Availability-zone loss")
    region: Seconds | None = Field(None, description="Region loss")


class Availability(Strict):
    target: Fraction | None = Field(None, description="e.g. 99.95%")
    rpo: PerDisruption = Field(default_factory=PerDisruption)
    rto: PerDisruption = Field(default_factory=PerDisruption)
    commit_latency: Seconds | None = Field(
        None, description="Commit-latency budget: the most replication may add to each commit, e.g. 5ms "
        "(synchronous commit across a longer round trip is infeasible)")
    maintenance_window: str | None = None


class DisasterRecovery(Strict):
    backup_retention: Seconds | None = Field(None, description="How long backups are kept, e.g. 35d")
    pitr_window: Seconds | None = Field(None, description="How far back point-in-time recovery reaches")
    compliance_retention: Seconds | None = Field(None, description="Legal retention, e.g. 7y")
    data_size: Bytes | None = Field(None, description="Database size today (else from entities)")
    change_rate: Fraction | None = Field(None, description="Share of data changed per day, e.g. 5%")
    wal_rate: Bytes | None = Field(None, description="WAL/binlog bytes per second at peak (else from writes)")
    off_site: bool = Field(True, description="Keep a backup copy in another region")
    restore_throughput: Bytes | None = Field(None, description="Restore MB/s if measured, e.g. 150MB")
    ha: Literal["decide", "none", "active-passive", "active-active"] = "decide"
    manager: Literal["decide", "patroni", "pg_auto_failover", "galera", "group-replication"] = "decide"
    engine: Literal["decide", "postgresql", "mariadb"] = Field(
        "decide", description="Engine the DR plan is for (decide: the technology stage's choice, else postgresql)")
    replication: Literal["decide", "async", "sync"] = Field(
        "decide", description="Replication mode within the primary region (decide: from the RPO)")
    archive_timeout: Seconds | None = Field(
        None, description="PostgreSQL archive_timeout in use or wanted (decide when omitted)")
    patroni_ttl: Seconds | None = Field(None, description="Patroni DCS ttl in use (decide from the RTO when omitted)")
    patroni_loop_wait: Seconds | None = Field(None, description="Patroni loop_wait in use")
    patroni_retry_timeout: Seconds | None = Field(None, description="Patroni retry_timeout in use")
    health_check_interval: Seconds | None = Field(None, description="Router health-check interval, e.g. 1s")
    health_check_fall: int | None = Field(None, description="Failed checks before the router marks a node down")
    watchdog: bool | None = Field(None, description="A hardware/softdog watchdog is available to fence a stale leader")
    provision_time: Seconds | None = Field(
        None, description="Time to get a host for a restore (0 when a standby host exists), e.g. 5m")
    restored_archive_mode: Literal["off", "on"] = Field(
        "off", description="archive_mode of restored copies (on = they may archive into the production repo)")


class Coordinates(Strict):
    lat: float
    lon: float


class Region(Strict):
    name: str
    role: Literal["primary", "secondary", "dr", "read"] = "secondary"
    location: Coordinates | None = None
    jurisdiction: str | None = Field(None, description="e.g. EU, US")
    zones: int | None = Field(None, description="Availability zones usable in this region")


class Regions(Strict):
    primary: str | None = None
    dr: str | None = None
    list_: list[Region] = Field(default_factory=list, alias="list")
    rtt_ms: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                description="Measured round-trip times between regions")
    residency: list[str] = Field(default_factory=list, description="Jurisdictions data must stay in")
    writes: Literal["single", "multi"] = "single"
    witness: str | None = Field(None, description="Third region for a quorum tie-breaker (DCS voter only)")


class Budget(Strict):
    monthly_usd: float | None = None


class Technology(Strict):
    preferred: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    current: str | None = Field(None, description="Engine in use today (migrations)")
    candidates: list[str] = Field(default_factory=list)
    managed: bool | None = None
    weights: dict[str, float] = Field(
        default_factory=dict, description="Weight multipliers per technology-selection dimension "
        "(e.g. {cost: 2, team: 0.5}); 1 is neutral, 0 ignores a dimension")
    migration_downtime: Seconds | None = Field(
        None, description="Longest write outage acceptable when moving off 'current', e.g. 0s for a "
        "zero-downtime cutover (change data capture, then switch)")


class Spec(Strict):
    """A dbwright requirements spec."""

    version: int = Field(SPEC_VERSION, description="Spec format version")
    project: str
    description: str = ""
    entities: dict[str, Entity]
    relationships: list[ManyToMany] = Field(default_factory=list)
    access_patterns: list[AccessPattern] = Field(default_factory=list)
    workload: Workload = Field(default_factory=Workload)
    consistency: Consistency = Field(default_factory=Consistency)
    tenancy: Tenancy | None = None
    availability: Availability = Field(default_factory=Availability)
    dr: DisasterRecovery = Field(default_factory=DisasterRecovery)
    regions: Regions = Field(default_factory=Regions)
    compliance: list[str] = Field(default_factory=list, description="e.g. [gdpr, pci-dss, hipaa]")
    team: dict[str, Literal["none", "familiar", "proficient", "expert"]] = Field(default_factory=dict)
    budget: Budget = Field(default_factory=Budget)
    technology: Technology = Field(default_factory=Technology)
    outputs: dict[str, Any] = Field(default_factory=dict, description="Renderer options, e.g. {erd: true}")

    @field_validator("entities")
    @classmethod
    def _entity_names(cls, v: dict[str, Entity]) -> dict[str, Entity]:
        if not v:
            raise ValueError("a spec needs at least one entity")
        for name in v:
            if not _IDENT.match(name):
                raise ValueError(f"entity name '{name}' must start with a letter: letters, digits, _")
        return v

    @field_validator("version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != SPEC_VERSION:
            raise ValueError(f"this dbwright reads spec version {SPEC_VERSION}")
        return v

    @property
    def tenancy_model(self) -> str:
        return self.tenancy.model if self.tenancy else "none"
