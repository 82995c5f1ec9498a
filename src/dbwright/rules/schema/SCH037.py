"""SCH037: Default is the string 'NULL', not NULL."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class NullStringDefault(SchemaRule):
    """Default is the string 'NULL', not NULL.

    ## What it does
    Flags column defaults that are the text 'NULL' (any case), as opposed to the NULL value.

    ## Why it matters
    Every row inserted without the column gets the four letters N-U-L-L; `IS NULL` does not find them and reports count them as values.

    ## Known problems
    None known: almost always a quoting mistake in a migration.

    ## Example
    ```sql
    CREATE TABLE t (note varchar(20) DEFAULT 'NULL');
    ```

    ## Use instead
    ```sql
    ALTER TABLE t ALTER COLUMN note DROP DEFAULT;  -- then UPDATE t SET note = NULL WHERE note = 'NULL';
    ```

    ## References
    SchemaCrawler LinterNullIntendedColumns; SchemaSpy 'default value is the word NULL'
    """

    code = "SCH037"
    name = "schema.null_string_default"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        for t in facts.tables():
            for col in t.columns:
                if col.default and re.fullmatch(r"'null'(::[\w\s]+(\(\d+\))?)?", col.default.strip(), re.I):
                    yield self.at(facts, f"{t.key}.{col.name} defaults to the string {col.default}", t, col.name,
                                  remediation="drop the default (NULL is the default) and clean existing 'NULL' strings",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} DROP DEFAULT;\n"
                                      f"UPDATE {qt(facts, t)} SET {q(facts, col.name)} = NULL WHERE {q(facts, col.name)} = 'NULL';")
