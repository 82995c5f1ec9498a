"""SCH046: Every column of the table is nullable."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class AllColumnsNullable(SchemaRule):
    """Every column of the table is nullable.

    ## What it does
    Flags tables (with more than one column) where no column is NOT NULL — which also means no primary key.

    ## Why it matters
    Nothing is required: rows can be entirely empty, and application code must handle NULL everywhere. Usually a table imported from CSV and never constrained.

    ## Known problems
    Staging tables for raw imports are like this by design.

    ## Example
    ```sql
    CREATE TABLE import (a text, b text, c text);
    ```

    ## Use instead
    ```sql
    ALTER TABLE import ALTER COLUMN a SET NOT NULL;  -- for each required column; add a key
    ```

    ## References
    SchemaCrawler LinterTableAllNullableColumns
    """

    code = "SCH046"
    name = "schema.all_columns_nullable"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if len(t.columns) > 1 and all(c.nullable for c in t.columns):
                yield self.at(facts, f"every column of {t.key} is nullable", t,
                              remediation="mark the required columns NOT NULL and add a key")
