"""MIG031: varchar(n): prefer text with a CHECK on length."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_columns,
)


@register
class PreferTextField(Rule):
    """varchar(n): prefer text with a CHECK on length.

    ## What it does
    Flags `varchar(n)` columns in PostgreSQL scripts.

    ## Why it matters
    Changing a varchar length later means ALTER TYPE (a rewrite when shrinking, a scan of dependents); a CHECK (length(col) <= n) can be replaced NOT VALID + VALIDATE without blocking.

    ## Known problems
    Increasing a varchar length is catalog-only (measured); the rule is about shrinking and the lock on the change.

    ## Example
    ```sql
        ALTER TABLE t ADD COLUMN name varchar(100);
    ```

    ## Use instead
    ```sql
        ALTER TABLE t ADD COLUMN name text;  ALTER TABLE t ADD CONSTRAINT t_name_len CHECK (length(name) <= 100) NOT VALID;
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-character.html
    """

    code = "MIG031"
    name = "migration.prefer_text_field"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script, "varchar"):
            if a.typmods:
                yield self.finding(f"{a.column} is varchar({a.typmods[0]})", loc(script, st),
                                   "text with a CHECK (length(...) <= n)")
