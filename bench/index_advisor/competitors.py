"""The advisors the benchmark compares, each returning a list of IndexDef for a budget.

- dbwright: `dbwright.api.indexes.select_for_benchmark` (MIP over planner-costed configurations).
- Extend (Schlosser et al., ICDE 2019) as packaged on PyPI by `index-eab` (MIT), on its own
  psycopg2 connection with its own HypoPG session, max index width 2 (its default).
- single-column baseline: every single-column index the planner uses when all of them exist,
  taken best gain-per-MB first while they fit (not those an existing index already covers).
- DTA: the anytime "seed + greedy" search of Microsoft's Database Tuning Advisor as `postgres-mcp`
  (PyPI, MIT; ``postgres_mcp.index.dta_calc.DatabaseTuningAdvisor``) implements it, re-implemented
  here on the same HypoPG oracle (postgres-mcp is async over its own driver): candidates are every
  combination of a table's condition columns up to width 2; from the empty seed, each step costs
  every candidate added to the current set and takes the one with the largest relative time
  improvement whose objective log(time) + alpha·log(space) improves (space = base tables + indexes),
  skipping moves under ``min_time_improvement`` or over the budget; it stops when no move
  qualifies or after ``max_runtime_seconds`` (checked after each step). postgres-mcp's defaults:
  alpha 2, min_time_improvement 0.1, max_runtime_seconds 30; its default width is 3 (2 here, as
  for every advisor in this benchmark).
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Sequence
from typing import Any

from dbwright.stages.index.model import IndexDef, Query


def extend(cluster: Any, database: str, queries: Sequence[Query], budget_mb: float, weighted: bool,
           min_rows: int, rows: dict[str, float]) -> list[IndexDef]:
    from index_eab.eab_utils.postgres_dbms import PostgresDatabaseConnector
    from index_eab.eab_utils.workload import Column, Table, Workload
    from index_eab.eab_utils.workload import Query as EQuery
    from index_eab.index_advisor.extend_algorithm import ExtendAlgorithm

    logging.disable(logging.INFO)
    conn = PostgresDatabaseConnector(autocommit=True, host=str(cluster.sock), port=cluster.port,
                                     db_name=database, user="postgres")
    # index-eab drops every index of the database when it starts (it assumes a bare benchmark
    # schema); the sample schemas' own keys and indexes are part of the workload here: keep them.
    conn.drop_indexes = lambda: None
    try:
        tables: dict[str, Table] = {}
        cols: dict[tuple[str, str], Column] = {}
        for q in queries:
            for t, u in q.tables.items():
                if rows.get(t, 0) < min_rows:
                    continue
                tab = tables.setdefault(t, Table(t))
                for c in u.indexable:
                    if (t, c) not in cols:
                        col = Column(c)
                        tab.add_column(col)
                        cols[(t, c)] = col
        equeries = []
        for n, q in enumerate(queries):
            qcols = [cols[(t, c)] for t, u in q.tables.items() for c in u.indexable if (t, c) in cols]
            equeries.append(EQuery(n, q.sql, qcols, frequency=q.weight if weighted else 1))
        algo = ExtendAlgorithm(conn, {"budget_MB": budget_mb, "max_index_width": 2, "constraint": "storage",
                                      "max_indexes": 15})
        picked = algo.calculate_best_indexes(Workload(equeries))
        return [IndexDef(i.table().name, tuple(c.name for c in i.columns)) for i in picked]
    finally:
        conn.close()


def _duplicates(conn: Any) -> list[IndexDef]:
    """Existing B-tree keys: a candidate they already cover would be a duplicate index (whose
    hypothetical twin HypoPG may even cost lower than the real one), so no advisor here proposes it."""
    from dbwright.verify.index_advisor import existing_indexes

    return [e[0] for e in existing_indexes(conn).values()]


def _new(i: IndexDef, existing: Sequence[IndexDef]) -> bool:
    return not any(e.prefix_covers(i) for e in existing)


def single_column(conn: Any, queries: Sequence[Query], budget_mb: float, weighted: bool,
                  min_rows: int, rows: dict[str, float]) -> list[IndexDef]:
    from dbwright.verify.whatif import WhatIf

    existing = _duplicates(conn)
    w = WhatIf(conn, queries)
    every = sorted({IndexDef(t, (c,)) for q in queries for t, u in q.tables.items()
                    if rows.get(t, 0) >= min_rows for c in u.indexable if _new(IndexDef(t, (c,)), existing)})
    used: set[IndexDef] = set()
    for q in queries:
        used |= w.cost(q, every)[1]
    gain: dict[IndexDef, float] = {}
    for i in used:
        for q in queries:
            if i.table in q.tables:
                c, u = w.cost(q, [i])
                if i in u:
                    gain[i] = gain.get(i, 0.0) + (w.base(q) - c) * (q.weight if weighted else 1.0)
    order = sorted(used, key=lambda i: -gain.get(i, 0.0) / max(w.size(i), 1))
    out, total = [], 0
    for i in order:
        if total + w.size(i) <= budget_mb * 1e6:
            out.append(i)
            total += w.size(i)
    w.reset()
    return out


def dta(conn: Any, queries: Sequence[Query], budget_mb: float, weighted: bool, min_rows: int,
        rows: dict[str, float], max_width: int = 2, alpha: float = 2.0, min_time_improvement: float = 0.1,
        max_runtime_seconds: float = 30.0) -> list[IndexDef]:
    from dbwright.verify.whatif import WhatIf

    t0 = time.monotonic()
    w = WhatIf(conn, queries)
    cols: dict[str, set[str]] = {}
    for q in queries:
        for t, u in q.tables.items():
            if rows.get(t, 0) >= min_rows:
                cols.setdefault(t, set()).update(u.indexable)
    existing = _duplicates(conn)
    cands = {IndexDef(t, combo) for t, cs in cols.items() for k in range(1, min(max_width, len(cs)) + 1)
             for combo in itertools.combinations(sorted(cs), k) if _new(IndexDef(t, combo), existing)}
    sizes = w.sizes(cands)
    base_space = float(sum(int(conn.execute("SELECT pg_relation_size(%s::regclass)", (t,)).fetchone()[0])
                           for t in {i.table for i in cands}))

    def cost(cfg: Sequence[IndexDef]) -> float:
        return w.workload_cost(cfg, weighted=weighted)

    current: list[IndexDef] = []
    cur_time, cur_space = cost(current), base_space
    cur_obj = math.log(cur_time) + alpha * math.log(cur_space) if cur_time > 0 and cur_space > 0 else math.inf
    left = set(cands)
    while True:
        best: tuple[IndexDef, float, float, float, float] | None = None
        for c in sorted(left):
            space = cur_space + sizes[c]
            if space - base_space > budget_mb * 1e6:
                continue
            t = cost([*current, c])
            gain = (cur_time - t) / cur_time
            if gain < min_time_improvement:
                continue
            obj = math.log(t) + alpha * math.log(space)
            if obj < (best[3] if best else cur_obj) and gain > (best[4] if best else 0.0):
                best = (c, t, space, obj, gain)
        if best is None:
            break
        current.append(best[0])
        left.discard(best[0])
        cur_time, cur_space, cur_obj = best[1], best[2], best[3]
        if time.monotonic() - t0 > max_runtime_seconds:
            break
    w.reset()
    return current
