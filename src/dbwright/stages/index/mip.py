"""The MIP step of index selection (HiGHS): pick indexes and per-query configurations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dbwright.stages.index.model import IndexDef, Query

if TYPE_CHECKING:
    from dbwright.stages.index.base import Config, SelectOptions


def solve_mip(queries: Sequence[Query], base: Mapping[str, float], configs: Mapping[str, Mapping[Config, float]],
           sizes: Mapping[IndexDef, int], opt: SelectOptions, maint: Mapping[IndexDef, float]) -> set[IndexDef]:
    import highspy
    import numpy as np

    idxs = sorted({i for cs in configs.values() for c in cs for i in c})
    if not idxs:
        return set()
    col = {i: k for k, i in enumerate(idxs)}
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", opt.mip_time_limit)
    h.setOptionValue("mip_rel_gap", 1e-3)
    h.setOptionValue("mip_heuristic_effort", 0.2)
    h.setOptionValue("presolve", "off")
    inf = highspy.kHighsInf
    n = len(idxs)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array([maint.get(i, 0.0) for i in idxs]))
    nxt = n
    weights = {q.qid: q.weight for q in queries}
    min_gain = 1e-5 * sum(weights[q.qid] * base[q.qid] for q in queries)
    for qid, cs in configs.items():
        row: list[int] = []
        for c, cost in cs.items():
            gain = weights[qid] * (base[qid] - cost)
            if gain <= min_gain or not c:
                continue
            h.addVar(0.0, 1.0)
            h.changeColCost(nxt, -gain)
            for i in c:
                h.addRow(-inf, 0.0, 2, np.array([nxt, col[i]], dtype=np.int32), np.array([1.0, -1.0]))
            row.append(nxt)
            nxt += 1
        if row:
            h.addRow(-inf, 1.0, len(row), np.array(row, dtype=np.int32), np.ones(len(row)))
    allx = np.arange(n, dtype=np.int32)
    if opt.budget_bytes is not None:
        h.addRow(-inf, float(opt.budget_bytes) / 1e6, n, allx, np.array([sizes[i] / 1e6 for i in idxs]))
    if opt.max_indexes is not None:
        h.addRow(-inf, float(opt.max_indexes), n, allx, np.ones(n))
    h.run()
    x = h.getSolution().col_value
    return {i for i in idxs if x[col[i]] > 0.5}


_highs: Any = None


def _new_highs() -> Any:
    """One HiGHS instance per process, cleared per model (its start-up costs more than our solves);
    its one-time banner goes to /dev/null (stdout may carry --json output)."""
    global _highs
    import os
    import sys

    import highspy

    if _highs is None:
        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            _highs = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
    _highs.clearModel()
    _highs.clearSolver()
    return _highs
