"""PostgreSQL + pgBackRest pieces the pitr and disaster drills share.

Recipe: ``../shared/DRILL-RECIPES.md`` §5 (pgBackRest 2.45 on Debian 12). Pitfalls handled here:
a restored copy inherits the source's ``archive_command`` (set ``archive_mode = off`` and its own
port/socket before starting it); ``--target-action`` only with a target type; the backup set is
chosen explicitly (a backup newer than the target makes pgBackRest silently ignore the target).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from dbwright.drills.common import DrillError, DrillRun, postmaster_pid
from dbwright.drills.writer import PG_TABLE, WriterLog, read_log
from dbwright.engines import process
from dbwright.engines.postgresql import PostgresCluster

STANZA = "drill"


def pgbackrest_bin() -> str:
    found = process.which("pgbackrest", ("/usr/bin",))
    if not found:
        raise DrillError("pgbackrest not found: install the Debian package 'pgbackrest'")
    return found


def real_bindir(bindir: Path) -> Path:
    """The server's real bin dir (``initdb`` on PATH may be a symlink into it)."""
    return Path(os.path.realpath(bindir / "initdb")).parent


class Repo:
    """A pgBackRest repository + config private to one drill run."""

    def __init__(self, run: DrillRun, cluster: PostgresCluster, process_max: int = 2, name: str = "pgbackrest"):
        self.run = run
        self.cluster = cluster
        self.dir = run.dir / name
        self.conf = self.dir / "pgbackrest.conf"
        self.process_max = process_max
        self.bin = pgbackrest_bin()
        for sub in ("repo", "log", "lock", "spool"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.conf.write_text(
            "[global]\n"
            f"repo1-path={self.dir / 'repo'}\nrepo1-retention-full=2\n"
            f"log-path={self.dir / 'log'}\nlock-path={self.dir / 'lock'}\n"
            f"spool-path={self.dir / 'spool'}\n"
            "start-fast=y\ncompress-type=zst\n"
            f"process-max={process_max}\nlog-level-console=warn\nlog-level-file=info\n"
            f"[{STANZA}]\npg1-path={cluster.data}\npg1-port={cluster.port}\n"
            f"pg1-socket-path={cluster.sock}\npg1-user=postgres\n")
        process.chown_tree(self.dir, cluster.ids)

    @property
    def archive_command(self) -> str:
        return f"{self.bin} --config={self.conf} --stanza={STANZA} archive-push %p"

    def archive_get(self, pg1_path: Path) -> str:
        return f"{self.bin} --config={self.conf} --stanza={STANZA} --pg1-path={pg1_path} archive-get %f \"%p\""

    def cmd(self, *args: str, timeout: float = 600) -> str:
        res = self.run.run([self.bin, f"--config={self.conf}", f"--stanza={STANZA}", *args],
                           self.cluster.ids, timeout=timeout)
        return res.stdout

    def info(self) -> dict[str, Any]:
        data = json.loads(self.cmd("info", "--output=json", timeout=60))
        return data[0] if data else {}

    def backups(self) -> list[dict[str, Any]]:
        return list(self.info().get("backup", []))


def archive_settings(repo_archive_command: str, archive_timeout: int = 60) -> dict[str, Any]:
    return {"wal_level": "replica", "archive_mode": "on", "archive_command": repo_archive_command,
            "archive_timeout": archive_timeout, "max_wal_senders": 5, "max_replication_slots": 5,
            "track_commit_timestamp": "on"}


def new_cluster(run: DrillRun, name: str = "pg", **settings: Any) -> PostgresCluster:
    """A durable cluster (``fast=False``: fsync on) inside the run directory; stopped on cleanup."""
    cluster = PostgresCluster(settings=settings, fast=False, base_dir=run.dir / name)
    run.on_cleanup(cluster.stop)
    return cluster


def start_cluster(run: DrillRun, cluster: PostgresCluster) -> None:
    cluster.start()
    pid = postmaster_pid(cluster.data)
    if pid:
        run.track(pid)


def load_filler(run: DrillRun, cluster: PostgresCluster, scale_mb: float, db: str = "postgres") -> dict[str, Any]:
    """Load ~``scale_mb`` MB into ``filler``: half random bytes, half hex text (compresses ~1.5-2×,
    unlike pgbench's 10-20×, so restore throughput is not overstated)."""
    with cluster.connect(db) as conn:
        conn.execute("create extension if not exists pgcrypto")
        conn.execute("create table if not exists filler(id bigint primary key, pad bytea not null)")
    rows = max(100, int(scale_mb * 1e6 / 640))  # ~640 bytes per row on disk incl. tuple header + index
    chunk = 50_000
    t0 = time.monotonic()
    for start in range(1, rows + 1, chunk):
        run.check("loading filler")
        end = min(rows, start + chunk - 1)
        with cluster.connect(db) as conn:
            conn.execute("insert into filler select g, gen_random_bytes(256) || convert_to("
                         "md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text) || md5((g * 7)::text) || "
                         "md5((g * 11)::text) || md5((g * 13)::text) || md5((g * 17)::text) || "
                         "md5((g * 19)::text), 'UTF8') "
                         f"from generate_series({start}, {end}) g")
    with cluster.connect(db) as conn:
        conn.execute("checkpoint")
        size = conn.execute("select pg_database_size(current_database())").fetchone()[0]
    return {"rows": rows, "db_bytes": int(size), "load_s": round(time.monotonic() - t0, 3)}


def churn_filler(cluster: PostgresCluster, k: int, db: str = "postgres") -> None:
    """Change 1/50 of the filler rows so differential and incremental backups hold changes."""
    with cluster.connect(db) as conn:
        conn.execute(f"update filler set pad = gen_random_bytes(256) || substr(pad, 257) where id % 50 = {k % 50}")


class Writer:
    """The writer process (``dbwright.drills.writer``), tracked by the run."""

    def __init__(self, run: DrillRun, name: str, engine: str = "postgresql", dsn: str | None = None,
                 socket: str | None = None, interval: float = 0.05, start_id: int = 1,
                 connect_timeout: float = 1):
        self.run = run
        self.log_path = run.dir / f"{name}.log"
        self.control = run.dir / f"{name}.ctl"
        self.control.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "dbwright.drills.writer", "--engine", engine, "--log", str(self.log_path),
               "--control", str(self.control), "--interval", str(interval), "--start-id", str(start_id),
               "--connect-timeout", str(connect_timeout)]
        if dsn:
            cmd += ["--dsn", dsn]
        if socket:
            cmd += ["--socket", socket]
        env = dict(os.environ)
        self.proc = run.spawn(cmd, f"{name}.out", env=env)

    def log(self) -> WriterLog:
        return read_log(self.log_path)

    def wait_acked(self, n: int, timeout: float = 30) -> None:
        self.run.wait_for(lambda: len(self.log().acked) >= n, timeout, f"{n} acknowledged writes")

    def pause(self, timeout: float = 10) -> float:
        (self.control / "pause").touch()
        self.run.wait_for(lambda: any(k == "PAUSED" for k, _ in self.log().pauses[-1:]), timeout,
                          "the writer to pause")
        return time.time()

    def resume(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.control / "pause").unlink()

    def stop(self, timeout: float = 15) -> WriterLog:
        (self.control / "stop").touch()
        self.resume()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=timeout)
        if self.proc.poll() is None:
            self.run.stop_pid(self.proc.pid)
        self.run.untrack(self.proc.pid)
        return self.log()


def create_writer_table(cluster: PostgresCluster, db: str = "postgres") -> None:
    cluster.execute(PG_TABLE, db)


def present_ids(dsn: str) -> tuple[set[int], list[tuple[int, float]]]:
    """Ids in ``w`` and (id, sts epoch) pairs, read from a server by conninfo."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute("select id, extract(epoch from sts)::float8 from w").fetchall()
    return {int(r[0]) for r in rows}, [(int(r[0]), float(r[1])) for r in rows]


class Restored:
    """A cluster restored by pgBackRest into a new data dir, started on its own port and socket."""

    def __init__(self, run: DrillRun, ids: tuple[int, int] | None, bindir: Path, name: str = "restore"):
        self.run = run
        self.ids = ids
        self.bindir = real_bindir(bindir)
        self.dir = run.dir / name
        self.data = self.dir / "data"
        self.port = process.free_port()
        self.started = False

    def provision(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.data.mkdir(parents=True)
        self.dir.chmod(0o755)
        self.data.chmod(0o700)
        process.chown_tree(self.dir, self.ids)

    def configure(self, extra: dict[str, str] | None = None) -> None:
        # Pitfall 1: never archive into the source's repository, never collide with its port.
        lines = {"port": str(self.port), "unix_socket_directories": f"'{self.dir}'",
                 "archive_mode": "off", "synchronous_standby_names": "''"}
        lines.update(extra or {})
        with open(self.data / "postgresql.auto.conf", "a") as fh:
            fh.write("# dbwright drill: restored copy\n" + "".join(f"{k} = {v}\n" for k, v in lines.items()))

    def start(self, timeout: float = 300) -> None:
        self.run.on_cleanup(self.stop)
        self.run.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                      "-w", "-t", str(int(timeout)), "start"], self.ids, timeout=timeout + 10)
        self.started = True
        pid = postmaster_pid(self.data)
        if pid:
            self.run.track(pid)

    def dsn(self) -> str:
        return f"host={self.dir} port={self.port} user=postgres dbname=postgres"

    def wait_promoted(self, timeout: float = 300) -> None:
        import psycopg

        def promoted() -> bool:
            with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=2) as conn:
                row = conn.execute("select not pg_is_in_recovery()").fetchone()
                return bool(row and row[0] is True)

        self.run.wait_for(promoted, timeout, "the restored cluster to finish recovery and promote", 0.05)

    def start_promoted(self) -> None:
        """Start and wait until recovery ends and the copy is promoted; the log tail on failure."""
        try:
            self.start()
            self.wait_promoted()
        except DrillError as exc:
            raise DrillError(f"{exc}\nrestored server log:\n{self.log_tail()}") from exc

    def log_tail(self, n: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return (self.dir / "server.log").read_text(errors="replace")[-n:]
        return ""

    def stop(self) -> None:
        if self.started and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                process.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                             "stop"], self.ids, timeout=40)
        self.started = False


def wait_archived(run: DrillRun, cluster: PostgresCluster, timeout: float = 120) -> str:
    """Switch WAL and wait until the switched segment is archived; returns the segment name."""
    with cluster.connect() as conn:
        seg = conn.execute("select pg_walfile_name(pg_switch_wal())").fetchone()[0]

    def archived() -> bool:
        with cluster.connect() as conn:
            last = conn.execute("select last_archived_wal from pg_stat_archiver").fetchone()[0]
        return bool(last) and str(last)[:24] >= seg

    run.wait_for(archived, timeout, f"WAL segment {seg} to be archived", 0.1)
    return str(seg)


def wal_bytes_written(cluster: PostgresCluster) -> int:
    """WAL generated so far (``pg_stat_wal.wal_bytes``; segment-switch padding is not counted)."""
    return int(cluster.scalar("select wal_bytes::bigint from pg_stat_wal") or 0)


def lsn_diff(cluster: PostgresCluster, a: str, b: str) -> int:
    """Bytes of WAL from LSN ``b`` to ``a``."""
    return int(cluster.scalar(f"select pg_wal_lsn_diff('{a}', '{b}')::bigint") or 0)


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc), e.g. a postmaster's backends."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(entry.name))
    return kids


def kill9_postmaster(run: DrillRun, data_dir: Path) -> tuple[float, int]:
    """kill -9 the postmaster of ``data_dir``; its children are tracked and waited for (they exit on
    their own when the postmaster is gone). Returns (time of the kill, postmaster PID)."""
    pid = postmaster_pid(data_dir)
    if pid is None:
        raise DrillError(f"no postmaster.pid in {data_dir}")
    kids = children_of(pid)
    for k in kids:
        run.track(k)
    t0 = time.time()
    process.kill_pid(pid, 9)
    run.wait_for(lambda: not any(process.pid_alive(p) for p in [pid, *kids]), 30,
                 "the killed postmaster's processes to exit", 0.02)
    for p in [pid, *kids]:
        run.untrack(p)
    return t0, pid
