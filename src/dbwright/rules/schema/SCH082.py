"""SCH082: Table never read over a statistics period long enough to mean it."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class UnusedTable(SchemaRule):
    """Table never read over a statistics period long enough to mean it.

    ## What it does
    Flags tables with zero sequential and index scans over at least 7 days of statistics (since `stats_reset`).

    ## Why it matters
    A table nothing reads is either dead (a feature removed, a copy left behind) or only written (an audit log): both deserve a decision.

    ## Known problems
    Counters are per server: a table read only on replicas or by a monthly job looks unused. With `stats_reset` NULL the age is unknown and nothing is reported.

    ## Example
    ```sql
    -- orders_backup_2021: 0 scans in 45 days
    ```

    ## Use instead
    ```sql
    DROP TABLE orders_backup_2021;  -- after checking replicas and jobs
    ```

    ## References
    Azimutt entityUnused
    https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-TABLES-VIEW
    """

    code = "SCH082"
    name = "schema.unused_table"
    severity = Severity.INFO
    needs = ('statistics',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        days = facts.stats_days()
        if days is None or days < facts.cfg("unused_index_min_stats_days"):
            return
        for t in facts.tables():
            if t.seq_scan == 0 and (t.idx_scan or 0) == 0 and t.rows:
                yield self.at(facts, f"{t.key} ({t.rows:,} rows) has not been read in {days:.0f} days of statistics", t,
                              remediation="check replicas and jobs, then archive or drop it")
