"""MIG001: CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    existing,
    loc,
    pg_stmts,
)


@register
class IndexCreateBlocking(Rule):
    """CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build.

    ## What it does
    Flags `CREATE INDEX` on a table that existed before the script when `CONCURRENTLY` is missing.

    ## Why it matters
    A plain index build holds SHARE on the table (measured from pg_locks): every INSERT, UPDATE and DELETE waits until the build ends, which on a large table is minutes.

    ## Known problems
    A table created earlier in the same script is empty and exempt. `CONCURRENTLY` takes longer, scans twice and can leave an INVALID index behind on failure (drop it and retry).

    ## Example
    ```sql
        CREATE INDEX orders_customer_idx ON orders (customer_id);
    ```

    ## Use instead
    ```sql
        CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);  -- outside a transaction
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    """

    code = "MIG001"
    name = "migration.index_create_blocking"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "create_index"):
            if not st.concurrent and existing(st):
                yield self.finding(f"CREATE INDEX on {st.table} takes SHARE: writes wait for the whole build",
                                   loc(script, st), "add CONCURRENTLY and run it outside a transaction")
