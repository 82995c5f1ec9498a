"""Simple constructions the search must never lose to (its floor), cheap to compute exactly.

- ``single_column_greedy``: every single-column candidate the planner uses when all of them exist
  (per query), each credited with what it saves alone, taken best saving per byte first while it
  fits — the classic baseline (and the one ``bench/index_advisor`` compares against);
- ``ratio_fill``: the same order over every candidate with a measured saving alone, skipping those
  a longer pick already serves.

Both are costed by the same evaluator as the search, so the search's answer is the cheapest of
all of them by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dbwright.stages.index.base import Oracle
from dbwright.stages.index.model import IndexDef, Query


def single_column_greedy(queries: Sequence[Query], singles: Iterable[IndexDef], oracle: Oracle,
                         budget_bytes: int | None, max_indexes: int | None = None,
                         weighted: bool = True) -> list[IndexDef]:
    """Single-column indexes by saving per byte (each alone), while they fit the budget."""
    every = sorted({i for i in singles if len(i.columns) == 1})
    if not every:
        return []
    sizes = oracle.sizes(every)
    used: set[IndexDef] = set()
    for q in queries:
        mine = [i for i in every if i.table in q.tables]
        if mine:
            used |= oracle.cost(q, mine)[1]
    gain: dict[IndexDef, float] = {}
    for q in queries:
        w = q.weight if weighted else 1.0
        base = oracle.cost(q, ())[0]
        for i in used:
            if i.table in q.tables:
                c, u = oracle.cost(q, [i])
                if i in u:
                    gain[i] = gain.get(i, 0.0) + (base - c) * w
    order = sorted((i for i in used if gain.get(i, 0.0) > 0), key=lambda i: (-gain[i] / max(sizes[i], 1), i))
    out: list[IndexDef] = []
    room = budget_bytes
    for i in order:
        if max_indexes is not None and len(out) >= max_indexes:
            break
        if room is None or sizes[i] <= room:
            out.append(i)
            room = None if room is None else room - sizes[i]
    return out


def ratio_fill(pool: Iterable[IndexDef], gain: Mapping[IndexDef, float], sizes: Mapping[IndexDef, int],
               budget_bytes: int | None, max_indexes: int | None = None) -> set[IndexDef]:
    """Candidates by saving alone per byte while they fit, skipping those a pick prefix-covers."""
    out: set[IndexDef] = set()
    room = budget_bytes
    for i in sorted((i for i in pool if gain.get(i, 0.0) > 0), key=lambda i: (-gain[i] / max(sizes[i], 1), i)):
        if max_indexes is not None and len(out) >= max_indexes:
            break
        if any(j.prefix_covers(i) for j in out):
            continue
        if room is None or sizes[i] <= room:
            out.add(i)
            room = None if room is None else room - sizes[i]
    return out
