"""SCH077: SECURITY DEFINER function without a fixed search_path."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class SecurityDefinerSearchPath(SchemaRule):
    """SECURITY DEFINER function without a fixed search_path.

    ## What it does
    Flags functions declared SECURITY DEFINER that do not set `search_path` in their configuration.

    ## Why it matters
    The function runs with its owner's rights but resolves names through the caller's search_path: a caller who can create objects in a schema on that path can plant a function or operator the definer then calls — privilege escalation.

    ## Known problems
    Functions that schema-qualify every name are safe in practice, but the setting is the documented defence.

    ## Example
    ```sql
    CREATE FUNCTION admin_reset() RETURNS void SECURITY DEFINER LANGUAGE sql AS $$ DELETE FROM audit $$;
    ```

    ## Use instead
    ```sql
    ALTER FUNCTION admin_reset() SET search_path = pg_catalog, public;
    ```

    ## References
    Supabase splinter 0011 function_search_path_mutable
    https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY
    """

    code = "SCH077"
    name = "schema.security_definer_search_path"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for f in facts.db.functions:
            if f.security_definer and not any(c.lower().startswith("search_path=") for c in f.config):
                yield Finding(self.code, self.severity, f"SECURITY DEFINER function {f.signature} has no fixed search_path",
                              Location(file=facts.db.file, path=f"{f.schema}.{f.name}"), rationale=self.summary(),
                              remediation="pin the search_path in the function's settings",
                              fix=f"ALTER FUNCTION {f.signature} SET search_path = pg_catalog, {f.schema};")
