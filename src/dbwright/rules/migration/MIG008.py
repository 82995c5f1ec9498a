"""MIG008: SET NOT NULL scans the whole table under ACCESS EXCLUSIVE."""

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
class SetNotNullScan(Rule):
    """SET NOT NULL scans the whole table under ACCESS EXCLUSIVE.

    ## What it does
    Flags `ALTER COLUMN … SET NOT NULL` unless a validated CHECK with `col IS NOT NULL` as a top-level AND term exists — in the script or in `--schema` (PostgreSQL ≥ 12 then skips the scan; `CHECK (col > 0)` does not prove it, as PostgreSQL itself reports).

    ## Why it matters
    PostgreSQL verifies every row while holding ACCESS EXCLUSIVE: no reads or writes until the scan ends.

    ## Known problems
    Only a CHECK validated earlier in the same script is seen; pass the current schema (`--schema`) for constraints that already exist. Before PostgreSQL 12 the scan always happens.

    ## Example
    ```sql
        ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
    ```

    ## Use instead
    ```sql
        ALTER TABLE orders ADD CONSTRAINT orders_customer_nn CHECK (customer_id IS NOT NULL) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nn;  -- separate transaction
        ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;  -- no scan (PG ≥ 12)
        ALTER TABLE orders DROP CONSTRAINT orders_customer_nn;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL
    """

    code = "MIG008"
    name = "migration.set_not_null_scan"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "alter_table"):
            if existing(st) and st.scan and any(
                    a.kind == "set_not_null" for a in st.actions):
                yield self.finding(f"SET NOT NULL on {st.table} scans every row under ACCESS EXCLUSIVE",
                                   loc(script, st), "validate a CHECK (col IS NOT NULL) NOT VALID constraint first"
                                   + ("" if script.major >= 12 else " (needs PostgreSQL ≥ 12 to skip the scan)"))
