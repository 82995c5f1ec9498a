"""MIG003: REINDEX without CONCURRENTLY blocks writes to the table and reads through the index."""

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
class ReindexBlocking(Rule):
    """REINDEX without CONCURRENTLY blocks writes to the table and reads through the index.

    ## What it does
    Flags `REINDEX INDEX|TABLE|SCHEMA|DATABASE|SYSTEM` without `CONCURRENTLY`.

    ## Why it matters
    REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index it rebuilds (queries planning to use it wait) — measured from pg_locks.

    ## Known problems
    REINDEX CONCURRENTLY needs PostgreSQL ≥ 12, cannot run in a transaction and cannot reindex system catalogs.

    ## Example
    ```sql
        REINDEX INDEX orders_customer_idx;
    ```

    ## Use instead
    ```sql
        REINDEX INDEX CONCURRENTLY orders_customer_idx;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-reindex.html
    """

    code = "MIG003"
    name = "migration.reindex_blocking"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "reindex"):
            if not st.concurrent:
                yield self.finding(f"REINDEX {st.detail.get('object', '').upper()} blocks writes (SHARE on the "
                                   "table) and ACCESS EXCLUSIVE on each rebuilt index", loc(script, st),
                                   "REINDEX … CONCURRENTLY (PostgreSQL ≥ 12)" if script.major >= 12
                                   else "build a new index CONCURRENTLY and drop the old one")
