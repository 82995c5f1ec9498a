"""MIG050: MySQL/MariaDB ALTER that copies the table or blocks writes for its whole run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    mysql_stmts,
)


@register
class MysqlTableCopy(Rule):
    """MySQL/MariaDB ALTER that copies the table or blocks writes for its whole run.

    ## What it does
    Flags ALTER TABLE / CREATE INDEX whose cheapest algorithm (per engine and version) is COPY, or whose weakest lock is SHARED/EXCLUSIVE: type changes, adding a FOREIGN KEY with foreign_key_checks=1, CHECK constraints, dropping the primary key, FULLTEXT/SPATIAL builds.

    ## Why it matters
    ALGORITHM=COPY rebuilds the table row by row and allows no concurrent writes; on a large table that is an outage measured in minutes to hours, plus double the disk.

    ## Known problems
    The model needs the current column definitions (`--schema`) to judge MODIFY; unknown is assumed COPY.

    ## Example
    ```sql
        ALTER TABLE orders MODIFY total DECIMAL(12,2);
    ```

    ## Use instead
    ```sql
        pt-online-schema-change / gh-ost, or an expand/contract column swap
    ```

    ## References
    https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html
    """

    code = "MIG050"
    name = "migration.mysql_table_copy"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in mysql_stmts(script):
            algo, lock = st.detail.get("algorithm"), st.detail.get("lock")
            if algo and (algo == "COPY" or lock != "NONE"):
                whys = "; ".join(v["why"] for v in st.detail.get("verdicts", []) if v["algorithm"] == algo
                                 or v["lock"] != "NONE")
                yield self.finding(f"{st.table}: ALGORITHM={algo}, LOCK={lock} — {whys}", loc(script, st),
                                   "use an online schema-change tool (gh-ost, pt-osc) or expand/contract")
