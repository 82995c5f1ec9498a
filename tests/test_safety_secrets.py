"""A known password never appears in any output or file of any DSN-taking command.

A real PostgreSQL role and MariaDB user get a random, distinctive password; every command that
takes a DSN (``indexes --dsn``, ``migrate plan --from/--to``, ``migrate rehearse --execute --dsn``,
``migrate switch --source``, ``profile``, ``normalize``) runs as a subprocess through the CLI, on
success and on each kind of connection failure, in every DSN form (URL, keyword, ``?password=``,
``PGPASSWORD``), with ``-o`` and ``--json`` where the command has them. Then: the password occurs 0
times in stdout, stderr and every file written; success exits 0/1, a connection failure exits 2
with a message naming the failure, never 3. ``pg_stat_activity`` shows ``application_name=dbwright``.

Run with ``-s`` to see the per-command table (password occurrences, exit codes, seconds).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dbwright.engines import process
from dbwright.model.secrets import redact

pytestmark = [pytest.mark.postgresql, pytest.mark.mariadb]

CLI = [sys.executable, "-m", "dbwright.cli"]
# A 64-character label cannot be encoded in a DNS query (RFC 1035: 63 at most): the resolver fails
# locally, so the "unknown host" case sends nothing to any name server.
UNKNOWN_HOST = "h" * 64 + ".invalid"

CITY = ("create table city(id int primary key, name varchar(40) not null, zip varchar(10) not null, "
        "country varchar(20) not null)")
ROWS = [(i, f"City{i % 12}", f"Z{i % 12}", f"C{i % 3}") for i in range(1, 121)]
FROM_SQL = "create table ticket (id bigint primary key, title text not null);\n"
TO_SQL = "create table ticket (id bigint primary key, title text not null, status text);\n"
WORKLOAD = "-- weight: 100\nselect id, name from city where zip = 'Z3';\n"


@dataclass
class Secrets:
    password: str
    pg_port: int
    pg_user: str
    pg_db: str
    exec_dbs: list[str]
    maria_port: int
    maria_user: str
    maria_db: str
    files: Path
    results: list[Run] = field(default_factory=list)

    def pg(self, form: str, db: str | None = None, password: str | None = None, port: int | None = None,
           host: str = "127.0.0.1") -> tuple[str, dict[str, str]]:
        """A PostgreSQL DSN in ``form`` and the env it needs."""
        pw, port, db = password or self.password, port or self.pg_port, db or self.pg_db
        if form == "url":
            return f"postgresql://{self.pg_user}:{pw}@{host}:{port}/{db}", {}
        if form == "keyword":
            return f"host={host} port={port} user={self.pg_user} password={pw} dbname={db}", {}
        if form == "query":
            return f"postgresql://{self.pg_user}@{host}:{port}/{db}?password={pw}", {}
        if form == "env":
            return f"host={host} port={port} user={self.pg_user} dbname={db}", {"PGPASSWORD": pw}
        if form == "env-url":
            return f"postgresql://{self.pg_user}@{host}:{port}/{db}", {"PGPASSWORD": pw}
        raise AssertionError(form)

    def maria(self, scheme: str = "mysql+pymysql", db: str | None = None, password: str | None = None,
              port: int | None = None, host: str = "127.0.0.1") -> str:
        return (f"{scheme}://{self.maria_user}:{password or self.password}@{host}:{port or self.maria_port}/"
                f"{db or self.maria_db}")


@dataclass
class Run:
    command: str
    case: str
    argv: list[str]
    rc: int
    stdout: str
    stderr: str
    files: dict[str, bytes]
    seconds: float

    def leaks(self, password: str) -> int:
        n = self.stdout.count(password) + self.stderr.count(password)
        return n + sum(data.count(password.encode()) for data in self.files.values())


def _free_port() -> int:
    return process.free_port()


@pytest.fixture(scope="module")
def sec(pg_cluster, maria, tmp_path_factory) -> Iterator[Secrets]:  # type: ignore[no-untyped-def]
    password = "dbwPw" + secrets.token_hex(10) + "Qz"
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    pg_user, pg_db = f"dbw_sec_{tag}", f"dbw_sec_{tag}"
    exec_dbs = [f"dbw_sec_x{i}_{tag}" for i in range(5)]
    # Password auth for this one role over TCP only; every other role keeps the cluster's trust rule.
    hba = pg_cluster.data / "pg_hba.conf"
    hba.write_text(f"host all {pg_user} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    pg_cluster.execute(f"create role {pg_user} login password '{password}'")
    pg_cluster.execute("select pg_reload_conf()")
    for db in (pg_db, *exec_dbs):
        pg_cluster.execute(f"create database {db} owner {pg_user}")
    with pg_cluster.connect(pg_db) as conn:
        conn.execute(CITY)
        conn.execute(f"alter table city owner to {pg_user}")
        with conn.cursor() as cur:
            cur.executemany("insert into city values (%s, %s, %s, %s)", ROWS)
        conn.execute("analyze city")
    for db in exec_dbs:
        with pg_cluster.connect(db) as conn:
            conn.execute(FROM_SQL)
            conn.execute(f"alter table ticket owner to {pg_user}")
    m_user, m_db = f"dbw_sec_{tag}"[:32], f"dbw_sec_{tag}"
    maria.execute(f"create database `{m_db}`")
    maria.execute(f"create user '{m_user}'@'127.0.0.1' identified by '{password}'")
    maria.execute(f"grant all on `{m_db}`.* to '{m_user}'@'127.0.0.1'")
    maria.execute(CITY + " engine=InnoDB", m_db)
    conn = maria.connect(m_db)
    try:
        with conn.cursor() as cur:
            cur.executemany("insert into city values (%s, %s, %s, %s)", ROWS)
    finally:
        conn.close()
    files = tmp_path_factory.mktemp("secrets")
    (files / "from.sql").write_text(FROM_SQL)
    (files / "to.sql").write_text(TO_SQL)
    (files / "workload.sql").write_text(WORKLOAD)
    s = Secrets(password, pg_cluster.port, pg_user, pg_db, exec_dbs, maria.port, m_user, m_db, files)
    yield s
    _print_table(s)
    for db in (pg_db, *exec_dbs):
        pg_cluster.drop_database(db)
    pg_cluster.execute(f"drop role if exists {pg_user}")
    hba.write_text("".join(ln for ln in hba.read_text().splitlines(keepends=True) if pg_user not in ln))
    pg_cluster.execute("select pg_reload_conf()")
    maria.execute(f"drop user if exists '{m_user}'@'127.0.0.1'")
    maria.execute(f"drop database if exists `{m_db}`")


def _run(sec: Secrets, command: str, case: str, args: list[str], env: dict[str, str] | None = None,
         out: Path | None = None) -> Run:
    # HOME points into the test's own directory so nothing the child writes lands elsewhere
    full_env = {**os.environ, "HOME": str(sec.files), "COLUMNS": "200", **(env or {})}
    full_env.pop("DBWRIGHT_DEBUG", None)
    t0 = time.monotonic()
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env=full_env, timeout=300,
                          cwd=sec.files, stdin=subprocess.DEVNULL)
    files = {str(p): p.read_bytes() for p in (out.rglob("*") if out and out.exists() else []) if p.is_file()}
    r = Run(command, case, args, proc.returncode, proc.stdout, proc.stderr, files, time.monotonic() - t0)
    sec.results.append(r)
    return r


def _print_table(sec: Secrets) -> None:
    print("\n\npassword occurrences per DSN command (stdout + stderr + files written)")
    print(f"{'command':<34} {'case':<28} {'rc':>3} {'leaks':>5} {'files':>5} {'s':>6}")
    for r in sorted(sec.results, key=lambda r: (r.command, r.case)):
        print(f"{r.command:<34} {r.case:<28} {r.rc:>3} {r.leaks(sec.password):>5} {len(r.files):>5} "
              f"{r.seconds:6.2f}")
    print(f"runs {len(sec.results)}, total leaks {sum(r.leaks(sec.password) for r in sec.results)}, "
          f"exit 3: {sum(r.rc == 3 for r in sec.results)}")


# ---- the command matrix --------------------------------------------------------------------------

def _pg_commands(sec: Secrets, dsn: str, tag: str, exec_db_dsn: str | None = None) -> dict[str, list[str]]:
    """Every PostgreSQL DSN command with ``dsn`` (outputs named by ``tag``)."""
    f = sec.files
    cmds = {
        "indexes --dsn": ["indexes", "--dsn", dsn, "--workload", str(f / "workload.sql")],
        "indexes --dsn --json": ["indexes", "--dsn", dsn, "--workload", str(f / "workload.sql"), "--json"],
        "migrate plan --from DSN -o": ["migrate", "plan", "--from", dsn, "--to", str(f / "to.sql"),
                                       "-o", str(f / f"plan-{tag}")],
        "migrate plan --to DSN --json": ["migrate", "plan", "--from", str(f / "from.sql"), "--to", dsn, "--json"],
        "profile PG --json": ["profile", dsn, "--table", "city", "--max-lhs", "1", "--json"],
        "normalize PG -o": ["normalize", dsn, "--table", "city", "--engines", "sqlite", "-o",
                            str(f / f"norm-{tag}")],
        "normalize PG --json": ["normalize", dsn, "--table", "city", "--engines", "sqlite", "--json"],
    }
    cmds["migrate rehearse --execute --dsn"] = ["migrate", "rehearse", "--from", str(f / "from.sql"), "--to",
                                                str(f / "to.sql"), "--execute", "--dsn", exec_db_dsn or dsn,
                                                "--json"]
    return cmds


def _maria_commands(sec: Secrets, dsn: str, tag: str) -> dict[str, list[str]]:
    f = sec.files
    return {
        "migrate switch --source -o": ["migrate", "switch", "--source", dsn, "-o", str(f / f"switch-{tag}")],
        "migrate switch --source --json": ["migrate", "switch", "--source", dsn, "--json"],
        "profile MariaDB": ["profile", dsn, "--table", "city", "--max-lhs", "1"],
        "normalize MariaDB -o --json": ["normalize", dsn, "--table", "city", "--engines", "sqlite", "--json",
                                        "-o", str(f / f"mnorm-{tag}")],
    }


# Which commands run in which DSN form on success (every command in URL form; each other form on
# the commands that read it differently), and which on each connection failure.
_SUCCESS_FORMS = {
    "url": None,  # all
    "keyword": ("indexes --dsn --json", "migrate plan --from DSN -o", "migrate rehearse --execute --dsn"),
    "query": ("indexes --dsn", "profile PG --json", "normalize PG -o", "migrate plan --to DSN --json"),
    "env": ("indexes --dsn", "migrate rehearse --execute --dsn", "migrate plan --from DSN -o"),
    "env-url": ("profile PG --json", "normalize PG --json", "migrate rehearse --execute --dsn"),
}
_FAILURE_FORMS = {
    "url": ("indexes --dsn --json", "migrate plan --from DSN -o", "profile PG --json", "normalize PG -o"),
    "keyword": ("migrate rehearse --execute --dsn", "migrate plan --to DSN --json", "indexes --dsn"),
}


def _matrix(sec: Secrets) -> list[tuple[str, str, list[str], dict[str, str], Path | None, bool]]:
    """(command, case, argv, env, output dir, expected to connect)."""
    jobs: list[tuple[str, str, list[str], dict[str, str], Path | None, bool]] = []

    def add(cmds: dict[str, list[str]], case: str, env: dict[str, str], ok: bool,
            only: tuple[str, ...] | None = None) -> None:
        for name, argv in cmds.items():
            if only is None or name in only:
                out = Path(argv[argv.index("-o") + 1]) if "-o" in argv else None
                jobs.append((name, case, argv, env, out, ok))

    for i, (form, only) in enumerate(_SUCCESS_FORMS.items()):
        dsn, env = sec.pg(form)
        exec_dsn, _ = sec.pg(form, db=sec.exec_dbs[i])
        add(_pg_commands(sec, dsn, f"ok-{form}", exec_dsn), f"ok {form}", env, True, only)
    failures = {
        "wrong password": {"password": "Wrong" + secrets.token_hex(6)},
        "refused port": {"port": _free_port()},
        "missing database": {"db": "no_such_db_dbw"},
        "unknown host": {"host": UNKNOWN_HOST},
    }
    for case, kw in failures.items():
        for form, only in _FAILURE_FORMS.items():
            dsn, env = sec.pg(form, **kw)  # type: ignore[arg-type]
            add(_pg_commands(sec, dsn, f"{case.replace(' ', '-')}-{form}"), f"{case} {form}", env, False, only)
        add(_maria_commands(sec, sec.maria(**kw), case.replace(" ", "-")), case, {}, False,
            ("migrate switch --source -o", "migrate switch --source --json", "normalize MariaDB -o --json")
            if case == "wrong password" else ("migrate switch --source --json", "profile MariaDB"))
    url, _ = sec.pg("url")
    driver = {"profile PG (psycopg2 URL)": ["profile", url.replace("postgresql://", "postgresql+psycopg2://"),
                                             "--table", "city"],
              "normalize PG (pg8000 URL)": ["normalize", url.replace("postgresql://", "postgresql+pg8000://"),
                                            "--table", "city", "--engines", "sqlite", "--json"]}
    add(driver, "missing driver", {}, False)
    add({"migrate switch (mysqldb URL)": ["migrate", "switch", "--source", sec.maria("mariadb+mysqldb"), "--json"],
         "profile MariaDB (mysqldb URL)": ["profile", sec.maria("mysql+mysqldb"), "--table", "city"]},
        "missing driver", {}, False)
    add(_maria_commands(sec, sec.maria("mysql+pymysql"), "ok-pymysql"), "ok mysql+pymysql://", {}, True)
    for scheme in ("mysql", "mariadb"):  # PyMySQL, not SQLAlchemy's default MySQLdb
        add(_maria_commands(sec, sec.maria(scheme), f"ok-{scheme}"), f"ok {scheme}://", {}, True,
            ("profile MariaDB", "migrate switch --source --json"))
    return jobs


@pytest.fixture(scope="module")
def runs(sec: Secrets) -> list[Run]:
    jobs = _matrix(sec)
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(_run, sec, name, case, argv, env, out) for name, case, argv, env, out, _ in jobs]
        results = [f.result() for f in futures]
    for r, job in zip(results, jobs, strict=True):
        r.case += "" if job[5] else " (fails)"
    return results


def test_every_dsn_command_ran_on_success_and_failure(runs: list[Run]) -> None:
    commands = {r.command for r in runs}
    for cmd in ("indexes --dsn", "migrate plan --from DSN -o", "migrate plan --to DSN --json",
                "migrate rehearse --execute --dsn", "migrate switch --source -o", "profile PG --json",
                "profile MariaDB", "normalize PG -o", "normalize MariaDB -o --json"):
        assert cmd in commands
        assert any(r.command == cmd and r.case.startswith("ok") for r in runs), cmd
        assert any(r.command == cmd and r.case.endswith("(fails)") for r in runs), cmd


def test_the_password_appears_nowhere(sec: Secrets, runs: list[Run]) -> None:
    leaked = [(r.command, r.case, r.leaks(sec.password)) for r in runs if r.leaks(sec.password)]
    assert leaked == []
    written = [r for r in runs if r.files]
    assert any("plan.md" in name for r in written for name in r.files), "migrate plan -o wrote plan.md"


def test_successful_runs_exit_0_or_1(runs: list[Run]) -> None:
    bad = [(r.command, r.case, r.rc, r.stderr[-400:]) for r in runs if r.case.startswith("ok") and r.rc not in (0, 1)]
    assert bad == []


def test_connection_failures_are_user_errors_with_a_reason(runs: list[Run]) -> None:
    want = {"wrong password": "wrong user name or password", "refused port": "connection refused",
            "missing database": "does not exist", "unknown host": "unknown host",
            "missing driver": "driver is not installed"}
    for r in runs:
        if not r.case.endswith("(fails)"):
            continue
        assert r.rc == 2, (r.command, r.case, r.rc, r.stderr[-600:])
        reason = next(v for k, v in want.items() if r.case.startswith(k))
        assert reason in " ".join(r.stderr.split()), (r.command, r.case, r.stderr[-600:])
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr


def test_plan_md_names_the_source_without_its_password(sec: Secrets, runs: list[Run]) -> None:
    plan = next(r for r in runs if r.command == "migrate plan --from DSN -o" and r.case.startswith("ok url"))
    md = next(data for name, data in plan.files.items() if name.endswith("plan.md")).decode()
    assert f"postgresql://{sec.pg_user}:***@127.0.0.1" in md.splitlines()[0]


def test_pg_stat_activity_shows_dbwright(sec: Secrets, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """While a profile run waits on a lock the test holds, its session is named ``dbwright``."""
    dsn, _ = sec.pg("url")
    with pg_cluster.connect(sec.pg_db, autocommit=False) as lock:
        lock.execute("lock table city in access exclusive mode")
        child = subprocess.Popen([*CLI, "profile", dsn, "--table", "city", "--max-lhs", "1"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "HOME": str(sec.files)})
        try:
            names: list[str] = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not names:
                with pg_cluster.connect() as conn:
                    names = [r[0] for r in conn.execute(
                        "select application_name from pg_stat_activity where usename = %s", (sec.pg_user,))]
                time.sleep(0.1)
        finally:
            lock.rollback()
        out, err = child.communicate(timeout=120)
    assert names and set(names) == {"dbwright"}, names
    assert child.returncode == 0, err[-500:]
    assert sec.password not in out + err


@pytest.mark.parametrize("text", [
    "postgresql://u:{pw}@h:5432/db", "mysql+pymysql://u:{pw}@h/db", "mariadb://u:{pw}@h/db",
    "host=h password={pw} dbname=d", "host=h password='{pw}' dbname=d", "postgresql://u@h/db?sslmode=x&password={pw}",
    "{{'password': '{pw}', 'host': 'h'}}", '"password": "{pw}"', "--password={pw}",
])
def test_redact_forms(text: str) -> None:
    pw = "Pw" + secrets.token_hex(6)
    assert pw not in redact(text.format(pw=pw))


def test_redact_pgpassword_env(monkeypatch: pytest.MonkeyPatch) -> None:
    pw = "Env" + secrets.token_hex(6)
    monkeypatch.setenv("PGPASSWORD", pw)
    assert redact(f"some driver said {pw} somewhere") == "some driver said *** somewhere"
