"""MIG016: DDL runs without a statement timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    first_ddl,
    loc,
)


@register
class MissingStatementTimeout(Rule):
    """DDL runs without a statement timeout.

    ## What it does
    Flags the first DDL statement that runs before `SET statement_timeout` (PostgreSQL) or `max_statement_time`/`max_execution_time` (MariaDB/MySQL).

    ## Why it matters
    A statement that unexpectedly scans or rewrites a large table holds its lock for as long as it runs; a timeout bounds the damage.

    ## Known problems
    Long, deliberate steps (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) need a larger timeout, not none.

    ## Example
    ```sql
        ALTER TABLE t ADD COLUMN c boolean;
    ```

    ## Use instead
    ```sql
        SET statement_timeout = '30s';
        ALTER TABLE t ADD COLUMN c boolean;
    ```

    ## References
    https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
    """

    code = "MIG016"
    name = "migration.missing_statement_timeout"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        st = first_ddl(script, lacking="statement_timeout")
        if st is not None:
            yield self.finding("no statement_timeout before the first DDL", loc(script, st),
                               "SET statement_timeout = '30s' (longer for index builds)")
