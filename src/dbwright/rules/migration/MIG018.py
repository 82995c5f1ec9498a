"""MIG018: A data backfill runs unbatched or inside the DDL transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    existing,
    loc,
    stmts_with_tx,
)


@register
class BackfillUnsafe(Rule):
    """A data backfill runs unbatched or inside the DDL transaction.

    ## What it does
    Flags `UPDATE`/`DELETE` on an existing table with no keyset bound or LIMIT (a WHERE that pins a whole primary or unique key to constants — `id = 1`, `id IN (…)` — touches a few rows and passes; without schema context `id` is taken as the key), and any UPDATE/DELETE that shares a transaction with DDL holding a table lock stronger than ROW EXCLUSIVE.

    ## Why it matters
    One big UPDATE locks every row it touches until commit, bloats the table, floods WAL and replication; inside a DDL transaction it also keeps the DDL's exclusive lock for the whole backfill.

    ## Known problems
    A WHERE clause with a range or LIMIT is taken as a batch; dbwright cannot see the loop that drives it.

    ## Example
    ```sql
        BEGIN;
        ALTER TABLE orders ADD COLUMN total_cents bigint;
        UPDATE orders SET total_cents = total * 100;
        COMMIT;
    ```

    ## Use instead
    ```sql
        -- expand (commit), then per batch:
        UPDATE orders SET total_cents = total * 100 WHERE id > :last AND id <= :last + 5000;
    ```

    ## References
    https://www.postgresql.org/docs/current/routine-vacuuming.html
    """

    code = "MIG018"
    name = "migration.backfill_unsafe"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        with_tx = stmts_with_tx(script)
        strong_tx = {tx for st, tx in with_tx
                     if st.kind not in ("update", "delete", "insert", "select") and st.locks and any(
                         lk.mode in ("ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
                         or lk.mode.startswith("MDL") for lk in st.locks)}
        for st, tx in with_tx:
            if st.kind not in ("update", "delete") or not existing(st):
                continue
            if tx in strong_tx and st.in_transaction:
                yield self.finding(f"{st.kind.upper()} of {st.table} shares a transaction with DDL: the DDL's "
                                   "lock is held for the whole backfill", loc(script, st),
                                   "commit the DDL first; backfill in its own batched transactions")
            elif not st.detail.get("has_limit_keyset") and not st.detail.get("point"):
                yield self.finding(f"{st.kind.upper()} of {st.table} touches all rows in one statement",
                                   loc(script, st), "batch by primary-key ranges (keyset), commit per batch")
