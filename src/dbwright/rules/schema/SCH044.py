"""SCH044: Very wide table."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class WideTable(SchemaRule):
    """Very wide table.

    ## What it does
    Flags tables with more than 50 columns (configurable).

    ## Why it matters
    Usually several entities or a repeating group in one table; every row carries every column, updates rewrite the whole row (MVCC), and most queries read a few columns of a wide row.

    ## Known problems
    Fact tables of a warehouse and wide denormalized read models can be wide on purpose.

    ## Example
    ```sql
    CREATE TABLE customer (...72 columns...);
    ```

    ## Use instead
    ```sql
    -- split 1:1 by concern (profile, billing, preferences), or move repeating groups to child tables
    ```

    ## References
    Azimutt entityTooLarge; tbls lint columnCount
    """

    code = "SCH044"
    name = "schema.wide_table"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        limit = int(facts.cfg("wide_table_columns"))
        for t in facts.tables():
            if len(t.columns) > limit:
                yield self.at(facts, f"{t.key} has {len(t.columns)} columns (more than {limit})", t,
                              remediation="split by concern into 1:1 tables, or normalize repeating groups")
