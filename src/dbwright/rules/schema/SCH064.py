"""SCH064: Table without a comment."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class MissingComment(SchemaRule):
    """Table without a comment.

    ## What it does
    Flags tables with no COMMENT (their columns without comments are counted in the message).

    ## Why it matters
    The comment is the documentation that travels with the schema (pg_dump, ERDs, `\\d+`, these docs); without it, the meaning of a table lives only in the heads and code of its writers.

    ## Known problems
    Self-explanatory tables (`country`) need little; the rule is informational and easy to ignore with `--ignore SCH064`.

    ## Example
    ```sql
    CREATE TABLE ledger_entry (...);
    ```

    ## Use instead
    ```sql
    COMMENT ON TABLE ledger_entry IS 'One posting of a double-entry transaction; immutable once written.';
    ```

    ## References
    tbls lint requireTableComment / requireColumnComment; SchemaCrawler LinterTableWithNoRemarks
    """

    code = "SCH064"
    name = "schema.missing_comment"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        if facts.db.engine == "sqlite":
            return  # SQLite has no comments
        for t in facts.tables():
            if not t.comment:
                bare = sum(1 for c in t.columns if not c.comment)
                yield self.at(facts, f"{t.key} has no comment ({bare} of {len(t.columns)} columns have none either)", t,
                              remediation="say what a row is, and what it is not",
                              fix=f"COMMENT ON TABLE {qt(facts, t)} IS '<what one row means>';" if facts.pg else
                              f"ALTER TABLE {qt(facts, t)} COMMENT = '<what one row means>';")
