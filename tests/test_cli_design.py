"""`dbwright design` end to end: the package, overwrite protection, exit codes, JSON, erd, init."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dbwright import api
from helpers_design import ROOT

SAAS = ROOT / "examples" / "saas-ecommerce.yaml"


def dbw(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dbwright.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_design_package_sqlite(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    proc = dbw("design", str(SAAS), "-o", str(out), "--erd", "--engines", "sqlite")
    assert proc.returncode == 0, proc.stderr
    for name in ("DESIGN.md", "design.json", "verification.json", "schema.postgresql.sql", "schema.mysql.sql",
                 "schema.sqlite.sql", "models.py", "erd.mmd"):
        assert (out / name).exists(), name
    design = json.loads((out / "design.json").read_text())
    assert design["format"] == "dbwright.design" and design["format_version"] == 1
    for section in design["sections"]:
        for d in section["decisions"]:
            assert set(d) >= {"topic", "choice", "rationale", "trade_offs", "alternatives", "evidence"}
            for e in d["evidence"]:
                assert e["kind"] in ("formula", "measured", "cited")
    ver = json.loads((out / "verification.json").read_text())
    sqlite_run = ver["engines"][0]
    assert sqlite_run["engine"] == "sqlite" and sqlite_run["round_trip"]["differences"] == []
    assert all(p["ok"] for p in sqlite_run["patterns"])
    assert {s["engine"] for s in ver["skipped"]} == {"postgresql", "mariadb"}
    text = (out / "DESIGN.md").read_text()
    assert "## Verification" in text and "Skipped **postgresql**" in text
    # a second run refuses to overwrite without --force, and leaves the files alone
    before = (out / "DESIGN.md").stat().st_mtime_ns
    again = dbw("design", str(SAAS), "-o", str(out), "--engines", "sqlite")
    assert again.returncode == 2 and "--force" in again.stderr
    assert (out / "DESIGN.md").stat().st_mtime_ns == before
    forced = dbw("design", str(SAAS), "-o", str(out), "--engines", "sqlite", "--force", "--no-verify")
    assert forced.returncode == 0, forced.stderr


def test_design_all_engines_verifies_each(tmp_path: Path, pg_cluster, maria) -> None:  # type: ignore[no-untyped-def]
    opts = api.DesignOptions(engines=("sqlite", "postgresql", "mariadb"),
                             sandboxes={"postgresql": pg_cluster, "mariadb": maria})
    result = api.design(SAAS, tmp_path / "all", opts)
    assert result.verification is not None
    engines = {e["engine"]: e for e in result.verification["engines"]}
    assert set(engines) == {"sqlite", "postgresql", "mariadb"}
    for e in engines.values():
        assert e["round_trip"]["error"] is None and e["round_trip"]["differences"] == []
        assert e["patterns"] and all(p["ok"] for p in e["patterns"]), e["patterns"]
    pg_plans = {p["name"]: p for p in engines["postgresql"]["patterns"]}
    assert "ix_order_tenant_id_customer_id" in pg_plans["order-history"]["indexes_used"]


def test_pattern_naming_a_missing_column_points_at_its_line(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("project: p\nentities:\n  Item:\n    attributes:\n      name: text\n"
                    "access_patterns:\n  - name: by-colour\n    sql: SELECT * FROM item WHERE colour = :c\n"
                    "    rate: 1/s\n")
    proc = dbw("design", str(spec), "-o", str(tmp_path / "o"), "--engines", "sqlite", "--json")
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["findings"]
    bad = [f for f in findings if f["code"] == "VER003"]
    assert bad and bad[0]["location"]["line"] == 8 and "colour" in bad[0]["message"]


def test_bad_spec_exits_2_without_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("project: p\nentities: [1, 2]\n")
    proc = dbw("design", str(spec), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_erd_and_spec_schema_and_init(tmp_path: Path) -> None:
    erd = dbw("erd", str(SAAS))
    assert erd.returncode == 0 and erd.stdout.startswith("erDiagram")
    schema = json.loads(dbw("spec-schema").stdout)
    assert "entities" in schema["properties"]
    listing = dbw("init", "--list")
    assert "saas-ecommerce" in listing.stdout
    target = tmp_path / "spec.yaml"
    assert dbw("init", str(target)).returncode == 0
    assert dbw("validate", str(target)).returncode == 0
    assert dbw("init", str(target)).returncode == 2  # no overwrite without --force
