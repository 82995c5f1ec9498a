"""MIG052: Widening a VARCHAR across the 255-byte boundary copies the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    mysql_verdicts,
)


@register
class MysqlVarcharLengthBoundary(Rule):
    """Widening a VARCHAR across the 255-byte boundary copies the table.

    ## What it does
    Flags `MODIFY col VARCHAR(n)` when old and new maximum byte lengths (characters × bytes per character of the charset: utf8mb4 4, utf8mb3 3, latin1 1) fall on different sides of 255 bytes.

    ## Why it matters
    Up to 255 bytes a VARCHAR stores a 1-byte length prefix, beyond it 2 bytes: every row must be rewritten (ALGORITHM=COPY). Within the same side the change is in-place metadata.

    ## Known problems
    Needs the current definition (`--schema`); the charset defaults to utf8mb4 (63 characters is the last 1-byte size).

    ## Example
    ```sql
        ALTER TABLE t MODIFY name VARCHAR(100);  -- was VARCHAR(50), utf8mb4: 200 → 400 bytes
    ```

    ## Use instead
    ```sql
        Choose the final length up front (≥ 64 utf8mb4 characters) or plan a copy with gh-ost
    ```

    ## References
    https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations
    """

    code = "MIG052"
    name = "migration.mysql_varchar_length_boundary"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, v in mysql_verdicts(script):
            if "255-byte boundary" in v["why"]:
                yield self.finding(f"{st.table}: {v['why']}", loc(script, st),
                                   "pick a length on the same side of 255 bytes, or copy online (gh-ost)")
