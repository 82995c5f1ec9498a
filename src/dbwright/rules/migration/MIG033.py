"""MIG033: char(n) pads with spaces and is never faster than text in PostgreSQL."""

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
class BanCharField(Rule):
    """char(n) pads with spaces and is never faster than text in PostgreSQL.

    ## What it does
    Flags `char`, `character(n)` and `bpchar` columns.

    ## Why it matters
    Blank padding changes comparisons and lengths; PostgreSQL stores char(n) like varchar, so there is no speed gain.

    ## Known problems
    None known.

    ## Example
    ```sql
        CREATE TABLE t (code char(3));
    ```

    ## Use instead
    ```sql
        CREATE TABLE t (code text CHECK (length(code) = 3));
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-character.html
    """

    code = "MIG033"
    name = "migration.ban_char_field"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script, "bpchar"):
            yield self.finding(f"{a.column} is char(n)", loc(script, st), "text (with a CHECK if needed)")
