"""SCH001: Table without a primary key."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class NoPrimaryKey(SchemaRule):
    """Table without a primary key.

    ## What it does
    Flags base tables with no PRIMARY KEY (views, partitions and inheritance children are exempt).

    ## Why it matters
    Without a key nothing stops duplicate rows, rows cannot be addressed one by one (updates by the application, ORMs, logical replication of UPDATE/DELETE need a replica identity), and the planner has no uniqueness to exploit.

    ## Known problems
    A log table written append-only and read by time ranges may not need one; a UNIQUE NOT NULL column is a key in all but name (the message says so).

    ## Example
    ```sql
    CREATE TABLE event_log (at timestamptz, message text);
    ```

    ## Use instead
    ```sql
    ALTER TABLE event_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
    ```

    ## References
    Supabase splinter 0004 no_primary_key; SchemaCrawler LinterTableWithNoPrimaryKey; Azimutt primaryKeyMissing
    https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS
    """

    code = "SCH001"
    name = "schema.no_primary_key"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if t.primary_key or t.inherits:
                continue
            alt = next((u for u in t.unique_sets() if all(not (c := t.column(x)) or not c.nullable for x in u)), None)
            hint = f"; UNIQUE ({', '.join(alt)}) on NOT NULL columns could be promoted" if alt else ""
            fix = (f"ALTER TABLE {qt(facts, t)} ADD PRIMARY KEY USING INDEX <the unique index>;" if alt and facts.pg
                   else f"ALTER TABLE {qt(facts, t)} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;"
                   if facts.pg else f"ALTER TABLE {qt(facts, t)} ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY;"
                   if facts.mysql else "-- SQLite: recreate the table with a PRIMARY KEY column")
            yield self.at(facts, f"{t.key} has no primary key{hint}", t, fix=fix,
                          remediation="declare the natural key as PRIMARY KEY, or add a surrogate identity key")
