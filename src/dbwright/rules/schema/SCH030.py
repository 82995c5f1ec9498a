"""SCH030: Instant stored as timestamp without time zone."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, instant_name, q, qt


@register
class TimestampWithoutTimeZone(SchemaRule):
    """Instant stored as timestamp without time zone.

    ## What it does
    Flags `timestamp` (without time zone) / `datetime` columns whose names say they record an instant (`*_at`, `created`, `updated`, `*_time`, `*_ts`, `last_update`, …).

    ## Why it matters
    `timestamp` stores a wall-clock reading with no zone: the same value means different instants for clients in different zones, daylight-saving changes make an hour ambiguous, and `now()` is silently converted with the session's TimeZone. `timestamptz` stores the instant (UTC) and converts on the way out. MySQL's `DATETIME` has the same problem (its `TIMESTAMP` is UTC but ends in 2038).

    ## Known problems
    Local times that are meant as wall-clock readings (opening hours, a birthday at 00:00 local, a schedule in a fixed zone) are correct as `timestamp` — rename them or add a comment.

    ## Example
    ```sql
    CREATE TABLE orders (placed_at timestamp NOT NULL DEFAULT now());
    ```

    ## Use instead
    ```sql
    ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz USING placed_at AT TIME ZONE 'UTC';  -- state the zone the values were written in
    ```

    ## References
    https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29
    https://www.postgresql.org/docs/current/datatype-datetime.html
    """

    code = "SCH030"
    name = "schema.timestamp_without_time_zone"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for col in t.columns:
                typ = col.type.lower()
                naive = typ.startswith("timestamp") and "with time zone" not in typ and "tz" not in typ.split("(")[0]
                if facts.mysql:
                    naive = typ.startswith("datetime")
                if facts.db.engine == "sqlite":
                    naive = typ.startswith(("timestamp", "datetime"))
                if not naive or not instant_name(col.name):
                    continue
                fix = (f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE timestamptz USING "
                       f"{q(facts, col.name)} AT TIME ZONE 'UTC';" if facts.pg else
                       "-- store UTC and convert in the application (MySQL TIMESTAMP ends in 2038)")
                yield self.at(facts, f"{t.key}.{col.name} ({col.type}) records an instant without its time zone", t,
                              col.name, remediation="use timestamptz (stating the zone existing values were written in)",
                              fix=fix)
