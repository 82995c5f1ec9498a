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


def test_locks_cli_measures(tmp_path: Path) -> None:
    f = tmp_path / "m.sql"
    f.write_text("ALTER TABLE orders ALTER COLUMN id TYPE bigint;\nCREATE INDEX o_t ON orders (total_cents);\n")
    res = runner.invoke(app, ["migrate", "locks", str(f), "--schema", str(EX / "orders_v1.sql"), "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows[0]["rewritten"] == ["orders"] and rows[0]["agree"]
    assert {lk["relation"]: lk["mode"] for lk in rows[1]["locks"] if lk["kind"] == "table"} == {"orders": "ShareLock"}


def test_lint_alembic_revision(tmp_path: Path) -> None:
    rev = tmp_path / "abc_rev.py"
    rev.write_text('from alembic import op\n\n\ndef upgrade():\n    op.execute("CREATE INDEX i ON t (a)")\n\n\n'
                   'def downgrade():\n    op.execute("DROP INDEX i")\n')
    data = json.loads(runner.invoke(app, ["migrate", "lint", str(rev), "--format", "json"]).stdout)
    assert "MIG001" in {f["code"] for f in data["findings"]}


def test_plan_from_live_database_read_only(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    from dbwright.api import plan_migration

    pg_cluster.execute((EX / "orders_v1.sql").read_text(), pg_db)
    mp = plan_migration(pg_cluster.dsn(pg_db), EX / "orders_v2.sql", ["orders.note=comment"], cluster=pg_cluster)
    assert mp.plan.blocking_steps() == [] and any(s.title.startswith("swap orders.id") for s in mp.plan.steps)
    # the live database was only read
    assert pg_cluster.scalar("select count(*) from information_schema.columns where table_name = 'orders' "
                             "and column_name = 'comment'", pg_db) == 0


def test_plan_between_two_spec_versions(pg_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dbwright.api import plan_migration

    spec = EX.parent / "saas-ecommerce.yaml"
    v2 = tmp_path / "v2.yaml"
    v2.write_text(spec.read_text().replace("      full_name: text pii\n", "      full_name: text pii\n      phone: text?\n", 1))
    mp = plan_migration(spec, v2, cluster=pg_cluster)
    assert [(s.phase, s.title) for s in mp.plan.steps] == [("expand", "add column customer.phone text")]
    assert plan_migration(spec, spec, cluster=pg_cluster).plan.steps == []


def test_rehearse_cli_done_when(tmp_path: Path) -> None:
    """The issue's done-when, as a new user runs it (small scale to keep the suite fast)."""
    res = runner.invoke(app, ["migrate", "rehearse", "--from", str(EX / "orders_v1.sql"), "--to",
                              str(EX / "orders_v2.sql"), "--rename", "orders.note=comment", "--rows", "5000",
                              "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["ok"] and data["blocking_steps_in_plan"] == []
    assert data["longest_access_exclusive_ms"] < 500
