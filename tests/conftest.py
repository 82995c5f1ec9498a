"""Shared fixtures: one engine per test session, a fresh database per test.

PostgreSQL and MariaDB tests skip with a reason when the server binaries are missing, except
under CI (CI=true) where `make test` installed them and a missing engine is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbwright.engines import mariadb, postgresql

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "tests" / "corpora"  # data copied from ../shared/corpora (see its README)
EXAMPLES = ROOT / "examples"
_counter = itertools.count()


def _need(engine_available: bool, what: str) -> None:
    if not engine_available:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is not installed but CI must run it (make test installs it)")
        pytest.skip(f"{what} server binaries not installed")


@pytest.fixture(scope="session", autouse=True)
def _calibration(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Per-node throughput is a calibration reused per engine version (verify.throughput): keep the
    session's own, out of the user's ~/.cache, measured once for the whole session."""
    old = os.environ.get("DBWRIGHT_CALIBRATION")
    os.environ["DBWRIGHT_CALIBRATION"] = str(tmp_path_factory.mktemp("calibration") / "throughput.json")
    yield
    if old is None:
        os.environ.pop("DBWRIGHT_CALIBRATION", None)
    else:
        os.environ["DBWRIGHT_CALIBRATION"] = old


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgresql.PostgresCluster]:
    _need(postgresql.available(), "PostgreSQL")
    with postgresql.PostgresCluster() as cluster:
        yield cluster


@pytest.fixture
def pg_db(pg_cluster: postgresql.PostgresCluster) -> Iterator[str]:
    """Name of a fresh database in the session cluster (dropped afterwards)."""
    name = f"t{next(_counter)}_{os.getpid()}"
    pg_cluster.create_database(name)
    yield name
    pg_cluster.drop_database(name)


@pytest.fixture(scope="session")
def maria() -> Iterator[mariadb.MariaDBInstance]:
    _need(mariadb.available(), "MariaDB")
    with mariadb.MariaDBInstance() as inst:
        yield inst


@pytest.fixture
def maria_db(maria: mariadb.MariaDBInstance) -> Iterator[str]:
    name = f"t{next(_counter)}_{os.getpid()}"
    maria.create_database(name)
    yield name
    maria.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture
def corpora() -> Path:
    assert CORPORA.is_dir(), f"{CORPORA} is part of the repository"
    return CORPORA
