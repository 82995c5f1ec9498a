"""Sandboxes start, answer, and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

from dbwright.engines import postgresql


def test_pg_database_per_test(pg_cluster: postgresql.PostgresCluster, pg_db: str) -> None:
    assert pg_cluster.scalar("select current_database()", pg_db) == pg_db
    assert pg_cluster.version.startswith("15")


def test_pg_cluster_removes_its_files() -> None:
    if not postgresql.available():
        import pytest

        pytest.skip("PostgreSQL not installed")
    with postgresql.PostgresCluster() as c:
        d = Path(c.dir)
        assert (d / "data" / "PG_VERSION").exists()
    assert not d.exists()


def test_maria_database(maria, maria_db: str) -> None:  # type: ignore[no-untyped-def]
    assert maria.scalar("select database()", maria_db) == maria_db
