"""SCH002: Primary-key columns are not the first columns of the table."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class PrimaryKeyNotFirst(SchemaRule):
    """Primary-key columns are not the first columns of the table.

    ## What it does
    Flags tables whose primary-key columns are not the leading columns in column order.

    ## Why it matters
    Readers (and `SELECT *`) expect the identifier first; tools that generate code or documentation from column order put it elsewhere. In PostgreSQL, fixed-width key columns first also help alignment padding.

    ## Known problems
    Purely a convention: reordering columns means rebuilding the table, which is rarely worth it on a large one.

    ## Example
    ```sql
    CREATE TABLE t (name text, id bigint PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    CREATE TABLE t (id bigint PRIMARY KEY, name text);
    ```

    ## References
    SchemaCrawler LinterTableWithPrimaryKeyNotFirst
    """

    code = "SCH002"
    name = "schema.primary_key_not_first"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            n = len(t.primary_key)
            if n and [c.name for c in t.columns[:n]] != t.primary_key and sorted(c.name for c in t.columns[:n]) != sorted(t.primary_key):
                yield self.at(facts, f"{t.key}: primary key ({', '.join(t.primary_key)}) is not the first column(s)", t,
                              t.primary_key[0], remediation="put key columns first when the table is next rebuilt")
