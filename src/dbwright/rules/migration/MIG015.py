"""MIG015: DDL runs without a lock timeout, so a queued lock can stall all traffic on the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    first_ddl,
    loc,
    pg,
)


@register
class MissingLockTimeout(Rule):
    """DDL runs without a lock timeout, so a queued lock can stall all traffic on the table.

    ## What it does
    Flags the first DDL statement that runs before `SET lock_timeout` (PostgreSQL) or `SET lock_wait_timeout` (MySQL/MariaDB).

    ## Why it matters
    A DDL lock waits behind any long transaction; while it waits, every new query on the table queues behind it (PostgreSQL lock queue, MySQL metadata-lock pile-up). A short timeout turns an outage into a retryable failure.

    ## Known problems
    Reported once per script, at the first unprotected statement. Runners that set the timeout themselves can disable the rule.

    ## Example
    ```sql
        ALTER TABLE t ADD COLUMN c boolean;
    ```

    ## Use instead
    ```sql
        SET lock_timeout = '2s';
        SET statement_timeout = '30s';
        ALTER TABLE t ADD COLUMN c boolean;
    ```

    ## References
    https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
    """

    code = "MIG015"
    name = "migration.missing_lock_timeout"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        what = "lock_timeout" if pg(script) else "lock_wait_timeout"  # the Stmt flag is named after it
        st = first_ddl(script, lacking=what)
        if st is not None:
            yield self.finding(f"no {what} before the first DDL: a blocked lock stalls all queries on the "
                               "table", loc(script, st), f"SET {what} = '2s'" if pg(script)
                               else "SET SESSION lock_wait_timeout = 5")
