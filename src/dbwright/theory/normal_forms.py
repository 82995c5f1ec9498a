"""Normal form of a relation: 2NF, 3NF, BCNF, and 4NF when multivalued dependencies are declared.

For a relation whose FDs are given over its own attributes it suffices to test the given FDs
(split to single right sides): X -> A with A ∉ X violates BCNF unless X is a superkey, and 3NF
unless additionally A is prime. 2NF: no non-prime attribute depends on a proper subset of a key;
by monotonicity of closure only the maximal proper subsets (key minus one attribute) need a test.
For a sub-relation of a decomposition use :func:`projected_violation` (exponential in its width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dbwright.theory.fd import FD, MVD, AttrSet, Closure, fmt_set, subsets
from dbwright.theory.keys import candidate_keys, prime_attributes

LEVELS = ("1NF", "2NF", "3NF", "BCNF", "4NF")


@dataclass(frozen=True)
class Violation:
    """A dependency that keeps the relation out of ``form``."""

    form: str
    fd: FD | None
    reason: str
    mvd: MVD | None = None


@dataclass
class NormalFormReport:
    normal_form: str
    keys: list[AttrSet]
    prime: AttrSet
    violations: list[Violation] = field(default_factory=list)

    def violations_of(self, form: str) -> list[Violation]:
        return [v for v in self.violations if v.form == form]


def analyze(attributes: Sequence[str], fds: Sequence[FD], mvds: Sequence[MVD] = ()) -> NormalFormReport:
    """Highest normal form (1NF … BCNF, or 4NF when ``mvds`` are given) and every violation."""
    keys = candidate_keys(attributes, fds)
    prime = prime_attributes(attributes, fds, keys)
    attrs = frozenset(attributes)
    eng = Closure(fds)
    violations: list[Violation] = []
    for k in keys:
        for a in sorted(k):
            part = k - {a}
            bad = (eng.of(part) - part) - prime
            if part and bad:
                violations.append(Violation(
                    "2NF", FD(part, frozenset(bad)),
                    f"non-prime {fmt_set(bad, attributes)} depend(s) on {{{fmt_set(part, attributes)}}}, "
                    f"a proper subset of the key {{{fmt_set(k, attributes)}}}"))
    for fd in fds:
        for single in fd.split():
            if attrs <= eng.of(single.lhs):
                continue
            (a,) = single.rhs
            if a in prime:
                violations.append(Violation(
                    "BCNF", single, f"{{{fmt_set(single.lhs, attributes)}}} is not a superkey"))
            else:
                violations.append(Violation(
                    "3NF", single,
                    f"{{{fmt_set(single.lhs, attributes)}}} is not a superkey and {a} is not prime"))
    for mvd in mvds:
        rhs = mvd.rhs - mvd.lhs
        if not rhs or (mvd.lhs | rhs) >= attrs:
            continue
        if not attrs <= eng.of(mvd.lhs):
            violations.append(Violation(
                "4NF", None, f"{{{fmt_set(mvd.lhs, attributes)}}} is not a superkey", mvd=mvd))
    forms = {v.form for v in violations}
    if "2NF" in forms:
        level = "1NF"
    elif "3NF" in forms:
        level = "2NF"
    elif "BCNF" in forms:
        level = "3NF"
    elif "4NF" in forms or not mvds:
        level = "BCNF"
    else:
        level = "4NF"
    return NormalFormReport(level, keys, prime, violations)


def normal_form(attributes: Sequence[str], fds: Sequence[FD], mvds: Sequence[MVD] = ()) -> str:
    return analyze(attributes, fds, mvds).normal_form


def projected_violation(relation: Sequence[str], fds: Sequence[FD], form: str = "BCNF",
                        eng: Closure | None = None) -> FD | None:
    """A violation of BCNF (or 3NF) in the projection of ``fds`` onto ``relation``, or None.

    Enumerates subsets X of the relation by size; X -> (X+ ∩ R) − X violates BCNF when X+ does not
    cover R. For 3NF the dependent attribute must also be non-prime in the projection.
    """
    rel = frozenset(relation)
    e = eng or Closure(fds)
    prime: AttrSet = frozenset()
    if form == "3NF":
        pfds = [FD(x, (e.of(x) & rel) - x) for x in subsets(sorted(rel), 1, len(rel) - 1)
                if (e.of(x) & rel) - x]
        prime = prime_attributes(sorted(rel), pfds)
    for x in subsets(sorted(rel), 0, len(rel) - 1):
        c = e.of(x) & rel
        extra = c - x
        if extra and c != rel:
            if form == "3NF":
                extra = extra - prime
                if not extra:
                    continue
            return FD(x, frozenset(extra))
    return None


def is_bcnf_relation(relation: Sequence[str], fds: Sequence[FD]) -> bool:
    return projected_violation(relation, fds, "BCNF") is None


def is_3nf_relation(relation: Sequence[str], fds: Sequence[FD]) -> bool:
    return projected_violation(relation, fds, "3NF") is None
