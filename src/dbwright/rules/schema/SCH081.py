"""SCH081: Autovacuum disabled on a table."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class AutovacuumDisabled(SchemaRule):
    """Autovacuum disabled on a table.

    ## What it does
    Flags tables with the storage parameter `autovacuum_enabled = false` (or `toast.autovacuum_enabled = false`).

    ## Why it matters
    Without vacuum, dead rows accumulate (bloat), visibility maps go stale (index-only scans stop working) and, eventually, the table forces an anti-wraparound vacuum at the worst moment — or the database stops accepting writes to avoid transaction-ID wraparound.

    ## Known problems
    Bulk-loaded tables sometimes disable it during the load; it must be re-enabled after.

    ## Example
    ```sql
    ALTER TABLE events SET (autovacuum_enabled = false);
    ```

    ## Use instead
    ```sql
    ALTER TABLE events RESET (autovacuum_enabled);
    ```

    ## References
    Supabase splinter 0030 autovacuum_disabled
    https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-WRAPAROUND
    """

    code = "SCH081"
    name = "schema.autovacuum_disabled"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for k in ("autovacuum_enabled", "toast.autovacuum_enabled"):
                if t.options.get(k, "").lower() in ("false", "off", "0", "no"):
                    yield self.at(facts, f"{t.key} has {k} = {t.options[k]}", t, remediation="re-enable autovacuum",
                                  fix=f"ALTER TABLE {qt(facts, t)} RESET ({k});")
