"""Candidate keys (all of them) and prime attributes.

Pruning: attributes on no right side belong to every key (the core); attributes only on right
sides belong to none. All keys are then enumerated with the algorithm of Lucchesi and Osborn
(1978): from each known key K and FD X -> Y, the set X ∪ (K − Y) is a superkey; when it contains
no known key it is shrunk to a new key. Time is polynomial in the number of keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dbwright.theory.fd import FD, AttrSet, Closure, FDError, ordered


def _relevant(attributes: Sequence[str], fds: Iterable[FD]) -> tuple[AttrSet, list[FD]]:
    attrs = frozenset(attributes)
    kept = []
    for fd in fds:
        unknown = (fd.lhs | fd.rhs) - attrs
        if unknown:
            raise FDError(f"'{fd}': unknown attribute(s) {', '.join(sorted(unknown))}")
        if not fd.trivial:
            kept.append(FD(fd.lhs, fd.rhs - fd.lhs))
    return attrs, kept


def is_superkey(attrs: Iterable[str], attributes: Sequence[str], fds: Sequence[FD]) -> bool:
    return frozenset(attributes) <= Closure(fds).of(attrs)


def minimize_key(superkey: AttrSet, attributes: AttrSet, eng: Closure,
                 order: Sequence[str] = ()) -> AttrSet:
    """Shrink a superkey to a key by dropping attributes that are not needed (in ``order``).

    Attributes that appear in no FD can never be derived, so they stay.
    """
    target = eng.mask(attributes)
    km = eng.mask(superkey)
    for a in ordered(superkey, order) if order else sorted(superkey):
        b = eng.bit.get(a, 0)
        if b and km & b and eng.closure_mask(km & ~b) & target == target:
            km &= ~b
    return frozenset(eng.names_of(km) | (superkey - eng.bit.keys()))


def candidate_keys(attributes: Sequence[str], fds: Sequence[FD], limit: int | None = None) -> list[AttrSet]:
    """Every candidate key, sorted by size then schema order."""
    attrs, kept = _relevant(attributes, fds)
    eng = Closure(kept)
    rhs_all: set[str] = set()
    for fd in kept:
        rhs_all |= fd.rhs
    core = attrs - rhs_all
    first = minimize_key(attrs, attrs, eng, list(attributes)[::-1])
    if not first:
        return [frozenset()]
    keys = [first]
    found = {first}
    i = 0
    while i < len(keys):
        k = keys[i]
        i += 1
        for fd in kept:
            s = fd.lhs | (k - fd.rhs)
            if any(known <= s for known in keys):
                continue
            new = minimize_key(s | core, attrs, eng, list(attributes)[::-1])
            if new not in found:
                found.add(new)
                keys.append(new)
                if limit is not None and len(keys) >= limit:
                    break
    pos = {a: j for j, a in enumerate(attributes)}
    return sorted(keys, key=lambda key: (len(key), sorted(pos[a] for a in key)))


def prime_attributes(attributes: Sequence[str], fds: Sequence[FD],
                     keys: Sequence[AttrSet] | None = None) -> AttrSet:
    ks = keys if keys is not None else candidate_keys(attributes, fds)
    out: set[str] = set()
    for k in ks:
        out |= k
    return frozenset(out)
