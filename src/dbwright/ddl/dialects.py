"""SQLAlchemy dialect objects by name (MariaDB uses the mysql dialect)."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

FILE_NAMES = {"postgresql": "schema.postgresql.sql", "mysql": "schema.mysql.sql", "sqlite": "schema.sqlite.sql"}


@cache
def dialect_for(name: str) -> sa.engine.Dialect:
    if name == "postgresql":
        return postgresql.dialect()  # type: ignore[no-untyped-call,unused-ignore]
    if name in ("mysql", "mariadb"):
        d = mysql.dialect()  # type: ignore[no-untyped-call,unused-ignore]
        return d
    if name == "sqlite":
        return sqlite.dialect()  # type: ignore[no-untyped-call,unused-ignore]
    raise ValueError(name)
