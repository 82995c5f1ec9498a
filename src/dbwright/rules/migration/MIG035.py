"""MIG035: The same column is assigned or defined twice in one statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    duplicate_target,
    loc,
    pg_stmts,
)


@register
class DuplicateColumnAssignment(Rule):
    """The same column is assigned or defined twice in one statement.

    ## What it does
    Flags duplicate targets in UPDATE … SET, INSERT/MERGE column lists, ON CONFLICT DO UPDATE, duplicate columns in CREATE TABLE, and duplicate output names of CREATE VIEW / SELECT INTO.

    ## Why it matters
    PostgreSQL rejects most of these at run time ('multiple assignments to same column'), so the migration fails in production instead of review.

    ## Known problems
    Names are compared after identifier folding (`A` = `a`, `\"A\"` ≠ `a`); subfield and array-element assignments are distinct targets.

    ## Example
    ```sql
        UPDATE k SET a = 1, a = 2;
    ```

    ## Use instead
    ```sql
        UPDATE k SET a = 2;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-update.html
    """

    code = "MIG035"
    name = "migration.duplicate_column_assignment"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script):
            dup = duplicate_target(st.node)
            if dup:
                yield self.finding(f"column {dup} is assigned or defined twice", loc(script, st),
                                   "keep one assignment")
