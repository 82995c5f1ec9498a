"""MIG051: ALTER without explicit ALGORITHM= and LOCK= silently falls back to a blocking table copy."""

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
class MysqlMissingAlgorithmLock(Rule):
    """ALTER without explicit ALGORITHM= and LOCK= silently falls back to a blocking table copy.

    ## What it does
    Flags MySQL/MariaDB ALTER TABLE / CREATE INDEX that do not state `ALGORITHM=` and `LOCK=`, and ones that request a cheaper algorithm than the model says is possible (the server will refuse).

    ## Why it matters
    Stating `ALGORITHM=INSTANT|INPLACE, LOCK=NONE` makes the server refuse an operation that would copy or block instead of quietly doing it.

    ## Known problems
    None known.

    ## Example
    ```sql
        ALTER TABLE t ADD COLUMN c INT;
    ```

    ## Use instead
    ```sql
        ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE;
    ```

    ## References
    https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html
    """

    code = "MIG051"
    name = "migration.mysql_missing_algorithm_lock"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        order = ("INSTANT", "NOCOPY", "INPLACE", "COPY")
        for st in mysql_stmts(script, "alter_table", "create_index"):
            req = st.detail.get("requested", {})
            algo = st.detail.get("algorithm") or "COPY"
            if "ALGORITHM" not in req or "LOCK" not in req:
                yield self.finding(f"state ALGORITHM= and LOCK= (expected ALGORITHM={algo}, "
                                   f"LOCK={st.detail.get('lock')})", loc(script, st),
                                   f"append ALGORITHM={algo}, LOCK={st.detail.get('lock')}")
            elif req["ALGORITHM"] in order and order.index(req["ALGORITHM"]) < order.index(algo):
                yield self.finding(f"ALGORITHM={req['ALGORITHM']} is not possible here (needs {algo}): the "
                                   "server will refuse", loc(script, st), f"plan for ALGORITHM={algo}",
                                   severity=Severity.ERROR)
