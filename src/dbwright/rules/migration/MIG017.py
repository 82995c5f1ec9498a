"""MIG017: A statement outside a transaction fails when the migration is re-run after a partial failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    robustness_problem,
)


@register
class NonIdempotent(Rule):
    """A statement outside a transaction fails when the migration is re-run after a partial failure.

    ## What it does
    In a multi-statement script that does not run in one transaction, flags CREATE without `IF NOT EXISTS`, DROP without `IF EXISTS`, `ADD COLUMN` without `IF NOT EXISTS`, `ADD CONSTRAINT` not preceded by `DROP CONSTRAINT IF EXISTS`, renames and `CREATE TYPE`.

    ## Why it matters
    Without a transaction, a failure half-way leaves the first statements applied; the retry then stops at the first one that already happened. CONCURRENTLY steps never run in a transaction, so they especially need this.

    ## Known problems
    Statements that are naturally repeatable (SET NOT NULL, ENABLE ROW LEVEL SECURITY) are not flagged; squawk flags them. A single-statement script is atomic and exempt, as in squawk.

    ## Example
    ```sql
        CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
    ```

    ## Use instead
    ```sql
        CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createindex.html
    """

    code = "MIG017"
    name = "migration.non_idempotent"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        real = [s for s in script.stmts if s.kind not in ("begin", "commit", "rollback")]
        if len(real) < 2:
            return
        dropped: set[str] = set()
        for st in script.stmts:
            if st.in_transaction or st.temporary:
                continue
            for a in st.actions:
                if a.kind == "drop_constraint" and a.missing_ok and a.constraint_name:
                    dropped.add(a.constraint_name)
            why = robustness_problem(st, dropped)
            if why:
                yield self.finding(why, loc(script, st), "make it re-runnable (IF [NOT] EXISTS) or run the "
                                   "script in one transaction")
