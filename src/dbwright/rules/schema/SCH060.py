"""SCH060: Table or column named with an SQL reserved word."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import RESERVED, SchemaFacts, SchemaRule, q, qt


@register
class ReservedWordName(SchemaRule):
    """Table or column named with an SQL reserved word.

    ## What it does
    Flags table and column names that are reserved words in SQL, PostgreSQL or MySQL (`user`, `order`, `group`, `key`, `desc`, …).

    ## Why it matters
    They must be quoted in every query, in every engine, forever; tools and ORMs that forget to quote fail, and moving between engines moves the problem (`user` is fine in MySQL, reserved in PostgreSQL).

    ## Known problems
    Renaming breaks every query that uses the name: do it with a view or a migration plan, or accept and quote.

    ## Example
    ```sql
    CREATE TABLE "user" ("order" int, "desc" text);
    ```

    ## Use instead
    ```sql
    ALTER TABLE "user" RENAME TO app_user;
    ALTER TABLE app_user RENAME COLUMN "order" TO sort_order;
    ```

    ## References
    SchemaCrawler LinterTableWithBadlyNamedColumns / reserved words
    https://www.postgresql.org/docs/current/sql-keywords-appendix.html
    https://dev.mysql.com/doc/refman/8.0/en/keywords.html
    """

    code = "SCH060"
    name = "schema.reserved_word_name"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if t.name.upper() in RESERVED:
                yield self.at(facts, f"table {t.key} is named with the reserved word {t.name.upper()}", t,
                              remediation="rename it (e.g. app_" + t.name.lower() + ")",
                              fix=f"ALTER TABLE {qt(facts, t)} RENAME TO {q(facts, 'app_' + t.name.lower())};")
            for col in t.columns:
                if col.name.upper() in RESERVED:
                    yield self.at(facts, f"column {t.key}.{col.name} is named with the reserved word {col.name.upper()}", t,
                                  col.name, remediation="rename it to a descriptive name",
                                  fix=f"ALTER TABLE {qt(facts, t)} RENAME COLUMN {q(facts, col.name)} TO "
                                      f"{q(facts, t.name.lower() + '_' + col.name.lower())};")
