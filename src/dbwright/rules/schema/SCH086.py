"""SCH086: Unlogged table: emptied after a crash, absent on replicas."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class UnloggedTable(SchemaRule):
    """Unlogged table: emptied after a crash, absent on replicas.

    ## What it does
    Flags UNLOGGED tables.

    ## Why it matters
    Unlogged tables skip the WAL: they are truncated after a crash or unclean shutdown, are not replicated to standbys (empty after a failover) and are not in point-in-time recovery.

    ## Known problems
    Caches and scratch data that can be rebuilt are the intended use; then this is informational.

    ## Example
    ```sql
    CREATE UNLOGGED TABLE session (...);
    ```

    ## Use instead
    ```sql
    ALTER TABLE session SET LOGGED;  -- rewrites the table into the WAL
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-UNLOGGED
    """

    code = "SCH086"
    name = "schema.unlogged_table"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if t.unlogged:
                yield self.at(facts, f"{t.key} is UNLOGGED: emptied after a crash and empty on replicas", t,
                              remediation="keep it only for data that can be rebuilt",
                              fix=f"ALTER TABLE {qt(facts, t)} SET LOGGED;")
