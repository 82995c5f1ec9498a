"""SCH063: Identifier at the engine's length limit (possibly truncated)."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class IdentifierTooLong(SchemaRule):
    """Identifier at the engine's length limit (possibly truncated).

    ## What it does
    Flags table, column, constraint and index names of 63 characters or more on PostgreSQL (NAMEDATALEN − 1) and 64 on MySQL.

    ## Why it matters
    PostgreSQL silently truncates longer names to 63 bytes: two long names that differ only at the end become the same name (a migration then fails, or targets the wrong object), and the name in the catalog is not the one in the migration files.

    ## Known problems
    A name of exactly 63 characters may be intended; the rule cannot know it was not truncated.

    ## Example
    ```sql
    CREATE INDEX index_on_customer_orders_by_placement_date_and_status_and_region_code ON orders (...);
    ```

    ## Use instead
    ```sql
    ALTER INDEX index_on_customer_orders_by_placement_date_and_status_and_regio RENAME TO orders_placed_status_region_idx;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS (NAMEDATALEN)
    pg-index-health possible_object_name_truncation
    """

    code = "SCH063"
    name = "schema.identifier_too_long"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        limit = 63 if facts.pg else 64
        for t in facts.tables():
            names = [("table", t.name, None)] + [("column", c.name, c.name) for c in t.columns] + \
                [("index", i.name, None) for i in t.indexes] + [("constraint", f.name, None) for f in t.foreign_keys]
            for kind, name, col in names:
                if len(name.encode()) >= limit:
                    yield self.at(facts, f"{kind} name {name!r} on {t.key} is {len(name.encode())} bytes: at the limit "
                                  f"of {limit}, possibly truncated", t, col,
                                  remediation="use a shorter name (the migration files should say the same name)")
