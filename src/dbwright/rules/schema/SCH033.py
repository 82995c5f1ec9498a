"""SCH033: json column where jsonb is the usual choice."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class JsonNotJsonb(SchemaRule):
    """json column where jsonb is the usual choice.

    ## What it does
    Flags PostgreSQL `json` columns.

    ## Why it matters
    `json` stores the text and re-parses it on every access; it cannot be indexed with GIN, has no equality operator (so no DISTINCT, GROUP BY or UNIQUE on it). `jsonb` is parsed once and indexable.

    ## Known problems
    `json` keeps key order, duplicate keys and whitespace; if those matter (signatures over the exact text), keep it.

    ## Example
    ```sql
    CREATE TABLE event (payload json);
    ```

    ## Use instead
    ```sql
    ALTER TABLE event ALTER COLUMN payload TYPE jsonb;
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-json.html
    """

    code = "SCH033"
    name = "schema.json_not_jsonb"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for col in t.columns:
                if col.type.lower() == "json":
                    yield self.at(facts, f"{t.key}.{col.name} is json (text re-parsed on every access, not indexable)",
                                  t, col.name, remediation="use jsonb unless the exact text must be kept",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE jsonb;")
