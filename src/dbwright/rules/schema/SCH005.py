"""SCH005: Sequence close to its maximum value."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from dbwright.model import Finding, Location, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q


@register
class SequenceNearExhaustion(SchemaRule):
    """Sequence close to its maximum value.

    ## What it does
    Flags sequences whose last value has used more than 75% (warning) or 90% (error) of the range between MINVALUE and MAXVALUE, and cycling sequences that feed a key (they will hand out values that already exist).

    ## Why it matters
    `nextval` fails at MAXVALUE (or, with CYCLE, restarts and collides with existing keys): inserts stop. A sequence's own MAXVALUE can be far below its type's, e.g. one created as `integer` and later widened.

    ## Known problems
    PostgreSQL only reports `last_value` to roles that may read the sequence; unreadable ones are skipped.

    ## Example
    ```sql
    CREATE SEQUENCE invoice_no MAXVALUE 999999;  -- last_value 950000
    ```

    ## Use instead
    ```sql
    ALTER SEQUENCE invoice_no AS bigint MAXVALUE 9223372036854775807;
    ```

    ## References
    https://www.postgresql.org/docs/current/sql-altersequence.html
    https://www.postgresql.org/docs/current/view-pg-sequences.html
    """

    code = "SCH005"
    name = "schema.sequence_near_exhaustion"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for s in facts.db.sequences.values():
            if s.last_value is None or s.max_value <= s.min_value:
                continue
            share = (s.last_value - s.min_value) / (s.max_value - s.min_value) if s.increment > 0 else \
                (s.max_value - s.last_value) / (s.max_value - s.min_value)
            owner = facts.db.tables.get(".".join(s.owned_by.split(".")[:2])) if s.owned_by else None
            col = s.owned_by.split(".")[-1] if s.owned_by else None
            if s.cycle and owner is not None and col in owner.primary_key:
                yield self.at(facts, f"sequence {s.key} CYCLEs but feeds the key {s.owned_by}: it will repeat values",
                              owner, col, severity=Severity.ERROR, fix=f"ALTER SEQUENCE {q(facts, s.schema)}.{q(facts, s.name)} NO CYCLE;")
            if share < facts.cfg("sequence_warn_share"):
                continue
            sev = Severity.ERROR if share >= facts.cfg("sequence_error_share") else Severity.WARNING
            found = self.at(facts, f"sequence {s.key} has used {share:.0%} of its range ({s.last_value:,} of "
                            f"{s.max_value:,})", owner, col, severity=sev,
                            remediation="raise MAXVALUE (and the column type if it is the limit)",
                            fix=f"ALTER SEQUENCE {q(facts, s.schema)}.{q(facts, s.name)} AS bigint MAXVALUE 9223372036854775807;")
            yield found if owner is not None else replace(found, location=Location(file=facts.db.file, path=s.key))
