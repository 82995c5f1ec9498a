"""Scaling and capacity: projections, partitions applied on PostgreSQL, shard-key simulation,
fan-out, ingestion, measured throughput, monitoring rules and ADRs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dbwright.api import attach_throughput, capacity, design_spec
from dbwright.render.adr import render_adrs
from dbwright.render.sections import monitoring as monitoring_render
from dbwright.render.sections import scaling as scaling_render
from dbwright.spec import load_spec
from dbwright.theory import capacity as cap
from dbwright.theory.sharding import moved_fraction, simulate_balance

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _spec(name: str):
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    assert loaded.ok, loaded.findings
    return loaded.spec


@pytest.fixture(scope="module")
def designs():
    return {n: design_spec(_spec(n)) for n in ("saas-ecommerce", "iot-timeseries", "social-network")}


def test_storage_constants_follow_the_page_layout():
    assert cap.heap_row_bytes(32) == 24 + 32 + 4
    assert cap.heap_row_bytes(33) == 24 + 40 + 4
    assert cap.heap_bytes(1000, 100) == math.ceil(1000 / ((8192 - 24) // (24 + 104 + 4))) * 8192
    assert cap.pool_size(16) == 33
    assert cap.grow(100, 0.1, 2) == pytest.approx(121)


def test_projection_grows_each_entity_by_its_own_rate(designs):
    spec = _spec("saas-ecommerce")
    proj = designs["saas-ecommerce"].section("scaling").data["projections"]
    assert [p["years"] for p in proj] == [0, 1, 3, 5]
    rows5 = sum(cap.grow(e.rows or 0, e.growth if e.growth is not None else spec.workload.growth or 0, 60)
                for e in spec.entities.values())
    assert proj[-1]["rows"] == pytest.approx(rows5)
    assert proj[-1]["total_bytes"] > proj[0]["total_bytes"] > 0
    assert all(p["wal_bytes_per_day"] > 0 and p["busy_connections"] > 0 for p in proj)


def test_every_decision_has_evidence(designs):
    for design in designs.values():
        for name in ("technology", "caching", "scaling", "monitoring"):
            for d in design.section(name).decisions:
                assert d.evidence, (name, d.topic)
                for e in d.evidence:
                    assert e.kind in ("formula", "measured", "cited")
                    if e.kind == "measured":
                        assert e.engine and e.version
                    if e.kind == "cited":
                        assert e.source.startswith("https://")


def test_iot_ingestion_maths(designs):
    sec = designs["iot-timeseries"].section("scaling")
    ing = sec.data["ingest"][0]
    node = sec.data["node"]["ingest_rows_per_s"]
    assert ing["entity"] == "Reading" and ing["peak_rows_per_s"] == pytest.approx(1_300_000)
    assert ing["nodes"] == math.ceil(ing["peak_rows_per_s"] / (node * 0.6))
    assert ing["compression_ratio"] > 1 and ing["rollup_rows_per_year"] == 2_500_000 * 8760
    part = next(p for p in sec.data["partitioning"] if p["entity"] == "Reading")
    assert part["method"] == "range" and part["partitions_kept"] == math.ceil(30 * 86400 / {
        "1 hour": 3600, "1 day": 86400, "1 week": 604800, "1 month": 2592000}[part["interval"]])
    assert "retention = '30 days'" in part["partman"]
    assert sec.data["sharding"]["chosen"]["key"] == "Sensor.id"
    if designs["iot-timeseries"].section("technology").data["recommended"] == "timescaledb":
        sql = scaling_render.render_files(sec)["scaling/timescaledb/reading.sql"]
        assert "add_retention_policy('reading', INTERVAL '30 days')" in sql
        assert "timescaledb.continuous" in sql and "compress_segmentby = 'sensor_id'" in sql


def test_social_network_shard_key_and_fanout(designs):
    sec = designs["social-network"].section("scaling")
    sh = sec.data["sharding"]
    assert sh["chosen"]["key"] == "User.id"
    user = next(c for c in sh["candidates"] if c["key"] == "User.id")
    post = next(c for c in sh["candidates"] if c["key"] == "Post.id")
    assert user["single_shard_share"] > post["single_shard_share"]
    assert user["remedies"]
    fan = sh["fanout"]
    assert fan["mean_followers"] == pytest.approx(120)
    chosen = next(r for r in fan["thresholds"] if r["threshold"] == fan["chosen_threshold"])
    assert chosen["within_burst"]
    assert chosen["push_rows_per_s"] < fan["pure_push_rows_per_s"]
    d = next(x for x in sec.decisions if x.topic == "timeline fan-out")
    assert "hybrid" in d.choice
    sim = [e for x in sec.decisions if x.topic == "sharding" for e in x.evidence if e.kind == "measured"]
    assert sim and "max_over_mean" in sim[0].result


def test_shard_balance_simulation():
    assert simulate_balance(10_000_000, 0.0, 16).max_over_mean < 1.1
    hot = simulate_balance(100_000_000, 1.6, 16)
    assert hot.hottest_key_share > 0.4 and hot.max_over_mean > 5
    assert moved_fraction(4, 8) == 0.5
    assert moved_fraction(4, 9, "modulo") > 0.8


def test_saas_needs_no_sharding_and_gets_pooling(designs):
    sec = designs["saas-ecommerce"].section("scaling")
    assert sec.data["sharding"]["needed"] is False
    assert sec.data["pgbouncer"]["pool_mode"] == "transaction"
    files = scaling_render.render_files(sec)
    assert files["charts/capacity.svg"].startswith("<svg") and "polyline" in files["charts/capacity.svg"]
    assert "default_pool_size = 33" in files["scaling/pgbouncer.ini"]
    assert "xychart-beta" in scaling_render.render_markdown(sec)


@pytest.mark.postgresql
def test_partition_ddl_applies_on_postgresql(pg_cluster, pg_db):
    """partitioning/*.sql turns the tables of a new database made from schema.postgresql.sql into
    their partitioned form (keeping every constraint); pg_partman then manages the range table."""
    from dbwright.api.design import design_context
    from dbwright.ddl.emit import render_ddl

    design, ctx = design_context(_spec("saas-ecommerce"))
    sec = design.section("scaling")
    plans = sec.data["partitioning"]
    rng = next(p for p in plans if p["method"] == "range")
    hashed = [p for p in plans if p["method"] == "hash"]
    with pg_cluster.connect(pg_db) as conn:
        conn.execute(render_ddl(ctx.metadata, "postgresql"))
        for p in plans:
            conn.execute(p["ddl"])
        kind = conn.execute("SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                            "WHERE c.relname = %s", (rng["table"],)).fetchone()[0]
        assert kind == "r"
        for p in hashed:
            n = conn.execute("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent "
                             "WHERE c.relname = %s", (p["table"],)).fetchone()[0]
            assert n == p["partitions"]
        # the script refuses a table that already has rows (that is a migration, not a script)
        assert "has rows" in p["ddl"]
    if pg_cluster.has_extension("pg_partman"):
        with pg_cluster.connect(pg_db) as conn:
            version = pg_cluster.scalar("SELECT default_version FROM pg_available_extensions "
                                        "WHERE name = 'pg_partman'", pg_db)
            config = rng["partman_v4"] if str(version).startswith("4") else rng["partman"]
            sql = "\n".join(line for line in config.splitlines() if not line.startswith("--"))
            for stmt in sql.split(";"):
                if stmt.strip():
                    conn.execute(stmt)
            conn.execute("SELECT partman.run_maintenance()")
            made = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass",
                                (f'"{rng["table"]}"',)).fetchone()[0]
            assert made >= 5  # the current partition + 4 pre-made


@pytest.mark.postgresql
def test_measured_throughput_replaces_the_planning_default(pg_cluster):
    from dbwright.verify.throughput import measure_throughput as measure

    m = measure(pg_cluster, rows=20_000, reads=2_000)
    assert m["engine"] == "postgresql" and m["version"]
    assert m["copy_rows_per_s"] > 0 and m["insert_rows_per_s"] > 0 and m["point_reads_per_s_per_connection"] > 0
    spec = _spec("iot-timeseries")
    section = capacity(spec)
    assert section.data["throughput"].get("planning_default")
    attach_throughput(section, spec, m)
    assert not section.data["throughput"].get("planning_default")
    measured = [e for d in section.decisions for e in d.evidence if e.kind == "measured" and e.engine == "postgresql"]
    assert measured and measured[0].version == m["version"]
    expected = m["copy_rows_per_s"] * 8 / max(1.0, m["cores"] / 2) * 0.7
    assert section.data["node"]["ingest_rows_per_s"] == round(expected)


def test_monitoring_rules_use_design_figures(designs):
    design = designs["saas-ecommerce"]
    rules = design.section("monitoring").data["rules"]
    target = design.section("caching").data["target_hit_ratio"]
    hit = next(r for r in rules if r["alert"] == "DbwrightCacheHitRatioLow")
    assert hit["threshold"] == pytest.approx(target - 0.05)
    y1 = design.section("scaling").data["projections"][1]["total_bytes"]
    assert next(r for r in rules if r["alert"] == "DbwrightStorageAheadOfPlan")["threshold"] == int(y1)
    text = monitoring_render.render_files(design.section("monitoring"))["monitoring/prometheus-rules.yml"]
    parsed = YAML(typ="safe").load(text)
    assert len(parsed["groups"][0]["rules"]) == len(rules)


def test_adrs_for_major_decisions_in_madr_format(designs):
    files = render_adrs(designs["iot-timeseries"])
    names = sorted(files)
    assert "adr/README.md" in names
    assert names[0] == "adr/0001-technology.md"
    assert any("sharding" in n for n in names) and any("ingestion" in n for n in names)
    assert any("high-availability" in n for n in names)
    for name, text in files.items():
        if name == "adr/README.md":
            continue
        for heading in ("## Context and Problem Statement", "## Considered Options", "## Decision Outcome",
                        "## More Information"):
            assert heading in text, (name, heading)


@pytest.mark.postgresql
def test_verification_hook_measures_on_the_verifier_sandbox(pg_cluster, pg_db):
    from dbwright.api.design import design_context
    from dbwright.verify import throughput

    design, ctx = design_context(_spec("iot-timeseries"))
    assert design.section("scaling").data["throughput"].get("planning_default")
    out = throughput.check(ctx, "postgresql", pg_cluster, pg_cluster.url(pg_db))
    assert out is not None and out["engine"] == "postgresql"
    scaling = design.section("scaling")
    assert scaling.data["throughput"]["version"] == out["version"]
    assert "measured on postgresql" in scaling.summary
    ingest = next(d for d in scaling.decisions if d.topic == "ingestion Reading")
    assert "scaled from COPY measured on postgresql" in ingest.rationale
    assert throughput.check(ctx, "mariadb", None, "") is None


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_every_example_gets_architecture_sections_with_evidence(example):
    design = design_spec(_spec(example))
    for name in ("technology", "caching", "scaling", "monitoring"):
        section = design.section(name)
        assert section is not None and section.summary, (example, name)
        for d in section.decisions:
            assert d.rationale and d.evidence, (example, name, d.topic)
    assert render_adrs(design)["adr/0001-technology.md"].startswith("# 0001. Technology")


def test_cli_capacity_json_without_measuring():
    from typer.testing import CliRunner

    from dbwright.cli.main import app

    res = CliRunner().invoke(app, ["capacity", str(EXAMPLES / "saas-ecommerce.yaml"), "--no-measure", "--json"])
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.stdout)
    assert data["name"] == "scaling" and data["data"]["throughput"]["planning_default"]
