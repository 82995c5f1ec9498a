"""SCH048: Table with no rows."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class EmptyTable(SchemaRule):
    """Table with no rows.

    ## What it does
    Flags base tables whose row count is exactly zero (exact for SQLite and DDL files with data; the statistics' estimate after ANALYZE for live PostgreSQL/MySQL).

    ## Why it matters
    An empty table in a live database is a feature never used, or a leftover; it still costs a catalog entry, migrations and documentation.

    ## Known problems
    New features ship their tables before their data; partitioned parents are always empty. A schema-only dump has no rows at all and is not checked.

    ## Example
    ```sql
    -- legacy_import: 0 rows
    ```

    ## Use instead
    ```sql
    DROP TABLE legacy_import;  -- once nothing references it
    ```

    ## References
    SchemaCrawler LinterTableEmpty; Azimutt entityEmpty
    """

    code = "SCH048"
    name = "schema.empty_table"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        if not any(t.rows for t in facts.tables()):
            return  # schema-only input: nothing to say about row counts
        for t in facts.tables():
            if t.rows == 0 and t.kind == "table" and not t.inherits:
                yield self.at(facts, f"{t.key} has no rows", t, remediation="drop it if it is unused")
