"""SCH043: Polymorphic reference (*_type + *_id) that no foreign key can enforce."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, is_text


@register
class PolymorphicAssociation(SchemaRule):
    """Polymorphic reference (*_type + *_id) that no foreign key can enforce.

    ## What it does
    Flags pairs of columns `<x>_type` (text) and `<x>_id` in one table, where `<x>_id` has no foreign key — the Rails-style `commentable_type/commentable_id` association pointing at different tables depending on the type.

    ## Why it matters
    The database cannot check that the id exists in the table the type names: orphans accumulate, deletes do not cascade, joins need a CASE per type, and the type strings (class names) leak application naming into the data.

    ## Known problems
    A `*_type` column that is a plain category next to a real FK is not polymorphic; the rule skips pairs whose id is declared as a foreign key.

    ## Example
    ```sql
    CREATE TABLE comment (id bigint PRIMARY KEY, commentable_type text, commentable_id bigint);
    ```

    ## Use instead
    ```sql
    -- one nullable FK per target, with exactly one set:
    ALTER TABLE comment ADD COLUMN post_id bigint REFERENCES post, ADD COLUMN photo_id bigint REFERENCES photo,
      ADD CHECK (num_nonnulls(post_id, photo_id) = 1);
    ```

    ## References
    https://guides.rubyonrails.org/association_basics.html#polymorphic-associations (the pattern)
    https://www.postgresql.org/docs/current/functions-comparison.html (num_nonnulls)
    """

    code = "SCH043"
    name = "schema.polymorphic_association"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            fk_cols = {c for fk in t.foreign_keys for c in fk.columns}
            names = {c.name.lower(): c for c in t.columns}
            for col in t.columns:
                low = col.name.lower()
                if not low.endswith("_type") or not is_text(col):
                    continue
                base = low[:-5]
                idc = names.get(base + "_id")
                if idc is not None and idc.name not in fk_cols:
                    yield self.at(facts, f"{t.key}.({col.name}, {idc.name}) is a polymorphic reference: no foreign key "
                                  "checks the id against the table the type names", t, idc.name,
                                  remediation="one nullable foreign key per target table with a CHECK that exactly one is set, "
                                              "or a supertype table both targets reference")
