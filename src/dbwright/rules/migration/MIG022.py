"""MIG022: DROP NOT NULL lets NULLs in that deployed readers may not handle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    actions,
    loc,
)


@register
class DropNotNull(Rule):
    """DROP NOT NULL lets NULLs in that deployed readers may not handle.

    ## What it does
    Flags `ALTER COLUMN … DROP NOT NULL`.

    ## Why it matters
    The change itself is quick, but code of the running version that assumes a value may crash once the new version writes NULLs; it is a contract change for readers.

    ## Known problems
    It is the right first step when retiring a column (writers stop, then drop in contract).

    ## Example
    ```sql
        ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
    ```

    ## Use instead
    ```sql
        -- make every reader NULL-safe first, then drop NOT NULL
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html
    """

    code = "MIG022"
    name = "migration.drop_not_null"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in actions(script, "drop_not_null", existing_only=True):
            yield self.finding(f"{st.table}.{a.column} may now be NULL: readers of the running version must "
                               "cope", loc(script, st), "ship NULL-safe readers before this step")
