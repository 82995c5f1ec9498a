"""MIG011: ADD COLUMN … NOT NULL without a default fails on a table that has rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    actions,
    loc,
    per_row_value,
)


@register
class AddRequiredColumn(Rule):
    """ADD COLUMN … NOT NULL without a default fails on a table that has rows.

    ## What it does
    Flags adding a NOT NULL column without a default (and not identity/serial/generated) to an existing table.

    ## Why it matters
    PostgreSQL must fill existing rows; with no default it errors as soon as one row exists, and old application code that inserts without the column breaks.

    ## Known problems
    An empty table accepts it; dbwright cannot know row counts from a script.

    ## Example
    ```sql
        ALTER TABLE recipe ADD COLUMN public boolean NOT NULL;
    ```

    ## Use instead
    ```sql
        ALTER TABLE recipe ADD COLUMN public boolean NOT NULL DEFAULT false;  -- constant default: no rewrite on PG ≥ 11
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html
    """

    code = "MIG011"
    name = "migration.add_required_column"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in actions(script, "add_column", existing_only=True):
            if a.not_null and a.default_sql is None and not (per_row_value(a) or a.generated_virtual):
                yield self.finding(f"NOT NULL column {a.column} without a default: fails when {st.table} has rows",
                                   loc(script, st), "give it a constant default, or add nullable and backfill")
