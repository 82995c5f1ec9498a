"""MIG004: A CONCURRENTLY operation (or ALTER TYPE … ADD VALUE before PostgreSQL 12) runs inside a transaction."""

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
class ConcurrentlyInTransaction(Rule):
    """A CONCURRENTLY operation (or ALTER TYPE … ADD VALUE before PostgreSQL 12) runs inside a transaction.

    ## What it does
    Flags CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY and VACUUM inside an explicit or runner-provided transaction, and `ALTER TYPE … ADD VALUE` in a transaction before PostgreSQL 12.

    ## Why it matters
    PostgreSQL refuses these statements in a transaction block, so the migration fails at deploy time; with a runner that wraps every file the error appears only in production.

    ## Known problems
    With `--assume-in-transaction` a file holding one CONCURRENTLY statement is still flagged (squawk exempts it): PostgreSQL rejects the statement whenever the runner really wraps it. Tell the runner to skip the transaction for that file (Django `atomic = False`, Alembic `autocommit_block()`).

    ## Example
    ```sql
        BEGIN;
        CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);
        COMMIT;
    ```

    ## Use instead
    ```sql
        -- its own migration, no transaction
        CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createindex.html
    """

    code = "MIG004"
    name = "migration.concurrently_in_transaction"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script):
            if not st.in_transaction:
                continue
            detach = any(a.kind == "detach_partition" and a.concurrent for a in st.actions)
            if st.concurrent or detach or st.kind in ("vacuum", "vacuum_full"):
                yield self.finding(f"{st.kind.replace('_', ' ').upper()} cannot run inside a transaction block",
                                   loc(script, st), "run it in its own migration without a transaction")
            elif st.kind == "alter_enum" and not st.detail.get("rename") and script.major < 12:
                yield self.finding("ALTER TYPE … ADD VALUE cannot run in a transaction before PostgreSQL 12",
                                   loc(script, st), "run it outside a transaction")
