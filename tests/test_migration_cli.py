"""The migrate CLI: lint formats and exit codes, plan files, switch/locks guards."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dbwright.cli.main import app

EX = Path(__file__).resolve().parent.parent / "examples" / "migrations"
runner = CliRunner()


def test_lint_text_json_sarif(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_text("SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "
                 "i ON t (a);\n")
    assert runner.invoke(app, ["migrate", "lint", str(f)]).exit_code == 0
    bad = tmp_path / "bad.sql"
    bad.write_text("ALTER TABLE t ALTER COLUMN a TYPE bigint;\n")
    res = runner.invoke(app, ["migrate", "lint", str(bad), "--format", "json"])
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert {f["code"] for f in data["findings"]} >= {"MIG012", "MIG015"}
    res = runner.invoke(app, ["migrate", "lint", str(bad), "--format", "sarif"])
    assert json.loads(res.stdout)["version"] == "2.1.0"
    res = runner.invoke(app, ["migrate", "lint", str(bad), "--engine", "oracle"])
    assert res.exit_code == 2


def test_lint_engine_version_changes_verdict(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_text("SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN IF NOT EXISTS "
                 "n int DEFAULT 10;\n")
    new = json.loads(runner.invoke(app, ["migrate", "lint", str(f), "--pg-version", "11", "--format", "json"]).stdout)
    old = json.loads(runner.invoke(app, ["migrate", "lint", str(f), "--pg-version", "10", "--format", "json"]).stdout)
    assert "MIG009" not in {x["code"] for x in new["findings"]}
    assert "MIG009" in {x["code"] for x in old["findings"]}


def test_plan_cli_writes_files(tmp_path: Path) -> None:
    res = runner.invoke(app, ["migrate", "plan", "--from", str(EX / "orders_v1.sql"), "--to",
                              str(EX / "orders_v2.sql"), "--rename", "orders.note=comment", "-o", str(tmp_path),
                              "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["blocking_steps"] == [] and set(data["phases"]) == {"expand", "backfill", "switch", "contract"}
    assert (tmp_path / "plan.md").exists() and (tmp_path / "alembic" / "dbw03_switch.py").exists()


def test_rehearse_refuses_half_an_opt_in() -> None:
    res = runner.invoke(app, ["migrate", "rehearse", "--from", str(EX / "orders_v1.sql"), "--to",
                              str(EX / "orders_v2.sql"), "--dsn", "host=/nonexistent dbname=x"])
    assert res.exit_code == 2
    assert "--execute" in res.output


def test_bad_rename_is_a_user_error() -> None:
    res = runner.invoke(app, ["migrate", "plan", "--from", str(EX / "orders_v1.sql"), "--to",
                              str(EX / "orders_v2.sql"), "--rename", "orders.nope=comment"])
    assert res.exit_code == 2
