"""SCH034: timetz column: a time of day with an offset means little."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class TimeWithTimeZone(SchemaRule):
    """timetz column: a time of day with an offset means little.

    ## What it does
    Flags `time with time zone` columns.

    ## Why it matters
    A time of day with a UTC offset cannot follow daylight-saving rules (the offset depends on the date) — PostgreSQL's own documentation discourages it.

    ## Known problems
    None known.

    ## Example
    ```sql
    CREATE TABLE shop (opens timetz);
    ```

    ## Use instead
    ```sql
    ALTER TABLE shop ALTER COLUMN opens TYPE time;  -- plus a zone name column, or store timestamptz
    ```

    ## References
    https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timetz
    https://www.postgresql.org/docs/current/datatype-datetime.html
    """

    code = "SCH034"
    name = "schema.time_with_time_zone"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for col in t.columns:
                if col.type.lower().startswith("time with time zone") or col.type.lower() == "timetz":
                    yield self.at(facts, f"{t.key}.{col.name} is {col.type}", t, col.name,
                                  remediation="use time plus a zone name, or timestamptz",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE time;")
