"""What the schema rules share: the subject they check, SQL quoting per engine, index coverage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dbwright.model import Finding, Severity
from dbwright.model.database import Column, Database, Index, Table
from dbwright.rules.base import Rule

# Thresholds, declared once; ``critique --config`` style overrides go into SchemaFacts.config.
DEFAULTS: dict[str, float] = {
    "unused_index_min_stats_days": 7,  # usage counters younger than this prove nothing
    "overflow_warn_share": 0.5,  # share of an integer key's range already used
    "overflow_error_share": 0.85,
    "overflow_horizon_days": 365,  # exhaustion within this at the measured growth is an error
    "sequence_warn_share": 0.75,
    "sequence_error_share": 0.9,
    "wide_table_columns": 50,
    "too_many_indexes": 10,
    "heavy_index_ratio": 2.0,  # index bytes over table bytes
    "heavy_index_min_bytes": 10 << 20,
    "bloat_dead_share": 0.2,
    "bloat_min_dead": 10_000,
    "slow_query_ms": 100,
    "expensive_query_share": 0.2,
    "lob_columns": 3,
    "delimited_min_share": 0.5,  # share of sampled values that hold the separator
    "slot_retained_error_bytes": 1 << 30,
}

INT_MAX = {"smallint": 2**15 - 1, "integer": 2**31 - 1, "bigint": 2**63 - 1, "int2": 2**15 - 1, "int4": 2**31 - 1,
           "int8": 2**63 - 1, "tinyint": 127, "mediumint": 2**23 - 1, "int": 2**31 - 1}


@dataclass
class SchemaFacts:
    """The subject of every SCH rule."""

    db: Database
    relations: list[Any] = field(default_factory=list)  # inspect.relations.Relation (duck-typed)
    config: dict[str, float] = field(default_factory=lambda: dict(DEFAULTS))

    def cfg(self, key: str) -> float:
        return float(self.config.get(key, DEFAULTS[key]))

    @property
    def pg(self) -> bool:
        return self.db.engine == "postgresql"

    @property
    def mysql(self) -> bool:
        return self.db.engine in ("mysql", "mariadb")

    def tables(self) -> list[Table]:
        return [t for t in self.db.base_tables() if not t.partition_of]

    def stats_days(self) -> float | None:
        return None if self.db.stats_age_s is None else self.db.stats_age_s / 86400


class SchemaRule(Rule):
    """Base of SCH rules: ``needs`` says what beyond the catalog a rule reads."""

    bundle = "schema"
    needs: ClassVar[tuple[str, ...]] = ()

    def check(self, subject: Any) -> Iterator[Finding]:
        raise NotImplementedError

    def at(self, facts: SchemaFacts, message: str, table: Table | None = None, column: str | None = None,
           fix: str = "", remediation: str = "", severity: Severity | None = None, line: int | None = None) -> Finding:
        return Finding(self.code, severity or self.severity, message, facts.db.locate(table, column, line),
                       rationale=self.summary(), remediation=remediation, fix=fix)


def q(facts: SchemaFacts | Database, name: str) -> str:
    db = facts.db if isinstance(facts, SchemaFacts) else facts
    if db.engine in ("mysql", "mariadb"):
        return "`" + name.replace("`", "``") + "`"
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) and name.upper() not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qt(facts: SchemaFacts, t: Table) -> str:
    if facts.db.engine == "sqlite":
        return q(facts, t.name)
    return f"{q(facts, t.schema)}.{q(facts, t.name)}"


def cols_sql(facts: SchemaFacts, cols: list[str]) -> str:
    return ", ".join(q(facts, c) for c in cols)


def index_name(t: Table, cols: list[str], suffix: str = "idx") -> str:
    name = f"{t.name}_{'_'.join(cols)}_{suffix}"
    return name[:63]


def create_index_sql(facts: SchemaFacts, t: Table, cols: list[str]) -> str:
    name = q(facts, index_name(t, cols))
    if facts.pg:
        return f"CREATE INDEX CONCURRENTLY {name} ON {qt(facts, t)} ({cols_sql(facts, cols)});"
    if facts.mysql:
        return f"ALTER TABLE {qt(facts, t)} ADD INDEX {name} ({cols_sql(facts, cols)}), ALGORITHM=INPLACE, LOCK=NONE;"
    return f"CREATE INDEX {name} ON {qt(facts, t)} ({cols_sql(facts, cols)});"


def drop_index_sql(facts: SchemaFacts, t: Table, ix: Index) -> str:
    if facts.pg:
        return f"DROP INDEX CONCURRENTLY {q(facts, t.schema)}.{q(facts, ix.name)};"
    if facts.mysql:
        return f"ALTER TABLE {qt(facts, t)} DROP INDEX {q(facts, ix.name)}, ALGORITHM=INPLACE, LOCK=NONE;"
    return f"DROP INDEX {q(facts, ix.name)};"


def plain_columns(ix: Index) -> bool:
    return not any(c.startswith("(") for c in ix.columns)


def covers(t: Table, cols: list[str]) -> Index | None:
    """An index (or the primary key) whose leading columns are exactly ``cols`` in any order: it
    serves equality lookups on them (the FK check on a parent's DELETE, joins). A hash index serves
    only its one column; partial and invalid indexes serve nothing here."""
    n = len(cols)
    if len(t.primary_key) >= n and sorted(t.primary_key[:n]) == sorted(cols):
        return Index(t.primary_key_name or "primary key", list(t.primary_key), unique=True, primary=True)
    for ix in t.indexes:
        method = ix.method.lower()
        if not ix.valid or ix.predicate or sorted(ix.columns[:n]) != sorted(cols):
            continue
        if method in ("btree", "") or (method == "hash" and n == len(ix.columns) == 1):
            return ix
    return None


def int_max(typ: str) -> int | None:
    t = typ.lower().strip()
    unsigned = "unsigned" in t
    base = re.split(r"[\s(]", t)[0]
    m = INT_MAX.get(base)
    if m is None and base in ("serial", "serial4"):
        m = INT_MAX["integer"]
    if m is None and base in ("bigserial", "serial8"):
        m = INT_MAX["bigint"]
    if m is None and base in ("smallserial", "serial2"):
        m = INT_MAX["smallint"]
    if m is not None and unsigned:
        m = 2 * m + 1
    return m


def is_text(col: Column) -> bool:
    return bool(re.search(r"char|text|string|clob|citext", col.type, re.I))


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def ident_style(name: str) -> str:
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name):
        return "snake_case" if "_" in name else "lower"
    if re.fullmatch(r"[A-Z][a-zA-Z0-9]*", name):
        return "PascalCase" if re.search(r"[a-z]", name) else "UPPER"
    if re.fullmatch(r"[a-z]+([A-Z][a-z0-9]*)+", name):
        return "camelCase"
    if re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", name):
        return "UPPER_SNAKE"
    return "mixed"


# Reserved in SQL:2016, PostgreSQL or MySQL (keywords that need quoting in at least one of them).
RESERVED = frozenset(["ALL", "ANALYSE", "ANALYZE", "AND", "ANY", "ARRAY", "AS", "ASC", "ASYMMETRIC", "AUTHORIZATION", "BETWEEN", "BINARY", "BOTH", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN", "CONCURRENTLY", "CONSTRAINT", "CREATE", "CROSS", "CURRENT_CATALOG", "CURRENT_DATE", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DEFERRABLE", "DESC", "DISTINCT", "DO", "ELSE", "END", "EXCEPT", "FALSE", "FETCH", "FOR", "FOREIGN", "FREEZE", "FROM", "FULL", "GRANT", "GROUP", "HAVING", "ILIKE", "IN", "INITIALLY", "INNER", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN", "LATERAL", "LEADING", "LEFT", "LIKE", "LIMIT", "LOCALTIME", "LOCALTIMESTAMP", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "ONLY", "OR", "ORDER", "OUTER", "OVERLAPS", "PLACING", "PRIMARY", "REFERENCES", "RETURNING", "RIGHT", "SELECT", "SESSION_USER", "SIMILAR", "SOME", "SYMMETRIC", "TABLE", "TABLESAMPLE", "THEN", "TO", "TRAILING", "TRUE", "UNION", "UNIQUE", "USER", "USING", "VARIADIC", "VERBOSE", "WHEN", "WHERE", "WINDOW", "WITH", "ADD", "ALTER", "BEFORE", "BY", "CALL", "CASCADE", "CHANGE", "CONDITION", "CONTINUE", "CONVERT", "CURSOR", "DATABASE", "DATABASES", "DAY_HOUR", "DECLARE", "DELAYED", "DELETE", "DESCRIBE", "DETERMINISTIC", "DISTINCTROW", "DIV", "DROP", "DUAL", "EACH", "ELSEIF", "ENCLOSED", "ESCAPED", "EXISTS", "EXIT", "EXPLAIN", "FLOAT", "FORCE", "FULLTEXT", "GENERATED", "GET", "HIGH_PRIORITY", "IF", "IGNORE", "INDEX", "INFILE", "INOUT", "INSERT", "INTERVAL", "ITERATE", "KEY", "KEYS", "KILL", "LEAVE", "LINES", "LOAD", "LOCK", "LONG", "LOOP", "MATCH", "MOD", "MODIFIES", "OPTIMIZE", "OPTION", "OPTIONALLY", "OUT", "OUTFILE", "PARTITION", "PRECISION", "PROCEDURE", "PURGE", "RANGE", "READ", "READS", "RECURSIVE", "RELEASE", "RENAME", "REPEAT", "REPLACE", "REQUIRE", "RESIGNAL", "RESTRICT", "RETURN", "REVOKE", "RLIKE", "SCHEMA", "SCHEMAS", "SENSITIVE", "SEPARATOR", "SET", "SHOW", "SIGNAL", "SPATIAL", "SPECIFIC", "SQL", "SQLEXCEPTION", "SQLSTATE", "SQLWARNING", "STARTING", "STORED", "TERMINATED", "TRIGGER", "UNDO", "UNLOCK", "UNSIGNED", "UPDATE", "USAGE", "USE", "UTC_DATE", "UTC_TIME", "VALUES", "VARYING", "VIRTUAL", "WHILE", "WRITE", "XOR", "ZEROFILL", "ROWS", "ROW", "RANK", "GROUPS"])


def current_value(facts: SchemaFacts, t: Table, column: str) -> int | None:
    """The last value handed out for a generated key column (sequence or AUTO_INCREMENT); None when
    unknown. SQLite integers are 64-bit whatever the declared type: never near a 32-bit limit."""
    if facts.db.engine == "sqlite":
        return None
    if facts.mysql:
        col = t.column(column)
        if col is not None and col.identity == "auto_increment" and t.auto_increment:
            return int(t.auto_increment) - 1
        return None
    owner = f"{t.key}.{column}"
    for s in facts.db.sequences.values():
        if s.owned_by == owner:
            return s.last_value
    return None


_ALIASES = {"int4": "integer", "int": "integer", "int8": "bigint", "int2": "smallint", "serial": "integer",
            "bigserial": "bigint", "float8": "double precision", "float4": "real", "bool": "boolean",
            "timestamptz": "timestamp with time zone", "varchar": "character varying", "bpchar": "character",
            "char": "character", "decimal": "numeric"}


def norm_type(typ: str) -> str:
    """A type's spelling without MySQL display widths and with PostgreSQL's aliases resolved."""
    t = re.sub(r"\s+", " ", typ.lower().strip())
    t = re.sub(r"^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)", r"\1", t)
    base, _, rest = t.partition("(")
    base = _ALIASES.get(base.strip(), base.strip())
    return base + ("(" + rest if rest else "")


def relation_pairs(facts: SchemaFacts, min_score: float = 0.8) -> Iterator[tuple[Table, list[str], Table, list[str],
                                                                                  int | None]]:
    """(child, columns, parent, parent columns, line) of declared FKs and of relations inferred at
    ``min_score`` or above."""
    for t in facts.tables():
        for fk in t.foreign_keys:
            ref = facts.db.tables.get(fk.ref_key)
            if ref is not None:
                yield t, fk.columns, ref, fk.ref_columns, fk.line
    for r in facts.relations:
        if r.declared or r.score < min_score:
            continue
        child, parent = facts.db.tables.get(r.table), facts.db.tables.get(r.ref_table)
        if child is not None and parent is not None:
            yield child, list(r.columns), parent, list(r.ref_columns), None


_INSTANT_WORDS = {"at", "time", "ts", "timestamp", "created", "updated", "modified", "deleted", "inserted",
                  "changed", "logged", "occurred", "happened", "sent", "received", "expires", "expired"}
_MONEY_WORDS = {"price", "amount", "cost", "total", "subtotal", "balance", "salary", "fee", "tax", "payment",
                "revenue", "charge", "freight", "wage", "income", "budget", "invoice", "money",
                "paid", "refund", "credit", "debit"}


def instant_name(name: str) -> bool:
    w = words(name)
    return bool(w) and (w[-1] in _INSTANT_WORDS or "_".join(w[-2:]) == "last_update" or w[0] in ("created", "updated"))


def money_name(name: str) -> bool:
    return bool(set(words(name)) & _MONEY_WORDS)


def snake(name: str) -> str:
    return "_".join(words(name)) or name.lower()
