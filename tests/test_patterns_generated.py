"""dbwright's own statements run on every engine (issue 11, item 4): hierarchy reads (subtree,
ancestors), an update pattern next to a unique code, and a point lookup on an existing key that
must return its row. One design of a fresh spec (org chart) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from typing import Any

import pytest

from dbwright import api
from helpers_design import ROOT

SPEC = ROOT / "tests" / "fixtures" / "specs" / "org-chart.yaml"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, pg_cluster: Any, maria: Any) -> dict[str, dict[str, Any]]:
    opts = api.DesignOptions(engines=("sqlite", "postgresql", "mariadb"),
                             sandboxes={"postgresql": pg_cluster, "mariadb": maria})
    result = api.design(SPEC, tmp_path_factory.mktemp("org") / "pkg", opts)
    assert result.verification is not None
    return {e["engine"]: {p["name"]: p for p in e["patterns"]} for e in result.verification["engines"]}


@pytest.mark.parametrize("engine", ["sqlite", "postgresql", "mariadb"])
def test_generated_statements_run_and_return_what_the_data_says(runs: dict[str, Any], engine: str) -> None:
    pats = runs[engine]
    assert all(p["ok"] for p in pats.values()), {n: p["error"] for n, p in pats.items() if not p["ok"]}
    assert pats["department-by-code"]["rows"] == 1  # the code came from an existing row
    assert pats["ancestors"]["rows"] >= 1 and pats["subtree"]["rows"] >= 1  # a node is its own ancestor
    # the update never writes one value into a unique column of several rows
    assert "code" not in pats["move-department"]["sql"].split("SET", 1)[1].split("WHERE")[0]


def test_postgresql_hierarchy_reads_use_the_path_index(runs: dict[str, Any]) -> None:
    for name in ("subtree", "ancestors"):
        assert "ix_department_path" in runs["postgresql"][name]["indexes_used"]
