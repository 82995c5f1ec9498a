"""MIG019: ATTACH PARTITION scans the partition; DETACH PARTITION without CONCURRENTLY blocks the parent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dbwright.model import Finding, Severity
from dbwright.rules.base import Rule, register
from dbwright.rules.migration._util import (
    loc,
    pg_actions,
)


@register
class PartitionAttachDetach(Rule):
    """ATTACH PARTITION scans the partition; DETACH PARTITION without CONCURRENTLY blocks the parent.

    ## What it does
    Flags `DETACH PARTITION` without `CONCURRENTLY` (PostgreSQL ≥ 14) and `ATTACH PARTITION`, which scans the new partition (and a default partition) unless a matching validated CHECK exists.

    ## Why it matters
    A plain DETACH takes ACCESS EXCLUSIVE on the parent and the partition (measured). ATTACH takes only SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL ≥ 12) but ACCESS EXCLUSIVE on the partition during its validation scan.

    ## Known problems
    A CHECK constraint matching the partition bound is recognised by PostgreSQL, not by this rule; the ATTACH finding is a reminder.

    ## Example
    ```sql
        ALTER TABLE measurements DETACH PARTITION measurements_2020;
    ```

    ## Use instead
    ```sql
        ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
    ```

    ## References
    https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE
    """

    code = "MIG019"
    name = "migration.partition_attach_detach"
    bundle = "migration"
    severity = Severity.WARNING

    def check(self, script: Any) -> Iterator[Finding]:
        for st, a in pg_actions(script, "detach_partition", "attach_partition"):
            if a.kind == "detach_partition" and not a.concurrent:
                yield self.finding(f"DETACH PARTITION {a.extra.get('partition')} takes ACCESS EXCLUSIVE on "
                                   f"{st.table}", loc(script, st), "DETACH PARTITION … CONCURRENTLY"
                                   if script.major >= 14 else "schedule it in a quiet window (CONCURRENTLY "
                                   "needs PostgreSQL 14)")
            elif a.kind == "attach_partition" and not st.created_in_script:
                yield self.finding(f"ATTACH PARTITION {a.extra.get('partition')} scans it under ACCESS "
                                   "EXCLUSIVE unless a validated CHECK matches the bound", loc(script, st),
                                   "add a CHECK matching the bound NOT VALID, VALIDATE it, then ATTACH",
                                   severity=Severity.INFO)
