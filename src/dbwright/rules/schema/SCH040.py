"""SCH040: Column holding a delimited list of values (not in first normal form)."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, is_text, q, qt
from dbwright.theory.first_normal_form import delimited_list


@register
class DelimitedList(SchemaRule):
    """Column holding a delimited list of values (not in first normal form).

    ## What it does
    Looks at the values of text columns (PostgreSQL's most common values and histogram bounds, or rows read with `--sample-rows`) and flags columns where most values contain a separator (`,` `;` `|` `/`) between short, recurring pieces — a list of tags, ids or codes in one field.

    ## Why it matters
    A list in one column cannot be indexed per item, joined, constrained (no FK from an item to its table, no uniqueness) or counted without string splitting in every query; updating one item rewrites the whole value and races with concurrent updates.

    ## Known problems
    Values seen by statistics are the most common ones; a column rarely holding lists is not flagged. Addresses, prose and numbers with separators are excluded by the piece-shape test, but a CSV-like code can still be deliberate.

    ## Example
    ```sql
    CREATE TABLE post (id bigint PRIMARY KEY, tags text);  -- 'sql,python,web'
    ```

    ## Use instead
    ```sql
    CREATE TABLE post_tag (post_id bigint REFERENCES post ON DELETE CASCADE, position int, tag text NOT NULL,
                           PRIMARY KEY (post_id, position));
    INSERT INTO post_tag SELECT p.id, t.n, trim(t.tag) FROM post p, unnest(string_to_array(p.tags, ',')) WITH ORDINALITY t(tag, n);
    ```

    ## References
    https://en.wikipedia.org/wiki/First_normal_form
    https://www.postgresql.org/docs/current/functions-array.html (string_to_array, unnest)
    """

    code = "SCH040"
    name = "schema.delimited_list"
    severity = Severity.WARNING
    needs = ('data',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for col in t.columns:
                if not is_text(col) or len(col.samples) < 3:
                    continue
                # statistics keep the most common values only: three of them already say what the column holds
                found = delimited_list(col.samples, facts.cfg("delimited_min_share"), min_values=3)
                if found is None:
                    continue
                child = f"{t.name}_{col.name}"[:60]
                pk = t.primary_key or ["id"]
                fix = ""
                if facts.pg and len(pk) == 1:
                    pkc = t.column(pk[0])
                    fix = (f"CREATE TABLE {q(facts, t.schema)}.{q(facts, child)} ({q(facts, pk[0])} {pkc.type if pkc else 'bigint'} "
                           f"NOT NULL REFERENCES {qt(facts, t)} ON DELETE CASCADE, position int NOT NULL, item text NOT NULL, "
                           f"PRIMARY KEY ({q(facts, pk[0])}, position));\n"
                           f"INSERT INTO {q(facts, t.schema)}.{q(facts, child)} SELECT s.{q(facts, pk[0])}, x.n, trim(x.item) FROM "
                           f"{qt(facts, t)} s, unnest(string_to_array(s.{q(facts, col.name)}, '{found.separator}')) "
                           "WITH ORDINALITY x(item, n) WHERE trim(x.item) <> '';")
                yield self.at(facts, f"{t.key}.{col.name} holds lists separated by '{found.separator}' ({found.share:.0%} of "
                              f"the values seen, {found.mean_items:.1f} items on average, {found.distinct_items} distinct; "
                              f"e.g. {found.examples[0]!r})", t, col.name,
                              remediation=f"move the items to a child table {child} (one row per item)", fix=fix)
