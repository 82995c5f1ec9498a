"""SCH084: Statement that takes a large share of the database's execution time."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class ExpensiveQuery(SchemaRule):
    """Statement that takes a large share of the database's execution time.

    ## What it does
    Reports statements from pg_stat_statements whose total execution time is more than 20% of all statements' total.

    ## Why it matters
    Where the time goes: speeding up the statement that takes half of all execution time helps more than fixing ten slow rare ones.

    ## Known problems
    Totals accumulate since the last reset; an old one-off can dominate.

    ## Example
    ```sql
    -- 46% of total execution time: SELECT … FROM track WHERE genre_id = $1
    ```

    ## Use instead
    ```sql
    -- EXPLAIN it; cache it (dbwright design's caching section) or index it
    ```

    ## References
    Azimutt queryExpensive
    https://www.postgresql.org/docs/current/pgstatstatements.html
    """

    code = "SCH084"
    name = "schema.expensive_query"
    severity = Severity.INFO
    needs = ('statistics', 'postgresql')

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        total = sum(q.total_ms for q in facts.db.queries)
        if total <= 0:
            return
        for i, qy in enumerate(facts.db.queries):
            share = qy.total_ms / total
            if share >= facts.cfg("expensive_query_share"):
                yield Finding(self.code, self.severity, f"{share:.0%} of all execution time ({qy.calls:,} calls, mean "
                              f"{qy.mean_ms:.2f} ms): {' '.join(qy.query.split())[:160]}",
                              Location(path=f"pg_stat_statements[{i}]"), rationale=self.summary(),
                              remediation="optimize or cache this statement first")
