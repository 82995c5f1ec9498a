"""SCH003: Primary key is a business value (text) that may change."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, is_text, qt, words


@register
class BusinessPrimaryKey(SchemaRule):
    """Primary key is a business value (text) that may change.

    ## What it does
    Flags single-column text primary keys whose name does not say they are codes or identifiers (e.g. email, name, title).

    ## Why it matters
    A business value changes (people change e-mail, companies rename products): every foreign key pointing at it must change too, in every child table, under locks. Wide text keys also make every referencing index larger.

    ## Known problems
    Stable standard codes (ISO country or currency codes, `*_code`, `*_id`) are fine and exempt; judgement call.

    ## Example
    ```sql
    CREATE TABLE customer (email text PRIMARY KEY, name text);
    ```

    ## Use instead
    ```sql
    CREATE TABLE customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text);
    ```

    ## References
    Azimutt primaryKeyNotBusiness; SchemaCrawler LinterTableWithNoSurrogatePrimaryKey
    """

    code = "SCH003"
    name = "schema.business_primary_key"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        stable = {"id", "code", "key", "uuid", "sku", "iso", "slug", "no", "number", "ref"}
        for t in facts.tables():
            if len(t.primary_key) != 1:
                continue
            col = t.column(t.primary_key[0])
            if col is None or not is_text(col) or set(words(col.name)) & stable:
                continue
            yield self.at(facts, f"{t.key}: primary key {col.name} ({col.type}) is a business value", t, col.name,
                          remediation="add a surrogate key and keep the value UNIQUE NOT NULL",
                          fix=f"ALTER TABLE {qt(facts, t)} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;"
                          if facts.pg else "")
