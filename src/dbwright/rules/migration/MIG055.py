"""MIG055: ADD/DROP COLUMN that this version cannot do instantly."""

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
class MysqlInstantColumnLimits(Rule):
    """ADD/DROP COLUMN that this version cannot do instantly.

    ## What it does
    Flags ADD COLUMN with FIRST/AFTER before MariaDB 10.4 / MySQL 8.0.29, any instant ADD before MariaDB 10.3 / MySQL 8.0.12, DROP COLUMN before 10.4 / 8.0.29, and (MariaDB) instant ADD on a table with a FULLTEXT index. Reminds that MySQL allows 64 instant row versions per table before a rebuild is forced.

    ## Why it matters
    When INSTANT is impossible the server rebuilds the table (INPLACE with rebuild): LOCK=NONE, but it reads and writes the whole table and replicas apply it serially, lagging for as long as it takes.

    ## Known problems
    The 64-version counter (INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS) is not visible to a static linter.

    ## Example
    ```sql
        ALTER TABLE t ADD COLUMN c INT AFTER a;  -- MariaDB 10.3
    ```

    ## Use instead
    ```sql
        ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT;  -- last position
    ```

    ## References
    https://mariadb.com/kb/en/innodb-online-ddl-overview/
    """

    code = "MIG055"
    name = "migration.mysql_instant_column_limits"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st, v in mysql_verdicts(script):
            if ("instant" in v["why"].lower() or "FULLTEXT index cannot add" in v["why"]) and \
                    v["algorithm"] != "INSTANT" and st.kind == "alter_table":
                yield self.finding(f"{st.table}: {v['why']} (rebuilds the table)", loc(script, st),
                                   "add the column last, or upgrade")
