"""SCH078: Extension installed in the public schema."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class ExtensionInPublic(SchemaRule):
    """Extension installed in the public schema.

    ## What it does
    Flags extensions (other than plpgsql) whose objects live in `public`.

    ## Why it matters
    Their functions, types and operators mix with the application's objects: dumps and diffs carry them, names collide, and anyone with CREATE on public can shadow them on the search_path.

    ## Known problems
    Moving an extension (`ALTER EXTENSION … SET SCHEMA`) is not supported by every extension and changes how its objects are referenced.

    ## Example
    ```sql
    CREATE EXTENSION pg_trgm;  -- lands in public
    ```

    ## Use instead
    ```sql
    CREATE SCHEMA extensions; ALTER EXTENSION pg_trgm SET SCHEMA extensions;
    ```

    ## References
    Supabase splinter 0014 extension_in_public
    https://www.postgresql.org/docs/current/sql-alterextension.html
    """

    code = "SCH078"
    name = "schema.extension_in_public"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for name, schema in sorted(facts.db.extensions.items()):
            if schema == "public":
                yield Finding(self.code, self.severity, f"extension {name} is installed in public",
                              Location(file=facts.db.file, path=f"public.{name}"), rationale=self.summary(),
                              remediation="install extensions in their own schema",
                              fix=f"CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION {name} SET SCHEMA extensions;")
