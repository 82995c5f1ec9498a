"""SCH085: Inactive replication slot retaining WAL."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class UnusedReplicationSlot(SchemaRule):
    """Inactive replication slot retaining WAL.

    ## What it does
    Flags replication slots that are not active, with the WAL they hold back (error above 1 GB).

    ## Why it matters
    A slot keeps every WAL segment its consumer has not confirmed: an abandoned slot fills the disk until the primary stops, and holds back vacuum's xmin horizon (bloat).

    ## Known problems
    A consumer briefly disconnected (a restarting replica, a Debezium connector) makes its slot inactive for a moment.

    ## Example
    ```sql
    -- slot debezium_old inactive, retaining 38 GB
    ```

    ## Use instead
    ```sql
    SELECT pg_drop_replication_slot('debezium_old');
    ```

    ## References
    Supabase splinter 0031 unused_replication_slot
    https://www.postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS
    """

    code = "SCH085"
    name = "schema.unused_replication_slot"
    severity = Severity.WARNING
    needs = ('statistics', 'postgresql')

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for s in facts.db.replication_slots:
            if s.active:
                continue
            gb = (s.retained_bytes or 0) / (1 << 30)
            sev = Severity.ERROR if (s.retained_bytes or 0) >= facts.cfg("slot_retained_error_bytes") else Severity.WARNING
            yield Finding(self.code, sev, f"{s.kind} replication slot {s.name} is inactive and retains {gb:.2f} GB of WAL",
                          Location(path=f"pg_replication_slots.{s.name}"), rationale=self.summary(),
                          remediation="drop it if its consumer is gone",
                          fix=f"SELECT pg_drop_replication_slot('{s.name}');")
