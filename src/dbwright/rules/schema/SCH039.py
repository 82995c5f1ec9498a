"""SCH039: UUIDs stored as text."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, is_text, q, qt


@register
class UuidAsText(SchemaRule):
    """UUIDs stored as text.

    ## What it does
    Flags `char(36)`/`varchar(36)`/`text` columns named `uuid` or `*_uuid`/`*guid`, or whose sampled values are all UUIDs, on PostgreSQL (which has a native 16-byte uuid type).

    ## Why it matters
    Text UUIDs take 37+ bytes instead of 16, compare slower, make every index more than twice as large and accept malformed values.

    ## Known problems
    On MySQL/MariaDB before native UUID types, `BINARY(16)` is the compact form; text is common there and is not reported.

    ## Example
    ```sql
    CREATE TABLE device (uuid varchar(36) PRIMARY KEY);
    ```

    ## Use instead
    ```sql
    ALTER TABLE device ALTER COLUMN uuid TYPE uuid USING uuid::uuid;
    ```

    ## References
    https://www.postgresql.org/docs/current/datatype-uuid.html
    """

    code = "SCH039"
    name = "schema.uuid_as_text"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        pat = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
        for t in facts.tables():
            for col in t.columns:
                if not is_text(col):
                    continue
                named = bool(re.search(r"(^|_)(uuid|guid)$", col.name.lower()))
                sampled = len(col.samples) >= 5 and all(pat.match(v) for v in col.samples)
                if named or sampled:
                    yield self.at(facts, f"{t.key}.{col.name} ({col.type}) holds UUIDs as text", t, col.name,
                                  remediation="use the uuid type",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE uuid USING "
                                      f"{q(facts, col.name)}::uuid;")
