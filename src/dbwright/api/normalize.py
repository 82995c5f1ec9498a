"""Normalization API: FD analysis of corpus-style cases, profiling data, normalizing data and specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from dbwright.model import DbwrightError
from dbwright.theory.decompose import (
    bcnf_decompose,
    is_lossless,
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
    is_minimal_cover,
    minimal_cover,
    ordered,
    parse_fds,
    parse_mvd,
)
from dbwright.theory.normal_forms import analyze, is_3nf_relation, is_bcnf_relation


def load_fd_cases(path: str | Path) -> list[dict[str, Any]]:
    """Cases from a YAML file or a folder of them (``cases:`` list, a bare list, or one case)."""
    p = Path(path)
    if not p.exists():
        raise DbwrightError(f"{p}: no such file or folder")
    files = sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
    if not files:
        raise DbwrightError(f"{p}: no .yaml files in the folder")
    yaml = YAML(typ="safe")
    cases: list[dict[str, Any]] = []
    for f in files:
        try:
            doc = yaml.load(f.read_text())
        except Exception as exc:
            raise DbwrightError(f"{f}: not valid YAML ({exc})") from None
        items = doc.get("cases", [doc]) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise DbwrightError(f"{f}: expected a list of cases or a 'cases:' key")
        for i, case in enumerate(items):
            if not isinstance(case, dict) or "attributes" not in case or "fds" not in case:
                raise DbwrightError(f"{f}: case {i + 1} needs 'attributes' and 'fds'")
            case = dict(case)
            case.setdefault("name", f"{f.stem}-{i + 1}")
            case["_file"] = str(f)
            cases.append(case)
    return cases


def _fds(texts: list[str], attrs: list[str], where: str) -> list[FD]:
    try:
        return parse_fds(texts, attrs)
    except FDError as exc:
        raise DbwrightError(f"{where}: {exc}") from None


def _fd_texts(fds: list[FD], order: list[str]) -> list[str]:
    return [fd.text(order) for fd in fds]


def _set_of_sets(items: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(x) for x in items}


def analyze_case(case: dict[str, Any]) -> dict[str, Any]:
    """candidate_keys, normal_form, minimal_cover, synthesis_3nf, bcnf_decomposition of a case, and
    checks against the answers the case states (``checks``: name -> passed)."""
    name = str(case.get("name", "case"))
    attrs = [str(a) for a in case["attributes"]]
    if not attrs:
        raise DbwrightError(f"{name}: the relation has no attributes")
    if len(set(attrs)) != len(attrs):
        raise DbwrightError(f"{name}: duplicate attributes in {attrs}")
    fds = _fds([str(s) for s in case["fds"]], attrs, name)
    mvds_in = case.get("mvds") or []
    try:
        mvds = [parse_mvd(str(m), attrs) for m in mvds_in]
    except FDError as exc:
        raise DbwrightError(f"{name}: {exc}") from None
    report = analyze(attrs, fds, mvds)
    cover = canonical_cover(fds)
    synth = synthesize_3nf(attrs, fds)
    bcnf = bcnf_decompose(attrs, fds) if len(attrs) <= 22 else None
    result: dict[str, Any] = {
        "name": name,
        "attributes": attrs,
        "candidate_keys": [ordered(k, attrs) for k in report.keys],
        "normal_form": report.normal_form,
        "violations": [{"form": v.form, "dependency": v.fd.text(attrs) if v.fd else str(v.mvd),
                        "reason": v.reason} for v in report.violations],
        "minimal_cover": _fd_texts(cover, attrs),
        "synthesis_3nf": synth.as_lists(),
        "bcnf_decomposition": bcnf.as_lists() if bcnf else None,
        "bcnf_lost_dependencies": _fd_texts(bcnf.lost, attrs) if bcnf else None,
    }
    result["checks"] = check_case(case, attrs, fds, result)
    return result


def check_case(case: dict[str, Any], attrs: list[str], fds: list[FD], result: dict[str, Any]) -> dict[str, bool]:
    """Compare computed answers with the answers a case states (exactly or by property)."""
    checks: dict[str, bool] = {}
    if "candidate_keys" in case:
        checks["candidate_keys"] = _set_of_sets(case["candidate_keys"]) == _set_of_sets(result["candidate_keys"])
    if "normal_form" in case:
        checks["normal_form"] = case["normal_form"] == result["normal_form"]
    if case.get("closures"):
        checks["closures"] = all(
            closure(c["of"], fds) == frozenset(c["closure"]) for c in case["closures"])
    cover = parse_fds(result["minimal_cover"], attrs)
    single = minimal_cover(cover)
    checks["minimal_cover_property"] = is_minimal_cover(single, fds)
    if case.get("minimal_cover") and case.get("minimal_cover_unique"):
        expected = parse_fds(case["minimal_cover"], attrs)
        checks["minimal_cover"] = set(minimal_cover(expected)) == set(single)
    if case.get("all_minimal_covers"):
        covers = [set(parse_fds(c, attrs)) for c in case["all_minimal_covers"]]
        checks["minimal_cover_in_all"] = set(single) in covers
        mine = {frozenset(c) for c in all_minimal_covers(fds)}
        checks["all_minimal_covers"] = mine == {frozenset(c) for c in covers}
    synth = result["synthesis_3nf"]
    checks["synthesis_3nf_property"] = (
        is_lossless(attrs, fds, synth) and preserves_dependencies(fds, synth)
        and all(is_3nf_relation(r, fds) for r in synth if len(r) <= 20))
    if case.get("synthesis_3nf") and case.get("synthesis_3nf_unique"):
        checks["synthesis_3nf"] = _set_of_sets(case["synthesis_3nf"]) == _set_of_sets(synth)
    if "synthesis_3nf_relation_count" in case:
        checks["synthesis_3nf_relation_count"] = case["synthesis_3nf_relation_count"] == len(synth)
    if result["bcnf_decomposition"] is not None:
        b = result["bcnf_decomposition"]
        checks["bcnf_property"] = is_lossless(attrs, fds, b) and all(is_bcnf_relation(r, fds) for r in b)
        # Preservation depends on which split is chosen; informative only when ours matches.
        if ("bcnf_decomposition_preserves_dependencies" in case and case.get("bcnf_decomposition")
                and _set_of_sets(case["bcnf_decomposition"]) == _set_of_sets(b)):
            checks["bcnf_preserving"] = (not result["bcnf_lost_dependencies"]) == bool(
                case["bcnf_decomposition_preserves_dependencies"])
    for eq in case.get("equivalent_fds") or []:
        checks.setdefault("equivalent_fds", True)
        checks["equivalent_fds"] &= equivalent(parse_fds(eq, attrs), fds)
    for neq in case.get("not_equivalent_fds") or []:
        checks.setdefault("not_equivalent_fds", True)
        checks["not_equivalent_fds"] &= not equivalent(parse_fds(neq, attrs), fds)
    for dc in case.get("decomposition_checks") or []:
        rels = dc["relations"]
        ok = is_lossless(attrs, fds, rels) == bool(dc["lossless"])
        if "dependency_preserving" in dc:
            ok &= preserves_dependencies(fds, rels) == bool(dc["dependency_preserving"])
        checks.setdefault("decomposition_checks", True)
        checks["decomposition_checks"] &= ok
    return checks


def fd_analyze(path: str | Path) -> list[dict[str, Any]]:
    """Analyze every case of a corpus-style YAML file or folder."""
    return [analyze_case(c) for c in load_fd_cases(path)]
