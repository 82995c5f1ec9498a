"""SCH075: RLS policy re-evaluates a function per row."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class PolicyPerRowFunction(SchemaRule):
    """RLS policy re-evaluates a function per row.

    ## What it does
    Flags policies whose expression calls `current_setting()`, `current_user`-style helpers or `auth.*()` functions directly instead of inside a scalar subquery `(select …)`.

    ## Why it matters
    A function call in a policy is evaluated for every row scanned; wrapped in `(select …)` the planner runs it once per query (an InitPlan). On large tables the difference is orders of magnitude.

    ## Known problems
    Functions that depend on the row (take a column argument) must be per row and are not reported.

    ## Example
    ```sql
    CREATE POLICY p ON t USING (tenant_id = current_setting('app.tenant')::bigint);
    ```

    ## Use instead
    ```sql
    CREATE POLICY p ON t USING (tenant_id = (select current_setting('app.tenant')::bigint));
    ```

    ## References
    Supabase splinter 0003 auth_rls_initplan
    https://supabase.com/docs/guides/database/postgres/row-level-security#call-functions-with-select
    """

    code = "SCH075"
    name = "schema.policy_per_row_function"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        call = re.compile(r"(current_setting\s*\(|auth\.\w+\s*\()", re.I)
        for t in facts.tables():
            for p in t.policies:
                for expr in (p.using, p.with_check):
                    if expr and call.search(expr) and not re.search(r"\(\s*select\b", expr, re.I):
                        yield self.at(facts, f"policy {p.name} on {t.key} calls a function per row: {expr[:80]}", t,
                                      remediation="wrap the call in a scalar subquery: (select current_setting(...))")
                        break
