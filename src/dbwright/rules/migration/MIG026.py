"""MIG026: A domain gets a constraint, which PostgreSQL checks against every column of that domain."""

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
class DomainConstraint(Rule):
    """A domain gets a constraint, which PostgreSQL checks against every column of that domain.

    ## What it does
    Flags `CREATE DOMAIN … CHECK/NOT NULL` and `ALTER DOMAIN … ADD CONSTRAINT`.

    ## Why it matters
    Adding a domain constraint scans every table using the domain, under locks, and cannot be done NOT VALID-then-validate as conveniently as table constraints; changing it later is just as costly.

    ## Known problems
    `ALTER DOMAIN … ADD CONSTRAINT … NOT VALID` exists; it is still flagged because the later VALIDATE scans all users of the domain.

    ## Example
    ```sql
        CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
    ```

    ## Use instead
    ```sql
        Use table CHECK constraints, added NOT VALID and validated separately.
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-createdomain.html
    """

    code = "MIG026"
    name = "migration.domain_constraint"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st in pg_stmts(script):
            if st.kind == "create_domain" and st.detail.get("constraints"):
                yield self.finding("domain with a constraint: changing it later scans every column using it",
                                   loc(script, st), "put the CHECK on the tables instead")
            elif st.kind == "alter_domain" and st.detail.get("subtype") == "C":
                yield self.finding("ALTER DOMAIN … ADD CONSTRAINT scans every column of the domain",
                                   loc(script, st), "use table CHECK constraints (NOT VALID + VALIDATE)")
