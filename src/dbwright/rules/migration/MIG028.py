"""MIG028: A 32-bit integer column can run out of values."""

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
class PreferBigintOverInt(Rule):
    """A 32-bit integer column can run out of values.

    ## What it does
    Flags `int`/`integer`/`int4`/`serial` columns in CREATE TABLE, ADD COLUMN and type changes.

    ## Why it matters
    A busy key passes 2^31 sooner than expected; widening it later is the int → bigint rewrite this tool exists to plan. bigint costs 4 bytes more per value.

    ## Known problems
    Flags every int column, keys or not, as squawk does; silence it per project when counts are bounded.

    ## Example
    ```sql
        CREATE TABLE users (id serial PRIMARY KEY);
    ```

    ## Use instead
    ```sql
        CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-numeric.html
    """

    code = "MIG028"
    name = "migration.prefer_bigint_over_int"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script, "int4", "serial4"):
            yield self.finding(f"{a.column} is 32-bit ({a.type_name})", loc(script, st), "use bigint")
