"""PostgreSQL: capability flags and throwaway clusters (initdb in a temp dir, own socket, free port).

Declared differences (why they matter to a design):
- transactional DDL: a failed migration rolls back whole, so steps may share a transaction;
- partial and INCLUDE indexes: the index advisor may propose them;
- row-level security: shared-schema tenancy can be enforced by the database;
- ``CREATE INDEX CONCURRENTLY``: online index builds, but not inside a transaction.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dbwright.engines import process
from dbwright.engines.base import Capabilities, EngineUnavailable

CAPS = Capabilities(
    name="postgresql", dialect="postgresql", transactional_ddl=True, partial_indexes=True,
    include_columns=True, expression_indexes=True, check_constraints=True, row_level_security=True,
    schemas=True, native_uuid=True, native_json=True, timestamptz=True, concurrent_index=True,
    descending_indexes=True,
)

# Settings that make a throwaway cluster fast; never used where durability is measured (drills).
FAST_SETTINGS = {"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off"}


def find_bindir() -> Path | None:
    """The newest PostgreSQL server bindir: PATH, pg_config, or /usr/lib/postgresql/<major>/bin."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return candidates[-1].parent if candidates else None


def available() -> bool:
    return find_bindir() is not None


def require_bindir() -> Path:
    bindir = find_bindir()
    if bindir is None:
        raise EngineUnavailable("PostgreSQL server binaries not found: install 'postgresql-15' "
                                "(Debian) or put initdb on PATH")
    return bindir


class PostgresCluster:
    """A throwaway PostgreSQL cluster. Use as a context manager; stop() is idempotent.

    ``settings`` go into postgresql.conf. ``fast`` adds FAST_SETTINGS (tests, index what-if);
    drills pass ``fast=False``.
    """

    name = "postgresql"
    caps = CAPS

    def __init__(self, settings: Mapping[str, Any] | None = None, fast: bool = True,
                 base_dir: str | Path | None = None, port: int | None = None,
                 initdb_args: tuple[str, ...] = ("--data-checksums",)):
        self.bindir = require_bindir()
        self.ids = process.service_user("postgres")
        self.own_dir = base_dir is None
        self.dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="dbwright-pg-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.data = self.dir / "data"
        self.sock = self.dir
        self.port = port or process.free_port()
        self.settings = dict(FAST_SETTINGS if fast else {})
        self.settings.update(settings or {})
        self.initdb_args = initdb_args
        self.version = ""
        self._token: int | None = None
        self._started = False

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> PostgresCluster:
        self._token = process.register_cleanup(self.stop)
        os.chmod(self.dir, 0o755)
        process.chown_tree(self.dir, self.ids)
        if not (self.data / "PG_VERSION").exists():
            process.run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C.UTF-8", *self.initdb_args], self.ids, timeout=120)
        conf = {"listen_addresses": "'127.0.0.1'", "port": str(self.port),
                "unix_socket_directories": f"'{self.sock}'", "max_connections": "100",
                "shared_buffers": "128MB", "logging_collector": "off"}
        conf.update({k: _conf_value(v) for k, v in self.settings.items()})
        with open(self.data / "postgresql.auto.conf", "a") as fh:
            fh.write("".join(f"{k} = {v}\n" for k, v in conf.items()))
        self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.dir / "server.log"))
        self._started = True
        self.version = self.scalar("show server_version") or ""
        return self

    def pg_ctl(self, *args: str, timeout: float = 90) -> None:
        process.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args], self.ids, timeout=timeout)

    def stop(self, mode: str = "fast") -> None:
        if self._started:
            with contextlib.suppress(Exception):
                self.pg_ctl("stop", "-m", mode, "-w", "-t", "30")
            if (self.data / "postmaster.pid").exists():
                with contextlib.suppress(Exception):
                    self.pg_ctl("stop", "-m", "immediate", "-w", "-t", "10")
            self._started = False
        if self._token is not None:
            process.unregister_cleanup(self._token)
            self._token = None
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    close = stop

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- access --------------------------------------------------------------------------------
    def dsn(self, database: str = "postgres") -> str:
        return f"host={self.sock} port={self.port} user=postgres dbname={database}"

    def url(self, database: str | None = None) -> str:
        return (f"postgresql+psycopg://postgres@/{database or 'postgres'}?host={self.sock}&port={self.port}"
                "&application_name=dbwright")

    def connect(self, database: str = "postgres", autocommit: bool = True) -> Any:
        import psycopg

        return psycopg.connect(self.dsn(database), autocommit=autocommit, application_name="dbwright")

    def execute(self, sql: str, database: str = "postgres") -> None:
        with self.connect(database) as conn:
            conn.execute(sql)

    def scalar(self, sql: str, database: str = "postgres") -> Any:
        with self.connect(database) as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None

    def create_database(self, name: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"bad database name {name!r}")
        self.execute(f"DROP DATABASE IF EXISTS {name}")
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def has_extension(self, name: str) -> bool:
        return bool(self.scalar(f"select count(*) from pg_available_extensions where name = '{name}'"))

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                self.scalar("select 1")
                return
            time.sleep(0.1)
        raise TimeoutError("PostgreSQL did not accept connections in time")


def _conf_value(v: Any) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, int | float):
        return str(v)
    s = str(v)
    return s if s.startswith("'") else "'" + s.replace("'", "''") + "'"


@contextlib.contextmanager
def sandbox(**kw: Any) -> Iterator[PostgresCluster]:
    with PostgresCluster(**kw) as cluster:
        yield cluster
