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
    Flags identifier-like column names (`*_id`, `*_code`, `*_key`, `*_uuid`, `*_no`, `*_number`, `email`) used in several tables with different types (e.g. `customer_id integer` here, `customer_id bigint` there): one finding per name, at the tables in the minority type.

    ## Why it matters
    Columns with the same name usually hold the same thing: different types mean joins with casts, and values that fit in one table but not the other.

    ## Known problems
    Only identifier-like names are compared: those are the columns joined and compared across tables; free attributes with the same name may legitimately differ.

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
        import re

        ident = re.compile(r"(_id|_code|_key|_uuid|_no|_number|^email)$", re.I)
        by_name: dict[str, dict[str, list[str]]] = {}
        for t in facts.tables():
            for col in t.columns:
                if col.name.lower() == "id" or not ident.search(col.name):
                    continue
                by_name.setdefault(col.name, {}).setdefault(norm_type(col.type), []).append(t.key)
        for name, types in sorted(by_name.items()):
            if len(types) < 2:
                continue
            common = max(types, key=lambda k: len(types[k]))
            for typ, keys in types.items():
                if typ == common:
                    continue
                t = facts.db.tables[keys[0]]
                more = f" (and {len(keys) - 1} more: {', '.join(keys[1:4])}{'…' if len(keys) > 4 else ''})" if len(keys) > 1 else ""
                yield self.at(facts, f"{keys[0]}.{name} is {typ}{more}; in {len(types[common])} other table(s) it is "
                              f"{common}", t, name, remediation=f"use one type for {name} everywhere")
