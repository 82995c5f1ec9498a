"""`dbwright dr plan`: every number carries its formula and inputs; the plan reacts to the spec."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dbwright.api import plan_dr, plan_dr_file
from dbwright.cli.main import app
from dbwright.spec import load_spec_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "saas-ecommerce.yaml"


def quantities(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every {value, unit, evidence} quantity in a JSON tree."""
    found = []
    if isinstance(node, dict):
        if "value" in node and "unit" in node:
            found.append((path, node))
        for k, v in node.items():
            found += quantities(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += quantities(v, f"{path}[{i}]")
    return found


@pytest.fixture(scope="module")
def plan_json() -> dict[str, Any]:
    exe = Path(sys.executable).parent / "dbwright"  # the installed entry point
    proc = subprocess.run([str(exe), "dr", "plan", str(EXAMPLE), "--json"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_every_number_has_formula_and_inputs_or_source(plan_json: dict[str, Any]) -> None:
    qs = quantities(plan_json["data"])
    assert len(qs) > 60
    for path, qty in qs:
        assert isinstance(qty["value"], int | float), path
        ev = qty["evidence"]
        assert ev["kind"] in ("formula", "cited"), path
        if ev["kind"] == "formula":
            assert ev["detail"] and "inputs" in ev, f"{path}: formula without inputs"
        else:
            assert ev.get("source"), f"{path}: cited without a source"
    for dec in plan_json["decisions"]:
        assert dec["rationale"] and dec["evidence"], dec["topic"]


def test_plan_contents_for_the_example(plan_json: dict[str, Any]) -> None:
    d = plan_json["data"]
    assert len(d["backups"]["strategies"]) >= 2
    chosen = next(s for s in d["backups"]["strategies"] if s["key"] == d["backups"]["chosen"])
    assert set(chosen["restore"]["phases"]) == {"provision", "copy", "replay", "verify", "redirect"}
    assert chosen["restore"]["value"] <= d["inputs"]["rto"]["logical"]["value"]
    assert {t["tier"].split()[0] for t in d["backups"]["retention"]["tiers"]} == {"daily", "weekly", "monthly",
                                                                                  "yearly"}
    assert set(d["pitr"]["runbooks"]) == {"time", "xid", "lsn", "name"}
    assert any("--set=" in step for step in d["pitr"]["runbooks"]["time"])
    assert any("archive_mode = off" in step for step in d["pitr"]["runbooks"]["lsn"])
    ha = d["ha"]
    assert ha["replication"] == "sync"  # host/zone RPO 0
    assert ha["failover"]["value"] <= 30  # host RTO 30 s: tuned below the 32.5 s default worst case
    assert ha["patroni"]["loop_wait"] + 2 * ha["patroni"]["retry_timeout"] <= ha["patroni"]["ttl"]
    assert ha["availability"]["meets_target"]
    assert "logical corruption" in ha["durability"]["caveat"]
    m = d["multi_region"]
    assert m["rtt"]["evidence"]["inputs"]["great_circle_km"] == pytest.approx(1088, rel=0.02)
    assert m["tier"] == "pilot light"
    assert m["residency"]["regions"] == {"eu-west-1": True, "eu-central-1": True}
    assert m["quorum"]["placements"]["5 voters over 3 regions (2+2+1)"]["survives_any_site"]
    assert all(r["meets"] for r in d["targets"])
    assert plan_json["findings"] == []
    assert "haproxy/haproxy.cfg" in plan_json["files"]


SPEC = """
version: 1
project: tiny
entities:
  Item: {rows: 1M, attributes: {name: text}}
access_patterns:
  - {name: add, entity: Item, writes: {Item: 1}, rate: 10/s}
availability:
  target: 99.9%
  rpo: {logical: 15m, host: 1m, zone: 5m, region: 1h}
  rto: {logical: 1h, host: 5m, zone: 15m, region: 4h}
dr: {DR}
regions: {REGIONS}
"""


def plan_for(dr: str = "{}", regions: str = "{primary: eu-west-1, dr: eu-central-1, residency: [EU]}"):
    # The plan under test is the PostgreSQL/MariaDB family's: pin the engine (the technology stage
    # ranks distributed SQL first for this tiny spec, which gets the distributed family's plan).
    if "engine" not in dr:
        dr = "{engine: postgresql" + (", " + dr[1:] if dr.strip() != "{}" else "}")
    loaded = load_spec_text(SPEC.replace("{DR}", dr).replace("{REGIONS}", regions), "t.yaml")
    assert loaded.spec is not None, loaded.findings
    return plan_dr(loaded.spec, loaded.positions)


def codes(section) -> set[str]:
    return {f.code for f in section.findings}


def test_clean_small_spec_has_no_gaps() -> None:
    s = plan_for()
    assert codes(s) == set(), [str(f) for f in s.findings]
    assert s.data["ha"]["replication"] == "async"  # host RPO 1 min is above the async loss bound


@pytest.mark.parametrize(("dr", "regions", "code"), [
    ("{off_site: false}", None, "DR003"),
    ("{backup_retention: 14d, compliance_retention: 7y}", None, None),  # GFS yearly copies cover it
    ("{pitr_window: 30d, backup_retention: 14d}", None, "DR009"),
    ("{restored_archive_mode: 'on'}", None, "DR006"),
    ("{patroni_ttl: 20s, patroni_loop_wait: 10s, patroni_retry_timeout: 10s}", None, "DR011"),
    ("{patroni_ttl: 600s, patroni_loop_wait: 10s, patroni_retry_timeout: 10s}", None, "DR007"),
    ("{watchdog: false}", None, "DR012"),
    ("{replication: async}", "{primary: eu-west-1, dr: us-east-1, residency: [EU]}", "DR010"),
    ("{archive_timeout: 30m}", None, "DR001"),
    ("{data_size: 20TB, wal_rate: 60MB}", None, "DR002"),
    ("{data_size: 20TB, wal_rate: 60MB}", None, "DR014"),
])
def test_gaps_follow_the_spec(dr: str, regions: str | None, code: str | None) -> None:
    s = plan_for(dr, regions) if regions else plan_for(dr)
    if code is None:
        assert codes(s) == set(), [str(f) for f in s.findings]
    else:
        assert code in codes(s), [str(f) for f in s.findings]
        f = next(f for f in s.findings if f.code == code)
        assert f.location.path and f.remediation


def test_delayed_replica_covers_logical_errors_of_a_large_database() -> None:
    s = plan_for("{data_size: 20TB}")
    assert "DR002" not in codes(s)
    dr = s.data["backups"]["delayed_replica"]
    assert dr["meets"] and dr["rto"]["value"] <= 3600
    assert s.data["targets"][0]["rto_mechanism"] == "delayed-replica"
    assert any(d.topic.startswith("Logical-error protection") for d in s.decisions)


def test_findings_point_at_spec_lines() -> None:
    s = plan_for("{off_site: false}")
    f = next(f for f in s.findings if f.code == "DR003")
    assert f.location.file == "t.yaml" and f.location.line is not None


def test_sync_across_long_rtt_is_flagged() -> None:
    regions = "{primary: eu-west-1, dr: us-east-1}"
    loaded = load_spec_text(SPEC.replace("{DR}", "{engine: postgresql}").replace("{REGIONS}", regions)
                            .replace("region: 1h}", "region: 0s}"), "t.yaml")
    assert loaded.spec is not None
    s = plan_dr(loaded.spec)
    assert "DR004" in codes(s)
    modes = s.data["multi_region"]["sync_vs_async"]
    remote = next(m for m in modes if m["mode"].startswith("sync to the DR region"))
    assert remote["commit_latency_added"]["value"] > 50  # Dublin-Virginia fibre floor
    zone = next(m for m in modes if "another zone" in m["mode"])
    assert zone["commit_latency_added"]["value"] < 2 and zone["rpo"]["value"] == 0


def test_mariadb_plan_has_binlog_pitr() -> None:
    s = plan_for("{engine: mariadb}")
    m = s.data["pitr"]["mariadb"]
    assert m["settings"]["binlog_format"] == "ROW"
    assert any("mariadb_backup_binlog_info" in step for step in m["runbook"])
    assert "copy" in m["restore"]["phases"]


def test_plan_dr_file_rejects_bad_spec(tmp_path: Path) -> None:
    from dbwright.spec import SpecError

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nproject: x\nentities: {}\n")
    with pytest.raises(SpecError):
        plan_dr_file(bad)
    result = CliRunner().invoke(app, ["dr", "plan", str(bad)])
    assert result.exit_code == 2


def test_design_pipeline_runs_the_dr_stage() -> None:
    from dbwright.stages.context import DesignContext
    from dbwright.stages.dr_ha import run

    loaded = load_spec_text(EXAMPLE.read_text(), str(EXAMPLE))
    assert loaded.spec is not None
    section = run(DesignContext(spec=loaded.spec, positions=loaded.positions))
    assert section is not None and section.name == "dr_ha" and section.decisions


def test_human_output_shows_formulas() -> None:
    result = CliRunner().invoke(app, ["dr", "plan", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "size / restore_throughput" in result.stdout and "ttl − loop_wait" in result.stdout


def test_sharded_design_is_planned_per_shard_group() -> None:
    # A PostgreSQL-family sharded design (Citus); social-network now gets the distributed family's plan.
    s = plan_dr_file(ROOT / "examples" / "analytics-dashboard.yaml")
    n = s.data["shard_nodes"]
    assert n > 1  # the scaling stage shards this workload
    size = s.data["inputs"]["size"]
    assert size["evidence"]["inputs"]["shard_nodes"] == n
    assert size["value"] == pytest.approx(s.data["inputs"]["totals"]["size"]["value"] / n)
    assert s.data["cost"]["monthly"]["evidence"]["inputs"]["shard_groups"] == n
    # its only error is the stated infeasibility: n shard groups cost more than the budget
    assert {f.code for f in s.findings if f.severity.value == "error"} == {"DR015"}


def test_two_zones_make_zone_failover_manual() -> None:
    s = plan_for(regions="{primary: eu-west-1, dr: eu-central-1, list: [{name: eu-west-1, role: primary, zones: 2}]}")
    assert s.data["ha"]["zones"] == 2 and not s.data["ha"]["zone_failover_automatic"]
    zone = next(r for r in s.data["targets"] if r["disruption"] == "zone")
    assert zone["rto_mechanism"] == "manual"
    assert "DR016" in codes(s)
    assert "DR016" not in codes(plan_for())  # 3 zones assumed


def test_mariadb_ha_uses_maxscale_prediction() -> None:
    s = plan_for("{engine: mariadb}")
    topics = {d.topic: d for d in s.decisions}
    assert "MaxScale" in topics["High-availability topology"].choice
    assert "Continuous WAL archiving" not in topics and "Failover timings" not in topics
    assert s.data["ha"]["failover"]["evidence"]["inputs"]["failcount"] == 5
    assert s.data["facts"]["patroni"] is None
