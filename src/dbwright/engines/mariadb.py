"""MariaDB (MySQL family): capability flags and throwaway instances (own datadir, socket, port).

Declared differences: DDL is not transactional (each statement commits), no partial or INCLUDE
indexes, no row-level security, CHECK constraints enforced since 10.2, JSON is an alias of
LONGTEXT with a JSON_VALID check, no timestamptz (store UTC in DATETIME(6)).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dbwright.engines import process
from dbwright.engines.base import Capabilities, EngineUnavailable

CAPS = Capabilities(
    name="mariadb", dialect="mysql", transactional_ddl=False, partial_indexes=False,
    include_columns=False, expression_indexes=False, check_constraints=True, row_level_security=False,
    schemas=False, native_uuid=False, native_json=False, timestamptz=False, concurrent_index=False,
    descending_indexes=True,
)


def _bin(name: str) -> str | None:
    return process.which(name, ("/usr/sbin", "/usr/bin"))


def available() -> bool:
    return _bin("mariadbd") is not None and _bin("mariadb-install-db") is not None


def connect_socket(sock: str | Path, database: str | None = None) -> Any:
    """An autocommit root connection over a server's unix socket."""
    import pymysql

    return pymysql.connect(unix_socket=str(sock), user="root", database=database, autocommit=True,
                           program_name="dbwright")


def scalar_socket(sock: str | Path, sql: str, database: str | None = None) -> Any:
    conn = connect_socket(sock, database)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


class MariaDBInstance:
    """A throwaway MariaDB server. ``extra`` lines go into the [mysqld] section."""

    name = "mariadb"
    caps = CAPS

    def __init__(self, extra: dict[str, Any] | None = None, base_dir: str | Path | None = None):
        if not available():
            raise EngineUnavailable("MariaDB server binaries not found: install 'mariadb-server'")
        self.ids = process.service_user("mysql")
        self.own_dir = base_dir is None
        self.dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="dbwright-maria-"))
        self.port = process.free_port()
        self.sock = self.dir / "mysqld.sock"
        self.cnf = self.dir / "my.cnf"
        self.extra = extra or {}
        self.version = ""
        self.proc: Any = None
        self._token: int | None = None

    def _write_cnf(self) -> None:
        lines = ["[mysqld]", f"datadir={self.dir / 'data'}", f"socket={self.sock}", f"port={self.port}",
                 "bind-address=127.0.0.1", f"pid-file={self.dir / 'mysqld.pid'}",
                 f"log-error={self.dir / 'error.log'}", "innodb_buffer_pool_size=128M",
                 "innodb_log_file_size=48M", "skip-name-resolve", "character-set-server=utf8mb4",
                 "collation-server=utf8mb4_unicode_ci", "innodb_flush_log_at_trx_commit=2",
                 "sql_mode=STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"]
        lines += [f"{k}={v}" if v is not None else k for k, v in self.extra.items()]
        lines += ["[client]", f"socket={self.sock}", "user=root"]
        self.cnf.write_text("\n".join(lines) + "\n")

    def start(self) -> MariaDBInstance:
        self._token = process.register_cleanup(self.stop)
        self._write_cnf()
        process.chown_tree(self.dir, self.ids)
        self.dir.chmod(0o755)
        user = ["--user=mysql"] if self.ids else []
        process.run([str(_bin("mariadb-install-db")), f"--defaults-file={self.cnf}", *user,
                     "--auth-root-authentication-method=normal", "--skip-test-db"], timeout=180)
        self.proc = process.popen([str(_bin("mariadbd")), f"--defaults-file={self.cnf}", *user],
                                  stdout=open(self.dir / "mysqld.out", "wb"),  # noqa: SIM115 - owned by the child
                                  stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                self.version = str(self.scalar("select version()"))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        log = (self.dir / "error.log").read_text(errors="replace")[-1500:] if (self.dir / "error.log").exists() else ""
        self.stop()
        raise RuntimeError(f"MariaDB did not start: {log}")

    def connect(self, database: str | None = None) -> Any:
        return connect_socket(self.sock, database)

    def scalar(self, sql: str, database: str | None = None) -> Any:
        return scalar_socket(self.sock, sql, database)

    def execute(self, sql: str, database: str | None = None) -> None:
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def url(self, database: str | None = None) -> str:
        return (f"mysql+pymysql://root@localhost/{database or ''}?unix_socket={self.sock}&charset=utf8mb4"
                "&program_name=dbwright")

    def create_database(self, name: str) -> str:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"bad database name {name!r}")
        self.execute(f"DROP DATABASE IF EXISTS `{name}`")
        self.execute(f"CREATE DATABASE `{name}`")
        return self.url(name)

    def stop(self) -> None:
        if self.proc is not None:
            process.kill_pid(self.proc.pid)
            try:
                self.proc.wait(timeout=30)
            except Exception:
                process.kill_pid(self.proc.pid, 9)
                with contextlib.suppress(Exception):
                    self.proc.wait(timeout=10)
            self.proc = None
        if self._token is not None:
            process.unregister_cleanup(self._token)
            self._token = None
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    close = stop

    def __enter__(self) -> MariaDBInstance:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def sandbox(**kw: Any) -> Iterator[MariaDBInstance]:
    with MariaDBInstance(**kw) as inst:
        yield inst
