"""Connections to a user's database: named, bounded, and failing as user errors.

Every DSN dbwright is given goes through here, so that:

- its password is registered with :mod:`dbwright.model.secrets` before anything can print it;
- the session says who it is — ``application_name=dbwright`` (PostgreSQL, visible in
  ``pg_stat_activity``) or the ``program_name`` connect attribute (MariaDB/MySQL, visible in
  ``performance_schema.session_connect_attrs``) — so a DBA sees who is connected;
- ``mysql://`` and ``mariadb://`` use PyMySQL (SQLAlchemy's default for them is MySQLdb, which
  dbwright does not install), ``postgres[ql]://`` uses psycopg 3;
- a failure to connect (wrong password, refused port, unknown host, missing database, missing
  driver, timeout) is :class:`ConnectionFailed`, a ``DbwrightError`` (exit 2) whose message says
  which it is and what to check, with the password redacted — never a driver traceback.
"""

from __future__ import annotations

import re
from typing import Any

from dbwright.model import DbwrightError
from dbwright.model.secrets import redact, register_dsn

APP_NAME = "dbwright"
CONNECT_TIMEOUT_S = 10

_PG_SCHEMES = ("postgresql", "postgres")
_PG_KEYWORDS = {"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode",
                "application_name", "connect_timeout", "options", "target_session_attrs"}
# SQLAlchemy URL scheme (no driver) -> the driver dbwright installs
_DEFAULT_DRIVER = {"postgresql": "psycopg", "postgres": "psycopg", "mysql": "pymysql", "mariadb": "pymysql"}


class ConnectionFailed(DbwrightError):
    """A user's database could not be reached; the message says why and what to check."""

    def __init__(self, message: str, fix: str = "", kind: str = "other"):
        self.kind = kind
        self.fix = fix
        super().__init__(message + (f" (fix: {fix})" if fix else ""))


def is_url(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", text.strip()))


def is_pg_dsn(text: str) -> bool:
    """A PostgreSQL URL or libpq keyword/value connection string (``host=… dbname=…``)."""
    t = text.strip()
    if is_url(t):
        return t.split(":", 1)[0].split("+", 1)[0].lower() in _PG_SCHEMES
    pairs = re.findall(r"(?:^|\s)(\w+)\s*=", t)
    return bool(pairs) and pairs[0] in _PG_KEYWORDS and all(p in _PG_KEYWORDS for p in pairs)


def describe(dsn: str) -> str:
    """The DSN as it may be shown: password replaced by ``***``."""
    register_dsn(dsn)
    return redact(dsn.strip())


def _libpq(dsn: str) -> str:
    """libpq accepts postgresql:// and keyword form; a SQLAlchemy ``postgresql+psycopg://`` too, minus the driver."""
    return re.sub(r"^(postgres(?:ql)?)\+\w+://", r"\1://", dsn.strip(), flags=re.IGNORECASE)


def pg_connect(dsn: str, *, autocommit: bool = True, connect_timeout: int = CONNECT_TIMEOUT_S,
               **kw: Any) -> Any:
    """A psycopg 3 connection to a user's PostgreSQL, named ``dbwright``; ConnectionFailed on failure."""
    register_dsn(dsn)
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - a dependency of dbwright
        raise ConnectionFailed("the PostgreSQL driver psycopg is not installed", "pip install 'psycopg[binary]'",
                               "driver") from exc
    params: dict[str, Any] = {"autocommit": autocommit, **kw}
    if "application_name" not in dsn:
        params["application_name"] = APP_NAME
    if "connect_timeout" not in dsn:
        params["connect_timeout"] = connect_timeout
    try:
        return psycopg.connect(_libpq(dsn), **params)
    except (psycopg.Error, OSError, UnicodeError) as exc:  # UnicodeError: a host name IDNA cannot encode
        raise connection_error(exc, dsn) from None


def sa_url(url: str) -> Any:
    """The SQLAlchemy URL with dbwright's drivers for schemes that name none."""
    import sqlalchemy as sa

    register_dsn(url)
    try:
        u = sa.engine.make_url(url.strip())
    except Exception as exc:
        raise ConnectionFailed(f"not a database URL: {redact(url)} ({redact(str(exc))})",
                               "write it as postgresql://user@host/db, mysql://user@host/db or "
                               "sqlite:///path.db", "url") from None
    name = u.drivername
    if "+" not in name and name in _DEFAULT_DRIVER:
        u = u.set(drivername=f"{'postgresql' if name == 'postgres' else name}+{_DEFAULT_DRIVER[name]}")
    return u


def sa_engine(url: str) -> Any:
    """A SQLAlchemy engine for a user's database (named, with a connect timeout), checked by one
    connection; ConnectionFailed when it cannot connect or its driver is missing."""
    import sqlalchemy as sa

    u = sa_url(url)
    backend, _, driver = u.drivername.partition("+")
    args: dict[str, Any] = {}
    if backend == "postgresql":
        args = {"application_name": APP_NAME, "connect_timeout": CONNECT_TIMEOUT_S}
    elif backend in ("mysql", "mariadb") and driver == "pymysql":
        args = {"program_name": APP_NAME, "connect_timeout": CONNECT_TIMEOUT_S}
    args = {k: v for k, v in args.items() if k not in u.query}
    try:
        engine = sa.create_engine(u, connect_args=args)
    except Exception as exc:
        raise connection_error(exc, url) from None
    try:
        with engine.connect():
            pass
    except Exception as exc:
        engine.dispose()
        raise connection_error(exc, url) from None
    return engine


_KINDS: tuple[tuple[str, str, str, str], ...] = (
    # (kind, pattern in the driver message, message, fix)
    # MariaDB answers 1044 both for a missing database and for one the user may not use (it does
    # not tell users without privileges which databases exist).
    ("database", r"access denied for user \S+ to database|\(1044\b|\b1044,",
     "the database does not exist, or this user has no privileges on it",
     "check the database name in the DSN and the user's grants"),
    ("auth", r"password authentication failed|access denied for user|authentication failed|"
             r"no password supplied|\(1045\b|\b1045,",
     "wrong user name or password", "check the user and password in the DSN (or PGPASSWORD, ~/.pgpass)"),
    ("database", r"database \S+ does not exist|unknown database|\(1049\b|\b1049,",
     "the database does not exist", "check the database name in the DSN"),
    ("host", r"could not translate host name|name or service not known|nodename nor servname|"
             r"temporary failure in name resolution|getaddrinfo|unknown (mysql server )?host|\(2005\b|\b2005,|"
             r"label too long|label empty|idna",
     "unknown host", "check the host name in the DSN"),
    ("refused", r"connection refused|can't connect to|could not connect|\(2003\b|\b2003,|no such file or directory",
     "nothing accepts connections there (connection refused)",
     "check host and port, and that the server is running"),
    ("timeout", r"timeout expired|timed out", "the connection timed out",
     "check that the host is reachable and the port open"),
)


def connection_error(exc: BaseException, dsn: str | None) -> ConnectionFailed:
    """A ConnectionFailed for ``exc``, raised while connecting to ``dsn``."""
    target = describe(dsn) if dsn else "the database"
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        text += f" {type(cause).__name__}: {cause}"
    if isinstance(exc, ModuleNotFoundError | ImportError) or re.search(
            r"can't load plugin|no module named|nosuchmoduleerror", text, re.IGNORECASE):
        return ConnectionFailed(
            f"cannot connect to {target}: its database driver is not installed ({redact(_first_line(str(exc)))})",
            "use postgresql:// (psycopg), mysql:// or mariadb:// (PyMySQL) or sqlite:///, which dbwright installs; "
            "or install the driver the URL names", "driver")
    for kind, pattern, message, fix in _KINDS:
        if re.search(pattern, text, re.IGNORECASE):
            return ConnectionFailed(f"cannot connect to {target}: {message}", fix, kind)
    return ConnectionFailed(f"cannot connect to {target}: {redact(_first_line(str(exc)) or type(exc).__name__)}",
                            "check the DSN", "other")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def as_connection_failure(exc: BaseException) -> ConnectionFailed | None:
    """``exc`` as a ConnectionFailed when it is a driver's failure to connect (one that escaped
    :func:`pg_connect` / :func:`sa_engine`), else None."""
    if isinstance(exc, ConnectionFailed):
        return exc
    module = type(exc).__module__.split(".")[0]
    if module not in ("psycopg", "psycopg2", "pymysql", "MySQLdb", "sqlalchemy") or not re.search(
            r"operational|interface|connect", type(exc).__name__, re.IGNORECASE):
        return None
    failed = connection_error(exc, None)
    return failed if failed.kind != "other" else None
