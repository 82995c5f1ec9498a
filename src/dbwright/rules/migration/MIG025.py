"""MIG025: The script opens a transaction and never commits it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    tx_problems,
)


@register
class UncommittedTransaction(Rule):
    """The script opens a transaction and never commits it.

    ## What it does
    Flags a BEGIN with no later COMMIT or ROLLBACK.

    ## Why it matters
    The runner's connection stays in an open transaction holding every lock taken so far until it is closed; depending on the runner the work is then rolled back.

    ## Known problems
    None known.

    ## Example
    ```sql
        BEGIN;
        CREATE TABLE users (id bigint);
    ```

    ## Use instead
    ```sql
        BEGIN;
        CREATE TABLE users (id bigint);
        COMMIT;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-begin.html
    """

    code = "MIG025"
    name = "migration.uncommitted_transaction"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for where, message in tx_problems(script, "uncommitted"):
            yield self.finding(message, where, "add COMMIT")
