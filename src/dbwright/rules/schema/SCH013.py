"""SCH013: Two foreign keys with the same columns and target."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class DuplicateForeignKey(SchemaRule):
    """Two foreign keys with the same columns and target.

    ## What it does
    Flags foreign keys of one table that have the same columns referencing the same table and columns.

    ## Why it matters
    Every write is checked twice and both constraints take locks; usually a migration ran twice under different constraint names.

    ## Known problems
    Two constraints differing only in ON DELETE action are still duplicates: the stricter one wins, which is rarely what was meant.

    ## Example
    ```sql
    ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customer;  -- run twice
    ```

    ## Use instead
    ```sql
    ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey1;
    ```

    ## References
    tbls duplicateRelations; pg-index-health duplicated_foreign_keys
    """

    code = "SCH013"
    name = "schema.duplicate_foreign_key"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            seen: dict[tuple[object, ...], str] = {}
            for fk in t.foreign_keys:
                k = (tuple(fk.columns), fk.ref_key, tuple(fk.ref_columns))
                if k in seen:
                    yield self.at(facts, f"foreign key {fk.name} duplicates {seen[k]} ({', '.join(fk.columns)} → {fk.ref_key})",
                                  t, fk.columns[0], line=fk.line, remediation="drop one of them",
                                  fix=f"ALTER TABLE {qt(facts, t)} DROP {'FOREIGN KEY' if facts.mysql else 'CONSTRAINT'} "
                                      f"{q(facts, fk.name)};")
                else:
                    seen[k] = fk.name
