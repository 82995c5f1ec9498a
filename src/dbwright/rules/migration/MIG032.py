"""MIG032: timestamp without time zone stores wall-clock times that shift meaning with the session zone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_columns,
)


@register
class PreferTimestamptz(Rule):
    """timestamp without time zone stores wall-clock times that shift meaning with the session zone.

    ## What it does
    Flags `timestamp` (without time zone) columns.

    ## Why it matters
    timestamptz stores an instant; timestamp is ambiguous across zones and DST. Converting later is a rewrite unless the session TimeZone is UTC (PostgreSQL ≥ 12).

    ## Known problems
    None known.

    ## Example
    ```sql
        CREATE TABLE events (created_at timestamp);
    ```

    ## Use instead
    ```sql
        CREATE TABLE events (created_at timestamptz);
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-datetime.html
    """

    code = "MIG032"
    name = "migration.prefer_timestamptz"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script, "timestamp"):
            yield self.finding(f"{a.column} is timestamp without time zone", loc(script, st), "timestamptz")
