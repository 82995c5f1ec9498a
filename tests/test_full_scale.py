"""Full-size planner statistics from a small sample (verify.full_scale), on the session PostgreSQL."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from dbwright.api.design import design_context
from dbwright.spec import load_spec
from dbwright.verify.full_scale import inflate
from dbwright.verify.index_proof import load_sample

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_n = itertools.count()
pytestmark = pytest.mark.postgresql


def _sample(pg_cluster):  # type: ignore[no-untyped-def]
    loaded = load_spec(EXAMPLES / "saas-ecommerce.yaml")
    assert loaded.spec is not None
    _d, ctx = design_context(loaded.spec, loaded, ("indexes",))
    md = ctx.options["metadata_by_dialect"]["postgresql"]
    db = f"fullscale{next(_n)}"
    scale = load_sample(pg_cluster, md, db, 2000, lambda _m: None)
    return md, db, scale


def _disk_bytes(path: Path) -> int:
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def test_planner_sees_full_size_tables_on_sparse_files(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    md, db, scale = _sample(pg_cluster)
    order = md.tables["order"]
    customers = md.tables["customer"].info["rows"]
    with pg_cluster.connect(db) as conn:
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", (db,)).fetchone()[0]
        sample_rows = conn.execute('SELECT count(*) FROM "order"').fetchone()[0]
        sample_bytes = conn.execute("SELECT pg_relation_size('\"order\"')").fetchone()[0]
    assert scale < 0.01 and sample_rows <= 2000
    db_dir = Path(pg_cluster.data) / "base" / str(oid)
    disk_before = _disk_bytes(db_dir)
    out = inflate(pg_cluster, db, md, scale)
    assert out["tables"]["order"]["rows"] == order.info["rows"]
    with pg_cluster.connect(db) as conn:
        reltuples, relpages = conn.execute("SELECT reltuples, relpages FROM pg_class WHERE relname = 'order'").fetchone()
        size = conn.execute("SELECT pg_relation_size('\"order\"')").fetchone()[0]
        plan = conn.execute('EXPLAIN (FORMAT JSON) SELECT * FROM "order"').fetchone()[0]
        distinct = conn.execute("SELECT n_distinct FROM pg_stats WHERE tablename = 'order' "
                                "AND attname = 'customer_id'").fetchone()[0]
        count = conn.execute('SELECT count(*) FROM "order"').fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    assert reltuples == pytest.approx(order.info["rows"], rel=1e-6)
    assert relpages * 8192 == size > 1e9, "the heap is laid out over 1 GB segments at full length"
    assert size == pytest.approx(sample_bytes * order.info["rows"] / sample_rows, rel=0.01)
    assert plan[0]["Plan"]["Plan Rows"] == pytest.approx(order.info["rows"], rel=0.01)
    assert distinct == pytest.approx(customers, rel=1e-6)
    assert count == sample_rows, "zero pages read as empty: the data is still the sample"
    assert _disk_bytes(db_dir) - disk_before < 50e6, "sparse files: the full size takes no disk"
    pg_cluster.drop_database(db)
    assert not db_dir.exists()


def test_index_proof_costs_at_full_size(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    from dbwright.api import advise_indexes

    d = advise_indexes(EXAMPLES / "saas-ecommerce.yaml").section.data
    assert d["proof"]["status"] == "proved" and d["proof"]["full_size"]["tables"]["order"]["rows"] > 1e8
    by = {q["query"]: q for q in d["proof"]["per_query"]}
    # at full size the status listing scans a tenant's orders without the index: > 99% saved with it
    assert by["orders-by-status"]["saved"] > 0.99
    assert d["relative_cost"] < 0.05
