"""SCH010: Foreign key whose columns no index covers."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, covers, create_index_sql


@register
class ForeignKeyWithoutIndex(SchemaRule):
    """Foreign key whose columns no index covers.

    ## What it does
    Flags foreign keys whose columns are not the leading columns (in any order) of a valid, non-partial B-tree index or the primary key of the referencing table.

    ## Why it matters
    Each DELETE or key UPDATE on the parent looks up referencing rows: without an index that is a sequential scan of the child per parent row, under a lock that blocks writers of the child; joins from parent to children scan too. MySQL's InnoDB creates these indexes itself; PostgreSQL and SQLite do not.

    ## Known problems
    A child table that stays tiny, or a parent that is never deleted from nor has its key updated, can do without; the index costs writes and space.

    ## Example
    ```sql
    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customer);
    ```

    ## Use instead
    ```sql
    CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);
    ```

    ## References
    Supabase splinter 0001 unindexed_foreign_keys; SchemaCrawler LinterForeignKeyWithNoIndexes; Azimutt indexOnRelation; tbls requireForeignKeyIndex
    https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
    """

    code = "SCH010"
    name = "schema.foreign_key_without_index"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for fk in t.foreign_keys:
                if covers(t, fk.columns) is None:
                    rows = f" ({t.rows:,} rows)" if t.rows else ""
                    yield self.at(facts, f"foreign key {fk.name} ({', '.join(fk.columns)}) → {fk.ref_key} has no covering "
                                  f"index on {t.key}{rows}", t, fk.columns[0], line=fk.line,
                                  remediation="index the foreign-key columns", fix=create_index_sql(facts, t, fk.columns))
