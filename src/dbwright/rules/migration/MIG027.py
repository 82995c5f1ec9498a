"""MIG027: VACUUM FULL, CLUSTER or a table-moving ALTER rewrites the whole table under ACCESS EXCLUSIVE."""

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
class FullRewriteCommand(Rule):
    """VACUUM FULL, CLUSTER or a table-moving ALTER rewrites the whole table under ACCESS EXCLUSIVE.

    ## What it does
    Flags `VACUUM FULL`, `CLUSTER`, `ALTER TABLE … SET TABLESPACE|LOGGED|UNLOGGED|ACCESS METHOD`.

    ## Why it matters
    These copy every row while holding ACCESS EXCLUSIVE (measured: relfilenode changes): the table is unavailable for the whole copy.

    ## Known problems
    squawk's prefer-repack flags only VACUUM FULL/CLUSTER and only from PostgreSQL 19 (where REPACK CONCURRENTLY exists); the lock is the same on every version, so dbwright flags them everywhere and suggests pg_repack before 19.

    ## Example
    ```sql
        VACUUM FULL orders;
    ```

    ## Use instead
    ```sql
        pg_repack --table orders   (or REPACK … CONCURRENTLY on PostgreSQL ≥ 19)
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-vacuum.html
    """

    code = "MIG027"
    name = "migration.full_rewrite_command"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script):
            moving = [a.kind for a in st.actions if a.kind in ("set_tablespace", "set_logged", "set_unlogged",
                                                               "set_access_method")]
            if st.kind in ("vacuum_full", "cluster") or (moving and existing(st)):
                what = st.kind.replace("_", " ").upper() if not moving else moving[0].replace("_", " ").upper()
                yield self.finding(f"{what} rewrites {st.table or 'the tables'} under ACCESS EXCLUSIVE",
                                   loc(script, st), "REPACK … CONCURRENTLY" if script.major >= 19
                                   else "use pg_repack (online) instead")
