"""Every known-answer case of tests/corpora/normalization passes, checked independently here."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dbwright.api.normalize import analyze_case, fd_analyze
from dbwright.theory.decompose import is_lossless, preserves_dependencies
from dbwright.theory.fd import all_minimal_covers, closure, equivalent, is_minimal_cover, parse_fds
from dbwright.theory.keys import candidate_keys
from dbwright.theory.normal_forms import is_3nf_relation, is_bcnf_relation, normal_form

CORPUS = Path(__file__).resolve().parent / "corpora" / "normalization"


def _cases() -> list[dict]:
    if not CORPUS.exists():
        return []
    out = []
    for f in sorted(CORPUS.glob("*.yaml")):
        out.extend(YAML(typ="safe").load(f.read_text())["cases"])
    return out


CASES = _cases()


def test_corpus_has_all_cases(corpora: Path) -> None:
    assert len(fd_analyze(corpora / "normalization")) == 54


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_known_answers(case: dict) -> None:
    attrs = case["attributes"]
    fds = parse_fds(case["fds"], attrs)
    assert {frozenset(k) for k in candidate_keys(attrs, fds)} == {frozenset(k) for k in case["candidate_keys"]}
    assert normal_form(attrs, fds) == case["normal_form"]
    for c in case.get("closures") or []:
        assert closure(c["of"], fds) == frozenset(c["closure"])
    result = analyze_case(case)
    cover = parse_fds(result["minimal_cover"], attrs)
    assert equivalent(cover, fds)
    if case.get("minimal_cover_unique") and case.get("minimal_cover"):
        assert {str(f) for f in cover} == {str(f) for f in parse_fds(case["minimal_cover"], attrs)}
    if case.get("all_minimal_covers"):
        want = {frozenset(parse_fds(c, attrs)) for c in case["all_minimal_covers"]}
        got = {frozenset(c) for c in all_minimal_covers(fds)}
        assert got == want
        assert all(is_minimal_cover(list(c), fds) for c in got)
    synth = result["synthesis_3nf"]
    assert is_lossless(attrs, fds, synth) and preserves_dependencies(fds, synth)
    assert all(is_3nf_relation(r, fds) for r in synth)
    if case.get("synthesis_3nf_unique") and case.get("synthesis_3nf"):
        assert {frozenset(r) for r in synth} == {frozenset(r) for r in case["synthesis_3nf"]}
    if "synthesis_3nf_relation_count" in case:
        assert len(synth) == case["synthesis_3nf_relation_count"]
    bcnf = result["bcnf_decomposition"]
    assert is_lossless(attrs, fds, bcnf) and all(is_bcnf_relation(r, fds) for r in bcnf)
    for eq in case.get("equivalent_fds") or []:
        assert equivalent(parse_fds(eq, attrs), fds)
    for neq in case.get("not_equivalent_fds") or []:
        assert not equivalent(parse_fds(neq, attrs), fds)
    for dc in case.get("decomposition_checks") or []:
        assert is_lossless(attrs, fds, dc["relations"]) == dc["lossless"]
        if "dependency_preserving" in dc:
            assert preserves_dependencies(fds, dc["relations"]) == dc["dependency_preserving"]
    assert all(result["checks"].values()), result["checks"]
