"""Planner statistics at full size from a small sample, in a throwaway database only.

The planner proof loads a synthetic sample with the spec's proportions, scaled down so the largest
table has a few thousand rows. Costed on that sample, an index that saves minutes at production
size saves microseconds, and the workload's "relative cost" says little. PostgreSQL sizes a heap
or an index from its *physical* length (``RelationGetNumberOfBlocks``) times the density
``reltuples / relpages`` — statistics alone cannot make a small table look big. So, in the
sandbox's own database:

1. foreign-key columns get ``n_distinct`` = the referenced table's full-size row count (the sample
   keeps proportions, so a foreign key has as many distinct values as its parent has rows), then
   ``VACUUM ANALYZE`` builds histograms and the visibility map from the real sample rows;
2. every table and index file is extended with sparse zero pages to the length it would have at
   full size (PostgreSQL reads a zero page as a new, empty page; sparse files take no disk), in
   1 GB segments as PostgreSQL lays them out;
3. ``pg_class`` gets the full-size ``reltuples``, ``relpages`` and ``relallvisible`` (the sample's
   visible fraction).

The planner — and HypoPG, which sizes hypothetical indexes from the same numbers — then costs
every query as on the full table. Nothing here may run against a user's database, and the
database must be dropped afterwards (its files are never read for data: queries are only
EXPLAINed). Executing queries on it would read the zero pages; the execute check uses the plain
sample instead.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BLOCK = 8192
RELSEG_BLOCKS = 131072  # 1 GB segments (PostgreSQL's default RELSEG_SIZE)
MAX_TOTAL_BYTES = 4 * 2**40  # sparse, but at most ~4,000 segment files
TENANT_COLUMN = "tenant_id"


def full_rows(md: sa.MetaData, sample_rows: dict[str, float], scale: float) -> dict[str, float]:
    """Full-size row counts: the spec's ``rows`` where given, else the sample's count ÷ scale."""
    out: dict[str, float] = {}
    for t in md.tables.values():
        n = sample_rows.get(t.name, 0.0)
        declared = t.info.get("rows")
        out[t.name] = float(declared) if declared else (n / scale if scale > 0 else n)
    return out


def _extend(path: Path, blocks: int, ids: tuple[int, int] | None) -> None:
    """Lay out ``blocks`` pages over the relation's segment files (existing bytes are kept)."""
    segno = 0
    left = blocks
    while left > 0 or segno == 0:
        seg = path if segno == 0 else path.with_name(f"{path.name}.{segno}")
        size = min(left, RELSEG_BLOCKS) * BLOCK
        if not seg.exists():
            seg.touch(mode=0o600)
            if ids is not None:
                os.chown(seg, *ids)
        if seg.stat().st_size < size:
            os.truncate(seg, size)
        left -= RELSEG_BLOCKS
        segno += 1
        if left <= 0:
            break


def inflate(cluster: Any, database: str, md: sa.MetaData, scale: float) -> dict[str, Any]:
    """Make the sample in ``database`` look full-size to the planner; returns what was set.

    Above ``MAX_TOTAL_BYTES`` every table is laid out at the same fraction ``scale`` of its full
    size instead (proportions kept); callers scale sizes back by it.
    """
    with cluster.connect(database) as conn:
        sample = {t.name: float(conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
                  for t in md.tables.values()}
        rows = full_rows(md, sample, scale)
        for t in md.tables.values():
            conn.execute(f'ALTER TABLE "{t.name}" SET (autovacuum_enabled = false)')
            for fk in t.foreign_keys:
                # Each referencing column has as many distinct values as its parent has rows, except
                # the tenant key of a composite (tenant_id, x) key, which has as many as tenants.
                parent = fk.column.table.name
                if parent not in rows or rows[parent] < 1 or fk.column.name == TENANT_COLUMN:
                    continue
                distinct = min(rows[parent], rows[t.name]) if rows[t.name] >= 1 else rows[parent]
                conn.execute(f'ALTER TABLE "{t.name}" ALTER COLUMN "{fk.parent.name}" '
                             f"SET (n_distinct = {max(1.0, round(distinct))})")
        conn.execute("SELECT setseed(0.17)")
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
        rels = conn.execute(
            "SELECT c.oid, c.relname, coalesce(t.relname, c.relname), c.relkind, pg_relation_filepath(c.oid), "
            "       pg_relation_size(c.oid) / 8192, c.relallvisible, coalesce(ix.indpred IS NOT NULL, false) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_index ix ON ix.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = ix.indrelid "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND pg_relation_filepath(c.oid) IS NOT NULL "
            "ORDER BY c.relkind DESC, c.relname"  # a stable report: design.json is the same every run
        ).fetchall()
        plan: list[tuple[int, str, str, str, int, int, int, bool]] = []
        total = 0
        for oid, _rel, table, kind, filepath, blocks, allvis, partial in rels:
            n0 = sample.get(str(table), 0.0)
            factor = rows.get(str(table), n0) / n0 if n0 > 0 else 1.0
            target = max(int(blocks), math.ceil(int(blocks) * max(factor, 1.0)))
            plan.append((int(oid), str(table), str(kind), str(filepath), target, int(blocks), int(allvis),
                         bool(partial)))
            total += target * BLOCK
        shrink = 1.0
        if total > MAX_TOTAL_BYTES:
            # Keep every proportion but lay out 1/k of the full size (k segment files stay bounded);
            # the caller scales sizes back by ``scale`` as it did for the plain sample.
            shrink = MAX_TOTAL_BYTES / total
            plan = [(o, t, k, f, max(b, math.ceil(tg * shrink)), b, av, pt) for o, t, k, f, tg, b, av, pt in plan]
            rows = {t: n * shrink for t, n in rows.items()}
            total = sum(x[4] for x in plan) * BLOCK
        data_dir = Path(cluster.data)
        out: dict[str, Any] = {"tables": {}, "logical_bytes": total, "scale": shrink}
        for oid, table, kind, filepath, target, blocks, allvis, partial in plan:
            _extend(data_dir / filepath, target, getattr(cluster, "ids", None))
            tuples = rows.get(table, sample.get(table, 0.0))
            visible = round(target * allvis / blocks) if kind == "r" and blocks else 0
            if partial:  # a partial index keeps its own share of the rows
                conn.execute("UPDATE pg_class SET relpages = %s, reltuples = reltuples * %s WHERE oid = %s",
                             (target, target / max(blocks, 1), oid))
            else:
                conn.execute("UPDATE pg_class SET relpages = %s, reltuples = %s, relallvisible = %s WHERE oid = %s",
                             (target, tuples, visible, oid))
            if kind == "r":
                out["tables"][table] = {"sample_rows": int(sample.get(table, 0)), "rows": int(tuples),
                                        "pages": target}
    return out


__all__ = ["full_rows", "inflate"]
