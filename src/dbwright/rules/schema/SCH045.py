"""SCH045: Table with a single column."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class SingleColumnTable(SchemaRule):
    """Table with a single column.

    ## What it does
    Flags base tables with exactly one column.

    ## Why it matters
    A one-column table is a set of values: often a lookup table missing its description, or a leftover. As a lookup it is fine; as anything else it is unfinished.

    ## Known problems
    Deliberate value sets (allowed codes referenced by FKs) are a valid pattern.

    ## Example
    ```sql
    CREATE TABLE tags (name text PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    -- fine as a lookup; otherwise add the attributes the entity has, or drop it
    ```

    ## References
    SchemaSpy tables with only one column
    """

    code = "SCH045"
    name = "schema.single_column_table"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if len(t.columns) == 1:
                yield self.at(facts, f"{t.key} has a single column ({t.columns[0].name})", t, t.columns[0].name,
                              remediation="keep it as a lookup of allowed values, or complete or drop it")
