"""SCH047: Column that holds only NULLs."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class EmptyColumn(SchemaRule):
    """Column that holds only NULLs.

    ## What it does
    Flags columns whose statistics say every value is NULL (`pg_stats.null_frac` = 1) or whose sampled rows are all NULL, on tables with rows.

    ## Why it matters
    A column nobody fills is dead weight in every row and every SELECT *, and misleads readers of the schema; often a feature that was never finished or one that moved elsewhere.

    ## Known problems
    Statistics are a sample: a column filled in rare rows may read as all-NULL. New columns on large tables are NULL until backfilled.

    ## Example
    ```sql
    -- fax: 100% NULL over 2 million rows
    ```

    ## Use instead
    ```sql
    ALTER TABLE customer DROP COLUMN fax;  -- after checking the application no longer writes it
    ```

    ## References
    Azimutt attributeEmpty
    """

    code = "SCH047"
    name = "schema.empty_column"
    severity = Severity.INFO
    needs = ('data',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        samples = facts.db.extra.get("samples", {})
        for t in facts.tables():
            if not t.rows:
                continue
            sample = samples.get(t.key)
            for col in t.columns:
                sampled_null = sample is not None and sample["rows"] >= 10 and col.name in sample["columns"] and \
                    not sample["columns"][col.name]
                if (col.null_frac is not None and col.null_frac >= 0.9999) or sampled_null:
                    yield self.at(facts, f"{t.key}.{col.name} is NULL in every row seen ({t.rows:,} rows)", t, col.name,
                                  remediation="drop it if nothing writes it any more",
                                  fix=f"ALTER TABLE {qt(facts, t)} DROP COLUMN {q(facts, col.name)};")
