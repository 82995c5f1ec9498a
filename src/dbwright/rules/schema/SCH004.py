"""SCH004: Integer key approaching the end of its type's range at the measured growth."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, current_value, int_max, q, qt


@register
class IntegerKeyOverflow(SchemaRule):
    """Integer key approaching the end of its type's range at the measured growth.

    ## What it does
    For every integer column fed by a sequence, identity or AUTO_INCREMENT, compares the current value with the type's maximum, and projects when it runs out from the insert rate measured since the statistics were reset (`n_tup_ins` / statistics age). Error when the projection is inside the horizon (365 days) or more than 85% is used; warning past 50%.

    ## Why it matters
    When an `integer` key reaches 2,147,483,647 every INSERT fails: an outage whose fix (a bigint rewrite of the table and of every referencing column) takes hours on a large table. Found early it is an online migration.

    ## Known problems
    The projection assumes the measured rate continues; bulk loads and deletes skew it. Without statistics only the used share is reported.

    ## Example
    ```sql
    CREATE TABLE orders (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);  -- at 1.9 billion
    ```

    ## Use instead
    ```sql
    -- online: add a bigint column, backfill in batches, swap (dbwright migrate plan does the phases)
    ALTER TABLE orders ALTER COLUMN id TYPE bigint;  -- only for small tables: rewrites under ACCESS EXCLUSIVE
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-INT
    https://dev.mysql.com/doc/refman/8.0/en/integer-types.html
    """

    code = "SCH004"
    name = "schema.integer_key_overflow"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        days = facts.stats_days()
        for t in facts.tables():
            for col in t.columns:
                top = int_max(col.type)
                if top is None or not col.identity or top >= 2**63 - 1:
                    continue
                current = current_value(facts, t, col.name)
                if current is None:
                    continue
                share = current / top
                growth = (t.n_tup_ins or 0) / days if days and t.n_tup_ins else None
                left = (top - current) / growth if growth else None
                sev = None
                if share >= facts.cfg("overflow_error_share") or (left is not None and left <= facts.cfg("overflow_horizon_days")):
                    sev = Severity.ERROR
                elif share >= facts.cfg("overflow_warn_share"):
                    sev = Severity.WARNING
                if sev is None:
                    continue
                when = (f"; at {growth:,.0f} inserts/day (measured over {days:.0f} days) it runs out in {left:,.0f} days"
                        if left is not None else "")
                yield self.at(facts, f"{t.key}.{col.name} ({col.type}) is at {current:,} of {top:,} ({share:.0%}){when}",
                              t, col.name, severity=sev,
                              remediation="migrate the key (and every column referencing it) to bigint online",
                              fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE bigint;  -- rewrites; "
                                  "for large tables use an expand/backfill/swap plan" if facts.pg else
                                  f"ALTER TABLE {qt(facts, t)} MODIFY {q(facts, col.name)} BIGINT NOT NULL AUTO_INCREMENT;")
