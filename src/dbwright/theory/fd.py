"""Functional dependencies: parsing, attribute closure, implication and covers.

Attribute sets are ``frozenset[str]``. Closure uses the counter algorithm of Beeri and Bernstein
(1979), linear in the total size of the FD set: each FD keeps a count of left-side attributes not
yet in the closure and fires when the count reaches zero.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

AttrSet = frozenset[str]


class FDError(ValueError):
    """Malformed dependency input: the message names the dependency and what is wrong with it."""


@dataclass(frozen=True, order=True)
class FD:
    """A functional dependency ``lhs -> rhs``."""

    lhs: AttrSet
    rhs: AttrSet

    @property
    def trivial(self) -> bool:
        return self.rhs <= self.lhs

    def split(self) -> list[FD]:
        """One FD per right-side attribute (trivial parts dropped)."""
        return [FD(self.lhs, frozenset({a})) for a in sorted(self.rhs - self.lhs)]

    def text(self, order: Sequence[str] | None = None) -> str:
        return f"{fmt_set(self.lhs, order)} -> {fmt_set(self.rhs, order)}"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class MVD:
    """A multivalued dependency ``lhs ->> rhs``."""

    lhs: AttrSet
    rhs: AttrSet

    def __str__(self) -> str:
        return f"{fmt_set(self.lhs)} ->> {fmt_set(self.rhs)}"


def fmt_set(attrs: Iterable[str], order: Sequence[str] | None = None) -> str:
    """Attributes comma-separated, in schema order when given, else sorted."""
    items = list(attrs)
    if order is not None:
        pos = {a: i for i, a in enumerate(order)}
        items.sort(key=lambda a: (pos.get(a, len(pos)), a))
    else:
        items.sort()
    return ",".join(items)


def ordered(attrs: Iterable[str], order: Sequence[str]) -> list[str]:
    pos = {a: i for i, a in enumerate(order)}
    return sorted(attrs, key=lambda a: (pos.get(a, len(pos)), a))


def _side(text: str, whole: str, which: str) -> AttrSet:
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if any(p == "" for p in parts) and any(p != "" for p in parts):
        raise FDError(f"'{whole}': empty attribute name in the {which} side")
    names = frozenset(p for p in parts if p)
    if not names:
        raise FDError(f"'{whole}': the {which} side is empty (write 'A,B -> C')")
    return names


def parse_fd(text: str, attributes: Iterable[str] | None = None) -> FD:
    """Parse ``"A,B -> C,D"``; with ``attributes``, unknown names are an error."""
    if not isinstance(text, str):
        raise FDError(f"a dependency must be a string like 'A,B -> C', got {text!r}")
    if "->>" in text:
        raise FDError(f"'{text}' is a multivalued dependency; pass it as an MVD")
    if text.count("->") != 1:
        raise FDError(f"'{text}': expected exactly one '->' (write 'A,B -> C')")
    left, right = text.split("->")
    fd = FD(_side(left, text, "left"), _side(right, text, "right"))
    if attributes is not None:
        _check_known(fd.lhs | fd.rhs, attributes, text)
    return fd


def parse_mvd(text: str, attributes: Iterable[str] | None = None) -> MVD:
    if text.count("->>") != 1:
        raise FDError(f"'{text}': expected exactly one '->>' (write 'A ->> B')")
    left, right = text.split("->>")
    mvd = MVD(_side(left, text, "left"), _side(right, text, "right"))
    if attributes is not None:
        _check_known(mvd.lhs | mvd.rhs, attributes, text)
    return mvd


def _check_known(names: AttrSet, attributes: Iterable[str], text: str) -> None:
    known = set(attributes)
    unknown = sorted(names - known)
    if unknown:
        raise FDError(f"'{text}': unknown attribute(s) {', '.join(unknown)}; "
                      f"the relation has {', '.join(sorted(known))}")


def parse_fds(texts: Iterable[str | FD], attributes: Iterable[str] | None = None) -> list[FD]:
    attrs = list(attributes) if attributes is not None else None
    if attrs is not None and len(set(attrs)) != len(attrs):
        dup = sorted({a for a in attrs if attrs.count(a) > 1})
        raise FDError(f"duplicate attribute(s) in the relation: {', '.join(dup)}")
    out: list[FD] = []
    for t in texts:
        if isinstance(t, FD):
            if attrs is not None:
                _check_known(t.lhs | t.rhs, attrs, str(t))
            out.append(t)
        else:
            out.append(parse_fd(t, attrs))
    return out


class Closure:
    """Closure engine for one FD set: built once, then each ``of(X)`` is linear in the FD set's size.

    Attribute sets are bitmasks inside. Each FD keeps a count of left-side attributes not yet in
    the closure and fires when it reaches zero (Beeri–Bernstein). For FD sets of at most
    ``SMALL`` dependencies a plain fixpoint over the masks is faster in Python and is used instead.
    """

    SMALL = 12

    def __init__(self, fds: Iterable[FD]):
        self.fds: list[FD] = []
        self.bit: dict[str, int] = {}
        self.lm: list[int] = []
        self.rm: list[int] = []
        bit = self.bit
        for fd in fds:
            if fd.rhs <= fd.lhs:
                continue
            masks = []
            for side in (fd.lhs, fd.rhs):
                m = 0
                for a in side:
                    b = bit.get(a)
                    if b is None:
                        b = bit[a] = 1 << len(bit)
                    m |= b
                masks.append(m)
            self.fds.append(fd)
            self.lm.append(masks[0])
            self.rm.append(masks[1])
        self.names = list(bit)
        self.count = [len(fd.lhs) for fd in self.fds]
        self.empty = [i for i, m in enumerate(self.lm) if m == 0]
        self.by_attr: list[list[int]] = [[] for _ in self.names]
        if len(self.fds) > self.SMALL:
            for i, fd in enumerate(self.fds):
                for a in fd.lhs:
                    self.by_attr[bit[a].bit_length() - 1].append(i)

    def mask(self, attrs: Iterable[str]) -> int:
        bit = self.bit
        m = 0
        for a in attrs:
            m |= bit.get(a, 0)
        return m

    def names_of(self, m: int) -> set[str]:
        out = set()
        names = self.names
        while m:
            low = m & -m
            out.add(names[low.bit_length() - 1])
            m ^= low
        return out

    def closure_mask(self, x: int, off: frozenset[int] | set[int] = frozenset()) -> int:
        """Closure of the mask ``x``, ignoring the FDs whose indexes are in ``off``."""
        lm, rm = self.lm, self.rm
        if len(lm) <= self.SMALL:
            res = x
            changed = True
            while changed:
                changed = False
                for i in range(len(lm)):
                    if lm[i] & res == lm[i] and rm[i] & ~res and i not in off:
                        res |= rm[i]
                        changed = True
            return res
        count = self.count.copy()
        res = x
        todo = x
        for i in self.empty:
            if i not in off:
                todo |= rm[i] & ~res
                res |= rm[i]
        by_attr = self.by_attr
        while todo:
            low = todo & -todo
            todo ^= low
            for i in by_attr[low.bit_length() - 1]:
                count[i] -= 1
                if count[i] == 0 and i not in off:
                    new = rm[i] & ~res
                    if new:
                        res |= new
                        todo |= new
        return res

    def of(self, attrs: Iterable[str], skip: int = -1) -> AttrSet:
        """Closure of ``attrs``; ``skip`` ignores one FD (by index) for redundancy tests."""
        given = set(attrs)
        res = self.closure_mask(self.mask(given), {skip} if skip >= 0 else frozenset())
        return frozenset(given | self.names_of(res))


def closure(attrs: Iterable[str], fds: Iterable[FD]) -> AttrSet:
    """Attribute closure X+ under ``fds`` (linear time)."""
    return Closure(fds).of(attrs)


def implies(fds: Iterable[FD], fd: FD) -> bool:
    """Does ``fds`` imply ``fd`` (Armstrong's axioms)?"""
    return fd.rhs <= closure(fd.lhs, fds)


def equivalent(f: Sequence[FD], g: Sequence[FD]) -> bool:
    cf, cg = Closure(f), Closure(g)
    return all(fd.rhs <= cf.of(fd.lhs) for fd in g) and all(fd.rhs <= cg.of(fd.lhs) for fd in f)


def attributes_of(fds: Iterable[FD]) -> AttrSet:
    out: set[str] = set()
    for fd in fds:
        out |= fd.lhs | fd.rhs
    return frozenset(out)


def _split_all(fds: Iterable[FD]) -> list[FD]:
    seen: dict[FD, None] = {}
    for fd in fds:
        for s in fd.split():
            seen.setdefault(s, None)
    return list(seen)


def left_reduce(fds: Sequence[FD]) -> list[FD]:
    """Remove extraneous left-side attributes (single right sides expected)."""
    eng = Closure(fds)
    out: list[FD] = []
    for fd in fds:
        lhs = eng.mask(fd.lhs)
        r = eng.mask(fd.rhs)
        if bin(lhs).count("1") > 1:
            m = lhs
            while m:
                low = m & -m
                m ^= low
                if lhs != low and eng.closure_mask(lhs & ~low) & r == r:
                    lhs &= ~low
        out.append(FD(frozenset(eng.names_of(lhs)), fd.rhs) if lhs != eng.mask(fd.lhs) else fd)
    return list(dict.fromkeys(out))


def remove_redundant(fds: Sequence[FD]) -> list[FD]:
    """Drop FDs implied by the others (order decides which of equivalent FDs stays)."""
    current = list(fds)
    eng = Closure(current)
    index = {fd: i for i, fd in enumerate(eng.fds)}
    off: set[int] = set()
    keep: list[FD] = []
    for fd in current:
        i = index.get(fd)
        if i is None:  # trivial
            continue
        off.add(i)
        if eng.closure_mask(eng.lm[i], off) & eng.rm[i] != eng.rm[i]:
            off.discard(i)
            keep.append(fd)
    return keep


def minimal_cover(fds: Iterable[FD]) -> list[FD]:
    """A minimal cover: single right sides, left-reduced, non-redundant; deterministic order."""
    split = sorted(_split_all(fds), key=_sort_key)
    return sorted(remove_redundant(left_reduce(split)), key=_sort_key)


def canonical_cover(fds: Iterable[FD]) -> list[FD]:
    """A minimal cover with right sides grouped by left side (the textbook canonical cover)."""
    return group_rhs(minimal_cover(fds))


def group_rhs(fds: Iterable[FD]) -> list[FD]:
    by_lhs: dict[AttrSet, set[str]] = {}
    for fd in fds:
        by_lhs.setdefault(fd.lhs, set()).update(fd.rhs)
    return sorted((FD(lhs, frozenset(r)) for lhs, r in by_lhs.items()), key=_sort_key)


def _sort_key(fd: FD) -> tuple[int, list[str], list[str]]:
    return (len(fd.lhs), sorted(fd.lhs), sorted(fd.rhs))


def is_minimal_cover(cover: Sequence[FD], fds: Sequence[FD]) -> bool:
    """Equivalent to ``fds``, single right sides, no extraneous left attribute, no redundant FD."""
    if not equivalent(cover, fds):
        return False
    if any(len(fd.rhs) != 1 or fd.trivial for fd in cover):
        return False
    if len(set(cover)) != len(cover):
        return False
    eng = Closure(cover)
    for i, fd in enumerate(cover):
        if fd.rhs <= eng.of(fd.lhs, skip=i):
            return False
        for a in fd.lhs:
            if fd.rhs <= eng.of(fd.lhs - {a}):
                return False
    return True


def all_minimal_covers(fds: Iterable[FD], limit: int = 1000, max_attrs: int = 12) -> list[list[FD]]:
    """Every minimal cover (single right sides), up to ``limit`` of them.

    Candidates are all X -> A with A ∈ X+ and X minimal for A (found over attribute subsets, hence
    ``max_attrs``). A depth-first search picks subsets of candidates, pruning a branch as soon as
    one chosen FD is implied by the others (redundancy only grows with more FDs) or the chosen and
    remaining candidates together no longer imply ``fds``.
    """
    base = _split_all(fds)
    attrs = sorted(attributes_of(base))
    if len(attrs) > max_attrs:
        raise FDError(f"enumerating every minimal cover over {len(attrs)} attributes is exponential; "
                      f"limit is {max_attrs}")
    eng = Closure(base)
    minimal: dict[str, list[AttrSet]] = {a: [] for a in attrs}
    for x in subsets(attrs, 1):
        for a in eng.of(x) - x:
            if not any(m <= x for m in minimal[a]):
                minimal[a].append(x)
    candidates = sorted((FD(x, frozenset({a})) for a, xs in minimal.items() for x in xs), key=_sort_key)
    results: list[list[FD]] = []

    def redundant_in(chosen: list[FD]) -> bool:
        ce = Closure(chosen)
        return any(fd.rhs <= ce.of(fd.lhs, skip=i) for i, fd in enumerate(chosen))

    def dfs(i: int, chosen: list[FD]) -> None:
        if len(results) >= limit:
            return
        if not all(fd.rhs <= closure(fd.lhs, chosen + candidates[i:]) for fd in base):
            return
        if i == len(candidates):
            if equivalent(chosen, base):
                results.append(sorted(chosen, key=_sort_key))
            return
        with_it = [*chosen, candidates[i]]
        if not redundant_in(with_it):
            dfs(i + 1, with_it)
        dfs(i + 1, chosen)

    dfs(0, [])
    return results


def project(fds: Sequence[FD], attrs: Iterable[str], max_attrs: int = 20) -> list[FD]:
    """FDs that hold on the projection onto ``attrs``: a minimal cover of F+ restricted to attrs.

    Exponential in ``len(attrs)`` (every subset's closure); refuses more than ``max_attrs``.
    """
    target = frozenset(attrs)
    if len(target) > max_attrs:
        raise FDError(f"projecting onto {len(target)} attributes is exponential; limit is {max_attrs}")
    eng = Closure(fds)
    found: list[FD] = []
    for x in subsets(sorted(target)):
        extra = (eng.of(x) & target) - x
        if extra:
            found.append(FD(x, extra))
    return minimal_cover(found)


def subsets(items: Sequence[str], min_size: int = 0, max_size: int | None = None) -> Iterator[AttrSet]:
    top = len(items) if max_size is None else max_size
    for k in range(min_size, top + 1):
        for combo in itertools.combinations(items, k):
            yield frozenset(combo)
