"""SCH015: Child rows owned by their parent, with no ON DELETE policy."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, cols_sql, q, qt


@register
class OwnedRowsWithoutDeletePolicy(SchemaRule):
    """Child rows owned by their parent, with no ON DELETE policy.

    ## What it does
    Flags foreign keys that are part of the child's primary key (identifying relationships: order lines of an order, a junction row of two entities) whose ON DELETE action is NO ACTION or RESTRICT.

    ## Why it matters
    The child cannot exist without the parent, yet deleting the parent fails until every child is deleted by hand, in the right order; applications then delete in loops or leave parents they cannot remove. Deciding the policy (CASCADE for owned rows, or RESTRICT on purpose) belongs in the schema.

    ## Known problems
    RESTRICT can be deliberate (deleting an order with lines must be impossible): then say so in a comment; the rule cannot tell intent.

    ## Example
    ```sql
    CREATE TABLE order_line (order_id bigint REFERENCES orders, line int, PRIMARY KEY (order_id, line));
    ```

    ## Use instead
    ```sql
    ALTER TABLE order_line DROP CONSTRAINT order_line_order_id_fkey,
      ADD CONSTRAINT order_line_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders ON DELETE CASCADE;
    ```

    ## References
    https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK (ON DELETE)
    """

    code = "SCH015"
    name = "schema.owned_rows_without_delete_policy"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for fk in t.foreign_keys:
                if set(fk.columns) <= set(t.primary_key) and fk.ref_key != t.key and \
                        fk.on_delete.upper() in ("NO ACTION", "RESTRICT"):
                    ref = facts.db.tables.get(fk.ref_key)
                    yield self.at(facts, f"{t.key} rows are identified by {fk.ref_key} ({', '.join(fk.columns)} in the key) "
                                  f"but ON DELETE is {fk.on_delete}", t, fk.columns[0], line=fk.line,
                                  remediation="decide the policy: ON DELETE CASCADE for owned rows, or document RESTRICT",
                                  fix=(f"ALTER TABLE {qt(facts, t)} DROP CONSTRAINT {q(facts, fk.name)}, ADD CONSTRAINT "
                                       f"{q(facts, fk.name)} FOREIGN KEY ({cols_sql(facts, fk.columns)}) REFERENCES "
                                       f"{qt(facts, ref) if ref else fk.ref_key} ({cols_sql(facts, fk.ref_columns)}) ON DELETE CASCADE;")
                                  if facts.pg else "")
