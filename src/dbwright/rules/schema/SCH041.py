"""SCH041: Numbered columns (phone1, phone2, phone3): a repeating group."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class IncrementingColumns(SchemaRule):
    """Numbered columns (phone1, phone2, phone3): a repeating group.

    ## What it does
    Flags tables with two or more columns that share a name and differ only by a trailing number (`phone1`, `phone_2`, `address_line3`).

    ## Why it matters
    A fixed number of slots for a list: the fourth value has nowhere to go, queries test every slot (`WHERE phone1 = x OR phone2 = x …`), and most slots are NULL.

    ## Known problems
    Parts of one value that are numbered by nature (`address_line1/2`) are common and harmless; judgement call.

    ## Example
    ```sql
    CREATE TABLE contact (id bigint PRIMARY KEY, phone1 text, phone2 text, phone3 text);
    ```

    ## Use instead
    ```sql
    CREATE TABLE contact_phone (contact_id bigint REFERENCES contact ON DELETE CASCADE, position int, phone text,
                                PRIMARY KEY (contact_id, position));
    ```

    ## References
    SchemaCrawler LinterTableWithIncrementingColumns; SchemaSpy incrementing column names
    """

    code = "SCH041"
    name = "schema.incrementing_columns"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        for t in facts.tables():
            groups: dict[str, list[str]] = {}
            for col in t.columns:
                m = re.fullmatch(r"(.*?[A-Za-z])_?(\d{1,2})", col.name)
                if m:
                    groups.setdefault(m.group(1).lower(), []).append(col.name)
            for base, cols in groups.items():
                if len(cols) >= 2:
                    yield self.at(facts, f"{t.key} numbers its {base} columns ({', '.join(cols)}): a repeating group", t,
                                  cols[0], remediation=f"move {base} values to a child table, one row each")
