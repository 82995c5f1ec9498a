"""SCH072: Policies exist but row-level security is off: they are ignored."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class PolicyWithoutRls(SchemaRule):
    """Policies exist but row-level security is off: they are ignored.

    ## What it does
    Flags tables that have RLS policies while row-level security is disabled.

    ## Why it matters
    The policies look like protection in every review, yet PostgreSQL ignores them until RLS is enabled: every row is visible to anyone with SELECT.

    ## Known problems
    None known: enable it or drop the policies.

    ## Example
    ```sql
    CREATE POLICY p ON accounts USING (owner = current_user);  -- RLS never enabled
    ```

    ## Use instead
    ```sql
    ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
    ```

    ## References
    Supabase splinter 0007 policy_exists_rls_disabled
    https://www.postgresql.org/docs/current/sql-createpolicy.html
    """

    code = "SCH072"
    name = "schema.policy_without_rls"
    severity = Severity.ERROR
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if t.policies and not t.rls_enabled:
                yield self.at(facts, f"{t.key} has {len(t.policies)} polic(ies) ({', '.join(p.name for p in t.policies)}) but "
                              "row-level security is off: they are not applied", t,
                              remediation="enable row-level security", fix=f"ALTER TABLE {qt(facts, t)} ENABLE ROW LEVEL SECURITY;")
