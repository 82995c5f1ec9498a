"""Diff → phased plan → rehearsal under load, on the orders example (the issue's done-when case)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dbwright.migration.diff import diff_sql
from dbwright.migration.outputs import write_plan
from dbwright.migration.plan import plan_from_diff
from dbwright.verify.rehearse import rehearse

EX = Path(__file__).resolve().parent.parent / "examples" / "migrations"
OLD, NEW = (EX / "orders_v1.sql").read_text(), (EX / "orders_v2.sql").read_text()


@pytest.fixture(scope="module")
def orders_plan(pg_cluster):  # type: ignore[no-untyped-def]
    d = diff_sql(pg_cluster, OLD, NEW, renames={"orders.note": "comment"})
    return d, plan_from_diff(d, context_sql=OLD)


def test_diff_never_silently_drops_a_renamed_column(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    d = diff_sql(pg_cluster, OLD, NEW)
    assert any("--rename orders.note=comment" in p for p in d.prompts)
    d2 = diff_sql(pg_cluster, OLD, NEW, renames={"orders.note": "comment"})
    assert not d2.prompts
    assert any(op.kind == "rename_column" for op in d2.ops)
    assert not any(op.kind == "drop_column" for op in d2.ops)


def test_plan_has_no_blocking_access_exclusive_step(orders_plan) -> None:  # type: ignore[no-untyped-def]
    _, plan = orders_plan
    assert plan.blocking_steps() == []
    phases = {s.phase for s in plan.steps}
    assert phases == {"expand", "backfill", "switch", "contract"}
    # the direct type change would rewrite under ACCESS EXCLUSIVE; the plan never emits it
    assert not any("TYPE bigint" in sql for s in plan.steps for sql in s.sql)
    swap = next(s for s in plan.steps if s.title.startswith("swap orders.id"))
    assert swap.access_exclusive and not swap.scan and not swap.rewrite
    assert any(lk["relation"] == "order_items" for lk in swap.locks), "locks on other tables are reported"
    validate = next(s for s in plan.steps if "orders_warehouse_id_fkey" in s.title and s.phase == "backfill")
    assert {lk["relation"]: lk["mode"] for lk in validate.locks} == {
        "orders": "ShareUpdateExclusiveLock", "warehouses": "RowShareLock"}
    assert any(s.lossy for s in plan.phase("contract"))


def test_plan_outputs(orders_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, plan = orders_plan
    files = write_plan(plan, tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in files}
    assert {"plan.md", "plan.json", "01_expand.sql", "02_backfill.sql", "03_switch.sql", "04_contract.sql",
            "rollback/03_switch.sql", "alembic/dbw01_expand.py"} <= names
    for f in (tmp_path / "alembic").glob("*.py"):
        ast.parse(f.read_text())
    assert "autocommit_block" in (tmp_path / "alembic" / "dbw02_backfill.py").read_text()
    md = (tmp_path / "plan.md").read_text()
    assert "all of them catalog updates only" in md
    assert "LOSSY" in (tmp_path / "rollback" / "04_contract.sql").read_text()


def test_phase_files_apply_with_psql_semantics(pg_cluster, orders_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The written SQL files run as-is, in order, and end at the target schema."""
    from dbwright.migration.catalog import read_schema
    from dbwright.verify.rehearse import shape

    _, plan = orders_plan
    write_plan(plan, tmp_path)
    pg_cluster.create_database("dbw_files")
    pg_cluster.create_database("dbw_files_target")
    try:
        with pg_cluster.connect("dbw_files") as conn:
            conn.execute(OLD)
            conn.execute("insert into customers (email, name) values ('a@x', 'a'); insert into warehouses (name) "
                         "values ('w'); insert into orders (customer_id, total_cents, note) select 1, g, 'n' || g "
                         "from generate_series(1, 3000) g")
        import pglast

        for name in ("01_expand.sql", "02_backfill.sql", "03_switch.sql", "04_contract.sql"):
            with pg_cluster.connect("dbw_files") as conn:
                for stmt in pglast.split((tmp_path / name).read_text()):
                    conn.execute(stmt)
        with pg_cluster.connect("dbw_files") as conn:
            got = read_schema(conn)
            assert conn.execute("select count(*) from orders where comment = 'n' || id").fetchone()[0] == 3000
        with pg_cluster.connect("dbw_files_target") as conn:
            conn.execute(NEW)
            want = read_schema(conn)
        assert shape(got) == shape(want)
    finally:
        pg_cluster.drop_database("dbw_files")
        pg_cluster.drop_database("dbw_files_target")


def test_rehearsal_under_load_proves_the_plan(pg_cluster, orders_plan) -> None:  # type: ignore[no-untyped-def]
    _, plan = orders_plan
    r = rehearse(pg_cluster, OLD, NEW, plan, rows=20000, threads=2)
    assert r.checks, r.details
    assert all(r.checks.values()), (r.checks, r.details, r.workload_errors)
    assert not any(s.error for s in r.steps), [s.error for s in r.steps if s.error]
    assert r.workload_ops > 100
    # no step held ACCESS EXCLUSIVE longer than a catalog update (generous bound for a loaded CI box)
    assert r.longest_access_exclusive_ms < 500, [(s.title, s.longest_access_exclusive_ms) for s in r.steps]


def test_static_plan_flags_the_naive_migration(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """Linting the direct diff (what a naive tool would run) finds the hazards the plan avoids."""
    from dbwright.migration.lint import lint_sql

    d = diff_sql(pg_cluster, OLD, NEW, renames={"orders.note": "comment"})
    codes = {f.code for f in lint_sql(d.sql(), schema_sql=OLD).findings}
    assert {"MIG012", "MIG014", "MIG015"} <= codes
