"""MIG030: serial columns: prefer GENERATED … AS IDENTITY."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_columns,
)

_SERIAL_NAMES = {"serial4": "serial", "serial8": "bigserial", "serial2": "smallserial"}


@register
class PreferIdentity(Rule):
    """serial columns: prefer GENERATED … AS IDENTITY.

    ## What it does
    Flags `serial`, `bigserial`, `smallserial` (and serial2/4/8).

    ## Why it matters
    Identity columns are SQL standard, own their sequence properly (grants, dumps, ALTER … RESTART) and `GENERATED ALWAYS` stops stray manual ids.

    ## Known problems
    None known.

    ## Example
    ```sql
        CREATE TABLE users (id bigserial PRIMARY KEY);
    ```

    ## Use instead
    ```sql
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createtable.html
    """

    code = "MIG030"
    name = "migration.prefer_identity"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script):
            if a.serial:
                yield self.finding(f"{a.column} uses {_SERIAL_NAMES.get(a.type_name, a.type_name)}", loc(script, st),
                                   "GENERATED ALWAYS AS IDENTITY")
