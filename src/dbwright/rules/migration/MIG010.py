"""MIG010: ADD COLUMN as identity, serial or STORED generated rewrites the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    per_row_value,
    pg_actions,
)


@register
class AddColumnComputedRewrite(Rule):
    """ADD COLUMN as identity, serial or STORED generated rewrites the table.

    ## What it does
    Flags adding an identity, `serial`/`bigserial` or `GENERATED … STORED` column to an existing table.

    ## Why it matters
    Each row gets its own value, so PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE (measured: relfilenode changes).

    ## Known problems
    A VIRTUAL generated column (PostgreSQL 18) does not rewrite.

    ## Example
    ```sql
        ALTER TABLE events ADD COLUMN id bigserial;
    ```

    ## Use instead
    ```sql
        ALTER TABLE events ADD COLUMN id bigint;  -- then a sequence default, a batched backfill, NOT NULL via a validated CHECK
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    """

    code = "MIG010"
    name = "migration.add_column_computed_rewrite"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_actions(script, "add_column", existing_only=True):
            if per_row_value(a):
                what = "identity" if a.identity else "serial" if a.serial else "STORED generated"
                yield self.finding(f"adding {what} column {a.column} rewrites {st.table} under ACCESS EXCLUSIVE",
                                   loc(script, st), "add a plain column, set its default, backfill in batches")
