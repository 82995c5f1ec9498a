"""MIG rules: YAML cases per rule, doc sections, and agreement with squawk's rule tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from dbwright.migration.parse import parse_script
from dbwright.rules import DOC_SECTIONS, load_bundle
from rules_helper import FIXTURES, RuleCase, check_case, rule_cases

ROOT = Path(__file__).resolve().parent.parent


def _subject(inp: dict[str, Any]) -> Any:
    from dbwright.migration.lint import parse_version

    engine = inp.get("engine", "postgresql")
    return parse_script(inp["sql"], engine=engine, version=parse_version(engine, inp.get("version")),
                        assume_in_transaction=bool(inp.get("assume_in_transaction")),
                        context_sql=inp.get("schema"))


@pytest.mark.parametrize("case", rule_cases("MIG"))
def test_rule_case(case: RuleCase) -> None:
    check_case(case, _subject)


def test_every_rule_has_docs_and_cases() -> None:
    rules = load_bundle("migration")
    assert len(rules) >= 40
    for rule in rules:
        doc = rule.doc()
        for section in DOC_SECTIONS:
            assert f"## {section}" in doc, f"{rule.code} lacks section {section}"
        cases = (FIXTURES / f"{rule.code}.yml").read_text()
        assert "expect: fail" in cases and "expect: pass" in cases, f"{rule.code} needs pass and fail cases"


def test_lint_json_and_sarif_shapes() -> None:
    from dbwright.migration.lint import lint_sql, to_sarif

    res = lint_sql("CREATE INDEX i ON t (a);", file="m.sql")
    data = res.to_dict()
    assert {f["code"] for f in data["findings"]} >= {"MIG001", "MIG015"}
    assert data["statements"][0]["locks"][0]["mode"] == "ShareLock"
    sarif = to_sarif([res])
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_unparseable_statement_is_reported_not_dropped() -> None:
    from dbwright.migration.lint import lint_sql

    res = lint_sql("ALTER TABLE t ADD COLUMN c int;\nALTER TABLE WHAT IS THIS;\n")
    assert any(f.code == "MIG000" and f.location.line == 2 for f in res.findings)


def test_squawk_agreement(corpora: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench" / "migrations"))
    import squawk_agreement

    report = squawk_agreement.run(corpora / "migrations" / "lint" / "squawk_cases.jsonl")
    unexplained = [d for d in report["disagreements"] if not d["intentional"]]
    assert not unexplained, json.dumps(unexplained, indent=1)
    assert report["agreement"] >= 0.95
    assert len(report["rules"]) >= 35


def test_rule_docs_are_generated_and_current() -> None:
    import gen_mig_rule_docs

    for rule in load_bundle("migration"):
        path = gen_mig_rule_docs.DOCS / f"{rule.code}.md"
        assert path.exists() and path.read_text() == gen_mig_rule_docs.render(rule), \
            f"{path.name} is stale: run .venv/bin/python tests/gen_mig_rule_docs.py"
