"""SCH027: UNIQUE on nullable columns: NULLs are never duplicates."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, plain_columns, q, qt


@register
class NullableUnique(SchemaRule):
    """UNIQUE on nullable columns: NULLs are never duplicates.

    ## What it does
    Flags UNIQUE constraints and unique indexes that include a nullable column.

    ## Why it matters
    SQL treats NULLs as distinct, so any number of rows can share the 'unique' value when one column of it is NULL; a natural key meant to identify a row does not. (PostgreSQL 15 has `NULLS NOT DISTINCT` for the opposite.)

    ## Known problems
    Optional unique values (an e-mail not everyone has) are the intended use: then this is fine and a partial unique index says it more clearly.

    ## Example
    ```sql
    CREATE TABLE account (email text UNIQUE);  -- email nullable
    ```

    ## Use instead
    ```sql
    ALTER TABLE account ALTER COLUMN email SET NOT NULL;
    -- or, if optional on purpose: CREATE UNIQUE INDEX ON account (email) WHERE email IS NOT NULL;
    ```

    ## References
    SchemaCrawler LinterNullColumnsInIndex; SchemaSpy 'nullable and unique'
    https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-UNIQUE-CONSTRAINTS
    """

    code = "SCH027"
    name = "schema.nullable_unique"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            seen = set()
            for cols in [u.columns for u in t.uniques] + [i.columns for i in t.indexes if i.unique and not i.primary
                                                           and not i.predicate and plain_columns(i)]:
                if tuple(cols) in seen:
                    continue
                seen.add(tuple(cols))
                nullable = [c for c in cols if (col := t.column(c)) is not None and col.nullable]
                if nullable:
                    yield self.at(facts, f"UNIQUE ({', '.join(cols)}) on {t.key} allows duplicates where "
                                  f"{', '.join(nullable)} is NULL", t, nullable[0],
                                  remediation="make the columns NOT NULL, or state optional uniqueness with a partial index",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, nullable[0])} SET NOT NULL;"
                                  if facts.pg else "")
