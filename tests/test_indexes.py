"""Index advisor: parsing, candidates, DDL per dialect, and real planner outcomes on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbwright.api import advise_indexes
from dbwright.cli.main import app
from dbwright.stages.index.candidates import CandidateOptions, query_candidates, redundant_existing
from dbwright.stages.index.ddl import all_dialects, index_sql
from dbwright.stages.index.model import IndexDef
from dbwright.stages.index.parse import parse_query
from dbwright.stages.index.select import SelectOptions
from dbwright.verify.index_advisor import advise_on_connection, catalog, existing_indexes
from dbwright.verify.index_proof import plan_with_planner
from dbwright.verify.whatif import WhatIf

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCHEMA = {"orders": ["id", "customer_id", "status", "placed_at", "total"], "customer": ["id", "country"]}


def test_parse_classifies_predicates_joins_and_sort() -> None:
    q = parse_query("q", "SELECT o.total FROM orders o JOIN customer c ON c.id = o.customer_id "
                         "WHERE c.country = $1 AND o.placed_at >= $2 AND o.status IN ('a', 'b') "
                         "ORDER BY o.placed_at DESC LIMIT 20", SCHEMA)
    assert q.problem is None
    o, c = q.tables["orders"], q.tables["customer"]
    assert o.join == ["customer_id"] and c.join == ["id"]
    assert c.equality == ["country"] and o.equality == ["status"]
    assert o.range == ["placed_at"] and o.order == [("placed_at", True)]
    assert q.limit == 20 and q.params == {1: ("customer", "country"), 2: ("orders", "placed_at")}


def test_parse_reports_what_it_cannot_resolve() -> None:
    q = parse_query("q", "SELECT * FROM orders, customer WHERE id = 3", SCHEMA)
    assert q.problem and "ambiguous" in q.problem
    assert parse_query("q", "SELEC nothing", SCHEMA).problem


def test_candidates_put_equality_before_range_and_keep_sort_order() -> None:
    q = parse_query("q", "SELECT * FROM orders WHERE customer_id = $1 AND status = $2 ORDER BY placed_at DESC",
                    SCHEMA)
    cands = query_candidates(q, {"orders": 1e6}, CandidateOptions(max_width=3))
    assert IndexDef("orders", ("customer_id", "status", "placed_at")) in cands
    assert not any(i.columns[0] == "placed_at" and len(i.columns) == 3 for i in cands)


def test_ddl_per_dialect_from_sqlalchemy() -> None:
    idx = IndexDef("order", ("tenant_id", "status"), include=("total",), where="status = 'paid'")
    ddl = all_dialects(idx)
    assert ddl["postgresql"].startswith("CREATE INDEX CONCURRENTLY") and "INCLUDE (total)" in ddl["postgresql"]
    assert 'ON "order"' in ddl["postgresql"] and "WHERE status = 'paid'" in ddl["postgresql"]
    assert "`order` (tenant_id, status, total)" in ddl["mariadb"] and "WHERE" not in ddl["mariadb"]
    assert "WHERE status = 'paid'" in ddl["sqlite"]
    assert "CONCURRENTLY" not in index_sql(idx, concurrently=False)


def test_duplicate_and_prefix_indexes_are_drop_candidates() -> None:
    ex = {"a1": IndexDef("t", ("a",)), "a2": IndexDef("t", ("a",)), "ab": IndexDef("t", ("a", "b")),
          "c": IndexDef("t", ("c",))}
    out = redundant_existing(ex)
    assert set(out) == {"a1", "a2"} and "prefix of ab" in out["a1"]


def test_spec_stage_gives_rule_based_plan_with_reasons() -> None:
    advice = advise_indexes(EXAMPLES / "saas-ecommerce.yaml", planner=False)
    d = advice.section.data
    assert d["mode"] == "rule" and d["proof"]["status"] == "skipped"
    assert d["picks"] and all(p["reason"] == "picked" and p["detail"] for p in d["picks"])
    assert d["rejections"] and all(r["reason"] in ("budget", "redundant", "little-gain", "write-cost",
                                                  "max-indexes") and r["detail"] for r in d["rejections"])
    # the spec's unique (tenant_id, sku) already serves product-page: no new product index
    assert not any(p["table"] == "product" for p in d["picks"])
    assert "planner proof: skipped" in advice.section.summary
    assert "Planner proof skipped" in advice.markdown


def _orders(cluster, db: str, n: int = 60000) -> None:  # type: ignore[no-untyped-def]
    with cluster.connect(db) as c:
        c.execute("CREATE TABLE customer (id int PRIMARY KEY, country text)")
        c.execute("CREATE TABLE orders (id int, customer_id int, status text, placed_at timestamptz, total numeric)")
        c.execute("INSERT INTO customer SELECT g, 'c' || (g % 50) FROM generate_series(1, 5000) g")
        c.execute(f"INSERT INTO orders SELECT g, 1 + g % 5000, (ARRAY['new','paid','sent'])[1 + g % 3], "
                  f"now() - g * interval '1 minute', g % 100 FROM generate_series(1, {n}) g")
        c.execute("SELECT setseed(0.1)")
        c.execute("ANALYZE")


QUERIES = [
    {"qid": "by_customer", "sql": "SELECT * FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 10",
     "weight": 100.0},
    {"qid": "by_id", "sql": "SELECT total FROM orders WHERE id = 42", "weight": 10.0},
]


@pytest.mark.postgresql
def test_planner_uses_the_advised_index_and_cost_drops(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db)
    with pg_cluster.connect(pg_db) as conn:
        p = plan_with_planner(conn, QUERIES, None, None, {}, 1.0, pg_cluster.version, execute=True)
    sel = p.selection
    keys = {i.key for i in sel.chosen}
    assert "orders (customer_id, placed_at)" in keys or "orders (customer_id)" in keys
    assert any(i.columns == ("id",) for i in sel.chosen)
    for qid, (before, after, used) in sel.per_query.items():
        assert after < before * 0.2, qid
        assert used, qid
    ex = p.proof["execute_check"]  # type: ignore[index]
    assert not ex["slower"]
    assert all(r["ms_after"] <= r["ms_before"] for r in ex["queries"])
    assert all(0.2 < s["ratio"] < 2.0 for s in ex["sizes"])
    with pg_cluster.connect(pg_db) as conn:  # the check built them for real: the real planner uses them
        plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT total FROM orders WHERE id = 42").fetchone()[0]
        assert "Index" in json.dumps(plan)


@pytest.mark.postgresql
def test_existing_index_makes_candidates_redundant(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db, 20000)
    with pg_cluster.connect(pg_db) as conn:
        conn.execute("CREATE INDEX orders_cust_placed ON orders (customer_id, placed_at)")
        conn.execute("CREATE INDEX orders_cust ON orders (customer_id)")
        conn.execute("ANALYZE")
        p = plan_with_planner(conn, QUERIES[:1], None, None, {}, 1.0, pg_cluster.version)
    from dbwright.stages.index.plan import build_section

    s = build_section(p)
    assert not s.data["picks"]
    red = {r["key"] for r in s.data["rejections"] if r["reason"] == "redundant"}
    assert "orders (customer_id)" in red and "orders (customer_id, placed_at)" in red
    assert [d["name"] for d in s.data["drops"]] == ["orders_cust"]
    assert [f.code for f in s.findings if f.code.startswith("IDX00") and f.code != "IDX002"] == ["IDX001"]
    # the same plan over a design's own schema: the covered index is superseded (info), not a warning
    p.own_schema = True
    own = build_section(p)
    assert [(f.code, f.severity.value) for f in own.findings if f.code != "IDX002"] == [("IDX003", "info")]
    assert "superseded" in own.summary and own.data["own_schema"]


@pytest.mark.postgresql
def test_budget_is_respected_and_rejections_say_budget(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db)
    qs = [parse_query(q["qid"], q["sql"], SCHEMA, q["weight"]) for q in QUERIES]
    with pg_cluster.connect(pg_db) as conn:
        _schema, rows = catalog(conn)
        w = WhatIf(conn, qs)
        one = w.size(IndexDef("orders", ("id",)))
        sel, _ = advise_on_connection(conn, qs, rows, SelectOptions(budget_bytes=int(one * 1.2)))
    assert sel.size_bytes <= one * 1.2 and len(sel.chosen) == 1
    assert any(v.reason == "budget" for v in sel.verdicts)


@pytest.mark.postgresql
def test_write_rate_rejects_an_index_with_too_little_read_gain(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db, 20000)
    with pg_cluster.connect(pg_db) as conn:
        q = [{"qid": "rare", "sql": "SELECT * FROM orders WHERE customer_id = 7", "weight": 0.01}]
        p = plan_with_planner(conn, q, None, None, {"orders": 5000.0}, 1.0, pg_cluster.version)
    assert not p.selection.chosen
    assert any(v.reason == "write-cost" for v in p.selection.verdicts)


@pytest.mark.postgresql
def test_live_database_stays_read_only(pg_cluster, pg_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db, 20000)
    pg_cluster.execute("CREATE EXTENSION hypopg", pg_db)
    wl = tmp_path / "w.sql"
    wl.write_text("-- weight: 50\n-- name: hot\nSELECT * FROM orders WHERE customer_id = :c;\n"
                  "SELECT count(*) FROM orders WHERE status = 'new';\n")
    advice = advise_indexes(dsn=pg_cluster.dsn(pg_db), workload=wl)
    d = advice.section.data
    assert d["proof"]["status"] == "proved" and d["mode"] == "planner"
    assert any("customer_id" in p["columns"] for p in d["picks"])
    assert pg_cluster.scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'orders'", pg_db) == 0
    names = [q["query"] for q in d["proof"]["per_query"]]
    assert names == ["hot", "q2"]


@pytest.mark.postgresql
def test_cli_on_the_saas_example_proves_the_plan(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["indexes", str(EXAMPLES / "saas-ecommerce.yaml"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)["data"]
    assert d["proof"]["status"] == "proved"
    picks = {p["key"] for p in d["picks"]}
    assert "order (tenant_id, status, placed_at)" in picks
    by = {q["query"]: q for q in d["proof"]["per_query"]}
    assert by["orders-by-status"]["cost_after"] < by["orders-by-status"]["cost_before"]
    assert "order (tenant_id, status, placed_at)" in by["orders-by-status"]["uses"]
    assert all(p["ddl"]["postgresql"]["sql"].startswith("CREATE INDEX CONCURRENTLY") for p in d["picks"])


@pytest.mark.postgresql
def test_existing_indexes_are_read_from_the_catalog(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    _orders(pg_cluster, pg_db, 1000)
    with pg_cluster.connect(pg_db) as conn:
        conn.execute("CREATE INDEX o_ci ON orders (customer_id) INCLUDE (total)")
        ex = existing_indexes(conn)
    assert ex["o_ci"][0] == IndexDef("orders", ("customer_id",), include=("total",))
    assert ex["customer_pkey"][1] is True


@pytest.mark.postgresql
def test_design_hook_proves_the_section_in_place(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    from dbwright.api.design import design_context
    from dbwright.spec import load_spec
    from dbwright.verify.index_proof import design_check

    loaded = load_spec(EXAMPLES / "saas-ecommerce.yaml")
    assert loaded.spec is not None
    design, ctx = design_context(loaded.spec, loaded)
    section = design.section("indexes")
    assert section is not None and section.data["proof"]["status"] == "skipped"
    out = design_check(ctx, "postgresql", pg_cluster, pg_cluster.url())
    assert out is not None and out["status"] == "proved"
    proved = design.section("indexes")
    assert proved is not None and proved.data["proof"]["status"] == "proved"
    # A design never warns the user to drop the indexes it made itself (see IDX003 below).
    assert proved.data["own_schema"] and not any(f.code == "IDX001" for f in proved.findings)
    assert "full size" in proved.data["proof"]["statistics"]
    assert design_check(ctx, "sqlite", None, "") is None


DDL = """CREATE TABLE account (id bigint PRIMARY KEY, region text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE payment (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES account (id),
                      amount numeric NOT NULL, paid_at timestamptz NOT NULL);
"""


@pytest.mark.postgresql
def test_ddl_file_with_workload_is_proved_on_a_sandbox(tmp_path, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "s.sql").write_text(DDL)
    (tmp_path / "w.sql").write_text("-- weight: 200\nSELECT * FROM payment WHERE account_id = :a "
                                    "ORDER BY paid_at DESC LIMIT 10;\n")
    advice = advise_indexes(tmp_path / "s.sql", workload=tmp_path / "w.sql", sample_rows=5000)
    d = advice.section.data
    assert d["proof"]["status"] == "proved"
    assert len(d["picks"]) == 1 and d["picks"][0]["columns"][0] == "account_id"
    (q,) = d["proof"]["per_query"]
    assert q["uses"] == [d["picks"][0]["key"]] and q["cost_after"] < q["cost_before"] / 5
    rule = advise_indexes(tmp_path / "s.sql", workload=tmp_path / "w.sql", planner=False).section.data
    assert rule["proof"]["status"] == "skipped" and rule["picks"][0]["columns"][0] == "account_id"
