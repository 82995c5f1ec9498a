"""SCH017: Cycle of required foreign keys that are not deferrable."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, qt


@register
class ForeignKeyCycle(SchemaRule):
    """Cycle of required foreign keys that are not deferrable.

    ## What it does
    Finds cycles in the graph of NOT NULL foreign keys between tables (a → b → … → a, self-references excluded) where no constraint on the cycle is DEFERRABLE.

    ## Why it matters
    No row of the cycle can be inserted first: each needs the other to exist. Loads then disable triggers or constraints, and dumps restore only because pg_dump adds constraints last.

    ## Known problems
    A cycle through a nullable column is fine (insert with NULL, then update) and is not reported.

    ## Example
    ```sql
    CREATE TABLE store (id int PRIMARY KEY, manager_id int NOT NULL REFERENCES staff);
    CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES store);
    ```

    ## Use instead
    ```sql
    ALTER TABLE store ALTER CONSTRAINT store_manager_id_fkey DEFERRABLE INITIALLY DEFERRED;
    ```

    ## References
    SchemaCrawler LinterTableCycles
    https://www.postgresql.org/docs/current/sql-set-constraints.html
    """

    code = "SCH017"
    name = "schema.foreign_key_cycle"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        import networkx as nx

        g = nx.DiGraph()
        edges: dict[tuple[str, str], list[object]] = {}
        for t in facts.tables():
            for fk in t.foreign_keys:
                cols = [t.column(c) for c in fk.columns]
                if fk.ref_key != t.key and all(c is not None and not c.nullable for c in cols):
                    g.add_edge(t.key, fk.ref_key)
                    edges.setdefault((t.key, fk.ref_key), []).append(fk)
        for cycle in nx.simple_cycles(g):
            pairs = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
            if any(getattr(fk, "deferrable", False) for p in pairs for fk in edges.get(p, [])):
                continue
            first = facts.db.tables[cycle[0]]
            yield self.at(facts, "required foreign keys form a cycle: " + " → ".join([*cycle, cycle[0]]), first,
                          remediation="make one constraint of the cycle DEFERRABLE (or one column nullable)",
                          fix=f"ALTER TABLE {qt(facts, first)} ALTER CONSTRAINT <fk on the cycle> DEFERRABLE INITIALLY DEFERRED;"
                          if facts.pg else "")
