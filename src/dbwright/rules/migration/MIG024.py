"""MIG024: BEGIN/COMMIT that do not match the transaction the script runs in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    tx_problems,
)


@register
class TransactionNesting(Rule):
    """BEGIN/COMMIT that do not match the transaction the script runs in.

    ## What it does
    Flags BEGIN inside an open (explicit or runner-provided) transaction, COMMIT/ROLLBACK with none open, and — under `--assume-in-transaction` — a COMMIT/ROLLBACK that ends the runner's transaction.

    ## Why it matters
    PostgreSQL ignores a nested BEGIN with a warning, so the inner COMMIT commits the runner's transaction early and the rest runs outside it; a stray COMMIT breaks the runner's bookkeeping.

    ## Known problems
    Add `-- dbwright: no-assume-in-transaction` (or squawk's comment) when a file manages its own transaction.

    ## Example
    ```sql
        BEGIN;
        ALTER TABLE t ADD COLUMN c int;
        COMMIT;  -- with a runner that already wraps files
    ```

    ## Use instead
    ```sql
        ALTER TABLE t ADD COLUMN c int;  -- let the runner own the transaction
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-begin.html
    """

    code = "MIG024"
    name = "migration.transaction_nesting"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for where, message in tx_problems(script, "nesting"):
            yield self.finding(message, where, "let one layer own the transaction")
