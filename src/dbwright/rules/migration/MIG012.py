"""MIG012: ALTER COLUMN … TYPE rewrites the table unless the change is binary compatible."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_actions,
)


@register
class TypeChangeRewrite(Rule):
    """ALTER COLUMN … TYPE rewrites the table unless the change is binary compatible.

    ## What it does
    Flags a column type change that rewrites the table (int → bigint, text → varchar(n), shrinking lengths, numeric scale changes) and, when the old type is unknown, one that may.

    ## Why it matters
    A rewrite holds ACCESS EXCLUSIVE while copying every row and rebuilding every index. Binary-compatible changes are catalog only: varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(q ≥ p, s), timestamp → timestamptz with TimeZone UTC (PostgreSQL ≥ 12) — all measured.

    ## Known problems
    Without the schema (`--schema`) the old type is unknown and the finding says the change may rewrite. squawk flags every type change.

    ## Example
    ```sql
        ALTER TABLE orders ALTER COLUMN id TYPE bigint;
    ```

    ## Use instead
    ```sql
        -- expand: ADD COLUMN id_new bigint; trigger copies id → id_new; batched backfill;
        -- switch: rename in one short transaction; contract: drop the old column
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    """

    code = "MIG012"
    name = "migration.type_change_rewrite"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_actions(script, "alter_type", existing_only=True):
            old = a.extra.get("old_type")
            if st.rewrite:
                yield self.finding(f"changing {st.table}.{a.column} to {a.type_name} rewrites the table under "
                                   "ACCESS EXCLUSIVE" + ("" if old else " (old type unknown: unless binary "
                                                         "compatible)"), loc(script, st),
                                   "add a new column, dual-write, backfill in batches, swap by rename")
            elif not old:
                yield self.finding(f"changing {st.table}.{a.column} to {a.type_name} may rewrite the table (old "
                                   "type unknown)", loc(script, st), "pass --schema to decide",
                                   severity=Severity.WARNING)
