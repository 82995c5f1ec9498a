"""SCH083: Statement whose mean execution time is high."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class SlowQuery(SchemaRule):
    """Statement whose mean execution time is high.

    ## What it does
    Reports statements from pg_stat_statements whose mean execution time exceeds 100 ms (configurable), with their call counts.

    ## Why it matters
    Slow statements hold connections and locks longer, queue others behind them and are usually a missing index or a plan gone wrong; the mean over many calls is a measurement, not an anecdote.

    ## Known problems
    A report query run once a day may be slow on purpose; the total time (SCH084) says what matters most.

    ## Example
    ```sql
    -- mean 850 ms over 12,000 calls: SELECT … FROM orders WHERE lower(email) = $1
    ```

    ## Use instead
    ```sql
    -- EXPLAIN (ANALYZE, BUFFERS) the statement; dbwright indexes --dsn proposes the index
    ```

    ## References
    Azimutt queryTooSlow
    https://www.postgresql.org/docs/current/pgstatstatements.html
    """

    code = "SCH083"
    name = "schema.slow_query"
    severity = Severity.WARNING
    needs = ('statistics', 'postgresql')

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for i, qy in enumerate(facts.db.queries):
            if qy.mean_ms >= facts.cfg("slow_query_ms") and qy.calls >= 2:
                yield Finding(self.code, self.severity, f"mean {qy.mean_ms:,.0f} ms over {qy.calls:,} calls: "
                              f"{' '.join(qy.query.split())[:160]}", Location(path=f"pg_stat_statements[{i}]"),
                              rationale=self.summary(), remediation="EXPLAIN (ANALYZE, BUFFERS) it; index or rewrite it")
