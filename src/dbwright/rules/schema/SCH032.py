"""SCH032: char(n) column: blank-padded, rarely what is meant."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class FixedLengthChar(SchemaRule):
    """char(n) column: blank-padded, rarely what is meant.

    ## What it does
    Flags `char(n)`/`character(n)` columns with n > 1 (PostgreSQL; MySQL's CHAR strips trailing blanks differently), except standard codes of up to 3 characters named as such (`currency`, `country_code`, `iso`, `lang`).

    ## Why it matters
    Values are padded with spaces to n, comparisons ignore the padding in some places and not others (LIKE, concatenation, casts to text), and `char(n)` is not faster than `varchar`/`text` in PostgreSQL.

    ## Known problems
    Truly fixed-length codes (ISO country codes) work, but a CHECK on the length says it better.

    ## Example
    ```sql
    CREATE TABLE customer (country char(20));
    ```

    ## Use instead
    ```sql
    ALTER TABLE customer ALTER COLUMN country TYPE text;  -- + CHECK (length(country) <= 20) if the limit matters
    ```

    ## References
    https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29
    """

    code = "SCH032"
    name = "schema.fixed_length_char"
    severity = Severity.INFO
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        for t in facts.tables():
            for col in t.columns:
                m = re.match(r"(?:character|char|bpchar)\s*\((\d+)\)", col.type.lower())
                if not m or int(m.group(1)) <= 1:
                    continue
                if int(m.group(1)) <= 3 and re.search(r"(code|currency|country|iso|lang)", col.name, re.I):
                    continue  # a standard code (ISO 4217/3166/639) is fixed-length by definition
                yield self.at(facts, f"{t.key}.{col.name} is {col.type} (blank-padded)", t, col.name,
                              remediation="use text or varchar(n)",
                              fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE varchar({m.group(1)});")
