"""MIG007: A CHECK constraint is added and validated under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    not_valid_findings,
)


@register
class CheckValidated(Rule):
    """A CHECK constraint is added and validated under ACCESS EXCLUSIVE.

    ## What it does
    Flags `ADD CONSTRAINT … CHECK` on an existing table without `NOT VALID`, and `VALIDATE CONSTRAINT` in the same transaction as its `NOT VALID` add.

    ## Why it matters
    Adding a CHECK takes ACCESS EXCLUSIVE and, unless NOT VALID, scans every row while holding it. `VALIDATE CONSTRAINT` in a later transaction scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.

    ## Known problems
    NOT VALID constraints still check new rows immediately.

    ## Example
    ```sql
        ALTER TABLE accounts ADD CONSTRAINT positive_balance CHECK (balance >= 0);
    ```

    ## Use instead
    ```sql
        ALTER TABLE accounts ADD CONSTRAINT positive_balance CHECK (balance >= 0) NOT VALID;
        ALTER TABLE accounts VALIDATE CONSTRAINT positive_balance;  -- separate transaction
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html
    """

    code = "MIG007"
    name = "migration.check_validated"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        yield from not_valid_findings(self, script, "check")
