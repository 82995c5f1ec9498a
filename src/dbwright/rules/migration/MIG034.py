"""MIG034: An identifier is longer than the engine keeps (63 bytes in PostgreSQL, 64 characters in MySQL/MariaDB)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg,
)


@register
class IdentifierTooLong(Rule):
    """An identifier is longer than the engine keeps (63 bytes in PostgreSQL, 64 characters in MySQL/MariaDB).

    ## What it does
    Flags table, column, index and constraint names over the limit.

    ## Why it matters
    PostgreSQL silently truncates to 63 bytes, so two long names can collide and later statements that use the full name miss the object; MySQL rejects it.

    ## Known problems
    Only names the script defines are checked.

    ## Example
    ```sql
        CREATE INDEX index_very_long_very_long_very_long_very_long_very_long_very_long ON t (col);
    ```

    ## Use instead
    ```sql
        CREATE INDEX t_col_idx ON t (col);
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
    """

    code = "MIG034"
    name = "migration.identifier_too_long"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        limit = 63 if pg(script) else 64
        for st in script.stmts:
            for name in dict.fromkeys([*st.names, *st.detail.get("long_identifiers", [])]):
                size = len(name.encode()) if pg(script) else len(name)
                if size > limit:
                    yield self.finding(f"identifier {name[:20]}… is {size} {'bytes' if pg(script) else 'chars'} "
                                       f"(limit {limit})", loc(script, st), "shorten it")
