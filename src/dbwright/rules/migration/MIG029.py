"""MIG029: A 16-bit integer column overflows at 32767."""

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
class PreferBigintOverSmallint(Rule):
    """A 16-bit integer column overflows at 32767.

    ## What it does
    Flags `smallint`/`int2`/`smallserial` columns.

    ## Why it matters
    Counters and keys outgrow 16 bits quickly and the fix is a rewrite; the space saved is rarely worth it (alignment often eats it).

    ## Known problems
    Bounded enumerations stored as smallint are fine; silence per project.

    ## Example
    ```sql
        CREATE TABLE t (score smallint);
    ```

    ## Use instead
    ```sql
        CREATE TABLE t (score bigint);
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-numeric.html
    """

    code = "MIG029"
    name = "migration.prefer_bigint_over_smallint"
    bundle = "migration"
    severity = Severity.INFO

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_columns(script, "int2", "serial2"):
            yield self.finding(f"{a.column} is 16-bit ({a.type_name})", loc(script, st), "use bigint")
