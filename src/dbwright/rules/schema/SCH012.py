"""SCH012: Column that references another table but has no foreign key."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, cols_sql, q, qt


@register
class ImpliedForeignKey(SchemaRule):
    """Column that references another table but has no foreign key.

    ## What it does
    Reports relations inferred with high or medium confidence (naming, types, comments and, with data, inclusion of the values in the parent key) that no FOREIGN KEY declares. Each finding lists the evidence.

    ## Why it matters
    Nothing stops orphans: a parent deleted while children still point at it, a typo in a key. Tools (ERDs, ORMs, query planners' join estimates) do not see the relation.

    ## Known problems
    Inference can be wrong (a column named like a table by coincidence); medium-confidence ones are info. Adding the constraint validates existing rows: orphans make it fail, which is a finding in itself. ORMs that manage integrity in the application sometimes omit FKs on purpose.

    ## Example
    ```sql
    CREATE TABLE track (id int PRIMARY KEY, album_id int);  -- album.id exists
    ```

    ## Use instead
    ```sql
    ALTER TABLE track ADD CONSTRAINT track_album_id_fkey FOREIGN KEY (album_id) REFERENCES album (id) NOT VALID;
    ALTER TABLE track VALIDATE CONSTRAINT track_album_id_fkey;
    ```

    ## References
    SchemaSpy implied relationships; Azimutt relationMissing
    https://www.postgresql.org/docs/current/sql-altertable.html (NOT VALID, VALIDATE CONSTRAINT)
    """

    code = "SCH012"
    name = "schema.implied_foreign_key"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for r in facts.relations:
            if r.declared or r.score < 0.65:
                continue
            t, ref = facts.db.tables.get(r.table), facts.db.tables.get(r.ref_table)
            if t is None or ref is None:
                continue
            ev = "; ".join(e["detail"] for e in r.evidence if e["weight"] > 0)
            name = q(facts, f"{t.name}_{'_'.join(r.columns)}_fkey"[:63])
            if facts.pg:
                fix = (f"ALTER TABLE {qt(facts, t)} ADD CONSTRAINT {name} FOREIGN KEY ({cols_sql(facts, r.columns)}) "
                       f"REFERENCES {qt(facts, ref)} ({cols_sql(facts, r.ref_columns)}) NOT VALID;\n"
                       f"ALTER TABLE {qt(facts, t)} VALIDATE CONSTRAINT {name};")
            elif facts.mysql:
                fix = (f"ALTER TABLE {qt(facts, t)} ADD CONSTRAINT {name} FOREIGN KEY ({cols_sql(facts, r.columns)}) "
                       f"REFERENCES {qt(facts, ref)} ({cols_sql(facts, r.ref_columns)});")
            else:
                fix = "-- SQLite: recreate the table with the REFERENCES clause"
            yield self.at(facts, f"{t.key}.{', '.join(r.columns)} looks like a reference to {ref.key}"
                          f"({', '.join(r.ref_columns)}) but has no foreign key ({r.confidence}: {ev})", t, r.columns[0],
                          severity=Severity.WARNING if r.confidence == "high" else Severity.INFO,
                          remediation="declare the foreign key (NOT VALID first, then VALIDATE, on a live table)", fix=fix)
