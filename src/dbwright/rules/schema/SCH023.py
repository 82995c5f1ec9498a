"""SCH023: Index never scanned over a statistics period long enough to mean it."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, drop_index_sql


@register
class UnusedIndex(SchemaRule):
    """Index never scanned over a statistics period long enough to mean it.

    ## What it does
    Flags indexes with zero scans in `pg_stat_*_indexes` when the statistics have been collected for at least 7 days since `stats_reset` (configurable). Indexes that back a primary key, unique or exclusion constraint, or cover a foreign key are never reported: they work without being scanned.

    ## Why it matters
    An unused index costs every INSERT/UPDATE (no HOT updates on its columns), memory and backup size, and vacuum time.

    ## Known problems
    Counters are per server: an index used only on a replica, or by a monthly job after the window, looks unused. With `stats_reset` NULL the age of the counters is unknown and nothing is reported (a freshly started or restored server would otherwise call every index unused).

    ## Example
    ```sql
    -- idx_scan = 0 over 30 days of statistics
    CREATE INDEX orders_note_idx ON orders (note);
    ```

    ## Use instead
    ```sql
    DROP INDEX CONCURRENTLY orders_note_idx;
    ```

    ## References
    Supabase splinter 0005 unused_index; Azimutt indexUnused; postgres-checkup H002
    https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-INDEXES-VIEW
    """

    code = "SCH023"
    name = "schema.unused_index"
    severity = Severity.WARNING
    needs = ('statistics',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        days = facts.stats_days()
        if days is None or days < facts.cfg("unused_index_min_stats_days"):
            return
        for t in facts.tables():
            fk_cols = [fk.columns for fk in t.foreign_keys]
            for ix in t.indexes:
                if ix.scans != 0 or ix.primary or ix.unique or ix.constraint or not ix.valid:
                    continue
                if any(sorted(ix.columns[:len(c)]) == sorted(c) for c in fk_cols):
                    continue
                size = f", {ix.size_bytes / 1048576:.1f} MB" if ix.size_bytes else ""
                yield self.at(facts, f"index {ix.name} on {t.key} has not been scanned in {days:.0f} days of statistics "
                              f"(since {facts.db.stats_reset}){size}", t, line=ix.line,
                              remediation="confirm on replicas, then drop it", fix=drop_index_sql(facts, t, ix))
