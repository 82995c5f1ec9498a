"""Candidate indexes from parsed queries, and what existing indexes make redundant.

Per query and table: every indexable column alone; column pairs in every order (the planner
decides which order wins); equality columns before range and sort columns, sort order kept
(``a, b DESC`` when directions are mixed); optionally covering (INCLUDE) candidates for short
lookups and partial candidates where a predicate compares a column with a constant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dbwright.stages.index.model import IndexDef, Query


@dataclass(frozen=True)
class CandidateOptions:
    max_width: int = 2
    all_pairs: bool = True  # both orders of every column pair (not only equality-first)
    covering: bool = False  # INCLUDE candidates for lookups/short lists
    partial: bool = False  # WHERE col = <literal> candidates
    min_rows: int = 1000  # tables smaller than this get no candidates (a scan is as cheap)


def _dedupe(seq: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(seq))


def query_candidates(q: Query, rows: Mapping[str, float], opt: CandidateOptions) -> list[IndexDef]:
    out: list[IndexDef] = []
    for table, u in q.tables.items():
        if rows.get(table, opt.min_rows) < opt.min_rows:
            continue
        cols = u.indexable
        eqlike = _dedupe([*u.equality, *u.join])
        order_cols = [c for c, _ in u.order] or list(u.group)
        out += [IndexDef(table, (c,)) for c in cols]
        if opt.max_width >= 2:
            firsts = cols if opt.all_pairs else eqlike
            out += [IndexDef(table, (a, b)) for a in firsts for b in cols if a != b]
        if opt.max_width >= 3:
            eq = _dedupe([*u.equality, *(u.join if len(u.equality) < 2 else [])])
            tails = _dedupe([*u.range, *order_cols])
            if len(eq) >= 2:
                out += [IndexDef(table, (eq[0], eq[1], t)) for t in tails if t not in eq[:2]]
                if len(eq) >= 3:
                    out.append(IndexDef(table, tuple(eq[:3])))
            if u.order and len(eq) >= 1:
                dirs = [d for _, d in u.order]
                key = tuple(_dedupe([*eq[:2], *order_cols]))[:opt.max_width + 1]
                desc = tuple([False] * (len(key) - len(dirs)) + dirs)[:len(key)] if len(set(dirs)) > 1 else ()
                if len(key) > 1:
                    out.append(IndexDef(table, key, descending=desc))
        if opt.covering and q.limit is not None and q.limit <= 100 and eqlike:
            key = tuple(_dedupe([*eqlike[:2], *order_cols[:1], *u.range[:1]]))[:3]
            rest = tuple(c for c in u.referenced if c not in key)
            if rest and len(rest) <= 3:
                out.append(IndexDef(table, key, include=rest))
        if opt.partial:
            for col, lit in u.constants.items():
                others = tuple(c for c in _dedupe([*eqlike, *u.range, *order_cols]) if c != col)[:2]
                if others and "$" not in lit:
                    out.append(IndexDef(table, others, where=f"{col} = {lit}"))
    return list(dict.fromkeys(out))


def workload_candidates(queries: Sequence[Query], rows: Mapping[str, float],
                        opt: CandidateOptions | None = None) -> dict[str, list[IndexDef]]:
    """Candidates per query id (a candidate may serve several queries)."""
    opt = opt or CandidateOptions()
    return {q.qid: query_candidates(q, rows, opt) for q in queries if not q.is_write and q.problem is None}


def covered_by(idx: IndexDef, existing: Iterable[IndexDef]) -> IndexDef | None:
    """An existing index that already serves everything ``idx`` would (same or longer key prefix)."""
    for e in existing:
        if e.prefix_covers(idx):
            return e
    return None


def redundant_existing(existing: Mapping[str, IndexDef], unique: Iterable[str] = ()) -> dict[str, str]:
    """Existing indexes (by name) that a duplicate or a longer index makes redundant, with why."""
    keep_unique = set(unique)
    out: dict[str, str] = {}
    items = sorted(existing.items(), key=lambda kv: (-len(kv[1].columns), kv[0]))
    for name, idx in items:
        if name in keep_unique or name in out:
            continue
        for other_name, other in items:
            if other_name == name or other_name in out:
                continue
            if other.prefix_covers(idx) and (len(other.columns) > len(idx.columns) or other_name < name):
                same = other.columns == idx.columns
                out[name] = (f"duplicate of {other_name}" if same
                             else f"prefix of {other_name} ({', '.join(other.columns)})")
                break
    return out
