"""SCH080: Table with a large share of dead rows."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class TableBloat(SchemaRule):
    """Table with a large share of dead rows.

    ## What it does
    Flags tables whose dead tuples (`n_dead_tup`) exceed 20% of live plus dead rows and 10,000 rows.

    ## Why it matters
    Dead rows take space and are read by sequential scans until vacuum reclaims them; a table that keeps them is either not vacuumed often enough (autovacuum thresholds too high for its size, or blocked by a long transaction) or updated faster than vacuum runs.

    ## Known problems
    Counters are estimates and reset with the statistics; right after a bulk update the share is high until autovacuum catches up.

    ## Example
    ```sql
    -- n_dead_tup 4.1M of 9M rows
    ```

    ## Use instead
    ```sql
    VACUUM (VERBOSE, ANALYZE) orders;
    ALTER TABLE orders SET (autovacuum_vacuum_scale_factor = 0.02);
    ```

    ## References
    Supabase splinter 0020 table_bloat; Azimutt entityNotClean
    https://www.postgresql.org/docs/current/routine-vacuuming.html
    """

    code = "SCH080"
    name = "schema.table_bloat"
    severity = Severity.WARNING
    needs = ('statistics', 'postgresql')

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            dead, live = t.n_dead_tup or 0, t.rows or 0
            if dead >= facts.cfg("bloat_min_dead") and dead > facts.cfg("bloat_dead_share") * (dead + live):
                yield self.at(facts, f"{t.key} has {dead:,} dead rows ({dead / (dead + live):.0%} of all rows)", t,
                              remediation="vacuum it and lower its autovacuum scale factor; look for long transactions",
                              fix=f"VACUUM (ANALYZE) {qt(facts, t)};\nALTER TABLE {qt(facts, t)} SET "
                                  "(autovacuum_vacuum_scale_factor = 0.02);")
