"""SCH076: View over a row-level-security table runs with its owner's rights."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class ViewBypassesRls(SchemaRule):
    """View over a row-level-security table runs with its owner's rights.

    ## What it does
    Flags PostgreSQL views that read a table with row-level security while `security_invoker` is not set (PostgreSQL 15+).

    ## Why it matters
    A view checks RLS and permissions as its owner, usually the table owner, to whom RLS does not apply: selecting from the view returns every tenant's rows to anyone allowed to read the view.

    ## Known problems
    Views meant to expose aggregated or public data on purpose are fine; PostgreSQL < 15 has no security_invoker (use a security-barrier function instead).

    ## Example
    ```sql
    CREATE VIEW my_orders AS SELECT * FROM orders;  -- orders has RLS
    ```

    ## Use instead
    ```sql
    ALTER VIEW my_orders SET (security_invoker = on);
    ```

    ## References
    Supabase splinter 0010 security_definer_view
    https://www.postgresql.org/docs/current/sql-createview.html (security_invoker)
    """

    code = "SCH076"
    name = "schema.view_bypasses_rls"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        rls = {t.name.lower(): t for t in facts.tables() if t.rls_enabled}
        if not rls:
            return
        for v in facts.db.tables.values():
            if v.kind != "view" or not v.view_definition or v.options.get("security_invoker") in ("true", "on", "1"):
                continue
            used = [n for n in rls if re.search(rf"\b{re.escape(n)}\b", v.view_definition, re.I)]
            if used:
                yield self.at(facts, f"view {v.key} reads {', '.join(used)} (row-level security) with its owner's rights", v,
                              remediation="set security_invoker so RLS applies to the caller",
                              fix=f"ALTER VIEW {qt(facts, v)} SET (security_invoker = on);")
