"""Synthetic data honours the schema (issue 11, item 5): numeric(p,s) bounds, strict bounds by the
type's step, ranges and enums, per-tenant uniqueness, composite keys in the rehearsal loader."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dbwright.spec.attributes import parse_attribute
from dbwright.verify.data import generate
from dbwright.verify.rehearse import load_synthetic
from helpers_design import metadata, spec_from

SPEC = """
project: shop
tenancy: {model: shared, tenants: 40}
entities:
  Tenant: {tenant: true, rows: 40, attributes: {name: text}}
  Product:
    rows: 50k
    attributes:
      sku: string(12) unique-per-tenant
      fee: decimal(4,2) >= 1
      price: decimal(10,2) > 0
      stock: int >= 0 <= 500
      state: enum(draft, live, gone)
"""


def test_values_fit_precision_scale_ranges_enums_and_tenant_uniqueness() -> None:
    md = metadata(spec_from(SPEC), "postgresql")
    rows = generate(md, cap=2000).rows["product"]
    assert len(rows) >= 1000
    for r in rows:
        assert Decimal(1) <= r["fee"] <= Decimal("99.99") and r["fee"] == r["fee"].quantize(Decimal("0.01"))
        assert r["price"] >= Decimal("0.01") and r["price"].as_tuple().exponent >= -2  # type: ignore[operator]
        assert 0 <= r["stock"] <= 500 and r["state"] in ("draft", "live", "gone")
    pairs = [(r["tenant_id"], r["sku"].lower()) for r in rows]
    assert len(pairs) == len(set(pairs))


def test_strict_bounds_move_by_the_types_step() -> None:
    assert parse_attribute("decimal(10,2) > 0")["min"] == 0.01
    assert parse_attribute("int > 0")["min"] == 1
    assert parse_attribute("money(EUR) > 0")["min"] == 0.0001
    assert parse_attribute("decimal(6,3) < 5")["max"] == 4.999


def test_rehearsal_loader_fills_composite_keys(pg_cluster: Any, pg_db: str) -> None:
    from dbwright.migration.catalog import read_schema

    with pg_cluster.connect(pg_db) as conn:
        conn.execute("CREATE TABLE leg (flight_no int NOT NULL, flight_date date NOT NULL, seats int NOT NULL, "
                     "fare numeric(4,2) NOT NULL, PRIMARY KEY (flight_no, seats))")
        counts = load_synthetic(conn, read_schema(conn), 3000)  # more rows than g % 1000 would keep apart
        assert counts["leg"] == 3000
        assert conn.execute("SELECT count(DISTINCT (flight_no, seats)) FROM leg").fetchone()[0] == 3000
