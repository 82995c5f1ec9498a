"""Moves of the index search on measured configurations: the surrogate that predicts a set's cost
from the plans measured so far, the Extend-style greedy, swaps, widenings (with eviction when the
budget is full), fills and tidying. Each move is judged by the planner (the evaluator) before it is
taken; loops that only predict check the deadline themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dbwright.stages.index.base import Config, Evaluator, SelectOptions
from dbwright.stages.index.model import IndexDef


def prune(configs: Mapping[str, Mapping[Config, float]]) -> dict[str, dict[Config, float]]:
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


def tidy(x: set[IndexDef], total: float, ev: Evaluator) -> tuple[set[IndexDef], float]:
    """Remove picks that a longer pick makes (nearly) redundant, freeing budget for the fill."""
    for i in sorted(x, key=lambda i: len(i.columns)):
        if i in x and any(j != i and j.prefix_covers(i) for j in x):
            t = ev.total(x - {i})
            if t <= total * 1.0005:
                x, total = x - {i}, t
    return x, total


_COVERS: dict[IndexDef, frozenset[IndexDef]] = {}  # candidate -> candidates it prefix-covers (itself too)
_COVERED: dict[frozenset[IndexDef], frozenset[IndexDef]] = {}


def register_covers(universe: Iterable[IndexDef]) -> None:
    """Recompute prefix coverage for this run's candidates (a table's candidate set varies by run)."""
    idx = list(universe)
    by_table: dict[str, list[IndexDef]] = {}
    for i in idx:
        by_table.setdefault(i.table, []).append(i)
    _COVERED.clear()
    for b in idx:
        _COVERS[b] = frozenset(a for a in by_table[b.table] if b.prefix_covers(a))


def covered(cfg: Iterable[IndexDef]) -> frozenset[IndexDef]:
    key = cfg if isinstance(cfg, frozenset) else frozenset(cfg)
    hit = _COVERED.get(key)
    if hit is None:
        out: set[IndexDef] = set()
        for b in key:
            out |= _COVERS.get(b, frozenset((b,)))
        hit = frozenset(out)
        if len(_COVERED) > 200_000:
            _COVERED.clear()
        _COVERED[key] = hit
    return hit


def predict_cost(configs_q: Mapping[Config, float], base_q: float, cfg: set[IndexDef],
                 cover: frozenset[IndexDef] | None = None) -> float:
    """A query's cost under ``cfg`` predicted from its measured configurations: a configuration
    counts when ``cfg`` holds it, or (2% dearer) when longer indexes with the same prefixes stand
    in for its indexes (they serve the same lookups)."""
    cov = covered(cfg) if cover is None else cover
    best = base_q
    for k, c in configs_q.items():
        if c < best:
            if k <= cfg:
                best = c
            elif c * 1.02 < best and k <= cov:
                best = c * 1.02
    return best


def greedy(fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int], ev: Evaluator, opt: SelectOptions,
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
        return predict_cost(configs[qid], base[qid], cfg, cov)

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
        cov_x = covered(x)
        now = {qid: predict(qid, x, cov_x) for qid in configs}
        scored = []
        for old, new, extra in moves:
            cfg = ((x - {old}) if old is not None else x) | {new}
            qids = set(by_index.get(new, ())) | set(by_index.get(old, ()) if old is not None else ())
            cov = covered(cfg)
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


def swap(x: set[IndexDef], total: float, pool: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
          ev: Evaluator, opt: SelectOptions, configs: Mapping[str, Mapping[Config, float]],
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
        return predict_cost(configs[qid], base[qid], cfg, cov)

    for _ in range(rounds):
        used = sum(sizes[i] for i in x)
        cov_x = covered(x)
        now = {qid: predict(qid, x, cov_x) for qid in configs}
        scored = []
        for i in x:
            ev.check()
            for j in pool:
                if j in x or j not in by_index or (
                        opt.budget_bytes is not None and used - sizes[i] + sizes[j] > opt.budget_bytes):
                    continue
                cfg = (x - {i}) | {j}
                cov = covered(cfg)
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


class Surrogate:
    """Workload cost predicted from measured configurations, recomputed only for the queries an
    index can change (those with a configuration holding an index it equals or extends)."""

    def __init__(self, ev: Evaluator, configs: Mapping[str, Mapping[Config, float]], base: Mapping[str, float],
                 indexes: Iterable[IndexDef]):
        self.configs, self.base, self.ev = configs, base, ev
        self.w = {q.qid: q.weight for q in ev.queries}
        held: dict[str, set[IndexDef]] = {qid: {a for k in cs for a in k} for qid, cs in configs.items()}
        self.affects = {j: {qid for qid, hs in held.items() if any(j.prefix_covers(a) for a in hs)}
                        for j in indexes}

    def per_query(self, cfg: set[IndexDef]) -> dict[str, float]:
        cov = covered(cfg)
        return {qid: predict_cost(cs, self.base[qid], cfg, cov) for qid, cs in self.configs.items()}

    def delta(self, now: Mapping[str, float], cfg: set[IndexDef], changed: Iterable[IndexDef]) -> float:
        """Predicted weighted cost of ``cfg`` minus that of the set ``now`` was computed for."""
        qids: set[str] = set()
        for j in changed:
            qids |= self.affects.get(j, set())
        cov = covered(cfg)
        return sum(self.w[q] * (predict_cost(self.configs[q], self.base[q], cfg, cov) - now[q]) for q in qids)


def refill(cfg: set[IndexDef], room: int, pool: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
            sur: Surrogate) -> tuple[set[IndexDef], float]:
    """Fill ``room`` bytes with the candidates of best predicted gain per byte (no planner calls);
    returns the set and its predicted change of cost."""
    total = 0.0
    now = sur.per_query(cfg)
    while True:
        sur.ev.check()
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


def widen_evict(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
                 ev: Evaluator, opt: SelectOptions, configs: Mapping[str, Mapping[Config, float]],
                 base: Mapping[str, float], pool: Sequence[IndexDef], rounds: int = 2) -> tuple[set[IndexDef], float]:
    """Widen a pick (same prefix, one more column); when the budget is full, evict the picks whose
    predicted loss per byte is smallest until it fits; refill the room by prediction; the planner
    judges the few best such moves."""
    assert opt.budget_bytes is not None
    sur = Surrogate(ev, configs, base, {*pool, *x})
    for _ in range(rounds):
        used = sum(sizes[i] for i in x)
        base_now = sur.per_query(x)
        trials: list[tuple[float, set[IndexDef]]] = []
        for i in sorted(x):
            ev.check()
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
                    cfg, gain = refill(cfg, opt.budget_bytes - sum(sizes[k] for k in cfg), pool, sizes, sur)
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


def widen(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
           ev: Evaluator, opt: SelectOptions) -> tuple[set[IndexDef], float]:
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


def fill(x: set[IndexDef], total: float, fits: Sequence[IndexDef], sizes: Mapping[IndexDef, int],
          ev: Evaluator, opt: SelectOptions, single: Mapping[IndexDef, float]) -> tuple[set[IndexDef], float]:
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


def drop_trivial(x: set[IndexDef], ev: Evaluator, base: Mapping[str, float], opt: SelectOptions,
                 floor: float = float("inf")) -> set[IndexDef]:
    """Leave out picks that save under ``min_gain`` of the workload and under half of their own
    queries' cost: not worth an index (an index that makes a rare query 10× faster stays). A pick
    is never dropped when that would cost more than ``floor`` (the best simple construction)."""
    total = ev.total(x)
    base_total = sum(q.weight * base[q.qid] for q in ev.queries)
    for i in sorted(x):
        without = ev.total(x - {i})
        if without - total >= opt.min_gain * base_total or without > floor:
            continue
        per_with, per_without = ev.per_query(x), ev.per_query(x - {i})
        mine = [qid for qid, (_, used) in per_with.items() if i in used]
        if all(per_without[qid][0] > 2 * per_with[qid][0] for qid in mine) and mine:
            continue
        x, total = x - {i}, without
    return x
