"""MIG054: A FULLTEXT index blocks writes while it builds; the first one rebuilds the table."""

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
class MysqlFulltextIndex(Rule):
    """A FULLTEXT index blocks writes while it builds; the first one rebuilds the table.

    ## What it does
    Flags adding a FULLTEXT index (ALTER TABLE … ADD FULLTEXT, CREATE FULLTEXT INDEX).

    ## Why it matters
    InnoDB builds FULLTEXT indexes with LOCK=SHARED (no concurrent writes); the first one on a table adds the hidden FTS_DOC_ID column, rebuilding the table.

    ## Known problems
    Adding an `FTS_DOC_ID BIGINT UNSIGNED NOT NULL` column with a unique index at table creation avoids the rebuild.

    ## Example
    ```sql
        ALTER TABLE articles ADD FULLTEXT INDEX ft_body (body);
    ```

    ## Use instead
    ```sql
        Build it on a copy (gh-ost) or in a maintenance window; define FTS_DOC_ID when creating the table
    ```

    ## References
    https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-index-operations
    """

    code = "MIG054"
    name = "migration.mysql_fulltext_index"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st in mysql_stmts(script):
            ft = (st.kind == "create_index" and st.detail.get("method") == "fulltext") or any(
                a.kind == "add_index" and a.constraint == "fulltext" for a in st.actions)
            if ft:
                yield self.finding(f"FULLTEXT index on {st.table} blocks writes while building"
                                   + (" and rebuilds the table" if st.rewrite else ""), loc(script, st),
                                   "build it on a copy (gh-ost) or in a quiet window")
