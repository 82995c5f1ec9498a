"""SCH026: Indexes take more space than the table itself."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class IndexesHeavierThanTable(SchemaRule):
    """Indexes take more space than the table itself.

    ## What it does
    Flags tables whose indexes together are more than twice the table's size (and at least 10 MB).

    ## Why it matters
    Indexes compete with table pages for memory; writes pay for all of them. Over-indexing, bloated indexes (never rebuilt after mass deletes) and wide composite indexes show up here.

    ## Known problems
    Narrow tables with many selective indexes can legitimately have heavy indexes; sizes from statistics include bloat.

    ## Example
    ```sql
    -- table 200 MB, indexes 900 MB
    ```

    ## Use instead
    ```sql
    REINDEX TABLE CONCURRENTLY big_table;  -- if bloated; else drop unused/redundant indexes
    ```

    ## References
    Azimutt entityIndexTooHeavy
    """

    code = "SCH026"
    name = "schema.indexes_heavier_than_table"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        ratio = facts.cfg("heavy_index_ratio")
        for t in facts.tables():
            if t.table_bytes and t.index_bytes and t.index_bytes >= facts.cfg("heavy_index_min_bytes") and \
                    t.index_bytes > ratio * t.table_bytes:
                yield self.at(facts, f"{t.key}: indexes {t.index_bytes / 1048576:.0f} MB are {t.index_bytes / t.table_bytes:.1f}× "
                              f"the table ({t.table_bytes / 1048576:.0f} MB)", t,
                              remediation="drop unused or redundant indexes, rebuild bloated ones",
                              fix=f"REINDEX TABLE CONCURRENTLY {qt(facts, t)};" if facts.pg else "")
