"""MIG005: A PRIMARY KEY or UNIQUE constraint is built while ACCESS EXCLUSIVE is held."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    existing,
    loc,
    pg_stmts,
)


@register
class UniqueUnderExclusiveLock(Rule):
    """A PRIMARY KEY or UNIQUE constraint is built while ACCESS EXCLUSIVE is held.

    ## What it does
    Flags `ADD CONSTRAINT … PRIMARY KEY|UNIQUE (cols)` and `ADD COLUMN … PRIMARY KEY|UNIQUE` on an existing table (not `USING INDEX`).

    ## Why it matters
    The index behind the constraint is built under ACCESS EXCLUSIVE: no reads or writes for the whole build. Duplicates found at the end roll everything back.

    ## Known problems
    Tables created in the same script are exempt. A serial/identity PRIMARY KEY column also rewrites the table (MIG010).

    ## Example
    ```sql
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    ```

    ## Use instead
    ```sql
        CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
    """

    code = "MIG005"
    name = "migration.unique_under_exclusive_lock"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script, "alter_table"):
            if not existing(st):
                continue
            for a in st.actions:
                if a.constraint in ("primary", "unique") and a.kind in ("add_constraint", "add_column") \
                        and not a.using_index:
                    yield self.finding(f"{a.constraint.upper()} on {st.table} builds its index under ACCESS "
                                       "EXCLUSIVE", loc(script, st),
                                       "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX")
