"""An existing database as plain data: what ``inspect`` reads and ``critique`` rules check.

One shape for PostgreSQL, MySQL/MariaDB and SQLite, from a live catalog or from a DDL file applied
to a throwaway engine. Types keep the engine's own spelling (``format_type``, ``COLUMN_TYPE``);
statistics are ``None`` when the source has none (a DDL file, an engine that does not keep them),
never 0. Objects read from a file carry ``line`` so findings can point at ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.model.findings import Location


@dataclass
class Column:
    name: str
    type: str
    nullable: bool = True
    default: str | None = None
    identity: str = ""  # "always" | "by default" | "auto_increment" | "serial" | "rowid" | ""
    generated: str | None = None  # generation expression
    comment: str | None = None
    position: int = 0
    null_frac: float | None = None  # statistics: share of NULLs
    n_distinct: float | None = None  # statistics: distinct values (<0: minus the share of rows)
    samples: list[str] = field(default_factory=list)  # non-null values seen (statistics or a sample)
    line: int | None = None


@dataclass
class ForeignKey:
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    validated: bool = True
    line: int | None = None

    @property
    def ref_key(self) -> str:
        return f"{self.ref_schema}.{self.ref_table}"


@dataclass
class Index:
    name: str
    columns: list[str]  # column names; expressions in parentheses
    unique: bool = False
    primary: bool = False
    method: str = "btree"
    predicate: str | None = None
    include: list[str] = field(default_factory=list)
    valid: bool = True
    constraint: str | None = None  # the constraint it backs (PK, UNIQUE, EXCLUDE)
    definition: str = ""
    size_bytes: int | None = None
    scans: int | None = None  # statistics: index scans since stats_reset
    line: int | None = None


@dataclass
class Unique:
    name: str
    columns: list[str]
    line: int | None = None


@dataclass
class Check:
    name: str
    expression: str
    validated: bool = True
    line: int | None = None


@dataclass
class Policy:
    name: str
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    permissive: bool
    roles: list[str]
    using: str | None = None
    with_check: str | None = None


@dataclass
class Table:
    schema: str
    name: str
    kind: str = "table"  # table | partitioned | view | materialized view | foreign
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    primary_key_name: str | None = None
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    comment: str | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    unlogged: bool = False
    partition_of: str | None = None  # parent "schema.table" of a partition
    inherits: list[str] = field(default_factory=list)  # parents of plain inheritance
    options: dict[str, str] = field(default_factory=dict)  # storage parameters (reloptions)
    view_definition: str | None = None
    engine: str | None = None  # MySQL storage engine
    rows: int | None = None  # estimate from statistics, or exact when ``rows_exact``
    rows_exact: bool = False
    table_bytes: int | None = None
    index_bytes: int | None = None
    total_bytes: int | None = None
    seq_scan: int | None = None
    idx_scan: int | None = None
    n_tup_ins: int | None = None
    n_tup_upd: int | None = None
    n_tup_del: int | None = None
    n_dead_tup: int | None = None
    auto_increment: int | None = None  # MySQL's next AUTO_INCREMENT value
    line: int | None = None

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_view(self) -> bool:
        return self.kind in ("view", "materialized view")

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def unique_sets(self) -> list[list[str]]:
        """Column lists that are unique: PK, UNIQUE constraints, unique plain indexes (no predicate)."""
        out = [list(self.primary_key)] if self.primary_key else []
        out += [list(u.columns) for u in self.uniques]
        out += [list(i.columns) for i in self.indexes if i.unique and not i.predicate and i.valid
                and not any(c.startswith("(") for c in i.columns)]
        seen: list[list[str]] = []
        for cols in out:
            if cols not in seen:
                seen.append(cols)
        return seen


@dataclass
class Sequence:
    schema: str
    name: str
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 2**63 - 1
    last_value: int | None = None  # None: never called, or not readable
    cycle: bool = False
    owned_by: str | None = None  # "schema.table.column"

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class Function:
    schema: str
    name: str
    signature: str
    language: str = ""
    security_definer: bool = False
    config: list[str] = field(default_factory=list)  # proconfig, e.g. ["search_path=pg_catalog"]


@dataclass
class Query:
    """A normalized statement from ``pg_stat_statements``."""

    query: str
    calls: int
    total_ms: float
    mean_ms: float
    stddev_ms: float = 0.0
    rows: int = 0


@dataclass
class ReplicationSlot:
    name: str
    active: bool
    retained_bytes: int | None = None
    kind: str = "physical"


@dataclass
class Database:
    engine: str  # postgresql | mysql | mariadb | sqlite
    version: str = ""
    name: str = ""
    source: str = ""  # redacted DSN or the file path
    file: str | None = None  # set when read from a DDL file (findings then point at file:line)
    schemas: list[str] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)  # "schema.name"
    sequences: dict[str, Sequence] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    functions: list[Function] = field(default_factory=list)
    extensions: dict[str, str] = field(default_factory=dict)  # name -> schema
    queries: list[Query] = field(default_factory=list)
    replication_slots: list[ReplicationSlot] = field(default_factory=list)
    collected_at: str | None = None  # server time when the catalog was read (ISO 8601)
    stats_reset: str | None = None  # pg_stat_database.stats_reset (ISO 8601), None: never reset
    stats_age_s: float | None = None  # seconds of statistics behind the scan/usage counters
    statistics: bool = False  # True when row counts and usage counters come from a live engine
    data_sampled: bool = False  # True when column samples were read from the rows themselves
    notes: list[str] = field(default_factory=list)  # what was skipped or could not be read, and why
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def base_tables(self) -> list[Table]:
        return [t for t in self.tables.values() if not t.is_view and t.kind != "foreign"]

    def locate(self, table: Table | None = None, column: str | None = None, line: int | None = None) -> Location:
        """schema.table.column, with the DDL file position when the model came from a file."""
        path = None
        if table is not None:
            path = table.key + (f".{column}" if column else "")
        if line is None and table is not None:
            col = table.column(column) if column else None
            line = (col.line if col is not None else None) or table.line
        return Location(file=self.file, line=line if self.file else None, path=path)

    def referencing(self, key: str) -> list[tuple[Table, ForeignKey]]:
        """Foreign keys that point at the table ``key``."""
        return [(t, fk) for t in self.tables.values() for fk in t.foreign_keys if fk.ref_key == key]
