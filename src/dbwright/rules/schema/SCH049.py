"""SCH049: Table with no relation to any other table."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class IsolatedTable(SchemaRule):
    """Table with no relation to any other table.

    ## What it does
    Flags tables that no foreign key (declared or inferred) connects to another table, in schemas with at least three tables.

    ## Why it matters
    An island is either a lookup whose references were never declared (see SCH012), a log, or a leftover; in an ERD it shows that the model is incomplete.

    ## Known problems
    Audit logs, configuration and queue tables are islands by design.

    ## Example
    ```sql
    CREATE TABLE settings (key text PRIMARY KEY, value text);
    ```

    ## Use instead
    ```sql
    -- declare the references that use it, or document it as standalone
    ```

    ## References
    tbls lint unrelatedTable; SchemaSpy orphan tables
    """

    code = "SCH049"
    name = "schema.isolated_table"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        linked: set[str] = set()
        for t in facts.tables():
            for fk in t.foreign_keys:
                if fk.ref_key != t.key:
                    linked |= {t.key, fk.ref_key}
        for r in facts.relations:
            if r.table != r.ref_table:
                linked |= {r.table, r.ref_table}
        per_schema: dict[str, int] = {}
        for t in facts.tables():
            per_schema[t.schema] = per_schema.get(t.schema, 0) + 1
        for t in facts.tables():
            if t.key not in linked and per_schema[t.schema] >= 3:
                yield self.at(facts, f"{t.key} is not related to any other table", t,
                              remediation="declare its relations, or document it as standalone")
