"""MIG020: ALTER TYPE … ADD VALUE without BEFORE/AFTER appends the value at the end of the sort order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_stmts,
)


@register
class EnumValueOrdering(Rule):
    """ALTER TYPE … ADD VALUE without BEFORE/AFTER appends the value at the end of the sort order.

    ## What it does
    Flags `ALTER TYPE … ADD VALUE` with no `BEFORE`/`AFTER`.

    ## Why it matters
    Enum values sort by declaration position; an appended value sorts after every existing one, which is often not what ORDER BY and range checks expect.

    ## Known problems
    Appending is right when the new value belongs last; say so with `AFTER 'last_value'`.

    ## Example
    ```sql
        ALTER TYPE order_status ADD VALUE 'refunded';
    ```

    ## Use instead
    ```sql
        ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertype.html
    """

    code = "MIG020"
    name = "migration.enum_value_ordering"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "alter_enum"):
            if not st.detail.get("rename") and not st.detail.get("neighbor"):
                yield self.finding(f"ADD VALUE '{st.detail.get('new_value')}' appends to the sort order of "
                                   f"{st.table}", loc(script, st), "state the position with BEFORE/AFTER")
