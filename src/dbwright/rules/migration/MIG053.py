"""MIG053: Changing ENUM/SET members other than appending copies the table."""

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
class MysqlEnumSetChange(Rule):
    """Changing ENUM/SET members other than appending copies the table.

    ## What it does
    Flags `MODIFY col ENUM(...)|SET(...)` that reorders, removes or inserts members, or grows past the storage size (255 ENUM members, 8 SET members).

    ## Why it matters
    Members are stored as numbers; anything but an append renumbers stored values, so the table is copied and writes are blocked. Appending is instant.

    ## Known problems
    Needs the current definition (`--schema`).

    ## Example
    ```sql
        ALTER TABLE t MODIFY status ENUM('new', 'paid', 'shipped');  -- was ('new', 'shipped')
    ```

    ## Use instead
    ```sql
        ALTER TABLE t MODIFY status ENUM('new', 'shipped', 'paid'), ALGORITHM=INSTANT;
    ```

    ## References
    https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/
    """

    code = "MIG053"
    name = "migration.mysql_enum_set_change"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st, v in mysql_verdicts(script):
            if "renumbers stored values" in v["why"]:
                yield self.finding(f"{st.table}: {v['why']}", loc(script, st), "only append new members")
