"""Schema stage decisions and the round trip on real engines."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbwright.engines import sqlite
from dbwright.render.mermaid import MERMAID_MAX_TEXT, render_erd
from dbwright.render.orm import render_models
from dbwright.verify.roundtrip import compare
from helpers_design import ROOT, assert_round_trip, context, metadata, spec_from

SAAS = ROOT / "examples" / "saas-ecommerce.yaml"


def test_saas_round_trip_sqlite() -> None:
    with sqlite.sandbox() as box:
        assert_round_trip(spec_from(SAAS), "sqlite", box, "saas")


def test_saas_round_trip_postgresql(pg_cluster, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    assert_round_trip(spec_from(SAAS), "postgresql", pg_cluster, pg_db + "_rt")


def test_saas_round_trip_mariadb(maria, maria_db: str) -> None:  # type: ignore[no-untyped-def]
    assert_round_trip(spec_from(SAAS), "mariadb", maria, maria_db + "_rt")


def test_shared_tenancy_keys_lead_with_tenant_and_rls(pg_cluster, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    spec = spec_from(SAAS)
    md = metadata(spec, "postgresql")
    order = md.tables["order"]
    assert [c.name for c in order.primary_key.columns] == ["tenant_id", "id"]
    fk = next(f for f in order.foreign_key_constraints if f.referred_table.name == "customer")
    assert [c.name for c in fk.columns] == ["tenant_id", "customer_id"]
    assert_round_trip(spec, "postgresql", pg_cluster, pg_db + "_rls")
    n = pg_cluster.scalar("select count(*) from pg_policies where policyname = 'tenant_isolation'", pg_db + "_rls")
    assert n == sum(1 for t in md.tables.values() if "tenant_id" in t.c)


def test_every_foreign_key_is_covered_by_a_leading_index() -> None:
    md = metadata(spec_from(SAAS), "postgresql")
    for t in md.tables.values():
        leading = [[c.name for c in t.primary_key.columns]]
        leading += [[c.name for c in u.columns] for u in t.constraints if isinstance(u, sa.UniqueConstraint)]
        leading += [[getattr(e, "name", "") for e in ix.expressions] for ix in t.indexes]
        for fk in t.foreign_key_constraints:
            cols = [c.name for c in fk.columns]
            assert any(ix[: len(cols)] == cols for ix in leading), (t.name, cols)


def test_on_delete_follows_ownership() -> None:
    md = metadata(spec_from(SAAS), "postgresql")
    by = {(t.name, tuple(c.name for c in fk.columns)): fk.ondelete for t in md.tables.values()
          for fk in t.foreign_key_constraints}
    assert by[("order_line", ("tenant_id", "order_id"))] == "CASCADE"  # owned
    assert by[("order_line", ("tenant_id", "product_id"))] == "RESTRICT"  # required reference
    assert by[("product_tag", ("tenant_id", "tag_id"))] == "CASCADE"  # junction


def test_hierarchy_with_subtree_reads_gets_materialized_path() -> None:
    ctx = context(spec_from(SAAS))
    assert ctx.options["schema_choices"].hierarchies["Category"].style == "path"
    assert "path" in ctx.options["metadata_by_dialect"]["postgresql"].tables["category"].c


TENANT_SPEC = """
project: t
tenancy: {{model: decide, tenants: {tenants}, isolation: {isolation}}}
entities:
  Tenant: {{tenant: true, attributes: {{name: text}}}}
  Note: {{attributes: {{body: text}}}}
"""


@pytest.mark.parametrize(("tenants", "isolation", "model"), [
    (5000, "standard", "shared"), (50, "dedicated", "database"), (5000, "dedicated", "schema")])
def test_tenancy_model_from_count_and_isolation(tenants: int, isolation: str, model: str) -> None:
    ctx = context(spec_from(TENANT_SPEC.format(tenants=tenants, isolation=isolation)))
    assert ctx.options["schema_choices"].tenancy == model
    note = ctx.options["metadata_by_dialect"]["postgresql"].tables["note"]
    assert ("tenant_id" in note.c) == (model == "shared")


def test_exposed_entities_get_time_ordered_uuid_keys() -> None:
    md = metadata(spec_from(SAAS), "postgresql")
    assert isinstance(md.tables["customer"].c.id.type, sa.Uuid)
    assert isinstance(md.tables["order"].c.id.type, sa.BigInteger)


def test_models_py_creates_the_same_schema(pg_cluster, pg_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    md = metadata(spec_from(SAAS), "postgresql")
    path = tmp_path / "models_saas.py"
    path.write_text(render_models(md, "acme"))
    spec = importlib.util.spec_from_file_location("models_saas", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["models_saas"] = mod
    try:
        spec.loader.exec_module(mod)
        engine = sa.create_engine(pg_cluster.url(pg_db))
        mod.Base.metadata.create_all(engine)
        assert [str(d) for d in compare(md, engine)] == []
        engine.dispose()
    finally:
        sys.modules.pop("models_saas", None)


def test_erd_has_cardinalities_and_splits_large_schemas() -> None:
    spec = spec_from(SAAS)
    diagrams = render_erd(metadata(spec, "postgresql"), {n: e.subject_area for n, e in spec.entities.items()})
    assert "ORDER ||--o{ ORDER_LINE" in diagrams["all"]
    assert "CATEGORY |o--o{ CATEGORY" in diagrams["all"]  # optional self-reference
    assert {"accounts", "catalogue", "orders"} <= set(diagrams)
    big = "project: big\nentities:\n" + "".join(
        f"  E{i}:\n    subject_area: a{i % 3}\n    attributes:\n" + "".join(
            f"      field_{j}_with_a_long_name: text\n" for j in range(40)) + (f"      prev: ref E{i-1}\n" if i else "")
        for i in range(120))
    spec2 = spec_from(big)
    d2 = render_erd(metadata(spec2, "postgresql"), {n: e.subject_area for n, e in spec2.entities.items()})
    assert all(len(t) <= MERMAID_MAX_TEXT for t in d2.values())
    assert sum(t.count(" {\n") for a, t in d2.items() if a != "all") >= 120
