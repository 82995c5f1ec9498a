"""SCH042: Counter column that duplicates a count of child rows."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, int_max


@register
class DenormalizedCounter(SchemaRule):
    """Counter column that duplicates a count of child rows.

    ## What it does
    Flags integer columns named `*_count`, `num_*`, `n_*` or `total_*` on a table that child tables reference, where the counted word names one of those children (e.g. `comment_count` on `post` with a `comment` table referencing it).

    ## Why it matters
    The counter must be kept in step with the children by every writer (or a trigger): concurrent inserts race, deletes forget to decrement, and the parent row becomes a write hot spot locked by every child insert.

    ## Known problems
    Counters are a legitimate optimisation for hot reads; then maintain them in one place (a trigger or a periodic job) and say so in a comment. The rule only asks that it be a decision.

    ## Example
    ```sql
    CREATE TABLE post (id bigint PRIMARY KEY, comment_count int NOT NULL DEFAULT 0);
    ```

    ## Use instead
    ```sql
    -- compute it: SELECT p.id, count(c.*) FROM post p LEFT JOIN comment c ON c.post_id = p.id GROUP BY p.id;
    -- or keep it with a trigger on comment, documented with COMMENT ON COLUMN
    ```

    ## References
    https://en.wikipedia.org/wiki/Denormalization
    """

    code = "SCH042"
    name = "schema.denormalized_counter"
    severity = Severity.INFO

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import re

        for t in facts.tables():
            children = {c.name.lower() for c, _fk in facts.db.referencing(t.key)}
            children |= {facts.db.tables[r.table].name.lower() for r in facts.relations
                         if r.ref_table == t.key and r.table in facts.db.tables}
            if not children:
                continue
            forms = {w for name in children for w in (name, name.rstrip("s"), name.split("_")[-1], name.split("_")[-1].rstrip("s"))}
            for col in t.columns:
                m = re.fullmatch(r"(?:(?:num|n|total|count)_)?(\w+?)(?:_count|_total|_num|s_count)?", col.name.lower())
                if not m or not re.search(r"(count|^num_|^n_|^total_)", col.name.lower()) or int_max(col.type) is None:
                    continue
                counted = m.group(1).rstrip("s")
                if counted in forms or counted + "s" in forms:
                    yield self.at(facts, f"{t.key}.{col.name} looks like a stored count of child rows "
                                  f"({', '.join(sorted(children))})", t, col.name,
                                  remediation="compute it, or maintain it in one place (a trigger) and document it")
