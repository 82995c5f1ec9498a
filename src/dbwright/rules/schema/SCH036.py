"""SCH036: Table with many large-object columns."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule


@register
class TooManyLobs(SchemaRule):
    """Table with many large-object columns.

    ## What it does
    Flags tables with more than three columns of unbounded large types (text, bytea, blob, json, xml, clob).

    ## Why it matters
    Wide rows spill into TOAST/off-page storage, every SELECT * drags them along, and such tables are often several entities in one (SCH044).

    ## Known problems
    Document stores in a table (one JSON column per aspect) can be deliberate.

    ## Example
    ```sql
    CREATE TABLE article (body text, summary text, raw_html text, metadata json);
    ```

    ## Use instead
    ```sql
    -- move rarely read large columns to a 1:1 side table
    CREATE TABLE article_body (article_id bigint PRIMARY KEY REFERENCES article, raw_html text);
    ```

    ## References
    SchemaCrawler LinterTooManyLobs
    """

    code = "SCH036"
    name = "schema.too_many_lobs"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        lob = re.compile(r"^(text|bytea|blob|longblob|mediumblob|longtext|mediumtext|json|jsonb|xml|clob)\b", re.I)
        for t in facts.tables():
            lobs = [c.name for c in t.columns if lob.match(c.type)]
            if len(lobs) > int(facts.cfg("lob_columns")):
                yield self.at(facts, f"{t.key} has {len(lobs)} large-object columns ({', '.join(lobs)})", t,
                              remediation="move rarely read large columns to a side table")
