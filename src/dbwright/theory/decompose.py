"""Decompositions: 3NF synthesis, BCNF decomposition, the chase, dependency preservation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dbwright.theory.fd import FD, AttrSet, Closure, FDError, group_rhs, minimal_cover, ordered
from dbwright.theory.keys import candidate_keys, minimize_key
from dbwright.theory.normal_forms import projected_violation


@dataclass
class Relation:
    """One relation of a decomposition and why it exists."""

    attributes: list[str]
    keys: list[list[str]] = field(default_factory=list)
    reason: str = ""
    source: FD | None = None

    @property
    def attrs(self) -> AttrSet:
        return frozenset(self.attributes)


@dataclass
class Decomposition:
    relations: list[Relation]
    lossless: bool
    lost: list[FD] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def preserving(self) -> bool:
        return not self.lost

    def as_lists(self) -> list[list[str]]:
        return [r.attributes for r in self.relations]


def _keys_of(rel: AttrSet, fds: Sequence[FD], eng: Closure, order: Sequence[str]) -> list[list[str]]:
    local = [FD(x, (eng.of(x) & rel) - x) for x in _lhs_candidates(rel, fds)]
    local = [fd for fd in local if fd.rhs]
    return [ordered(k, order) for k in candidate_keys(ordered(rel, order), local)]


def _lhs_candidates(rel: AttrSet, fds: Sequence[FD]) -> list[AttrSet]:
    # Enough left sides to find the keys of a synthesized relation: the given left sides inside it.
    return list(dict.fromkeys(fd.lhs for fd in fds if fd.lhs <= rel))


def synthesize_3nf(attributes: Sequence[str], fds: Sequence[FD], all_keys: bool = True) -> Decomposition:
    """3NF synthesis (standard variant): one relation per left side of a minimal cover, a key
    relation when none holds a candidate key, then relations contained in others dropped.
    Always lossless and dependency-preserving. With ``all_keys=False`` each relation lists only
    the left side it was made from as its key (cheaper: no key enumeration per relation)."""
    order = list(attributes)
    attrs = frozenset(order)
    cover = minimal_cover(fds)
    eng = Closure(cover)
    steps: list[str] = []
    rels: list[Relation] = []
    for fd in group_rhs(cover):
        rels.append(Relation(ordered(fd.lhs | fd.rhs, order), [ordered(fd.lhs, order)],
                             f"from {fd.text(order)}", fd))
        steps.append(f"{fd.text(order)} gives relation ({', '.join(ordered(fd.lhs | fd.rhs, order))})")
    if not any(attrs <= eng.of(r.attrs) for r in rels):
        key = minimize_key(attrs, attrs, eng, order[::-1])
        rels.append(Relation(ordered(key, order), [ordered(key, order)], "key relation", None))
        steps.append(f"no relation holds a candidate key: add ({', '.join(ordered(key, order))})")
    covered = frozenset().union(*(r.attrs for r in rels)) if rels else frozenset()
    if covered != attrs:
        # Attributes in no FD belong to every key, so the key relation above already holds them.
        raise AssertionError("synthesis left attributes out")  # pragma: no cover
    kept: list[Relation] = []
    for i, r in enumerate(rels):
        bigger = [o for j, o in enumerate(rels) if j != i and (r.attrs < o.attrs or (r.attrs == o.attrs and j < i))]
        if bigger:
            steps.append(f"({', '.join(r.attributes)}) is contained in ({', '.join(bigger[0].attributes)}): dropped")
            continue
        kept.append(r)
    if all_keys:
        for r in kept:
            r.keys = _keys_of(r.attrs, cover, eng, order)
    return Decomposition(kept, lossless=True, lost=[], steps=steps)


def bcnf_decompose(attributes: Sequence[str], fds: Sequence[FD], max_attrs: int = 22) -> Decomposition:
    """Lossless BCNF decomposition by repeated splitting on a violating X -> X+ ∩ R.

    Reports the dependencies of a minimal cover the result no longer preserves.
    """
    order = list(attributes)
    if len(order) > max_attrs:
        raise FDError(f"BCNF decomposition of {len(order)} attributes would be too slow; limit {max_attrs}")
    cover = minimal_cover(fds)
    eng = Closure(cover)
    steps: list[str] = []
    todo: list[tuple[AttrSet, FD | None]] = [(frozenset(order), None)]
    done: list[tuple[AttrSet, FD | None]] = []
    while todo:
        rel, why = todo.pop(0)
        v = projected_violation(ordered(rel, order), cover, "BCNF", eng)
        if v is None:
            done.append((rel, why))
            continue
        x = v.lhs
        xplus = eng.of(x) & rel
        r1, r2 = xplus, (rel - xplus) | x
        steps.append(f"{v.text(order)} violates BCNF in ({', '.join(ordered(rel, order))}): split into "
                     f"({', '.join(ordered(r1, order))}) and ({', '.join(ordered(r2, order))})")
        todo[0:0] = [(r1, FD(x, xplus - x)), (r2, why)]
    rels = [rel for rel, _ in done]
    kept: list[Relation] = []
    for i, (rel, why) in enumerate(done):
        if any(j != i and (rel < o or (rel == o and j < i)) for j, o in enumerate(rels)):
            continue
        kept.append(Relation(ordered(rel, order), _keys_of(rel, cover, eng, order),
                             f"split on {why.text(order)}" if why else "remainder", why))
    lost = lost_dependencies(cover, [r.attributes for r in kept])
    for fd in lost:
        steps.append(f"{fd.text(order)} is not preserved: enforce it with a check across tables "
                     "(trigger or application) or keep the 3NF design")
    return Decomposition(kept, lossless=True, lost=lost, steps=steps)


def preserved(fd: FD, relations: Sequence[Sequence[str]], eng: Closure) -> bool:
    """Restricted-closure test: Z = X; repeat Z ∪= (Z ∩ Ri)+ ∩ Ri until stable; preserved iff Y ⊆ Z."""
    z = set(fd.lhs)
    rels = [frozenset(r) for r in relations]
    changed = True
    while changed and not fd.rhs <= z:
        changed = False
        for r in rels:
            add = (eng.of(z & r) & r) - z
            if add:
                z |= add
                changed = True
    return fd.rhs <= z


def lost_dependencies(fds: Sequence[FD], relations: Sequence[Sequence[str]]) -> list[FD]:
    eng = Closure(fds)
    return [fd for fd in fds if not fd.trivial and not preserved(fd, relations, eng)]


def preserves_dependencies(fds: Sequence[FD], relations: Sequence[Sequence[str]]) -> bool:
    return not lost_dependencies(fds, relations)


def is_lossless(attributes: Sequence[str], fds: Sequence[FD], relations: Sequence[Sequence[str]]) -> bool:
    """The chase: a tableau row per relation, distinguished symbols on its attributes; equate
    symbols by the FDs until stable; lossless iff some row becomes all-distinguished."""
    order = list(attributes)
    attrs = set(order)
    for r in relations:
        unknown = set(r) - attrs
        if unknown:
            raise FDError(f"relation ({', '.join(r)}) has unknown attribute(s) {', '.join(sorted(unknown))}")
    if set().union(*map(set, relations)) != attrs if relations else True:
        return False
    col = {a: i for i, a in enumerate(order)}
    # symbol 0 = distinguished; others unique per (row, column)
    rows = [[0 if a in set(r) else (i + 1) * len(order) + col[a] for a in order]
            for i, r in enumerate(relations)]
    split = [(sorted(col[a] for a in fd.lhs), [col[a] for a in fd.rhs - fd.lhs]) for fd in fds]
    changed = True
    while changed:
        changed = False
        for lhs, rhs in split:
            groups: dict[tuple[int, ...], list[list[int]]] = {}
            for row in rows:
                groups.setdefault(tuple(row[c] for c in lhs), []).append(row)
            for group in groups.values():
                if len(group) < 2:
                    continue
                for c in rhs:
                    target = min(row[c] for row in group)
                    for row in group:
                        if row[c] != target:
                            old = row[c]
                            for other in rows:
                                if other[c] == old:
                                    other[c] = target
                            changed = True
        if any(all(v == 0 for v in row) for row in rows):
            return True
    return any(all(v == 0 for v in row) for row in rows)
