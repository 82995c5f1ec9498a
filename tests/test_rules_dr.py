"""DR rules: YAML cases (pass and fail per rule) through the shared loader, docs sections, doc pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbwright.rules import DOC_SECTIONS, load_bundle
from dbwright.rules.dr.facts import DrFacts
from rules_helper import FIXTURES, check_case, load_cases, rule_cases

ROOT = Path(__file__).resolve().parent.parent
RULES = load_bundle("dr")


@pytest.mark.parametrize("case", rule_cases("DR"))
def test_dr_rule_case(case) -> None:
    check_case(case, lambda data: DrFacts.from_dict(data or {}))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_dr_rule_has_pass_and_fail_cases(rule) -> None:
    path = FIXTURES / f"{rule.code}.yml"
    assert path.exists(), f"missing {path}"
    expects = {c.expect for c in load_cases(path)}
    assert expects == {"pass", "fail"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_dr_rule_doc_sections(rule) -> None:
    doc = rule.doc()
    assert rule.summary()
    assert rule.name.startswith("dr.")
    for section in DOC_SECTIONS:
        assert f"## {section}" in doc, f"{rule.code} lacks '## {section}'"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_dr_rule_doc_page_current(rule) -> None:
    from gen_dr_rule_docs import render_page

    page = ROOT / "docs" / "rules" / f"{rule.code}.md"
    assert page.exists() and page.read_text(encoding="utf-8") == render_page(rule), (
        f"{page} is stale: run .venv/bin/python tests/gen_dr_rule_docs.py")


def test_unknown_fact_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown DR fact"):
        DrFacts.from_dict({"rpo": 1})
