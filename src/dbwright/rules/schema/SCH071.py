"""SCH071: Row-level security enabled with no policy: every row hidden."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class RlsEnabledNoPolicy(SchemaRule):
    """Row-level security enabled with no policy: every row hidden.

    ## What it does
    Flags tables with row-level security enabled and no policy.

    ## Why it matters
    With RLS on and no policy, every non-owner query sees zero rows and every write fails — usually a migration that enabled RLS and forgot the policy, or a table meant to be owner-only without saying so.

    ## Known problems
    Deny-all by design (only the owner or a BYPASSRLS role may read) is legitimate; add a comment.

    ## Example
    ```sql
    ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;  -- and no CREATE POLICY
    ```

    ## Use instead
    ```sql
    CREATE POLICY secrets_owner ON secrets USING (owner = current_user);
    ```

    ## References
    Supabase splinter 0008 rls_enabled_no_policy
    https://www.postgresql.org/docs/current/ddl-rowsecurity.html
    """

    code = "SCH071"
    name = "schema.rls_enabled_no_policy"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            if t.rls_enabled and not t.policies:
                yield self.at(facts, f"{t.key} has row-level security on but no policy: non-owners see no rows", t,
                              remediation="add the policies, or document deny-all",
                              fix=f"CREATE POLICY {q(facts, t.name + '_read')} ON {qt(facts, t)} FOR SELECT USING (<condition>);")
