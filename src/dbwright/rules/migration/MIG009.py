"""MIG009: ADD COLUMN with a volatile default (or any default before PostgreSQL 11) rewrites the table."""

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
class AddColumnDefaultRewrite(Rule):
    """ADD COLUMN with a volatile default (or any default before PostgreSQL 11) rewrites the table.

    ## What it does
    Flags `ADD COLUMN … DEFAULT expr` when the default must be computed per row: a volatile or unknown function (`random()`, `gen_random_uuid()`, `clock_timestamp()`), or any non-null default before PostgreSQL 11.

    ## Why it matters
    A rewrite copies the table and rebuilds its indexes under ACCESS EXCLUSIVE. From PostgreSQL 11 a non-volatile default (constant, `now()`) is stored once in the catalog: measured, no relfilenode change.

    ## Known problems
    Unknown functions are treated as volatile. squawk also flags a constant default at `pg_version` 11; PostgreSQL 11 does not rewrite (release notes, and our lock test), so dbwright does not.

    ## Example
    ```sql
        ALTER TABLE events ADD COLUMN token uuid DEFAULT gen_random_uuid();
    ```

    ## Use instead
    ```sql
        ALTER TABLE events ADD COLUMN token uuid;  -- expand
        ALTER TABLE events ALTER COLUMN token SET DEFAULT gen_random_uuid();  -- new rows
        -- backfill old rows in keyset batches
    ```

    ## References
    https://www.postgresql.org/docs/current/ddl-alter.html#DDL-ALTER-ADDING-A-COLUMN
    """

    code = "MIG009"
    name = "migration.add_column_default_rewrite"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_actions(script, "add_column", existing_only=True):
            if a.default_sql and a.default_sql.upper() != "NULL" and not per_row_value(a) and (
                    a.default_volatile or script.major < 11):
                why = "volatile" if a.default_volatile else "any default before PostgreSQL 11"
                yield self.finding(f"ADD COLUMN {a.column} DEFAULT {a.default_sql} rewrites {st.table} ({why})",
                                   loc(script, st), "add the column without the default, set the default, "
                                   "backfill in batches")
