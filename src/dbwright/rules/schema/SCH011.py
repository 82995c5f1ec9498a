"""SCH011: Foreign-key column type differs from the referenced column's type."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, int_max, norm_type, q, qt, relation_pairs


@register
class ForeignKeyTypeMismatch(SchemaRule):
    """Foreign-key column type differs from the referenced column's type.

    ## What it does
    Flags foreign keys (declared, or inferred with high confidence) whose column types differ from the referenced key's types (e.g. integer → bigint, varchar(20) → varchar(40)).

    ## Why it matters
    Joins and FK checks then compare through a cast, which can stop index use; a narrower child column cannot hold every parent key (inserts fail once the parent outgrows it, e.g. integer children of a bigint key).

    ## Known problems
    Type aliases are compared as the engine reports them; `varchar(n)` vs `text` differing only in length limit is reported as info.

    ## Example
    ```sql
    CREATE TABLE invoice (customer_id integer REFERENCES customer (id));  -- customer.id is bigint
    ```

    ## Use instead
    ```sql
    ALTER TABLE invoice ALTER COLUMN customer_id TYPE bigint;
    ```

    ## References
    SchemaCrawler LinterForeignKeyMismatch; Azimutt relationMisaligned; pg-index-health foreign_key_with_unmatched_column_type
    """

    code = "SCH011"
    name = "schema.foreign_key_type_mismatch"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t, cols, ref, refcols, line in relation_pairs(facts, min_score=0.8):
            for c, rc in zip(cols, refcols, strict=False):
                a, b = t.column(c), ref.column(rc)
                if a is None or b is None or norm_type(a.type) == norm_type(b.type):
                    continue
                narrower = (int_max(a.type) or 0) < (int_max(b.type) or 0)
                sev = Severity.WARNING if narrower or norm_type(a.type).split("(")[0] != norm_type(b.type).split("(")[0] else Severity.INFO
                yield self.at(facts, f"{t.key}.{c} is {a.type} but references {ref.key}.{rc} ({b.type})", t, c, line=line,
                              severity=sev, remediation=f"make {c} the same type as {rc}",
                              fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, c)} TYPE {b.type};" if facts.pg else
                              f"ALTER TABLE {qt(facts, t)} MODIFY {q(facts, c)} {b.type};" if facts.mysql else "")
