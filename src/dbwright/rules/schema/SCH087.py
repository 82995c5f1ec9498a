"""SCH087: Table growing fast relative to its size."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class FastGrowingTable(SchemaRule):
    """Table growing fast relative to its size.

    ## What it does
    From the inserts counted since the statistics were reset, flags tables that would double within 90 days at the measured rate (and have at least 100,000 rows).

    ## Why it matters
    Growth is what turns a fine design into a problem: an unpartitioned table that doubles every quarter needs a retention or partitioning plan before its indexes outgrow memory.

    ## Known problems
    Deletes are not subtracted beyond what n_tup_del counts; bulk loads during the window inflate the rate.

    ## Example
    ```sql
    -- events: 40M rows, 900k inserts/day
    ```

    ## Use instead
    ```sql
    -- plan retention or partitioning: dbwright design with the table's growth in the spec
    ```

    ## References
    Azimutt entityGrowFast
    """

    code = "SCH087"
    name = "schema.fast_growing_table"
    severity = Severity.INFO
    needs = ('statistics',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        days = facts.stats_days()
        if not days or days < 1:
            return
        for t in facts.tables():
            if not t.rows or t.rows < 100_000 or not t.n_tup_ins:
                continue
            net = (t.n_tup_ins - (t.n_tup_del or 0)) / days
            if net > 0 and t.rows / net <= 90:
                yield self.at(facts, f"{t.key} grows by {net:,.0f} rows/day (measured over {days:.0f} days): it doubles in "
                              f"{t.rows / net:.0f} days", t, remediation="plan retention or partitioning")
