"""MIG036: A table is referenced without a schema (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_stmts,
)


@register
class RequireTableSchema(Rule):
    """A table is referenced without a schema (opt-in).

    ## What it does
    When enabled, flags CREATE/ALTER/DROP TABLE on an unqualified, non-temporary table name.

    ## Why it matters
    An unqualified name resolves through search_path, which differs between roles and tools; a migration can then change the wrong schema.

    ## Known problems
    Off by default (enable with `--rule MIG036`), as in squawk.

    ## Example
    ```sql
        CREATE TABLE my_table (id bigint);
    ```

    ## Use instead
    ```sql
        CREATE TABLE public.my_table (id bigint);
    ```

    ## References
    https://www.postgresql.org/docs/current/ddl-schemas.html#DDL-SCHEMAS-PATH
    """

    code = "MIG036"
    name = "migration.require_table_schema"
    bundle = "migration"
    severity = Severity.INFO
    opt_in = True

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "create_table", "create_table_as", "alter_table", "drop_table"):
            if not st.temporary:
                qualified = st.schema or "." in "".join(st.detail.get("objects", []))
                if not qualified:
                    yield self.finding(f"{st.table} is not schema-qualified", loc(script, st),
                                       "qualify it (public.t)")
