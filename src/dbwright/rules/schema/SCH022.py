"""SCH022: Index left invalid by a failed CREATE INDEX CONCURRENTLY."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q


@register
class InvalidIndex(SchemaRule):
    """Index left invalid by a failed CREATE INDEX CONCURRENTLY.

    ## What it does
    Flags indexes PostgreSQL marks not valid or not ready (`indisvalid`/`indisready` false).

    ## Why it matters
    An invalid index is never used by queries but is still updated on every write; a unique one may not enforce uniqueness. It is what a failed or cancelled concurrent build leaves behind.

    ## Known problems
    An index being built concurrently right now is also invalid until the build ends.

    ## Example
    ```sql
    CREATE INDEX CONCURRENTLY t_a ON t (a);  -- cancelled half-way
    ```

    ## Use instead
    ```sql
    DROP INDEX CONCURRENTLY IF EXISTS t_a;
    CREATE INDEX CONCURRENTLY t_a ON t (a);  -- or REINDEX INDEX CONCURRENTLY t_a
    ```

    ## References
    Supabase splinter 0030 invalid_index; postgres-checkup H001
    https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    """

    code = "SCH022"
    name = "schema.invalid_index"
    severity = Severity.ERROR
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for ix in t.indexes:
                if not ix.valid:
                    yield self.at(facts, f"index {ix.name} on {t.key} is invalid (a failed concurrent build)", t, line=ix.line,
                                  remediation="rebuild it concurrently",
                                  fix=f"REINDEX INDEX CONCURRENTLY {q(facts, t.schema)}.{q(facts, ix.name)};")
