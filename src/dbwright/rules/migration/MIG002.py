"""MIG002: DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table."""

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
class IndexDropBlocking(Rule):
    """DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table.

    ## What it does
    Flags `DROP INDEX` without `CONCURRENTLY`.

    ## Why it matters
    The drop needs ACCESS EXCLUSIVE on the index's table: it queues behind every running query and, while queued, blocks all new reads and writes.

    ## Known problems
    The drop itself is quick; the hazard is the lock queue. `CONCURRENTLY` cannot drop indexes backing constraints and cannot run in a transaction.

    ## Example
    ```sql
        DROP INDEX orders_customer_idx;
    ```

    ## Use instead
    ```sql
        DROP INDEX CONCURRENTLY IF EXISTS orders_customer_idx;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-dropindex.html
    """

    code = "MIG002"
    name = "migration.index_drop_blocking"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "drop_index"):
            if not st.concurrent:
                yield self.finding("DROP INDEX takes ACCESS EXCLUSIVE on its table", loc(script, st),
                                   "use DROP INDEX CONCURRENTLY IF EXISTS outside a transaction")
