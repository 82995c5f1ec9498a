"""Workload-level index selection under a storage budget: planner-measured configurations, a
surrogate-assisted greedy, a MIP (HiGHS) and local search on true costs.

Configurations (query, index set, cost) come from the oracle (the planner via HypoPG, or rules
when no planner is available): exclusion chains give every useful index alone; every later
planner answer adds the set of indexes its plan used. Then:

1. greedy with Extend's moves (add an index / append a column to a pick), ranked by the gain the
   measured configurations predict, only the best few costed by the oracle;
2. the MIP: binary x_i picks index i, y_qc says query q runs with configuration c; maximise
   Σ_q w_q·(base_q − cost_qc)·y_qc − Σ_i maintenance_i·x_i subject to Σ_c y_qc ≤ 1, y_qc ≤ x_i
   for i ∈ c, Σ size_i·x_i ≤ budget, Σ x_i ≤ max_indexes; its answer is costed for real and the
   plans it gets become configurations for the next solve;
3. the best start (greedy, MIP answers, single-column ratio fill) is improved on true costs:
   drop prefix-redundant picks, widen a pick, fill leftover budget, swap one pick for another.

A plan's cost bounds the cost of any superset, so the model never promises more than the
planner gives; every pick and rejection gets a reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dbwright.stages.index_candidates import covered_by
from dbwright.stages.index_mip import solve_mip
from dbwright.stages.index_model import IndexDef, Query, Verdict
from dbwright.stages.index_verdicts import verdicts

Config = frozenset[IndexDef]


class Oracle(Protocol):
    def cost(self, q: Query, config: Iterable[IndexDef]) -> tuple[float, frozenset[IndexDef]]: ...

    def size(self, idx: IndexDef) -> int: ...

    def sizes(self, idxs: Iterable[IndexDef]) -> dict[IndexDef, int]: ...


@dataclass
class SelectOptions:
    budget_bytes: int | None = None
    max_indexes: int | None = None
    maintenance: Mapping[str, float] = field(default_factory=dict)  # table -> cost units per index
    min_gain: float = 0.003  # an index must save this share of the workload cost (or of its queries')
    rounds: int = 2
    explain: bool = True  # compute per-index marginal benefits and reasons (more planner calls)
    mip_time_limit: float = 1.0
    fill: bool = True
    greedy: bool = True  # also run a greedy-with-interactions pass (Extend-like) and keep the better
    max_width: int = 2
    size_scale: float = 1.0  # sizes are measured on a sample this much smaller (for messages only)
    complete: bool = True  # one more solve with what each query would add on top of the picks
    top: int = 5  # moves per greedy step (and swaps) costed by the planner
    explore: bool = False  # also cost each query with all its candidates, and minus each used one


@dataclass
class Selection:
    chosen: list[IndexDef]
    base: float
    cost: float
    sizes: dict[IndexDef, int]
    per_query: dict[str, tuple[float, float, list[IndexDef]]]  # qid -> before, after, used
    verdicts: list[Verdict] = field(default_factory=list)
    seconds: float = 0.0
    solver: str = "highs"

    @property
    def size_bytes(self) -> int:
        return sum(self.sizes[i] for i in self.chosen)

    @property
    def relative_cost(self) -> float:
        return self.cost / self.base if self.base else 1.0


class _Eval:
    """True costs of configurations through the oracle, weighted."""

    def __init__(self, queries: Sequence[Query], oracle: Oracle, maint: Mapping[IndexDef, float]):
        self.queries, self.oracle, self.maint = queries, oracle, maint

        self.note: Callable[[str, Config, float], None] | None = None

    def per_query(self, x: Iterable[IndexDef]) -> dict[str, tuple[float, frozenset[IndexDef]]]:
        cfg = list(x)
        out = {q.qid: self.oracle.cost(q, cfg) for q in self.queries}
        if self.note is not None:
            for qid, (c, used) in out.items():
                self.note(qid, used, c)
        return out

    def total(self, x: Iterable[IndexDef]) -> float:
        cfg = list(x)
        return (sum(q.weight * c for q in self.queries for c, _ in [self._cost(q, cfg)])
                + sum(self.maint.get(i, 0.0) for i in cfg))

    def _cost(self, q: Query, cfg: list[IndexDef]) -> tuple[float, frozenset[IndexDef]]:
        c, used = self.oracle.cost(q, cfg)
        if self.note is not None:
            self.note(q.qid, used, c)
        return c, used


def select_indexes(queries: Sequence[Query], candidates: Mapping[str, Sequence[IndexDef]], oracle: Oracle,
                   opt: SelectOptions | None = None, existing: Sequence[IndexDef] = ()) -> Selection:
    """Choose indexes for the whole workload under the budget; every candidate gets a verdict."""
    t0 = time.perf_counter()
    opt = opt or SelectOptions()
    reads = [q for q in queries if q.qid in candidates]
    by_id = {q.qid: q for q in reads}
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
            if e is None and all((i.table, c) in eq for c in i.columns):
                # Equality-only lookups: column order does not matter, a permutation is a duplicate.
                e = next((x for x in existing if x.table == i.table and not x.where
                          and set(x.columns[:len(i.columns)]) == set(i.columns)), None)
            if e is not None:
                redundant[i] = e
            else:
                keep.append(i)
        cands[qid] = keep
    universe = sorted({i for cs in cands.values() for i in cs})
    _register_covers(universe)
    sizes = oracle.sizes(universe)
    maint = {i: float(opt.maintenance.get(i.table, 0.0)) for i in universe}
    base = {q.qid: oracle.cost(q, ())[0] for q in reads}
    ev = _Eval(reads, oracle, maint)
    base_total = sum(q.weight * base[q.qid] for q in reads)
    fits = [i for i in universe if opt.budget_bytes is None or sizes[i] <= opt.budget_bytes]

    configs: dict[str, dict[Config, float]] = {q.qid: {} for q in reads}
    single: dict[IndexDef, float] = {}  # weighted gain of an index alone, summed over queries

    def note(qid: str, used: Config, cost: float) -> None:
        if used and (used not in configs[qid] or cost < configs[qid][used]):
            configs[qid][used] = cost

    ev.note = note

    fit_set = set(fits)
    for q in reads:
        # Singles by exclusion chains per table: the planner given all of a table's candidates
        # uses U; a single used index i has cost(q,{i}) = cost(q,S) (plan cache rule); remove U and
        # ask again; once nothing is used, every remaining candidate alone gives the base plan.
        by_table: dict[str, list[IndexDef]] = {}
        for i in cands[q.qid]:
            if i in fit_set:
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
                        single[i] = single.get(i, 0.0) + q.weight * (base[q.qid] - c1)
                rest = [i for i in rest if i not in used]
        if opt.explore:
            allc = [i for i in cands[q.qid] if i in fits]
            c, used = oracle.cost(q, allc)
            note(q.qid, used, c)
            for u in used:
                c2, used2 = oracle.cost(q, [i for i in allc if i != u])
                note(q.qid, used2, c2)

    useful = [i for i in fits if single.get(i, 0.0) > 0]
    best, best_total = (_greedy(useful, sizes, ev, opt, base_total, configs, base) if opt.greedy
                        else (set(), base_total))
    # A third start: the best single-column indexes by gain per byte, while they fit.
    ratio_fill: set[IndexDef] = set()
    room = opt.budget_bytes
    for i in sorted((i for i in useful if len(i.columns) == 1), key=lambda i: -single[i] / max(sizes[i], 1)):
        if (room is None or sizes[i] <= room) and (opt.max_indexes is None or len(ratio_fill) < opt.max_indexes):
            ratio_fill.add(i)
            room = None if room is None else room - sizes[i]
    t_fill = ev.total(ratio_fill)
    if t_fill < best_total:
        best, best_total = ratio_fill, t_fill
    seen: list[set[IndexDef]] = []
    for _ in range(opt.rounds):
        x = solve_mip(reads, base, _prune(configs), sizes, opt, maint)
        if x in seen:
            break
        seen.append(x)
        per = ev.per_query(x)
        for qid, (c, used) in per.items():
            note(qid, used, c)
        x = {i for i in x if any(i in used for _, used in per.values())}  # drop what no plan uses
        total = ev.total(x)
        if total < best_total:
            best, best_total = set(x), total

    best, best_total = _tidy(best, best_total, ev)
    if opt.fill:
        if opt.budget_bytes is None:
            best, best_total = _widen(best, best_total, useful, sizes, ev, opt)
        best, best_total = _fill(best, best_total, fits, sizes, ev, opt, single)
        best, best_total = _swap(best, best_total, useful, sizes, ev, opt, configs, base)
        if opt.budget_bytes is not None:  # also widens without eviction when there is room
            best, best_total = _widen_evict(best, best_total, fits, sizes, ev, opt, configs, base, useful)
            best, best_total = _fill(best, best_total, fits, sizes, ev, opt, single)
        if opt.complete:
            # What each query would use on top of the picks, given all its candidates: the
            # combinations it reveals (indexes that only pay together) feed one more solve and one
            # more widening; either is kept only when the planner says it is cheaper.
            for q in reads:
                extra = [i for i in cands[q.qid] if i in fit_set and i not in best]
                if extra:
                    c, used = oracle.cost(q, [*best, *extra])
                    note(q.qid, used, c)
            x = solve_mip(reads, base, _prune(configs), sizes, opt, maint)
            if x and x != best:
                t_x = ev.total(x)
                if t_x < best_total:
                    best, best_total = _fill(x, t_x, fits, sizes, ev, opt, single)
            if opt.budget_bytes is not None:
                best, best_total = _widen_evict(best, best_total, fits, sizes, ev, opt, configs, base, useful,
                                                rounds=1)
    if opt.explain:
        best = _drop_trivial(best, ev, base, opt)
    chosen = sorted(best)
    per = ev.per_query(chosen)
    sel = Selection(chosen=chosen, base=base_total,
                    cost=sum(by_id[qid].weight * c for qid, (c, _) in per.items()),
                    sizes={i: sizes[i] for i in universe},
                    per_query={qid: (base[qid], c, sorted(u)) for qid, (c, u) in per.items()})
    sel.verdicts = verdicts(sel, reads, cands, redundant, single, ev, opt, maint) if opt.explain else []
    sel.seconds = time.perf_counter() - t0
    return sel


def _prune(configs: Mapping[str, Mapping[Config, float]]) -> dict[str, dict[Config, float]]:
    """Drop dominated configurations: a subset that costs no more makes a superset useless."""
    out: dict[str, dict[Config, float]] = {}
    for qid, cs in configs.items():
        items = sorted(cs.items(), key=lambda kv: (len(kv[0]), kv[1]))
        keep: dict[Config, float] = {}
        for c, cost in items:
            if not any(k <= c and kc <= cost * (1 + 1e-9) for k, kc in keep.items()):
                keep[c] = cost
        out[qid] = keep
    return out


def _tidy(x: set[IndexDef], total: float, ev: _Eval) -> tuple[set[IndexDef], float]:
    """Remove picks that a longer pick makes (nearly) redundant, freeing budget for the fill."""
    for i in sorted(x, key=lambda i: len(i.columns)):
        if i in x and any(j != i and j.prefix_covers(i) for j in x):
            t = ev.total(x - {i})
            if t <= total * 1.0005:
                x, total = x - {i}, t
    return x, total


_COVERS: dict[IndexDef, frozenset[IndexDef]] = {}  # candidate -> candidates it prefix-covers (itself too)


def _register_covers(universe: Iterable[IndexDef]) -> None:
    idx = list(universe)
    by_table: dict[str, list[IndexDef]] = {}
    for i in idx:
        by_table.setdefault(i.table, []).append(i)
    for b in idx:
        if b not in _COVERS:
            _COVERS[b] = frozenset(a for a in by_table[b.table] if b.prefix_covers(a))


def _covered(cfg: Iterable[IndexDef]) -> frozenset[IndexDef]:
    out: set[IndexDef] = set()
    for b in cfg:
        out |= _COVERS.get(b, frozenset((b,)))
    return frozenset(out)


def _predict(configs_q: Mapping[Config, float], base_q: float, cfg: set[IndexDef],
             covered: frozenset[IndexDef] | None = None) -> float:
    """A query's cost under ``cfg`` predicted from its measured configurations: a configuration
    counts when ``cfg`` holds it, or (2% dearer) when longer indexes with the same prefixes stand
    in for its indexes (they serve the same lookups)."""
    cov = _covered(cfg) if covered is None else covered
    best = base_q
    for k, c in configs_q.items():
        if c < best:
            if k <= cfg:
                best = c
            elif c * 1.02 < best and k <= cov:
                best = c * 1.02
    return best


def _greedy(fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int], ev: _Eval, opt: SelectOptions,
            base_total: float, configs: Mapping[str, Mapping[Config, float]],
            base: Mapping[str, float]) -> tuple[set[IndexDef], float]:
    """Greedy with interactions (the moves of Extend, Schlosser et al., ICDE 2019): each step adds an
    index or appends a column to a pick, whichever saves most per added byte.

    Surrogate-assisted: the configurations measured so far predict each move's gain (a query costs
    the cheapest measured configuration contained in the set); only the ``top`` best predicted
    moves are costed by the planner, and every planner answer becomes a new configuration.
    """
    singles = [i for i in fits if len(i.columns) == 1]
    known = set(fits)
    known.update(j for j in sizes if len(j.columns) <= opt.max_width)
    weights = {q.qid: q.weight for q in ev.queries}
    by_index: dict[IndexDef, list[str]] = {}
    for qid, cs in configs.items():
        for c in cs:
            for i in c:
                by_index.setdefault(i, []).append(qid)

    def predict(qid: str, cfg: set[IndexDef], cov: frozenset[IndexDef] | None = None) -> float:
        return _predict(configs[qid], base[qid], cfg, cov)

    x: set[IndexDef] = set()
    total, used = base_total, 0
    top = opt.top
    while opt.max_indexes is None or len(x) < opt.max_indexes:
        moves: list[tuple[IndexDef | None, IndexDef, int]] = [
            (None, s, sizes[s]) for s in fits if s not in x and not any(j.prefix_covers(s) for j in x)]
        for i in x:
            if len(i.columns) >= opt.max_width:
                continue
            for s in singles:
                j = IndexDef(i.table, (*i.columns, s.columns[0]))
                if s.table == i.table and s.columns[0] not in i.columns and j in known and j not in x:
                    moves.append((i, j, sizes[j] - sizes[i]))
        moves = [m for m in moves if opt.budget_bytes is None or used + m[2] <= opt.budget_bytes]
        cov_x = _covered(x)
        now = {qid: predict(qid, x, cov_x) for qid in configs}
        scored = []
        for old, new, extra in moves:
            cfg = ((x - {old}) if old is not None else x) | {new}
            qids = set(by_index.get(new, ())) | set(by_index.get(old, ()) if old is not None else ())
            cov = _covered(cfg)
            gain = sum(weights[q] * (now[q] - predict(q, cfg, cov)) for q in qids)
            if gain > 0:
                scored.append((gain / max(extra, 1), old, new, extra, cfg))
        scored.sort(key=lambda m: -m[0])
        best: tuple[float, set[IndexDef], float, int] | None = None
        for _, _old, _new, extra, cfg in scored[:top]:
            t = ev.total(cfg)
            ratio = (total - t) / max(extra, 1) if t * (1 + opt.min_gain) < total else 0.0
            if ratio > 0 and (best is None or ratio > best[0]):
                best = (ratio, cfg, t, extra)
        if best is None:
            break
        _, x, total, extra = best
        used += extra
    return x, total


def _swap(x: set[IndexDef], total: float, pool: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
          ev: _Eval, opt: SelectOptions, configs: Mapping[str, Mapping[Config, float]],
          base: Mapping[str, float], rounds: int = 3) -> tuple[set[IndexDef], float]:
    """Swap one pick for one other candidate, best predicted first (measured configurations
    predict; the planner confirms the few most promising)."""
    weights = {q.qid: q.weight for q in ev.queries}
    by_index: dict[IndexDef, set[str]] = {}
    for qid, cs in configs.items():
        for k in cs:
            for i in k:
                by_index.setdefault(i, set()).add(qid)

    def predict(qid: str, cfg: set[IndexDef], cov: frozenset[IndexDef] | None = None) -> float:
        return _predict(configs[qid], base[qid], cfg, cov)

    for _ in range(rounds):
        used = sum(sizes[i] for i in x)
        cov_x = _covered(x)
        now = {qid: predict(qid, x, cov_x) for qid in configs}
        scored = []
        for i in x:
            for j in pool:
                if j in x or j not in by_index or (
                        opt.budget_bytes is not None and used - sizes[i] + sizes[j] > opt.budget_bytes):
                    continue
                cfg = (x - {i}) | {j}
                cov = _covered(cfg)
                gain = sum(weights[q] * (now[q] - predict(q, cfg, cov))
                           for q in by_index[j] | by_index.get(i, set()))
                if gain > 0:
                    scored.append((gain, cfg))
        scored.sort(key=lambda m: -m[0])
        best: tuple[float, set[IndexDef]] | None = None
        for _, cfg in scored[:opt.top]:
            t = ev.total(cfg)
            if t < total * (1 - 1e-5) and (best is None or t < best[0]):
                best = (t, cfg)
        if best is None:
            break
        total, x = best
    return x, total


class _Surrogate:
    """Workload cost predicted from measured configurations, recomputed only for the queries an
    index can change (those with a configuration holding an index it equals or extends)."""

    def __init__(self, ev: _Eval, configs: Mapping[str, Mapping[Config, float]], base: Mapping[str, float],
                 indexes: Iterable[IndexDef]):
        self.configs, self.base = configs, base
        self.w = {q.qid: q.weight for q in ev.queries}
        held: dict[str, set[IndexDef]] = {qid: {a for k in cs for a in k} for qid, cs in configs.items()}
        self.affects = {j: {qid for qid, hs in held.items() if any(j.prefix_covers(a) for a in hs)}
                        for j in indexes}

    def per_query(self, cfg: set[IndexDef]) -> dict[str, float]:
        cov = _covered(cfg)
        return {qid: _predict(cs, self.base[qid], cfg, cov) for qid, cs in self.configs.items()}

    def delta(self, now: Mapping[str, float], cfg: set[IndexDef], changed: Iterable[IndexDef]) -> float:
        """Predicted weighted cost of ``cfg`` minus that of the set ``now`` was computed for."""
        qids: set[str] = set()
        for j in changed:
            qids |= self.affects.get(j, set())
        cov = _covered(cfg)
        return sum(self.w[q] * (_predict(self.configs[q], self.base[q], cfg, cov) - now[q]) for q in qids)


def _refill(cfg: set[IndexDef], room: int, pool: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
            sur: _Surrogate) -> tuple[set[IndexDef], float]:
    """Fill ``room`` bytes with the candidates of best predicted gain per byte (no planner calls);
    returns the set and its predicted change of cost."""
    total = 0.0
    now = sur.per_query(cfg)
    while True:
        best: tuple[float, IndexDef, float] | None = None
        for j in pool:
            if j in cfg or sizes[j] > room:
                continue
            d = sur.delta(now, cfg | {j}, (j,))
            if d < 0 and (best is None or d / max(sizes[j], 1) < best[0]):
                best = (d / max(sizes[j], 1), j, d)
        if best is None:
            return cfg, total
        cfg, room, total = cfg | {best[1]}, room - sizes[best[1]], total + best[2]
        now = sur.per_query(cfg)


def _widen_evict(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
                 ev: _Eval, opt: SelectOptions, configs: Mapping[str, Mapping[Config, float]],
                 base: Mapping[str, float], pool: Sequence[IndexDef], rounds: int = 2) -> tuple[set[IndexDef], float]:
    """Widen a pick (same prefix, one more column); when the budget is full, evict the picks whose
    predicted loss per byte is smallest until it fits; refill the room by prediction; the planner
    judges the few best such moves."""
    assert opt.budget_bytes is not None
    sur = _Surrogate(ev, configs, base, {*pool, *x})
    for _ in range(rounds):
        used = sum(sizes[i] for i in x)
        base_now = sur.per_query(x)
        trials: list[tuple[float, set[IndexDef]]] = []
        for i in sorted(x):
            for j in pool:
                if j in x or j == i or not j.prefix_covers(i):
                    continue
                cfg = (x - {i}) | {j}
                over = used - sizes[i] + sizes[j] - opt.budget_bytes
                pred = sur.delta(base_now, cfg, (i, j))
                if over > 0:
                    now = sur.per_query(cfg)
                    losses = sorted((sur.delta(now, cfg - {k}, (k,)) / max(sizes[k], 1), k)
                                    for k in cfg if k != j)
                    for loss, k in losses:
                        if over <= 0:
                            break
                        cfg = cfg - {k}
                        over -= sizes[k]
                        pred += loss * max(sizes[k], 1)
                if over <= 0:
                    cfg, gain = _refill(cfg, opt.budget_bytes - sum(sizes[k] for k in cfg), pool, sizes, sur)
                    trials.append((pred + gain, cfg))
        trials.sort(key=lambda t: t[0])
        best: tuple[float, set[IndexDef]] | None = None
        for _, cfg in trials[:4]:
            t = ev.total(cfg)
            if t < total * (1 - 1e-5) and (best is None or t < best[0]):
                best = (t, cfg)
        if best is None:
            break
        total, x = best
    return x, total


def _widen(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
           ev: _Eval, opt: SelectOptions) -> tuple[set[IndexDef], float]:
    """Replace a pick by a longer candidate with the same prefix when the extra bytes pay off
    (one wider index can serve the queries of both)."""
    improved = True
    while improved:
        improved = False
        used = sum(sizes[i] for i in x)
        best: tuple[float, IndexDef, IndexDef, float] | None = None
        for i in sorted(x):
            for j in fits:
                if j in x or j == i or not j.prefix_covers(i):
                    continue
                extra = sizes[j] - sizes[i]
                if opt.budget_bytes is not None and used + extra > opt.budget_bytes:
                    continue
                t = ev.total((x - {i}) | {j})
                ratio = (total - t) / max(extra, 1)
                if t < total * (1 - 1e-4) and (best is None or ratio > best[0]):
                    best = (ratio, i, j, t)
        if best is not None:
            _, i, j, total = best
            x = (x - {i}) | {j}
            improved = True
    return x, total


def _fill(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
          ev: _Eval, opt: SelectOptions, single: Mapping[IndexDef, float]) -> tuple[set[IndexDef], float]:
    """Add indexes while budget is left, best true gain per byte first (interactions included)."""
    pool = [i for i in fits if single.get(i, 0.0) > 0]
    while True:
        used = sum(sizes[i] for i in x)
        if opt.max_indexes is not None and len(x) >= opt.max_indexes:
            break
        room = [i for i in pool if i not in x and (opt.budget_bytes is None or used + sizes[i] <= opt.budget_bytes)
                and not any(j.prefix_covers(i) for j in x)]
        best_i, best_ratio, best_total = None, 0.0, total
        for i in room:
            t = ev.total(x | {i})
            gain = total - t
            if gain > opt.min_gain * total * 0.1 and gain / max(sizes[i], 1) > best_ratio:
                best_i, best_ratio, best_total = i, gain / max(sizes[i], 1), t
        if best_i is None:
            break
        x = x | {best_i}
        total = best_total
    return x, total


def _drop_trivial(x: set[IndexDef], ev: _Eval, base: Mapping[str, float], opt: SelectOptions) -> set[IndexDef]:
    """Leave out picks that save under ``min_gain`` of the workload and under half of their own
    queries' cost: not worth an index (an index that makes a rare query 10× faster stays)."""
    total = ev.total(x)
    base_total = sum(q.weight * base[q.qid] for q in ev.queries)
    for i in sorted(x):
        without = ev.total(x - {i})
        if without - total >= opt.min_gain * base_total:
            continue
        per_with, per_without = ev.per_query(x), ev.per_query(x - {i})
        mine = [qid for qid, (_, used) in per_with.items() if i in used]
        if all(per_without[qid][0] > 2 * per_with[qid][0] for qid in mine) and mine:
            continue
        x, total = x - {i}, without
    return x
