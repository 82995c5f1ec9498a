"""Property tests: closure, keys, normal forms, synthesis and BCNF against brute force (≤ 8 attributes)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbwright.theory.decompose import (
    bcnf_decompose,
    is_lossless,
    lost_dependencies,
    preserves_dependencies,
    synthesize_3nf,
)
from dbwright.theory.fd import (
    FD,
    FDError,
    all_minimal_covers,
    canonical_cover,
    closure,
    equivalent,
    implies,
    is_minimal_cover,
    minimal_cover,
    parse_fd,
    parse_fds,
    parse_mvd,
)
from dbwright.theory.keys import candidate_keys
from dbwright.theory.normal_forms import analyze, normal_form

LETTERS = "ABCDEFGH"


@st.composite
def schemas(draw: st.DrawFn, max_attrs: int = 8) -> tuple[list[str], list[FD]]:
    n = draw(st.integers(2, max_attrs))
    attrs = list(LETTERS[:n])
    side = st.sets(st.sampled_from(attrs), min_size=1, max_size=3)
    fds = draw(st.lists(st.builds(lambda lhs, rhs: FD(frozenset(lhs), frozenset(rhs)), side, side),
                        min_size=0, max_size=7))
    return attrs, fds


def bf_closure(x: frozenset[str], fds: list[FD]) -> frozenset[str]:
    out = set(x)
    changed = True
    while changed:
        changed = False
        for fd in fds:
            if fd.lhs <= out and not fd.rhs <= out:
                out |= fd.rhs
                changed = True
    return frozenset(out)


def bf_subsets(attrs: list[str]) -> list[frozenset[str]]:
    return [frozenset(c) for k in range(len(attrs) + 1) for c in itertools.combinations(attrs, k)]


def bf_keys(attrs: list[str], fds: list[FD]) -> set[frozenset[str]]:
    supers = [s for s in bf_subsets(attrs) if bf_closure(s, fds) >= set(attrs)]
    return {s for s in supers if not any(o < s for o in supers)}


def bf_projected_fds(rel: list[str], fds: list[FD]) -> list[tuple[frozenset[str], frozenset[str]]]:
    r = frozenset(rel)
    return [(x, (bf_closure(x, fds) & r) - x) for x in bf_subsets(rel)]


def bf_is_bcnf(rel: list[str], fds: list[FD]) -> bool:
    r = frozenset(rel)
    return all(not extra or bf_closure(x, fds) >= r for x, extra in bf_projected_fds(rel, fds))


def bf_is_3nf(rel: list[str], fds: list[FD]) -> bool:
    r = frozenset(rel)
    local = [FD(x, e) for x, e in bf_projected_fds(rel, fds) if e]
    prime = set().union(*bf_keys(rel, local))
    return all(not (extra - prime) or bf_closure(x, fds) >= r for x, extra in bf_projected_fds(rel, fds))


def bf_chase(attrs: list[str], fds: list[FD], rels: list[list[str]]) -> bool:
    rows = [{a: ("a", a) if a in r else ("b", i, a) for a in attrs} for i, r in enumerate(rels)]
    changed = True
    while changed:
        changed = False
        for fd in fds:
            for r1, r2 in itertools.combinations(rows, 2):
                if all(r1[a] == r2[a] for a in fd.lhs):
                    for a in fd.rhs:
                        if r1[a] != r2[a]:
                            keep, drop = sorted([r1[a], r2[a]], key=repr)
                            for row in rows:
                                if row[a] == drop:
                                    row[a] = keep
                            changed = True
    return any(all(v == ("a", a) for a, v in row.items()) for row in rows)


PROP = settings(max_examples=120, deadline=None)


@PROP
@given(schemas())
def test_closure_matches_fixpoint(schema: tuple[list[str], list[FD]]) -> None:
    attrs, fds = schema
    for x in bf_subsets(attrs)[:: max(1, len(attrs) // 2)]:
        assert closure(x, fds) == bf_closure(x, fds)


@PROP
@given(schemas())
def test_keys_match_brute_force(schema: tuple[list[str], list[FD]]) -> None:
    attrs, fds = schema
    assert set(candidate_keys(attrs, fds)) == bf_keys(attrs, fds)


@PROP
@given(schemas())
def test_cover_is_minimal_and_equivalent(schema: tuple[list[str], list[FD]]) -> None:
    _, fds = schema
    cover = minimal_cover(fds)
    assert is_minimal_cover(cover, fds)
    assert equivalent(canonical_cover(fds), fds)
    assert all(implies(cover, fd) for fd in fds)


@settings(max_examples=40, deadline=None)
@given(schemas(max_attrs=5))
def test_all_minimal_covers_are_minimal(schema: tuple[list[str], list[FD]]) -> None:
    _, fds = schema
    covers = all_minimal_covers(fds)
    assert covers and all(is_minimal_cover(c, fds) for c in covers)
    assert frozenset(minimal_cover(fds)) in {frozenset(c) for c in covers}


@PROP
@given(schemas())
def test_normal_form_matches_brute_force(schema: tuple[list[str], list[FD]]) -> None:
    attrs, fds = schema
    nf = normal_form(attrs, fds)
    assert (nf == "BCNF") == bf_is_bcnf(attrs, fds)
    assert (nf in ("3NF", "BCNF")) == bf_is_3nf(attrs, fds)


@PROP
@given(schemas())
def test_synthesis_is_3nf_lossless_preserving(schema: tuple[list[str], list[FD]]) -> None:
    attrs, fds = schema
    rels = synthesize_3nf(attrs, fds).as_lists()
    assert set().union(*map(set, rels)) == set(attrs)
    assert bf_chase(attrs, fds, rels) and is_lossless(attrs, fds, rels)
    assert preserves_dependencies(fds, rels)
    assert all(bf_is_3nf(r, fds) for r in rels)
    assert not any(set(a) < set(b) for a, b in itertools.permutations(rels, 2))


@PROP
@given(schemas())
def test_bcnf_has_no_violation_and_is_lossless(schema: tuple[list[str], list[FD]]) -> None:
    attrs, fds = schema
    d = bcnf_decompose(attrs, fds)
    rels = d.as_lists()
    assert all(bf_is_bcnf(r, fds) for r in rels)
    assert bf_chase(attrs, fds, rels) and is_lossless(attrs, fds, rels)
    assert set(d.lost) == set(lost_dependencies(minimal_cover(fds), rels))


@PROP
@given(schemas(), st.data())
def test_chase_agrees_with_brute_force(schema: tuple[list[str], list[FD]], data: st.DataObject) -> None:
    attrs, fds = schema
    rels = data.draw(st.lists(st.sets(st.sampled_from(attrs), min_size=1).map(sorted), min_size=1, max_size=4))
    if set().union(*map(set, rels)) == set(attrs):
        assert is_lossless(attrs, fds, rels) == bf_chase(attrs, fds, rels)
    else:
        assert not is_lossless(attrs, fds, rels)


def test_3nf_not_bcnf_boundary() -> None:
    attrs = ["street", "city", "zip"]
    fds = parse_fds(["street,city -> zip", "zip -> city"], attrs)
    report = analyze(attrs, fds)
    assert report.normal_form == "3NF"
    assert [v.form for v in report.violations] == ["BCNF"]
    d = bcnf_decompose(attrs, fds)
    assert {frozenset(r) for r in d.as_lists()} == {frozenset({"zip", "city"}), frozenset({"zip", "street"})}
    assert [str(f) for f in d.lost] == ["city,street -> zip"]
    assert len(synthesize_3nf(attrs, fds).relations) == 1


def test_2nf_partial_dependency() -> None:
    attrs = ["order_id", "product_id", "qty", "product_name"]
    report = analyze(attrs, parse_fds(["order_id,product_id -> qty", "product_id -> product_name"], attrs))
    assert report.normal_form == "1NF"
    assert report.violations_of("2NF")[0].fd == FD(frozenset({"product_id"}), frozenset({"product_name"}))


def test_4nf_with_declared_mvd() -> None:
    attrs = ["course", "teacher", "book"]
    assert normal_form(attrs, []) == "BCNF"
    assert normal_form(attrs, [], [parse_mvd("course ->> teacher", attrs)]) == "BCNF"
    assert normal_form(["course", "teacher"], [], [parse_mvd("course ->> teacher")]) == "4NF"


@pytest.mark.parametrize(("text", "message"), [
    ("A -> ", "right side is empty"),
    (" -> B", "left side is empty"),
    ("A B", "exactly one '->'"),
    ("A -> B -> C", "exactly one '->'"),
    ("A,,B -> C", "empty attribute name"),
    ("A -> Z", "unknown attribute(s) Z"),
    ("A ->> B", "multivalued"),
])
def test_malformed_input_is_clear(text: str, message: str) -> None:
    with pytest.raises(FDError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_fd(text, ["A", "B", "C"])


def test_duplicate_attributes_rejected() -> None:
    with pytest.raises(FDError, match="duplicate"):
        parse_fds(["A -> B"], ["A", "B", "A"])
