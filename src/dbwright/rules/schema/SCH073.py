"""SCH073: RLS policy that allows every row."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class PolicyAlwaysTrue(SchemaRule):
    """RLS policy that allows every row.

    ## What it does
    Flags permissive policies whose USING or WITH CHECK expression is the constant `true` for writes or for all commands.

    ## Why it matters
    A permissive `USING (true)` policy ORs every other policy away: for its roles, RLS checks nothing. On INSERT/UPDATE/DELETE it lets any row be written.

    ## Known problems
    `FOR SELECT USING (true)` on public reference data is a deliberate choice and is not reported.

    ## Example
    ```sql
    CREATE POLICY anyone ON orders FOR ALL USING (true);
    ```

    ## Use instead
    ```sql
    DROP POLICY anyone ON orders;
    CREATE POLICY own_orders ON orders FOR ALL USING (customer_id = current_setting('app.customer_id')::bigint);
    ```

    ## References
    Supabase splinter 0024 rls_policy_always_true
    """

    code = "SCH073"
    name = "schema.policy_always_true"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for p in t.policies:
                exprs = [e for e in (p.using, p.with_check) if e is not None]
                if p.permissive and p.command != "SELECT" and any(e.strip().lower() in ("true", "(true)") for e in exprs):
                    yield self.at(facts, f"policy {p.name} on {t.key} ({p.command}) allows every row", t,
                                  remediation="restrict it to the rows the roles own",
                                  fix=f"DROP POLICY {q(facts, p.name)} ON {qt(facts, t)};")
