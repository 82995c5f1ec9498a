"""MIG013: A column, table or database is dropped outside the contract phase."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    existing,
    loc,
    phase,
)


@register
class DropOutsideContract(Rule):
    """A column, table or database is dropped outside the contract phase.

    ## What it does
    Flags `DROP COLUMN`, `DROP TABLE` and `DROP DATABASE` unless the script is marked `-- dbwright: phase=contract`.

    ## Why it matters
    Application versions still running during a rolling deploy read the dropped object and fail; the data is gone and the step cannot be reversed.

    ## Known problems
    Tables created in the same script are exempt. MySQL/MariaDB `DROP COLUMN` is covered too.

    ## Example
    ```sql
        ALTER TABLE users DROP COLUMN legacy_name;
    ```

    ## Use instead
    ```sql
        -- dbwright: phase=contract   (after no deployed code reads legacy_name)
        ALTER TABLE users DROP COLUMN IF EXISTS legacy_name;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html
    """

    code = "MIG013"
    name = "migration.drop_outside_contract"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        if phase(script) == "contract":
            return
        for st in script.stmts:
            if st.kind in ("drop_table", "drop_database") and not st.created_in_script:
                yield self.finding(f"{st.kind.replace('_', ' ').upper()} outside the contract phase loses data "
                                   "that running code may still read", loc(script, st),
                                   "move it to a contract-phase migration after the code stops using it")
            for a in st.actions:
                if a.kind == "drop_column" and existing(st):
                    yield self.finding(f"DROP COLUMN {st.table}.{a.column} outside the contract phase",
                                       loc(script, st), "stop reading it first; drop it in the contract phase")
