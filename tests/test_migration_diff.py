"""Diff convergence on the migra and pgschema corpora: load old, apply dbwright's ops, compare with new.

The default run covers all 26 migra cases and every 4th pgschema case; the full pgschema half runs
with ``-m slow``. Cases needing PostgreSQL 18 syntax or extensions this server lacks are skipped by
the harness with their reason (and do not count).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench" / "migrations"))

import diff_convergence  # noqa: E402


def _run(pg_cluster, cases: list[Path]) -> dict:  # type: ignore[no-untyped-def, type-arg]
    for role in diff_convergence.ROLES:
        with contextlib.suppress(Exception):
            pg_cluster.execute(f"create role {role}")
    results = [diff_convergence.run_case(pg_cluster, c) for c in cases]
    ran = [r for r in results if r["status"] != "skipped"]
    conv = [r for r in ran if r["status"] == "converged"]
    return {"ran": len(ran), "converged": len(conv), "rate": len(conv) / max(len(ran), 1),
            "blocking": [(r["case"], r["blocking_steps"]) for r in ran if r.get("blocking_steps")],
            "diverged": [r["case"].split("/")[-1] for r in ran if r["status"] != "converged"],
            "skipped": [(r["case"], r["reason"]) for r in results if r["status"] == "skipped"]}


def test_migra_convergence(pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    cases = diff_convergence.find_cases(corpora / "migrations" / "diff" / "migra")
    assert len(cases) == 26
    rep = _run(pg_cluster, cases)
    # migra's own expected.sql converges in 18/26 on PostgreSQL 15 (corpus README)
    assert rep["converged"] == 26, rep


def test_pgschema_convergence_sample(pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    cases = diff_convergence.find_cases(corpora / "migrations" / "diff" / "pgschema")[::4]
    rep = _run(pg_cluster, cases)
    assert rep["rate"] >= 0.9, rep
    assert rep["blocking"] == []
    for case, reason in rep["skipped"]:
        assert "does not load" in reason, case


@pytest.mark.slow
def test_pgschema_convergence_full(pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    cases = diff_convergence.find_cases(corpora / "migrations" / "diff" / "pgschema")
    rep = _run(pg_cluster, cases)
    assert rep["rate"] >= 0.99, rep  # aggregates included
    # where pgschema's own plan is online (CONCURRENTLY / NOT VALID), dbwright's has no blocking step either
    assert rep["blocking"] == []


def test_sequence_changes_keep_the_sequence_value(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    """int → bigint of a standalone sequence, and a standalone sequence taken over by a column:
    the diff alters them in place; nextval goes on from where it was (no RESTART)."""
    from dbwright.migration.catalog import read_schema
    from dbwright.migration.diff import diff_schemas

    target = f"{pg_db}_new"
    pg_cluster.create_database(target)
    with pg_cluster.connect(pg_db) as conn:
        conn.execute("create sequence s as integer; create sequence t_id_seq; "
                     "create table t (id bigint not null default nextval('t_id_seq'))")
        conn.execute("select nextval('s'), nextval('s'), nextval('s'), nextval('t_id_seq')")
        old = read_schema(conn)
    with pg_cluster.connect(target) as conn:
        conn.execute("create sequence s as bigint; create table t (id bigserial)")
        new = read_schema(conn)
    ops = diff_schemas(old, new).ops
    sql = [st for op in ops for st in op.sql()]
    assert not any("RESTART" in st or st.startswith("DROP SEQUENCE") for st in sql), sql
    with pg_cluster.connect(pg_db) as conn:
        for st in sql:
            conn.execute(st)
        assert conn.execute("select nextval('s'), nextval('t_id_seq')").fetchone() == (4, 2)
        assert diff_schemas(read_schema(conn), new).ops == []
    pg_cluster.drop_database(target)


def test_column_moving_from_parent_to_child_keeps_the_childs_values(pg_cluster, pg_db) -> None:  # type: ignore[no-untyped-def]
    from dbwright.migration.catalog import read_schema
    from dbwright.migration.diff import diff_schemas

    target = f"{pg_db}_inh"
    pg_cluster.create_database(target)
    with pg_cluster.connect(pg_db) as conn:
        conn.execute("create table base (e integer); create table a (a1 integer) inherits (base); "
                     "insert into a values (7, 1)")
        old = read_schema(conn)
    with pg_cluster.connect(target) as conn:
        conn.execute("create table base (); create table a (a1 integer, e integer) inherits (base)")
        new = read_schema(conn)
    sql = [st for op in diff_schemas(old, new).ops for st in op.sql()]
    assert any(st.startswith("ALTER TABLE ONLY") for st in sql), sql
    with pg_cluster.connect(pg_db) as conn:
        for st in sql:
            conn.execute(st)
        assert conn.execute("select e, a1 from a").fetchone() == (7, 1)
        assert diff_schemas(read_schema(conn), new).ops == []
    pg_cluster.drop_database(target)


def test_fresh_cases_converge(pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    """Cases written for this suite (not taken from migra or pgschema), one folder per class: ALTER
    DOMAIN, table creation with constraints, online index/constraint changes (a new index on a
    partitioned table: ON ONLY + each partition CONCURRENTLY + ATTACH), triggers, dependency order
    (a default that cannot be cast to a new enum, a changed index that already exists)."""
    cases = diff_convergence.find_cases(corpora / "migrations" / "diff" / "fresh")
    assert len(cases) >= 13
    rep = _run(pg_cluster, cases)
    assert rep["skipped"] == [], rep["skipped"]
    assert rep["converged"] == rep["ran"], rep["diverged"]


def test_partitioned_index_plan_is_online(pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    from dbwright.migration.diff import diff_sql
    from dbwright.migration.plan import plan_from_diff

    case = corpora / "migrations" / "diff" / "fresh" / "online_index" / "partitioned_new_index"
    old, new = (case / "old.sql").read_text(), (case / "new.sql").read_text()
    plan = plan_from_diff(diff_sql(pg_cluster, old, new, prefix="dbw_partidx"), context_sql=old)
    sql = [st for s in plan.steps for st in s.sql]
    assert not any("CONCURRENTLY" in st and "ON ONLY" in st for st in sql), sql
    assert sum("ATTACH PARTITION" in st for st in sql) == 4, sql
    assert sum(st.startswith("CREATE INDEX CONCURRENTLY") or st.startswith("CREATE UNIQUE INDEX CONCURRENTLY")
               for st in sql) == 4, sql
    assert plan.blocking_steps() == [], [s.title for s in plan.blocking_steps()]
