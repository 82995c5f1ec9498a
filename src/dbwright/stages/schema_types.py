"""Logical attribute types → SQLAlchemy types, with per-dialect variants.

One place decides physical types: money → NUMERIC(19,4); instants → timestamptz on PostgreSQL
(DATETIME(6) in UTC on MariaDB, text on SQLite); json → JSONB on PostgreSQL; email → VARCHAR(320)
(case-insensitive uniqueness: NOCASE collation on SQLite, lower() index on PostgreSQL, the
case-insensitive default collation on MariaDB); enums → VARCHAR + CHECK (portable, and adding a
value is a constraint swap, not a type rewrite).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import UserDefinedType

from dbwright.spec.attributes import AttributeSpec


class LTree(UserDefinedType[str]):
    """PostgreSQL's ltree (materialized paths); text elsewhere via variants."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "LTREE"


# Let reflection recognise ltree instead of warning about an unknown type.
postgresql.base.ischema_names["ltree"] = LTree

MONEY = sa.Numeric(19, 4)


def uuid_type() -> sa.types.TypeEngine[Any]:
    """Native UUID on PostgreSQL; CHAR(32) hex on the MySQL family (MariaDB's native UUID type is
    10.7+ only, and CHAR(32) keeps one DDL for MySQL and MariaDB)."""
    return sa.Uuid().with_variant(sa.Uuid(native_uuid=False), "mysql", "mariadb")
EMAIL_LENGTH = 320  # RFC 5321: 64 local + @ + 255 domain


def timestamp_type(timezone: bool = True) -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=timezone).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def sa_type(attr: AttributeSpec) -> sa.types.TypeEngine[Any]:
    t = attr.type
    if t == "text":
        return sa.Text()
    if t == "string":
        return sa.String(attr.length or 255)
    if t == "int":
        return sa.Integer()
    if t == "bigint":
        return sa.BigInteger()
    if t == "smallint":
        return sa.SmallInteger()
    if t == "decimal":
        return sa.Numeric(attr.precision or 18, attr.scale if attr.scale is not None else 4)
    if t == "money":
        return sa.Numeric(19, 4)
    if t == "float":
        return sa.Double()
    if t == "bool":
        return sa.Boolean()
    if t == "date":
        return sa.Date()
    if t == "timestamp":
        return timestamp_type(True)
    if t == "datetime":
        return timestamp_type(False)
    if t == "time":
        return sa.Time()
    if t == "duration":
        return sa.BigInteger()  # microseconds; portable and sortable
    if t == "email":
        return sa.String(EMAIL_LENGTH).with_variant(sa.String(EMAIL_LENGTH, collation="NOCASE"), "sqlite")
    if t == "uuid":
        return uuid_type()
    if t == "json":
        return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    if t == "enum":
        return sa.String(max(len(v) for v in attr.values or ["x"]) + 8)
    if t == "bytes":
        return sa.LargeBinary()
    if t == "url":
        return sa.String(2048)
    if t == "phone":
        return sa.String(32)
    if t == "ip":
        return sa.String(45).with_variant(postgresql.INET(), "postgresql")
    raise ValueError(f"no physical type for logical type {t!r}")


def type_rationale() -> list[tuple[str, str, str, list[str]]]:
    """(topic, choice, rationale, trade-offs) for the type decisions every design shares."""
    return [
        ("types.money", "NUMERIC(19,4) with the currency in the column comment",
         "exact decimal arithmetic; 4 decimals cover sub-cent prices and tax rounding",
         ["larger and slower than integer cents", "one currency per column unless a currency column is added"]),
        ("types.instants", "timestamptz on PostgreSQL, DATETIME(6) in UTC on MariaDB, ISO text on SQLite",
         "instants must not depend on the session time zone",
         ["MariaDB and SQLite do not store the offset: the application must write UTC"]),
        ("types.email", "VARCHAR(320) with case-insensitive uniqueness",
         "RFC 5321 maximum length; users type addresses in any case",
         ["PostgreSQL needs a unique index on lower(email) (queries must use lower() to use it)"]),
        ("types.json", "JSONB on PostgreSQL, JSON elsewhere",
         "JSONB is indexable (GIN) and compact; MariaDB's JSON is LONGTEXT with a validity check",
         ["documents bypass relational constraints: keep queried fields as columns"]),
        ("types.enum", "VARCHAR + CHECK constraint instead of native ENUM types",
         "portable across engines; adding a value swaps a constraint instead of altering a type",
         ["a few bytes more per row than a 1-byte enum", "values are not listed in one catalog type"]),
    ]
