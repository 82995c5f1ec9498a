"""Shapes shared by the selection modules: options, the oracle protocol, the result, and the
evaluator that costs configurations, keeps the best feasible set seen and enforces the deadline.

Kept apart from ``select`` so the MIP, the moves, the floors and the verdicts import these shapes
without importing each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from dbwright.stages.index.model import IndexDef, Query, Verdict

Config = frozenset[IndexDef]
# Seconds a design or `dbwright indexes` gives the search by default (the best set so far is returned then).
DEFAULT_TIME_LIMIT = 60.0
Progress = Callable[[str], None]


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
    time_limit: float | None = None  # seconds for the search; the best set so far is returned then
    progress: Progress | None = None  # told each phase and each improvement


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
    trace: list[dict[str, Any]] = field(default_factory=list)  # search progress: phase, seconds, cost
    floors: dict[str, float] = field(default_factory=dict)  # construction -> its relative cost
    stopped: str = "complete"  # complete | time limit
    single: dict[IndexDef, float] = field(default_factory=dict)  # weighted gain of each candidate alone
    marginal: dict[IndexDef, float] = field(default_factory=dict)  # gain a rejected candidate adds to the picks

    @property
    def size_bytes(self) -> int:
        return sum(self.sizes[i] for i in self.chosen)

    @property
    def relative_cost(self) -> float:
        return self.cost / self.base if self.base else 1.0


class OutOfTime(Exception):
    """The search's deadline passed; the evaluator holds the best configuration seen."""


class Evaluator:
    """True costs of configurations through the oracle, weighted, with maintenance charged.

    Every costed configuration that fits the budget competes for ``best``, so whatever phase the
    deadline interrupts, the best set seen so far is at hand. After :meth:`stop_clock` the
    evaluator no longer raises :class:`OutOfTime` (the wrap-up — reasons, per-query plans — runs).
    """

    def __init__(self, queries: Sequence[Query], oracle: Oracle, maint: Mapping[IndexDef, float],
                 sizes: Mapping[IndexDef, int] | None = None, opt: SelectOptions | None = None):
        self.queries, self.oracle, self.maint = queries, oracle, maint
        self.sizes = sizes or {}
        self.opt = opt or SelectOptions()
        self.note: Callable[[str, Config, float], None] | None = None
        self.t0 = time.perf_counter()
        self.deadline = None if self.opt.time_limit is None else self.t0 + self.opt.time_limit
        self.best: tuple[frozenset[IndexDef], float] | None = None
        self.base_total: float = 0.0
        self.phase = "start"
        self.trace: list[dict[str, Any]] = []
        self.expired = False
        self._told = 0.0

    # -- time and progress -----------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def check(self) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.expired = True
            raise OutOfTime(self.phase)

    def stop_clock(self) -> None:
        self.deadline = None

    def enter(self, phase: str) -> None:
        self.check()
        self.phase = phase
        self._tell(f"index search: {phase} ({self.elapsed():.1f} s)")

    def _tell(self, msg: str) -> None:
        if self.opt.progress is not None:
            self.opt.progress(msg)

    def record(self, phase: str | None = None) -> None:
        """A trace row: where the search is, and the best relative cost so far."""
        best = self.best[1] if self.best else self.base_total
        stats = getattr(self.oracle, "stats", None)
        row = {"phase": phase or self.phase, "seconds": round(self.elapsed(), 2),
               "relative_cost": round(best / self.base_total, 5) if self.base_total else 1.0,
               "planner_calls": getattr(stats, "explains", None)}
        self.trace.append(row)

    # -- costs -----------------------------------------------------------------------------------
    def fits(self, x: Iterable[IndexDef]) -> bool:
        cfg = list(x)
        if self.opt.max_indexes is not None and len(cfg) > self.opt.max_indexes:
            return False
        return self.opt.budget_bytes is None or sum(self.sizes.get(i, 0) for i in cfg) <= self.opt.budget_bytes

    def per_query(self, x: Iterable[IndexDef]) -> dict[str, tuple[float, frozenset[IndexDef]]]:
        cfg = list(x)
        out = {q.qid: self._cost(q, cfg) for q in self.queries}
        return out

    def total(self, x: Iterable[IndexDef]) -> float:
        self.check()
        cfg = list(x)
        t = (sum(q.weight * c for q in self.queries for c, _ in [self._cost(q, cfg)])
             + sum(self.maint.get(i, 0.0) for i in cfg))
        if (self.best is None or t < self.best[1] * (1 - 1e-9)) and self.fits(cfg):
            self.best = (frozenset(cfg), t)
            if self.base_total and time.perf_counter() - self._told >= 1.0:  # at most one line a second
                self._told = time.perf_counter()
                self._tell(f"index search: {100 * t / self.base_total:.2f}% of the workload cost "
                           f"({self.phase}, {self.elapsed():.1f} s)")
            self.record()
        return t

    def _cost(self, q: Query, cfg: list[IndexDef]) -> tuple[float, frozenset[IndexDef]]:
        c, used = self.oracle.cost(q, cfg)
        if self.note is not None:
            self.note(q.qid, used, c)
        return c, used
