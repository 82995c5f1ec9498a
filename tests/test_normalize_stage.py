"""The normalization stage: normal forms of entities with FDs, denormalization advice from rates."""

from __future__ import annotations

from pathlib import Path

from dbwright.render.sections.normalization import render_markdown
from dbwright.spec import load_spec, load_spec_text
from dbwright.stages.context import DesignContext
from dbwright.stages.normalization import run

ROOT = Path(__file__).resolve().parent.parent


def _run(text: str):
    loaded = load_spec_text(text)
    assert loaded.spec is not None, [str(f) for f in loaded.findings]
    return run(DesignContext(loaded.spec, loaded.positions))


def test_nosql_example_entity_and_advice() -> None:
    loaded = load_spec(ROOT / "examples" / "nosql-to-relational.yaml")
    section = run(DesignContext(loaded.spec, loaded.positions))
    assert section is not None and section.name == "normalization"
    (ent,) = section.data["entities"]
    assert ent["entity"] == "OrderLineFlat" and ent["normal_form"] == "1NF"
    assert ent["candidate_keys"] == [["order_no", "line_no"]]
    assert len(ent["synthesis_3nf"]) == 6 and ent["bcnf"]["lost_dependencies"] == []
    codes = [f.code for f in section.findings]
    assert codes == ["NORM021"] and section.findings[0].location.line == 45
    opts = {o["access_pattern"]: o for o in section.data["denormalization"]}
    assert opts["order-detail"]["kind"] == "derived column" and opts["order-detail"]["recommended"]
    assert opts["seller-sales-report"]["kind"] == "summary table"
    assert not opts["seller-sales-report"]["recommended"]  # 5 reads/s do not pay for 120 trigger writes/s
    assert all(d.evidence for d in section.decisions)
    md = render_markdown(section)
    assert "| OrderLineFlat | (order_no, line_no) | 1NF | 6 |" in md and "order-detail" in md


SPEC = """
version: 1
project: p
entities:
  Address:
    attributes: {street: text, city: text, zip: text}
    functional_dependencies: ["street, city -> zip", "zip -> city"]
  Customer:
    rows: 1M
    attributes: {name: text}
  Order:
    rows: 50M
    attributes: {customer: ref Customer, total: money(EUR)}
access_patterns:
  - name: revenue
    sql: SELECT c.name, sum(o.total) FROM "order" o JOIN customer c ON c.id = o.customer_id GROUP BY c.name
    rate: 200/s
    staleness: 5m
  - name: order-page
    sql: SELECT o.total, c.name FROM "order" o JOIN customer c ON c.id = o.customer_id WHERE o.id = :id
    rate: 3000/s
  - name: rename
    entity: Customer
    kind: update
    rate: 1/s
  - name: buy
    entity: Order
    writes: {Order: 1}
    rate: 100/s
"""


def test_3nf_entity_materialized_view_and_derived_column() -> None:
    section = _run(SPEC)
    (ent,) = section.data["entities"]
    assert ent["normal_form"] == "3NF" and ent["bcnf"]["lost_dependencies"] == ["street,city -> zip"]
    opts = {o["access_pattern"]: o for o in section.data["denormalization"]}
    mv = opts["revenue"]
    assert mv["kind"] == "materialized view" and mv["recommended"] and "300 s" in mv["how"]
    dc = opts["order-page"]
    assert dc["kind"] == "derived column"
    # 1 update/s × 50 orders per customer + 100 inserts/s = 150 extra writes/s vs 3000 joins saved/s
    assert dc["extra_work_per_s"] == 150 and dc["benefit_ratio"] == 20.0 and dc["recommended"]


def test_bad_fd_in_spec_is_a_finding() -> None:
    section = _run(SPEC.replace('"zip -> city"', '"zip -> town"'))
    assert [f.code for f in section.findings] == ["NORM020"]
    assert "unknown attribute(s) town" in section.findings[0].message


def test_no_section_without_fds_or_joins() -> None:
    assert _run("version: 1\nproject: p\nentities:\n  A:\n    attributes: {x: int}\n") is None


def test_design_files_for_decomposed_entity() -> None:
    import sqlite3

    from dbwright.render.sections.normalization import render_files

    loaded = load_spec(ROOT / "examples" / "nosql-to-relational.yaml")
    section = run(DesignContext(loaded.spec, loaded.positions))
    files = render_files(section)
    assert set(files) == {f"normalization/order_line_flat.bcnf.{d}.sql" for d in ("postgresql", "sqlite", "mysql")} \
        | {"normalization/order_line_flat.fill.postgresql.sql"}
    con = sqlite3.connect(":memory:")
    con.executescript(files["normalization/order_line_flat.bcnf.sqlite.sql"])
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert tables == {"customers", "orders", "products", "sellers", "order_lines", "ship_zip_countries"}
    assert "split into 6 BCNF tables" in section.decisions[0].choice
