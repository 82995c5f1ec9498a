"""SCH061: Names that break the database's dominant naming convention."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, ident_style


@register
class MixedNamingConvention(SchemaRule):
    """Names that break the database's dominant naming convention.

    ## What it does
    Finds the dominant style of table names and of column names (snake_case, camelCase, PascalCase, UPPER) and flags the names in another style.

    ## Why it matters
    Mixed conventions make every query a lookup of how this one table spells things; in PostgreSQL, non-lowercase names must also be double-quoted forever.

    ## Known problems
    Single-word lowercase names fit every style and are not flagged; an acronym (`URL`) trips the detector.

    ## Example
    ```sql
    CREATE TABLE order_line (orderId bigint, unit_price numeric);
    ```

    ## Use instead
    ```sql
    ALTER TABLE order_line RENAME COLUMN "orderId" TO order_id;
    ```

    ## References
    Azimutt entityNameInconsistent / attributeNameInconsistent
    """

    code = "SCH061"
    name = "schema.mixed_naming_convention"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        from collections import Counter

        def dominant(names: list[str]) -> str | None:
            styles = Counter(s for s in (ident_style(n) for n in names) if s != "lower")
            return styles.most_common(1)[0][0] if styles else None

        tables = facts.tables()
        tstyle = dominant([t.name for t in tables])
        cstyle = dominant([c.name for t in tables for c in t.columns])
        for t in tables:
            s = ident_style(t.name)
            if tstyle and s not in (tstyle, "lower"):
                yield self.at(facts, f"table {t.key} is {s}; most tables are {tstyle}", t,
                              remediation=f"rename to the {tstyle} form")
            for col in t.columns:
                s = ident_style(col.name)
                if cstyle and s not in (cstyle, "lower"):
                    yield self.at(facts, f"column {t.key}.{col.name} is {s}; most columns are {cstyle}", t, col.name,
                                  remediation=f"rename to the {cstyle} form")
