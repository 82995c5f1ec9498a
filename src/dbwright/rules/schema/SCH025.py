"""SCH025: Table with more indexes than its writes can afford."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class TooManyIndexes(SchemaRule):
    """Table with more indexes than its writes can afford.

    ## What it does
    Flags tables with more than 10 indexes (configurable).

    ## Why it matters
    Each index is written on every INSERT and on UPDATEs of its columns, and blocks heap-only (HOT) updates; ten indexes make a write ten index insertions. Often several are redundant (SCH020, SCH021) or unused (SCH023).

    ## Known problems
    Read-mostly tables can justify many indexes; the threshold is a prompt to review, not a limit.

    ## Example
    ```sql
    -- 14 indexes on orders
    ```

    ## Use instead
    ```sql
    -- drop the duplicates, prefixes and unused ones; combine single-column indexes into the composites queries use
    ```

    ## References
    Azimutt entityIndexTooMany
    """

    code = "SCH025"
    name = "schema.too_many_indexes"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        limit = int(facts.cfg("too_many_indexes"))
        for t in facts.tables():
            if len(t.indexes) > limit:
                yield self.at(facts, f"{t.key} has {len(t.indexes)} indexes (more than {limit})", t,
                              remediation="review them with SCH020/SCH021/SCH023 and usage statistics")
