"""MIG023: TRUNCATE … CASCADE empties every table that references the target, recursively."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
)


@register
class TruncateCascade(Rule):
    """TRUNCATE … CASCADE empties every table that references the target, recursively.

    ## What it does
    Flags `TRUNCATE … CASCADE`.

    ## Why it matters
    CASCADE silently extends the truncate to all referencing tables (and theirs), under ACCESS EXCLUSIVE on each (measured), with no row count to review.

    ## Known problems
    None known.

    ## Example
    ```sql
        TRUNCATE customers CASCADE;
    ```

    ## Use instead
    ```sql
        TRUNCATE orders, customers;  -- list every table explicitly
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-truncate.html
    """

    code = "MIG023"
    name = "migration.truncate_cascade"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in script.stmts:
            if st.kind == "truncate" and st.detail.get("cascade"):
                yield self.finding("TRUNCATE … CASCADE also empties every referencing table", loc(script, st),
                                   "name each table to truncate")
