"""SCH062: Name that must be double-quoted in PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt, snake


@register
class QuotedIdentifier(SchemaRule):
    """Name that must be double-quoted in PostgreSQL.

    ## What it does
    Flags PostgreSQL table and column names with upper-case letters, spaces or other characters that force quoting.

    ## Why it matters
    PostgreSQL folds unquoted names to lower case: `SELECT Name FROM Customer` looks for `name` in `customer` and fails; every query, tool and ORM must quote these names exactly.

    ## Known problems
    Schemas ported from SQL Server or MySQL often use PascalCase throughout (Chinook); renaming them all is a migration, which SCH061 and this rule only prompt.

    ## Example
    ```sql
    CREATE TABLE "Customer" ("FirstName" text);
    ```

    ## Use instead
    ```sql
    ALTER TABLE "Customer" RENAME TO customer;
    ALTER TABLE customer RENAME COLUMN "FirstName" TO first_name;
    ```

    ## References
    SchemaCrawler LinterTableWithQuotedNames
    https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS
    """

    code = "SCH062"
    name = "schema.quoted_identifier"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        ok = re.compile(r"[a-z_][a-z0-9_$]*")
        for t in facts.tables():
            if not ok.fullmatch(t.name):
                yield self.at(facts, f'table "{t.name}" must be quoted in every query', t,
                              remediation="rename it in lower snake_case",
                              fix=f"ALTER TABLE {qt(facts, t)} RENAME TO {snake(t.name)};")
            bad = [c.name for c in t.columns if not ok.fullmatch(c.name)]
            for name in bad:
                yield self.at(facts, f'column "{name}" of {t.key} must be quoted in every query', t, name,
                              remediation="rename it in lower snake_case",
                              fix=f"ALTER TABLE {qt(facts, t)} RENAME COLUMN {q(facts, name)} TO {snake(name)};")
