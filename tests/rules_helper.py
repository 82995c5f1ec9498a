"""One loader for every rule's YAML cases (sqlfluff style), shared by all rule bundles.

Each ``tests/fixtures/rules/<CODE>.yml`` holds::

    rule: CODE
    cases:
      - name: short_name
        input: {...}          # bundle-specific; an adapter turns it into the rule's subject
        expect: pass | fail

A bundle's test calls :func:`rule_cases` with its code prefix to parametrize, and
:func:`check_case` with an adapter ``input -> subject``. Case ids are ``<CODE>_<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from dbwright.rules import get_rule

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"


@dataclass(frozen=True)
class RuleCase:
    code: str
    name: str
    input: Any
    expect: str
    file: Path


def load_cases(path: Path) -> list[RuleCase]:
    doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    code = doc["rule"]
    assert path.stem == code, f"{path.name} must be named after its rule ({code})"
    out = []
    for case in doc["cases"]:
        assert case["expect"] in ("pass", "fail"), f"{path.name}:{case['name']}: expect is pass or fail"
        out.append(RuleCase(code, case["name"], case.get("input"), case["expect"], path))
    return out


def rule_cases(prefix: str) -> list[Any]:
    """pytest params for every case of every rule file whose code starts with ``prefix``."""
    params = []
    for path in sorted(FIXTURES.glob(f"{prefix}*.yml")):
        for case in load_cases(path):
            params.append(pytest.param(case, id=f"{case.code}_{case.name}"))
    return params


def check_case(case: RuleCase, adapter: Callable[[Any], Any]) -> None:
    """Run the case's rule on ``adapter(case.input)``; pass = no finding of that code."""
    rule = get_rule(case.code)()
    findings = [f for f in rule.check(adapter(case.input)) if f.code == case.code]
    if case.expect == "pass":
        assert not findings, f"{case.code}_{case.name}: expected no finding, got {[f.message for f in findings]}"
    else:
        assert findings, f"{case.code}_{case.name}: expected a {case.code} finding, got none"
