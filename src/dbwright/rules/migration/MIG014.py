"""MIG014: A column or table is renamed in place, breaking the application version still running."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    phase,
)


@register
class RenameOutsideContract(Rule):
    """A column or table is renamed in place, breaking the application version still running.

    ## What it does
    Flags `RENAME COLUMN`, `RENAME TO` (and MySQL `CHANGE old new`) unless the script is marked `-- dbwright: phase=contract` (or `phase=switch`, where dbwright's plans swap a shadow column in under the old name).

    ## Why it matters
    The rename is instant, but every query of the running application version that uses the old name fails from that moment until the new version is deployed.

    ## Known problems
    A rename inside a view-backed compatibility layer is safe; dbwright cannot see views from a script.

    ## Example
    ```sql
        ALTER TABLE users RENAME COLUMN name TO full_name;
    ```

    ## Use instead
    ```sql
        -- expand: ADD COLUMN full_name; dual-write (trigger); backfill; switch reads; contract: DROP COLUMN name
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html
    """

    code = "MIG014"
    name = "migration.rename_outside_contract"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        if phase(script) in ("contract", "switch"):
            return  # planned: the contract phase, or the switch phase's column swap
        for st in script.stmts:
            for a in st.actions:
                renamed = a.kind in ("rename_column", "rename_table") or a.extra.get("renamed_from")
                if renamed and not st.created_in_script:
                    what = "table" if a.kind == "rename_table" else "column"
                    yield self.finding(f"renaming {what} of {st.table} breaks queries of the running version",
                                       loc(script, st), "expand/contract: add the new name, dual-write, "
                                       "backfill, switch reads, drop the old one later")
