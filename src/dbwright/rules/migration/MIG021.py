"""MIG021: An enum change that old code or the same transaction cannot cope with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg,
    stmts_with_tx,
)


@register
class EnumChangeHazard(Rule):
    """An enum change that old code or the same transaction cannot cope with.

    ## What it does
    Flags `ALTER TYPE … RENAME VALUE` (running code still writes the old label), and a new enum value used in the transaction that added it (PostgreSQL refuses: 'unsafe use of new value').

    ## Why it matters
    Enum values cannot be removed; renaming one breaks every deployed writer of the old label; a freshly added value is unusable until commit.

    ## Known problems
    Detects use of the new value only as a literal in later statements of the same transaction.

    ## Example
    ```sql
        BEGIN;
        ALTER TYPE mood ADD VALUE 'great';
        UPDATE people SET mood = 'great' WHERE id = 1;
        COMMIT;
    ```

    ## Use instead
    ```sql
        ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great' AFTER 'ok';  -- commit, then use it
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertype.html#SQL-ALTERTYPE-NOTES
    """

    code = "MIG021"
    name = "migration.enum_change_hazard"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        if not pg(script):
            return
        added: dict[str, int] = {}
        for st, tx in stmts_with_tx(script):
            if st.kind == "alter_enum" and st.detail.get("rename"):
                yield self.finding(f"RENAME VALUE on {st.table} breaks deployed code writing "
                                   f"'{st.detail.get('old_value')}'", loc(script, st),
                                   "add the new value, migrate rows in batches, stop writing the old one")
            elif st.kind == "alter_enum":
                added[str(st.detail.get("new_value"))] = tx
            elif st.in_transaction:
                for val, atx in added.items():
                    if atx == tx and f"'{val}'" in st.sql:
                        yield self.finding(f"enum value '{val}' is used in the transaction that added it",
                                           loc(script, st), "commit after ADD VALUE")
