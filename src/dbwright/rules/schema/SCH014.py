"""SCH014: Foreign key whose column references itself."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class ForeignKeySelfReferenceSameColumn(SchemaRule):
    """Foreign key whose column references itself.

    ## What it does
    Flags foreign keys from a table to itself where each column references the same column (e.g. `id REFERENCES t (id)`).

    ## Why it matters
    The constraint is always satisfied (a row references itself) and so checks nothing; meant was usually a parent column (`parent_id REFERENCES t (id)`). Such a row also cannot be deleted when the action is RESTRICT in some engines.

    ## Known problems
    None known: a tautological constraint is a mistake.

    ## Example
    ```sql
    ALTER TABLE employee ADD FOREIGN KEY (id) REFERENCES employee (id);
    ```

    ## Use instead
    ```sql
    ALTER TABLE employee ADD COLUMN manager_id bigint REFERENCES employee (id);
    ```

    ## References
    SchemaCrawler LinterForeignKeySelfReference
    """

    code = "SCH014"
    name = "schema.foreign_key_self_reference"
    severity = Severity.ERROR

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for fk in t.foreign_keys:
                if fk.ref_key == t.key and fk.columns == fk.ref_columns:
                    yield self.at(facts, f"foreign key {fk.name} makes {t.key}({', '.join(fk.columns)}) reference itself",
                                  t, fk.columns[0], line=fk.line, remediation="drop it, or point a parent column at the key",
                                  fix=f"ALTER TABLE {qt(facts, t)} DROP {'FOREIGN KEY' if facts.mysql else 'CONSTRAINT'} "
                                      f"{q(facts, fk.name)};")
