"""MIG006: A FOREIGN KEY is added and validated in one step, or validated in the transaction that added it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    not_valid_findings,
)


@register
class ForeignKeyValidated(Rule):
    """A FOREIGN KEY is added and validated in one step, or validated in the transaction that added it.

    ## What it does
    Flags `ADD CONSTRAINT … FOREIGN KEY` and `ADD COLUMN … REFERENCES` on an existing table without `NOT VALID`, and `VALIDATE CONSTRAINT` in the same transaction as its `NOT VALID` add.

    ## Why it matters
    A validated add scans the whole table while holding SHARE ROW EXCLUSIVE on both tables (writes to both wait). Added NOT VALID it is a catalog update; `VALIDATE` later takes only SHARE UPDATE EXCLUSIVE (ROW SHARE on the referenced table).

    ## Known problems
    A new nullable column with REFERENCES has no rows to check but still locks the referenced table; it is flagged because the lock queue on a hot parent table is the hazard.

    ## Example
    ```sql
        ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    ```

    ## Use instead
    ```sql
        ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
        -- next migration / transaction
        ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
    """

    code = "MIG006"
    name = "migration.foreign_key_validated"
    bundle = "migration"
    severity = Severity.ERROR

    def check(self, script: Any) -> Iterator[Finding]:
        yield from not_valid_findings(self, script, "foreign")
