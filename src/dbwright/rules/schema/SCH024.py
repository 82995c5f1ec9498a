"""SCH024: Table with no index at all."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class TableWithoutIndex(SchemaRule):
    """Table with no index at all.

    ## What it does
    Flags base tables with no index of any kind (not even a primary key).

    ## Why it matters
    Every lookup is a full scan; usually a sign of a missing primary key (SCH001) or of a table loaded and never tuned.

    ## Known problems
    Tiny reference tables and write-only staging tables can be fine without.

    ## Example
    ```sql
    CREATE TABLE import_rows (line text);
    ```

    ## Use instead
    ```sql
    ALTER TABLE import_rows ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
    ```

    ## References
    SchemaCrawler LinterTableWithNoIndexes; SchemaSpy tables without indexes; Azimutt entityIndexNone
    """

    code = "SCH024"
    name = "schema.table_without_index"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if not t.indexes and not t.primary_key and not t.inherits:
                yield self.at(facts, f"{t.key} has no index", t, remediation="add a primary key or the index its queries need")
