"""SCH035: Same column name, different types in different tables."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, norm_type


@register
class InconsistentColumnTypes(SchemaRule):
    """Same column name, different types in different tables.

    ## What it does
    Flags column names used in several tables with different types (e.g. `customer_id integer` here, `customer_id bigint` there), ignoring primary keys named `id`.

    ## Why it matters
    Columns with the same name usually hold the same thing: different types mean joins with casts, and values that fit in one table but not the other.

    ## Known problems
    Generic names (`name`, `status`, `code`) can legitimately differ; review rather than fix blindly.

    ## Example
    ```sql
    CREATE TABLE a (customer_id integer); CREATE TABLE b (customer_id bigint);
    ```

    ## Use instead
    ```sql
    ALTER TABLE a ALTER COLUMN customer_id TYPE bigint;
    ```

    ## References
    SchemaCrawler LinterColumnTypes; Azimutt attributeTypeInconsistent
    """

    code = "SCH035"
    name = "schema.inconsistent_column_types"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        by_name: dict[str, dict[str, list[str]]] = {}
        for t in facts.tables():
            for col in t.columns:
                if col.name.lower() in ("id", "name", "description", "status", "type", "value", "code", "title", "note"):
                    continue
                by_name.setdefault(col.name, {}).setdefault(norm_type(col.type), []).append(t.key)
        for name, types in sorted(by_name.items()):
            if len(types) < 2:
                continue
            common = max(types, key=lambda k: len(types[k]))
            for typ, keys in types.items():
                if typ == common:
                    continue
                for key in keys:
                    t = facts.db.tables[key]
                    yield self.at(facts, f"{key}.{name} is {typ}; in {len(types[common])} other table(s) it is {common}",
                                  t, name, remediation=f"use one type for {name} everywhere")
