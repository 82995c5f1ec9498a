"""SCH016: Constraint added NOT VALID and never validated."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class ForeignKeyNotValidated(SchemaRule):
    """Constraint added NOT VALID and never validated.

    ## What it does
    Flags foreign keys and CHECK constraints whose `convalidated` is false.

    ## Why it matters
    NOT VALID is the first half of an online constraint: new rows are checked, existing ones are not. Left that way, old rows may break it, and the planner cannot use the constraint (e.g. for join removal or constraint exclusion).

    ## Known problems
    Validating scans the table under SHARE UPDATE EXCLUSIVE (reads and writes continue); it fails if old rows violate it — fix them first.

    ## Example
    ```sql
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customer NOT VALID;
    ```

    ## Use instead
    ```sql
    ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT
    """

    code = "SCH016"
    name = "schema.foreign_key_not_validated"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for name, line in [(fk.name, fk.line) for fk in t.foreign_keys if not fk.validated] + \
                    [(c.name, c.line) for c in t.checks if not c.validated]:
                yield self.at(facts, f"constraint {name} on {t.key} is NOT VALID: existing rows were never checked", t,
                              line=line, remediation="validate it (online: SHARE UPDATE EXCLUSIVE)",
                              fix=f"ALTER TABLE {qt(facts, t)} VALIDATE CONSTRAINT {q(facts, name)};")
