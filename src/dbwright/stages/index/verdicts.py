"""Reasons for every pick and rejection of index selection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dbwright.stages.index.model import IndexDef, Query, Verdict

if TYPE_CHECKING:
    from dbwright.stages.index.base import Evaluator, Selection, SelectOptions


def _mb(b: float, opt: SelectOptions) -> str:
    return f"{b / opt.size_scale / 1e6:.1f} MB"


def _pct(v: float) -> str:
    return f"{v:.1f}%" if abs(v) >= 0.1 else f"{v:.2g}%"


def verdicts(sel: Selection, reads: Sequence[Query], cands: Mapping[str, Sequence[IndexDef]],
              redundant: Mapping[IndexDef, IndexDef], single: Mapping[IndexDef, float], ev: Evaluator,
              opt: SelectOptions, maint: Mapping[IndexDef, float]) -> list[Verdict]:
    chosen = set(sel.chosen)
    out: list[Verdict] = []
    with_all = ev.total(chosen)
    for i in sel.chosen:
        without = ev.total(chosen - {i})
        qs = [qid for qid, (_, _, used) in sel.per_query.items() if i in used]
        out.append(Verdict(i, "picked", f"saves {_pct(100 * (without - with_all) / max(sel.base, 1e-9))} of the "
                           f"workload cost given the other picks; used by {', '.join(qs) or 'no plan'}",
                           sel.sizes[i], without - with_all, qs))
    for i, e in redundant.items():
        out.append(Verdict(i, "redundant", f"existing index {e.key} already serves it"))
    budget_left = (opt.budget_bytes - sel.size_bytes) if opt.budget_bytes is not None else None
    done = {v.index for v in out}
    for cs in cands.values():
        for i in cs:
            if i in done:
                continue
            done.add(i)
            qs = [q.qid for q in reads if i in cands[q.qid]]
            gain = single.get(i, 0.0)
            size = sel.sizes.get(i, 0)
            cover = next((c for c in chosen if c.prefix_covers(i)), None)
            if cover is not None:
                v = Verdict(i, "redundant", f"picked index {cover.key} covers it", size, gain, qs)
            elif opt.budget_bytes is not None and size > opt.budget_bytes:
                v = Verdict(i, "budget", f"{_mb(size, opt)} alone exceeds the {_mb(opt.budget_bytes, opt)} budget",
                            size, gain, qs)
            elif gain <= 0:
                v = Verdict(i, "little-gain", "no plan gets cheaper with it alone", size, 0.0, qs)
            elif maint.get(i, 0.0) >= gain:
                v = Verdict(i, "write-cost", f"maintenance {maint[i]:.1f} ≥ read gain {gain:.1f} (cost units)",
                            size, gain, qs)
            elif gain < opt.min_gain * sel.base:
                v = Verdict(i, "little-gain", f"alone saves {100 * gain / max(sel.base, 1e-9):.2f}% of the "
                            "workload cost", size, gain, qs)
            elif opt.max_indexes is not None and len(chosen) >= opt.max_indexes:
                v = Verdict(i, "max-indexes", f"the {opt.max_indexes}-index limit is reached", size, gain, qs)
            elif budget_left is not None and size > budget_left:
                v = Verdict(i, "budget", f"{_mb(size, opt)} does not fit the {_mb(budget_left, opt)} left; "
                            "the picks save more per MB", size, gain, qs)
            else:
                v = Verdict(i, "little-gain", "with the picks in place it adds too little", size, gain, qs)
            out.append(v)
    return out
