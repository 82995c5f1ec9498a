"""SCH018: Foreign key referencing columns that are not a key of the parent."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, cols_sql, qt


@register
class ForeignKeyToNonUnique(SchemaRule):
    """Foreign key referencing columns that are not a key of the parent.

    ## What it does
    Flags foreign keys whose referenced columns are neither the parent's primary key nor a UNIQUE set (InnoDB accepts any indexed columns).

    ## Why it matters
    A child row then matches several parent rows: cascades delete or update more than intended, and the relation is not a reference but a many-to-many in disguise. PostgreSQL and the SQL standard reject it; MySQL/MariaDB allow it.

    ## Known problems
    None known; MySQL documents this as a non-standard extension to avoid.

    ## Example
    ```sql
    CREATE TABLE child (code varchar(10), FOREIGN KEY (code) REFERENCES parent (code));  -- parent.code only indexed
    ```

    ## Use instead
    ```sql
    ALTER TABLE parent ADD UNIQUE (code);  -- or reference the parent's primary key
    ```

    ## References
    https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html (non-unique keys)
    Azimutt relationMissAttribute
    """

    code = "SCH018"
    name = "schema.foreign_key_to_non_unique"
    severity = Severity.ERROR

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for fk in t.foreign_keys:
                ref = facts.db.tables.get(fk.ref_key)
                if ref is None:
                    yield self.at(facts, f"foreign key {fk.name} references {fk.ref_key}, which does not exist", t,
                                  fk.columns[0], line=fk.line, remediation="create the parent table or drop the constraint")
                    continue
                if not any(sorted(u) == sorted(fk.ref_columns) for u in ref.unique_sets()):
                    yield self.at(facts, f"foreign key {fk.name} references {fk.ref_key}({', '.join(fk.ref_columns)}), "
                                  "which is not unique there", t, fk.columns[0], line=fk.line,
                                  remediation="reference the parent's key, or make the columns UNIQUE",
                                  fix=f"ALTER TABLE {qt(facts, ref)} ADD UNIQUE ({cols_sql(facts, fk.ref_columns)});")
