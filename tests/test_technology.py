"""Technology selection: honest comparisons, weights from the spec, runner-up flip, polyglot."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from dbwright.api import compare, recommend
from dbwright.cli.main import app
from dbwright.spec import load_spec
from dbwright.stages.context import DesignContext
from dbwright.stages.technology import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"



def _spec(name: str):
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    assert loaded.ok, loaded.findings
    return loaded.spec


def test_analytics_dashboard_postgres_vs_mongodb_says_neither_and_names_a_column_store():
    result = compare(["postgresql", "mongodb"], _spec("analytics-dashboard"))
    scores = {r["engine"]: r["score"] for r in result["listed"]}
    assert scores["postgresql"] > scores["mongodb"]
    assert "neither" in result["verdict"]
    assert "ClickHouse" in result["verdict"]
    assert result["needs"]["aggregate"]["importance"] >= 0.85
    assert any(p["engine"] == "clickhouse" and p["role"] == "analytics" for p in result["polyglot"])


def test_reasons_cite_catalogue_facts():
    result = compare(["postgresql"], _spec("saas-ecommerce"))
    assert any("https://www.postgresql.org/" in line for line in result["reasons"]["postgresql"])


def test_saas_gets_postgresql_with_alternatives_and_evidence():
    section = recommend(_spec("saas-ecommerce"))
    assert section.data["recommended"] == "postgresql"
    d = section.decisions[0]
    assert d.topic == "technology"
    assert len(d.alternatives) >= 3 and all(a.why_not for a in d.alternatives)
    kinds = {e.kind for e in d.evidence}
    assert {"formula", "cited"} <= kinds
    assert all(e.source and e.source.startswith("https://") for e in d.evidence if e.kind == "cited")
    assert any("would overtake" in t for t in d.trade_offs)


def test_multi_region_strong_consistency_gets_distributed_sql():
    section = recommend(_spec("multi-region-strong"))
    assert section.data["category"] == "distributed-sql"


def test_iot_recommends_a_time_series_capable_engine():
    section = recommend(_spec("iot-timeseries"))
    assert section.data["recommended"] in ("timescaledb", "clickhouse", "citus")
    assert section.data["needs"]["time_window"]["importance"] >= 0.8


def test_runner_up_wins_at_the_stated_weight():
    spec = _spec("saas-ecommerce")
    section = recommend(spec)
    text = next(t for t in section.decisions[0].trade_offs if "would overtake" in t)
    m = re.search(r"technology\.weights: \{(\w+): ([\d.]+)\}", text)
    assert m, text
    winner, runner = section.data["recommended"], section.data["runner_up"]
    heavier = spec.model_copy(update={"technology": spec.technology.model_copy(
        update={"weights": {m.group(1): float(m.group(2))}})})
    scores = {r["engine"]: r["score"] for r in recommend(heavier).data["ranking"]}
    assert scores[runner] > scores.get(winner, 0.0)


def test_weights_change_the_ranking_inputs():
    spec = _spec("saas-ecommerce")
    base = run(DesignContext(spec=spec)).data["needs"]["cost"]["importance"]
    heavier = spec.model_copy(update={"technology": spec.technology.model_copy(update={"weights": {"cost": 2}})})
    assert run(DesignContext(spec=heavier)).data["needs"]["cost"]["importance"] == base * 2


def test_unknown_weight_is_a_finding():
    spec = _spec("saas-ecommerce")
    bad = spec.model_copy(update={"technology": spec.technology.model_copy(update={"weights": {"speed": 2}})})
    assert any(f.code == "TECH001" for f in run(DesignContext(spec=bad)).findings)


def test_engine_lacking_a_critical_need_is_gated():
    spec = _spec("analytics-dashboard")
    result = compare(["dynamodb", "postgresql"], spec)
    dyn = next(r for r in result["listed"] if r["engine"] == "dynamodb")
    assert any(g.startswith("aggregate") for g in dyn["gates"])


def test_cli_compare_json_and_bad_engine():
    runner = CliRunner()
    res = runner.invoke(app, ["compare", "postgresql", "mongodb", "--spec",
                              str(EXAMPLES / "analytics-dashboard.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    assert "neither" in json.loads(res.stdout)["verdict"]
    res = runner.invoke(app, ["compare", "nosuchdb", "--spec", str(EXAMPLES / "saas-ecommerce.yaml")])
    assert res.exit_code == 2
