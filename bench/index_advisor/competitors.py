"""The advisors the benchmark compares, each returning a list of IndexDef for a budget.

- dbwright: `dbwright.api.indexes.select_for_benchmark` (MIP over planner-costed configurations).
- Extend (Schlosser et al., ICDE 2019) as packaged on PyPI by `index-eab` (MIT), on its own
  psycopg2 connection with its own HypoPG session, max index width 2 (its default).
- single-column baseline: every single-column index the planner uses when all of them exist,
  taken best gain-per-MB first while they fit.
"""

from __future__ import annotations

import logging
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


def single_column(conn: Any, queries: Sequence[Query], budget_mb: float, weighted: bool,
                  min_rows: int, rows: dict[str, float]) -> list[IndexDef]:
    from dbwright.verify.whatif import WhatIf

    w = WhatIf(conn, queries)
    every = sorted({IndexDef(t, (c,)) for q in queries for t, u in q.tables.items()
                    if rows.get(t, 0) >= min_rows for c in u.indexable})
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
