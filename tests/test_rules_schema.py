"""Schema rules (SCH…): YAML cases applied to real engines, doc sections and doc pages.

Each case's ``sql`` runs on a real engine (PostgreSQL by default, ``engine: mysql`` on MariaDB,
``engine: sqlite`` on SQLite) through the same path as ``dbwright critique schema.sql``: applied
to a throwaway database and reflected. ``facts`` overlays what a DDL file cannot carry (usage
statistics, statistics age, sequence positions on other engines) — the only values not measured.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from dbwright.api.critique import critique_database
from dbwright.inspect.relations import infer_relations
from dbwright.inspect.source import read_database
from dbwright.model.database import Database, Query, ReplicationSlot
from dbwright.rules import DOC_SECTIONS, get_rule, load_bundle
from dbwright.rules.schema._util import SchemaFacts
from rules_helper import FIXTURES, load_cases, rule_cases

ROOT = Path(__file__).resolve().parent.parent
RULES = load_bundle("schema")


def _overlay(db: Database, facts: dict[str, Any]) -> None:
    for k, v in (facts.get("db") or {}).items():
        setattr(db, k, v)
    for key, attrs in (facts.get("tables") or {}).items():
        for k, v in attrs.items():
            setattr(db.tables[key], k, v)
    for key, attrs in (facts.get("columns") or {}).items():
        tkey, _, col = key.rpartition(".")
        c = db.tables[tkey].column(col)
        assert c is not None, key
        for k, v in attrs.items():
            setattr(c, k, v)
    for key, attrs in (facts.get("indexes") or {}).items():
        tkey, _, name = key.rpartition(".")
        ix = next(i for i in db.tables[tkey].indexes if i.name == name)
        for k, v in attrs.items():
            setattr(ix, k, v)
    for key, attrs in (facts.get("sequences") or {}).items():
        for k, v in attrs.items():
            setattr(db.sequences[key], k, v)
    db.queries += [Query(**q) for q in facts.get("queries") or []]
    db.replication_slots += [ReplicationSlot(**s) for s in facts.get("slots") or []]


@pytest.fixture(scope="module")
def engines(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"request": request}


def _facts(case_input: dict[str, Any], engines: dict[str, Any]) -> SchemaFacts:
    engine = case_input.get("engine", "postgresql")
    req = engines["request"]
    kw: dict[str, Any] = {}
    if engine == "postgresql":
        kw["cluster"] = cluster = req.getfixturevalue("pg_cluster")
        if "scratch" not in engines:
            cluster.create_database("sch_rule_cases")
            engines["scratch"] = "sch_rule_cases"
        kw["scratch_database"] = engines["scratch"]
    elif engine == "mysql":
        kw["maria"] = req.getfixturevalue("maria")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.sql"
        path.write_text(case_input["sql"], encoding="utf-8")
        db = read_database(str(path), engine=engine, sample_rows=case_input.get("sample_rows", 0), **kw)
    if not case_input.get("expect_load_error"):
        assert not db.extra.get("load_errors"), db.extra["load_errors"]
    _overlay(db, case_input.get("facts") or {})
    return SchemaFacts(db, infer_relations(db, use_data=bool(db.extra.get("samples"))))


@pytest.mark.parametrize("case", rule_cases("SCH"))
def test_schema_rule_case(case, engines) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(case.input, engines)
    findings = [f for f in get_rule(case.code)().check(facts) if f.code == case.code]
    if case.expect == "pass":
        assert not findings, f"{case.code}_{case.name}: expected no finding, got {[f.message for f in findings]}"
        return
    assert findings, f"{case.code}_{case.name}: expected a {case.code} finding, got none"
    for f in findings:
        assert f.location.path, f"{case.code}: a finding without a location: {f.message}"
        if ".".join((f.location.path or "").split(".")[:2]) in facts.db.tables:
            assert f.location.file and f.location.line, f"{case.code}: a table's finding points at file:line"
    if case.input.get("located"):
        assert any(f.location.path == case.input["located"] for f in findings), [f.location.path for f in findings]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_schema_rule_has_pass_and_fail_cases(rule) -> None:  # type: ignore[no-untyped-def]
    path = FIXTURES / f"{rule.code}.yml"
    assert path.exists(), f"missing {path}"
    assert {c.expect for c in load_cases(path)} == {"pass", "fail"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_schema_rule_doc_sections(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.doc()
    assert rule.summary() and rule.name.startswith("schema.")
    for section in DOC_SECTIONS:
        assert f"## {section}" in doc, f"{rule.code} lacks '## {section}'"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_schema_rule_doc_page_current(rule) -> None:  # type: ignore[no-untyped-def]
    from gen_dr_rule_docs import render_page

    page = ROOT / "docs" / "rules" / f"{rule.code}.md"
    assert page.exists() and page.read_text(encoding="utf-8") == render_page(rule).replace(
        "gen_dr_rule_docs", "gen_sch_rule_docs"), f"{page} is stale: run .venv/bin/python tests/gen_sch_rule_docs.py"


def test_catalogue_is_broad() -> None:
    """At least as many rules as splinter's 31 lints; every peer rule is mapped in the coverage page."""
    assert len(RULES) >= 60
    coverage = (ROOT / "docs" / "rules" / "schema-coverage.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.code in coverage, f"{rule.code} missing from docs/rules/schema-coverage.md"


def test_critique_skips_statistics_rules_without_statistics_and_says_so(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.sql"
        path.write_text("CREATE TABLE a (id int PRIMARY KEY);\n", encoding="utf-8")
        db = read_database(str(path), cluster=pg_cluster)
    report = critique_database(db)
    skipped = {s["rule"] for s in report.skipped}
    assert "SCH023" in skipped and "SCH080" in skipped
    assert "SCH001" not in skipped
    assert os.environ.get("NOPE") is None
