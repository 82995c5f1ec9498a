"""design --from: re-architect an existing database, with a rehearsed Migration section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dbwright.api import DesignOptions, design_from, merge_spec
from dbwright.api.design import design_context
from dbwright.spec import load_spec_text

ROOT = Path(__file__).resolve().parent.parent
CHINOOK_PG = ROOT / "tests" / "corpora" / "schemas" / "chinook" / "Chinook_PostgreSql.sql"

OVERLAY = """
project: chinook-next
workload: {peak_qps: 2k/s, read_share: 90%}
availability: {target: 99.95%, rpo: {host: 0s}, rto: {host: 1m}}
entities:
  Track: {rows: 2M, growth: 5%/month}
access_patterns:
  - name: tracks_of_album
    sql: SELECT track_id, name FROM track WHERE album_id = :album
    rate: 300/s
"""


def test_merge_spec_overlays_targets_on_the_inspected_model() -> None:
    base = {"project": "x", "entities": {"A": {"rows": 10, "attributes": {"a": "int"}}},
            "access_patterns": [{"name": "q1", "sql": "SELECT 1", "rate": "1/s"}]}
    over = {"entities": {"A": {"rows": 1000}, "B": {"attributes": {"b": "text"}}},
            "access_patterns": [{"name": "q1", "sql": "SELECT 2", "rate": "2/s"}, {"name": "q2", "sql": "SELECT 3",
                                                                                  "rate": "3/s"}]}
    m = merge_spec(base, over)
    assert m["entities"]["A"] == {"rows": 1000, "attributes": {"a": "int"}} and "B" in m["entities"]
    assert [p["sql"] for p in m["access_patterns"]] == ["SELECT 2", "SELECT 3"]


def test_design_from_a_ddl_file_has_a_rehearsed_migration_section(pg_cluster: Any, tmp_path: Path) -> None:
    overlay = tmp_path / "targets.yaml"
    overlay.write_text(OVERLAY)
    res = design_from(str(CHINOOK_PG), overlay, tmp_path / "out",
                      DesignOptions(engines=("sqlite", "postgresql"), sandboxes={"postgresql": pg_cluster}),
                      cluster=pg_cluster, rehearse_rows=500)
    errors = [str(f) for f in res.design.all_findings() if f.severity.value == "error"]
    assert not errors, errors
    section = res.design.section("migration")
    assert section is not None and section.data["plan"] is not None
    reh = section.data["rehearsal"]
    assert reh["checks"] and all(reh["checks"].values()), reh["checks"]
    assert reh["checks"]["final schema equals the target"]
    out = tmp_path / "out"
    md = (out / "DESIGN.md").read_text()
    assert "## Migration" in md and "### Rehearsal on a sandbox copy" in md and "rollback" in md
    for f in ("migration/plan.md", "migration/01_expand.sql", "migration/rollback/01_expand.sql",
              "migration/rehearsal.json", "migration/target.postgresql.sql", "spec.yaml"):
        assert (out / f).exists(), f
    design_json = json.loads((out / "design.json").read_text())
    scaling = next(s for s in design_json["sections"] if s["name"] == "scaling")
    assert scaling  # the overlay's targets were designed for
    assert "CREATE TABLE track" in (out / "schema.postgresql.sql").read_text()


def test_a_named_current_system_without_dsn_gets_source_specific_steps() -> None:
    text = """
version: 1
project: shop
technology: {current: mysql, migration_downtime: 0s}
entities:
  Customer: {attributes: {email: email unique}}
  Order: {attributes: {customer: ref Customer, total: money}}
"""
    loaded = load_spec_text(text)
    assert loaded.spec is not None
    design, _ = design_context(loaded.spec, loaded)
    section = design.section("migration")
    assert section is not None and section.data["zero_downtime"]
    steps = " ".join(s for ph in section.data["phases"] for s in ph["steps"])
    assert "binlog_format=ROW" in steps and "Debezium MySQL connector" in steps
    assert "per key range" in " ".join(ph["title"] for ph in section.data["phases"])
    assert all(ph["rollback"] for ph in section.data["phases"])
    mongo = load_spec_text(text.replace("current: mysql", "current: mongodb"))
    assert mongo.spec is not None
    d2, _ = design_context(mongo.spec, mongo)
    assert "change streams" in json.dumps(d2.section("migration").data)  # type: ignore[union-attr]


def test_spec_ddl_of_a_foreign_key_cycle_loads(pg_cluster: Any, pg_db: str, tmp_path: Path) -> None:
    # a shop whose store has a manager and whose staff work at a store (Sakila's store ↔ staff)
    from dbwright.api.migrate import spec_ddl

    spec = tmp_path / "shop.yaml"
    spec.write_text("""
project: cycle-shop
entities:
  Store:
    attributes: {name: text, manager: {type: ref, ref: Staff, nullable: true}}
  Staff:
    attributes: {name: text, store: {type: ref, ref: Store}}
""")
    ddl = spec_ddl(spec)
    assert ddl.count("FOREIGN KEY") == 2
    with pg_cluster.connect(pg_db) as conn:
        conn.execute(ddl)
        n = conn.execute("select count(*) from pg_constraint where contype = 'f' and conrelid::regclass::text "
                         "in ('store', 'staff')").fetchone()[0]
    assert n == 2
