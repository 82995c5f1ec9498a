"""SCH038: Column of a reg* type that pg_upgrade cannot carry."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class UnsupportedRegTypes(SchemaRule):
    """Column of a reg* type that pg_upgrade cannot carry.

    ## What it does
    Flags columns of OID-alias types (`regproc`, `regprocedure`, `regoper`, `regoperator`, `regconfig`, `regdictionary`, `regnamespace`, `regcollation`) in user tables.

    ## Why it matters
    They store OIDs, which differ after a dump and restore, and `pg_upgrade` refuses to upgrade a cluster that has them in user tables: the database is stuck on its major version.

    ## Known problems
    `regclass`, `regtype` and `regrole` are accepted by pg_upgrade and not reported.

    ## Example
    ```sql
    CREATE TABLE job (handler regproc);
    ```

    ## Use instead
    ```sql
    ALTER TABLE job ALTER COLUMN handler TYPE text USING handler::text;
    ```

    ## References
    Supabase splinter 0018 unsupported_reg_types
    https://www.postgresql.org/docs/current/pgupgrade.html
    """

    code = "SCH038"
    name = "schema.unsupported_reg_types"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        bad = ("regproc", "regprocedure", "regoper", "regoperator", "regconfig", "regdictionary", "regnamespace",
               "regcollation")
        for t in facts.tables():
            for col in t.columns:
                if col.type.lower().rstrip("[]") in bad:
                    yield self.at(facts, f"{t.key}.{col.name} is {col.type}: pg_upgrade refuses such columns", t, col.name,
                                  remediation="store the name as text",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE text USING "
                                      f"{q(facts, col.name)}::text;")
