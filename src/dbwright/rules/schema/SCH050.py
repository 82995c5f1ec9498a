"""SCH050: Entity-attribute-value table: attributes stored as rows."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class EntityAttributeValue(SchemaRule):
    """Entity-attribute-value table: attributes stored as rows.

    ## What it does
    Flags tables with a reference column, an attribute-name column (`attribute`, `key`, `name`, `property`, `field`) and a generic value column (`value`, `val`), the EAV pattern.

    ## Why it matters
    Types, NOT NULL, CHECKs and foreign keys cannot apply per attribute (every value is text), each entity read is a pivot over many rows, and statistics cannot describe the distribution of one attribute.

    ## Known problems
    Truly open-ended user-defined attributes are the one case for it; jsonb with GIN indexes is usually the better tool for those.

    ## Example
    ```sql
    CREATE TABLE product_attr (product_id bigint, attribute text, value text, PRIMARY KEY (product_id, attribute));
    ```

    ## Use instead
    ```sql
    -- known attributes as typed columns; open-ended ones as: ALTER TABLE product ADD COLUMN attrs jsonb;
    ```

    ## References
    https://en.wikipedia.org/wiki/Entity%E2%80%93attribute%E2%80%93value_model
    """

    code = "SCH050"
    name = "schema.entity_attribute_value"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        names = {"attribute", "attr", "key", "name", "property", "field", "attribute_name", "param", "parameter"}
        values = {"value", "val", "attribute_value", "value_text", "string_value"}
        for t in facts.tables():
            cols = {c.name.lower() for c in t.columns}
            refs = {c for fk in t.foreign_keys for c in fk.columns} | {c for r in facts.relations if r.table == t.key
                                                                         for c in r.columns}
            a, v = cols & names, cols & values
            if a and v and refs and len(t.columns) <= 6:
                yield self.at(facts, f"{t.key} stores attributes as rows ({sorted(a)[0]}, {sorted(v)[0]}): "
                              "entity-attribute-value", t, sorted(v)[0],
                              remediation="typed columns for known attributes, jsonb for open-ended ones")
