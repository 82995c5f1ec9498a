"""SCH021: Index whose columns are a leading prefix of another index."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, drop_index_sql, plain_columns


@register
class RedundantIndex(SchemaRule):
    """Index whose columns are a leading prefix of another index.

    ## What it does
    Flags a B-tree index whose columns are the first columns, in order, of another valid B-tree index with the same predicate (e.g. `(a)` beside `(a, b)`). Indexes backing constraints are never proposed for dropping.

    ## Why it matters
    The longer index serves every lookup and range scan the shorter one does; the shorter one costs writes and memory.

    ## Known problems
    The shorter index is smaller, so scans that read many of its entries are cheaper, and it may be the only one that fits in memory; a UNIQUE shorter index enforces something. Check with usage statistics (SCH023) before dropping.

    ## Example
    ```sql
    CREATE INDEX t_a ON t (a); CREATE INDEX t_a_b ON t (a, b);
    ```

    ## Use instead
    ```sql
    DROP INDEX CONCURRENTLY t_a;
    ```

    ## References
    SchemaCrawler LinterRedundantIndexes; Azimutt indexDuplicated; postgres-checkup H004
    """

    code = "SCH021"
    name = "schema.redundant_index"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            btree = [i for i in t.indexes if i.method.lower() in ("btree", "") and i.valid]
            for ix in btree:
                if ix.unique or ix.constraint or ix.primary:
                    continue
                longer = next((o for o in btree if o is not ix and len(o.columns) > len(ix.columns)
                               and o.columns[:len(ix.columns)] == ix.columns and (o.predicate or "") == (ix.predicate or "")),
                              None)
                if longer is not None:
                    yield self.at(facts, f"index {ix.name} ({', '.join(ix.columns)}) is a prefix of {longer.name} "
                                  f"({', '.join(longer.columns)})", t, ix.columns[0] if plain_columns(ix) else None,
                                  line=ix.line, remediation=f"drop {ix.name} once usage statistics confirm {longer.name} "
                                  "serves its queries", fix=drop_index_sql(facts, t, ix))
