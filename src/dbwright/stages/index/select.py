"""Workload-level index selection under a storage budget and a deadline: planner-measured
configurations, floors, a surrogate-assisted greedy, a MIP (HiGHS) and local search on true costs.

Configurations (query, index set, cost) come from the oracle (the planner via HypoPG, or rules
when no planner is available): exclusion chains give every useful index alone; every later
planner answer adds the set of indexes its plan used. Then, each phase interruptible:

0. floors: the single-column greedy (each single-column index credited with its saving alone,
   best per byte first) — the search never returns a set its evaluator costs higher;
1. greedy with Extend's moves (add an index / append a column to a pick), ranked by the gain the
   measured configurations predict, only the best few costed by the oracle;
2. the MIP: binary x_i picks index i, y_qc says query q runs with configuration c; maximise
   Σ_q w_q·(base_q − cost_qc)·y_qc − Σ_i maintenance_i·x_i subject to Σ_c y_qc ≤ 1, y_qc ≤ x_i
   for i ∈ c, Σ size_i·x_i ≤ budget, Σ x_i ≤ max_indexes; its answer is costed for real and the
   plans it gets become configurations for the next solve;
3. the best start is improved on true costs: drop prefix-redundant picks, widen a pick, fill
   leftover budget, swap one pick for another.

Anytime: with ``time_limit`` the search stops where it is when the deadline passes and returns the
cheapest configuration the evaluator has costed that fits the budget (every costed set competes),
never one costlier than the floors. ``Selection.trace`` records each phase and improvement.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from dbwright.stages.index.base import Config, Evaluator, Oracle, OutOfTime, Selection, SelectOptions
from dbwright.stages.index.candidates import covered_by
from dbwright.stages.index.floors import ratio_fill, single_column_greedy
from dbwright.stages.index.mip import solve_mip
from dbwright.stages.index.model import IndexDef, Query
from dbwright.stages.index.moves import (
    drop_trivial,
    fill,
    greedy,
    prune,
    register_covers,
    swap,
    tidy,
    widen,
    widen_evict,
)
from dbwright.stages.index.verdicts import verdicts

__all__ = ["Config", "Oracle", "SelectOptions", "Selection", "select_indexes"]


def select_indexes(queries: Sequence[Query], candidates: Mapping[str, Sequence[IndexDef]], oracle: Oracle,
                   opt: SelectOptions | None = None, existing: Sequence[IndexDef] = ()) -> Selection:
    """Choose indexes for the whole workload under the budget; every candidate gets a verdict."""
    t0 = time.perf_counter()
    opt = opt or SelectOptions()
    reads = [q for q in queries if q.qid in candidates]
    by_id = {q.qid: q for q in reads}
    redundant, cands = _drop_served(queries, candidates, existing)
    universe = sorted({i for cs in cands.values() for i in cs})
    register_covers(universe)
    sizes = oracle.sizes(universe)
    maint = {i: float(opt.maintenance.get(i.table, 0.0)) for i in universe}
    ev = Evaluator(reads, oracle, maint, sizes, opt)
    ev.t0 = t0
    base = {q.qid: oracle.cost(q, ())[0] for q in reads}
    base_total = sum(q.weight * base[q.qid] for q in reads)
    ev.base_total = base_total
    ev.best = (frozenset(), base_total)
    fits = [i for i in universe if opt.budget_bytes is None or sizes[i] <= opt.budget_bytes]
    fit_set = set(fits)

    configs: dict[str, dict[Config, float]] = {q.qid: {} for q in reads}
    single: dict[IndexDef, float] = {}  # weighted gain of an index alone, summed over queries

    def note(qid: str, used: Config, cost: float) -> None:
        if used and (used not in configs[qid] or cost < configs[qid][used]):
            configs[qid][used] = cost

    ev.note = note
    floors: dict[str, float] = {}
    stopped = "complete"
    # The floor is computed whatever the deadline: it is what the answer is guaranteed against.
    deadline, ev.deadline = ev.deadline, None
    ev.enter("floor: single-column greedy")
    floor_set = single_column_greedy(reads, [i for i in fits if len(i.columns) == 1], oracle, opt.budget_bytes,
                                     opt.max_indexes)
    best, best_total = set(floor_set), ev.total(floor_set)
    floors["single-column greedy"] = best_total / base_total if base_total else 1.0
    ev.deadline = deadline
    try:
        ev.enter("singles by exclusion chains")
        for q in reads:
            ev.check()
            _singles(q, [i for i in cands[q.qid] if i in fit_set], oracle, base[q.qid], note, single)
            if opt.explore:
                allc = [i for i in cands[q.qid] if i in fit_set]
                c, used = oracle.cost(q, allc)
                note(q.qid, used, c)
                for u in used:
                    c2, used2 = oracle.cost(q, [i for i in allc if i != u])
                    note(q.qid, used2, c2)
        useful = [i for i in fits if single.get(i, 0.0) > 0]
        rf = ratio_fill(useful, single, sizes, opt.budget_bytes, opt.max_indexes)
        floors["ratio fill"] = ev.total(rf) / base_total if base_total else 1.0
        best, best_total = _better((best, best_total), (rf, ev.total(rf)))
        if opt.greedy:
            ev.enter("greedy (Extend moves)")
            g = greedy(useful, sizes, ev, opt, base_total, configs, base)
            best, best_total = _better((best, best_total), g)
        ev.enter("MIP")
        seen: list[set[IndexDef]] = []
        for _ in range(opt.rounds):
            x = solve_mip(reads, base, prune(configs), sizes, opt, maint)
            if x in seen:
                break
            seen.append(x)
            per = ev.per_query(x)
            x = {i for i in x if any(i in used for _, used in per.values())}  # drop what no plan uses
            best, best_total = _better((best, best_total), (x, ev.total(x)))
            ev.check()
        ev.enter("local search")
        best, best_total = tidy(best, best_total, ev)
        if opt.fill:
            if opt.budget_bytes is None:
                best, best_total = widen(best, best_total, useful, sizes, ev, opt)
            best, best_total = fill(best, best_total, fits, sizes, ev, opt, single)
            best, best_total = swap(best, best_total, useful, sizes, ev, opt, configs, base)
            if opt.budget_bytes is not None:  # also widens without eviction when there is room
                best, best_total = widen_evict(best, best_total, fits, sizes, ev, opt, configs, base, useful)
                best, best_total = fill(best, best_total, fits, sizes, ev, opt, single)
            if opt.complete:
                ev.enter("complete and re-solve")
                # What each query would use on top of the picks, given all its candidates: the
                # combinations it reveals (indexes that only pay together) feed one more solve and one
                # more widening; either is kept only when the planner says it is cheaper.
                for q in reads:
                    ev.check()
                    extra = [i for i in cands[q.qid] if i in fit_set and i not in best]
                    if extra:
                        c, used = oracle.cost(q, [*best, *extra])
                        note(q.qid, used, c)
                x = solve_mip(reads, base, prune(configs), sizes, opt, maint)
                if x and x != best:
                    t_x = ev.total(x)
                    if t_x < best_total:
                        best, best_total = fill(x, t_x, fits, sizes, ev, opt, single)
                if opt.budget_bytes is not None:
                    best, best_total = widen_evict(best, best_total, fits, sizes, ev, opt, configs, base, useful,
                                                   rounds=1)
            # fills and widenings can leave a pick that a longer pick serves: free its bytes, refill
            ev.enter("tidy and refill")
            best, best_total = tidy(best, best_total, ev)
            best, best_total = fill(best, best_total, fits, sizes, ev, opt, single)
    except OutOfTime:
        stopped = "time limit"
    ev.stop_clock()
    ev.phase = "wrap-up"
    # Every configuration the evaluator costed competed: the answer is the cheapest that fits.
    assert ev.best is not None
    best, best_total = _better((best, best_total), (set(ev.best[0]), ev.best[1]))
    floor_total = min(floors.values()) * base_total if floors else base_total
    if opt.explain:
        best = drop_trivial(best, ev, base, opt, floor=floor_total)
    ev.record("done" if stopped == "complete" else "stopped at the time limit")
    chosen = sorted(best)
    per = ev.per_query(chosen)
    sel = Selection(chosen=chosen, base=base_total,
                    cost=sum(by_id[qid].weight * c for qid, (c, _) in per.items()),
                    sizes={i: sizes[i] for i in universe},
                    per_query={qid: (base[qid], c, sorted(u)) for qid, (c, u) in per.items()},
                    trace=ev.trace, floors=floors, stopped=stopped, single=dict(single))
    sel.verdicts = verdicts(sel, reads, cands, redundant, single, ev, opt, maint) if opt.explain else []
    sel.seconds = time.perf_counter() - t0
    return sel


def _better(a: tuple[set[IndexDef], float], b: tuple[Iterable[IndexDef], float]) -> tuple[set[IndexDef], float]:
    return (set(b[0]), b[1]) if b[1] < a[1] * (1 - 1e-9) else a


def _drop_served(queries: Sequence[Query], candidates: Mapping[str, Sequence[IndexDef]],
                 existing: Sequence[IndexDef]) -> tuple[dict[IndexDef, IndexDef], dict[str, list[IndexDef]]]:
    """Candidates an existing index already serves (same or longer prefix; for equality-only
    lookups any permutation), and what remains per query."""
    redundant: dict[IndexDef, IndexDef] = {}
    cands: dict[str, list[IndexDef]] = {}
    by_id_all = {q.qid: q for q in queries}
    for qid, cs in candidates.items():
        keep = []
        q0 = by_id_all.get(qid)
        eq: set[tuple[str, str]] = set()
        if q0 is not None:
            for tname, tuse in q0.tables.items():
                eq |= {(tname, c) for c in (*tuse.equality, *tuse.join)}
        for i in cs:
            e = covered_by(i, existing)
            if e is None and len(i.columns) == 1 and (i.table, i.columns[0]) in eq and not i.include:
                # an existing hash index serves equality lookups on its column
                e = next((x for x in existing if x.method == "hash" and x.table == i.table
                          and x.columns == i.columns and q0 is not None
                          and i.columns[0] not in (*q0.tables[i.table].range, *(c for c, _ in q0.tables[i.table].order))),
                         None)
            if e is None and all((i.table, c) in eq for c in i.columns):
                # Equality-only lookups: column order does not matter, a permutation is a duplicate.
                e = next((x for x in existing if x.table == i.table and not x.where and x.method == "btree"
                          and set(x.columns[:len(i.columns)]) == set(i.columns)), None)
            if e is not None:
                redundant[i] = e
            else:
                keep.append(i)
        cands[qid] = keep
    return redundant, cands


def _singles(q: Query, mine: Sequence[IndexDef], oracle: Oracle, base_q: float,
             note: Callable[[str, Config, float], None], single: dict[IndexDef, float]) -> None:
    """Every useful index of ``q`` alone, by exclusion chains per table: the planner given all of a
    table's candidates uses U; a single used index i has cost(q,{i}) = cost(q,S) (plan cache
    rule); remove U and ask again; once nothing is used, every remaining candidate alone gives
    the base plan."""
    by_table: dict[str, list[IndexDef]] = {}
    for i in mine:
        by_table.setdefault(i.table, []).append(i)
    for rest in by_table.values():
        while rest:
            c, used = oracle.cost(q, rest)
            if not used:
                break
            note(q.qid, used, c)
            for i in used:
                c1, u1 = (c, used) if len(used) == 1 else oracle.cost(q, (i,))
                note(q.qid, u1, c1)
                if i in u1:
                    single[i] = single.get(i, 0.0) + q.weight * (base_q - c1)
            rest = [i for i in rest if i not in used]
