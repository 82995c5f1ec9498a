"""SCH020: Two indexes with the same columns, method and predicate."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.model.database import Index
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, drop_index_sql, plain_columns


@register
class DuplicateIndex(SchemaRule):
    """Two indexes with the same columns, method and predicate.

    ## What it does
    Flags indexes of one table that index the same columns (or expressions), in the same order, with the same method, predicate and included columns. When one backs a constraint, the other is the one to drop.

    ## Why it matters
    Each copy costs every write and its size in memory and backups, and serves nothing the other does not.

    ## Known problems
    A UNIQUE and a plain index on the same columns are duplicates for reads; the unique one enforces something and is kept.

    ## Example
    ```sql
    CREATE INDEX a ON t (x); CREATE INDEX b ON t (x);
    ```

    ## Use instead
    ```sql
    DROP INDEX CONCURRENTLY b;
    ```

    ## References
    Supabase splinter 0009 duplicate_index; Azimutt indexDuplicated; pg-index-health duplicated_indexes
    """

    code = "SCH020"
    name = "schema.duplicate_index"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            seen: dict[tuple[object, ...], Index] = {}
            for ix in sorted(t.indexes, key=lambda i: (not (i.constraint or i.primary), not i.unique, i.name)):
                k = (tuple(ix.columns), ix.method.lower(), ix.predicate or "", tuple(ix.include))
                keep = seen.get(k)
                if keep is None:
                    seen[k] = ix
                    continue
                if ix.constraint or ix.primary:
                    continue  # two constraints: dropping one changes semantics, SCH013/SCH001 territory
                yield self.at(facts, f"index {ix.name} on {t.key} ({', '.join(ix.columns)}) duplicates {keep.name}", t,
                              ix.columns[0] if plain_columns(ix) else None, line=ix.line,
                              remediation=f"drop {ix.name}; {keep.name} serves the same lookups",
                              fix=drop_index_sql(facts, t, ix))
