"""Open what the user points at — a DSN or a DDL file — read-only, and read it into a Database.

- PostgreSQL DSN: the session is made read-only twice over (``default_transaction_read_only`` and
  a ``READ ONLY`` transaction), with a statement timeout; every schema but the system ones, or
  those ``--schema`` selects (globs; ``--exclude-schema`` removes).
- MySQL/MariaDB DSN: ``SET SESSION TRANSACTION READ ONLY`` then a ``READ ONLY`` transaction; the
  DSN's database, or every non-system database when it names none.
- SQLite: the file is opened with ``mode=ro`` (a URI), so not even a journal is written.
- A DDL file is applied to a throwaway engine of its dialect (see :mod:`.ddl_file`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from dbwright.inspect import ddl_file
from dbwright.model import DbwrightError
from dbwright.model.database import Database

STATEMENT_TIMEOUT_MS = 60_000


def kind_of(source: str) -> str:
    """postgresql | mysql | sqlite (a DSN or database file) | file (a DDL file)."""
    from dbwright.engines.connect import is_pg_dsn

    s = source.strip()
    low = s.lower()
    if is_pg_dsn(s):
        return "postgresql"
    if re.match(r"^(mysql|mariadb)(\+\w+)?://", low):
        return "mysql"
    if low.startswith("sqlite:"):
        return "sqlite"
    p = Path(s)
    if p.is_file():
        with p.open("rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                return "sqlite"
        return "file"
    raise DbwrightError(f"{source}: no such file, and not a DSN (postgresql://…, mysql://…, sqlite:///…)")


def redact(dsn: str) -> str:
    """The DSN without its password (never printed nor written); registers it for redaction."""
    from dbwright.engines.connect import describe

    return describe(dsn)


def select_schemas(available: list[str], include: list[str] | None, exclude: list[str] | None) -> list[str]:
    inc = include or ["*"]
    chosen = [s for s in available if any(fnmatch.fnmatchcase(s, p) for p in inc)]
    chosen = [s for s in chosen if not any(fnmatch.fnmatchcase(s, p) for p in exclude or [])]
    if not chosen:
        raise DbwrightError(f"--schema {', '.join(inc)} matches none of the schemas: {', '.join(available) or '(none)'}")
    return chosen


def read_database(source: str, schemas: list[str] | None = None, exclude: list[str] | None = None,
                  engine: str | None = None, cluster: Any = None, maria: Any = None,
                  sample_rows: int = 0, scratch_database: str | None = None) -> Database:
    """Read ``source`` (DSN or DDL file) without writing to it. ``sample_rows`` > 0 also reads up to
    that many rows per table (read-only) for data-driven checks and inclusion dependencies."""
    kind = kind_of(source)
    if kind == "postgresql":
        return read_postgres_dsn(source, schemas, exclude, sample_rows)
    if kind == "mysql":
        return read_mysql_dsn(source, schemas, exclude, sample_rows)
    if kind == "sqlite":
        return read_sqlite_path(source, sample_rows)
    return read_ddl_file(Path(source), schemas, exclude, engine, cluster, maria, sample_rows, scratch_database)


# -- live sources --------------------------------------------------------------------------------

@contextlib.contextmanager
def pg_read_only(dsn: str) -> Iterator[Any]:
    """A session that cannot write: default_transaction_read_only plus a READ ONLY transaction."""
    from dbwright.engines.connect import pg_connect

    conn = pg_connect(dsn, autocommit=True,
                      options=f"-c default_transaction_read_only=on -c statement_timeout={STATEMENT_TIMEOUT_MS}")
    try:
        conn.execute("BEGIN READ ONLY")
        yield conn
    finally:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        conn.close()


def read_postgres_dsn(dsn: str, schemas: list[str] | None = None, exclude: list[str] | None = None,
                      sample_rows: int = 0) -> Database:
    from dbwright.inspect import read_pg, sample

    db = Database("postgresql", source=redact(dsn))
    with pg_read_only(dsn) as conn:
        chosen = select_schemas(read_pg.list_schemas(conn), schemas, exclude)
        read_pg.read_postgres(conn, chosen, db)
        if sample_rows:
            sample.sample_postgres(conn, db, sample_rows)
    return db


def _mysql_connect(url: str) -> tuple[Any, str | None]:
    import pymysql

    from dbwright.engines.connect import APP_NAME, CONNECT_TIMEOUT_S, connection_error, sa_url

    sa_url(url)  # registers the password and rejects what is not a URL
    parts = urlsplit(re.sub(r"^(mysql|mariadb)(\+\w+)?://", "mysql://", url.strip()))
    query = dict(q.split("=", 1) for q in parts.query.split("&") if "=" in q)
    database = unquote(parts.path.lstrip("/")) or None
    kw: dict[str, Any] = {"user": unquote(parts.username or "root"), "password": unquote(parts.password or ""),
                          "database": database, "connect_timeout": CONNECT_TIMEOUT_S, "autocommit": True, "charset": "utf8mb4",
                          "program_name": APP_NAME}
    if "unix_socket" in query:
        kw["unix_socket"] = unquote(query["unix_socket"])
    else:
        kw["host"], kw["port"] = parts.hostname or "localhost", parts.port or 3306
    try:
        return pymysql.connect(**kw), database
    except (pymysql.Error, OSError) as exc:
        raise connection_error(exc, url) from None


def read_mysql_dsn(url: str, schemas: list[str] | None = None, exclude: list[str] | None = None,
                   sample_rows: int = 0, db: Database | None = None) -> Database:
    from dbwright.inspect import read_mysql, sample

    conn, database = _mysql_connect(url)
    db = db or Database("mysql", source=redact(url))
    try:
        with conn.cursor() as cur:
            with contextlib.suppress(Exception):  # MariaDB: seconds; MySQL: max_execution_time in ms
                cur.execute(f"SET SESSION max_statement_time = {STATEMENT_TIMEOUT_MS // 1000}")
            with contextlib.suppress(Exception):
                cur.execute(f"SET SESSION max_execution_time = {STATEMENT_TIMEOUT_MS}")
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            cur.execute("START TRANSACTION READ ONLY")
        available = read_mysql.list_schemas(conn)
        default = [database] if database and not schemas else None
        chosen = select_schemas(available, schemas or default, exclude)
        read_mysql.read_mysql(conn, chosen, db)
        if sample_rows:
            sample.sample_mysql(conn, db, sample_rows)
        db.name = database or ",".join(chosen)
    finally:
        with contextlib.suppress(Exception):
            conn.rollback()
        conn.close()
    return db


def read_sqlite_path(source: str, sample_rows: int = 0, db: Database | None = None) -> Database:
    import sqlite3

    from dbwright.inspect import read_sqlite, sample

    path = source[len("sqlite:///"):] if source.startswith("sqlite:///") else source
    path = path.split("?", 1)[0]
    if not Path(path).is_file():
        raise DbwrightError(f"{source}: no such SQLite database file")
    conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)
    db = db or Database("sqlite", source=source, name=Path(path).stem)
    try:
        read_sqlite.read_sqlite(conn, db)
        if sample_rows:
            sample.sample_sqlite(conn, db, sample_rows)
    finally:
        conn.close()
    return db


# -- DDL files -----------------------------------------------------------------------------------

def read_ddl_file(path: Path, schemas: list[str] | None = None, exclude: list[str] | None = None,
                  engine: str | None = None, cluster: Any = None, maria: Any = None,
                  sample_rows: int = 0, scratch_database: str | None = None) -> Database:
    """``scratch_database``: an existing database of ``cluster`` to empty and load into (many small
    files in a row: CREATE DATABASE costs ~0.5 s, emptying a database a few ms)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    dialect = (engine or ddl_file.detect_dialect(text)).lower()
    dialect = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql"}.get(dialect, dialect)
    if dialect not in ("postgresql", "mysql", "sqlite"):
        raise DbwrightError(f"--engine {engine}: choose postgresql, mysql/mariadb or sqlite")
    if dialect == "postgresql":
        db = _pg_file(path, text, schemas, exclude, cluster, sample_rows, scratch_database)
    elif dialect == "mysql":
        db = _mysql_file(path, schemas, exclude, maria, sample_rows)
        ddl_file.text_locations(text, db)
    else:
        db = Database("sqlite", name=path.stem)
        dbpath, tmp = ddl_file.load_sqlite_file(text, db)
        try:
            read_sqlite_path(dbpath, sample_rows, db)
        finally:
            ddl_file.cleanup(tmp)
        ddl_file.text_locations(text, db)
    db.source = str(path)
    db.file = str(path)
    db.extra["dialect"] = dialect
    _forget_sandbox_statistics(db)
    return db


def _forget_sandbox_statistics(db: Database) -> None:
    """Usage counters of a throwaway engine describe the load, not the user's workload."""
    db.statistics = False
    db.stats_reset = db.stats_age_s = None
    db.queries, db.replication_slots = [], []
    for t in db.tables.values():
        t.seq_scan = t.idx_scan = t.n_tup_ins = t.n_tup_upd = t.n_tup_del = t.n_dead_tup = None
        for ix in t.indexes:
            ix.scans = None
    db.notes.append("read from a DDL file: row counts and sizes are those of the rows the file loads; "
                    "no usage statistics (unused-index, bloat and query checks need a DSN)")


def _pg_file(path: Path, text: str, schemas: list[str] | None, exclude: list[str] | None, cluster: Any,
             sample_rows: int, scratch: str | None = None) -> Database:
    from dbwright.inspect import read_pg, sample

    db = Database("postgresql")
    with contextlib.ExitStack() as stack:
        if cluster is None:
            from dbwright.engines.postgresql import PostgresCluster, available

            if not available():
                raise DbwrightError(f"{path}: reading a PostgreSQL DDL file applies it to a throwaway PostgreSQL, "
                                    "whose binaries are not installed. Options: install postgresql-15 (Debian), or "
                                    "point inspect at the live database with a DSN")
            cluster = stack.enter_context(PostgresCluster())
        base = scratch or f"dbw_inspect_{os.getpid()}"
        if scratch:
            _empty(cluster, scratch)
        else:
            cluster.create_database(base)
        before = {r for (r,) in cluster.connect().execute("select datname from pg_database").fetchall()}
        try:
            final = ddl_file.load_postgres_file(path, text, cluster, base, db)
            with cluster.connect(final) as conn:
                conn.execute("BEGIN READ ONLY")
                chosen = select_schemas(read_pg.list_schemas(conn), schemas, exclude)
                read_pg.read_postgres(conn, chosen, db)
                if sample_rows:
                    sample.sample_postgres(conn, db, sample_rows)
                conn.execute("ROLLBACK")
        finally:
            after = {r for (r,) in cluster.connect().execute("select datname from pg_database").fetchall()}
            for name in sorted((after - before) | ({base} - {scratch})):
                with contextlib.suppress(Exception):
                    cluster.drop_database(name) if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else cluster.execute(
                        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ddl_file.pg_locations(text, db)
    db.name = path.stem
    return db


def _empty(cluster: Any, database: str) -> None:
    """Drop every user schema (and what is in it) of a scratch database; recreate public."""
    with cluster.connect(database) as conn:
        from dbwright.inspect.read_pg import list_schemas

        for (ext,) in conn.execute("select extname from pg_extension where extname <> 'plpgsql'").fetchall():
            conn.execute(f'DROP EXTENSION IF EXISTS "{ext}" CASCADE')
        for s in list_schemas(conn):
            conn.execute(f'DROP SCHEMA "{s}" CASCADE')
        conn.execute("CREATE SCHEMA public")


def _mysql_file(path: Path, schemas: list[str] | None, exclude: list[str] | None, maria: Any,
                sample_rows: int) -> Database:
    db = Database("mysql")
    with contextlib.ExitStack() as stack:
        if maria is None:
            from dbwright.engines.mariadb import MariaDBInstance, available

            if not available():
                raise DbwrightError(f"{path}: reading a MySQL/MariaDB DDL file applies it to a throwaway MariaDB, "
                                    "whose binaries are not installed. Options: install mariadb-server, or give a DSN")
            maria = stack.enter_context(MariaDBInstance())
        base = f"dbw_inspect_{os.getpid()}"
        loaded = ddl_file.load_mysql_file(path, maria, base, db)
        try:
            with_tables = {r[0] for r in ddl_file.maria_rows(
                maria, "select distinct table_schema from information_schema.tables")}
            candidates = [s for s in loaded if s in with_tables] or [base]
            read_mysql_dsn(maria.url(), schemas or candidates, exclude, sample_rows, db)
        finally:
            for s in loaded:
                with contextlib.suppress(Exception):
                    maria.execute(f"DROP DATABASE IF EXISTS `{s}`")
    db.name = path.stem
    return db
