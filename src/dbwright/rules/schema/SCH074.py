"""SCH074: Several permissive policies for the same role and command."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class MultiplePermissivePolicies(SchemaRule):
    """Several permissive policies for the same role and command.

    ## What it does
    Flags tables with more than one permissive policy applying to the same role and command (ALL counts for every command).

    ## Why it matters
    Permissive policies are ORed: each one is evaluated for every row, so queries pay for all of them, and a broad one silently widens the others.

    ## Known problems
    Combining is sometimes clearer as separate policies; the cost grows with the row count.

    ## Example
    ```sql
    CREATE POLICY a ON doc FOR SELECT TO app USING (owner = me());
    CREATE POLICY b ON doc FOR SELECT TO app USING (shared);
    ```

    ## Use instead
    ```sql
    CREATE POLICY doc_read ON doc FOR SELECT TO app USING (owner = me() OR shared);
    ```

    ## References
    Supabase splinter 0006 multiple_permissive_policies
    https://www.postgresql.org/docs/current/ddl-rowsecurity.html
    """

    code = "SCH074"
    name = "schema.multiple_permissive_policies"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            seen: dict[tuple[str, str], list[str]] = {}
            for p in t.policies:
                if not p.permissive:
                    continue
                for role in p.roles or ["public"]:
                    for cmd in (("SELECT", "INSERT", "UPDATE", "DELETE") if p.command == "ALL" else (p.command,)):
                        seen.setdefault((role, cmd), []).append(p.name)
            for (role, cmd), names in sorted(seen.items()):
                if len(names) > 1:
                    yield self.at(facts, f"{t.key}: {len(names)} permissive policies for {role} {cmd} ({', '.join(names)})",
                                  t, remediation="merge them into one policy with OR")
