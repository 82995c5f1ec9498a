"""``mariadb-pitr`` drill: mariabackup full + incremental, then binlog replay to a time.

Recipe: ``../shared/DRILL-RECIPES.md`` Drill 2 (MariaDB 10.11). A writer logs acknowledged commits
(``innodb_flush_log_at_trx_commit=1``, ``sync_binlog=1``: durable) while a full and an incremental
backup run; the writer pauses across a whole-second target (``mysqlbinlog --stop-datetime`` has
1-second resolution); the restore prepares a *copy* of the full backup (``--prepare`` is one-way),
applies the incremental, copies back into a new datadir, starts a second server (``skip-log-bin``,
own port/socket) and replays the binlog from the incremental's position to the target.
Checks as in ``pitr``: no acknowledged commit before the target lost, none after it present, and
``CHECKSUM TABLE`` of the filler identical to the source.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from dbwright.drills.common import DrillError, DrillRun, iso, now, ratio
from dbwright.drills.pgsetup import Writer
from dbwright.drills.writer import MARIA_TABLE
from dbwright.engines import mariadb, process
from dbwright.theory.recovery import predict_mariadb_restore


def _bin(name: str, package: str) -> str:
    found = process.which(name, ("/usr/bin", "/usr/sbin"))
    if not found:
        raise DrillError(f"{name} not found: install the Debian package '{package}'")
    return found


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _binlog_info(prepared: Path) -> tuple[str, int]:
    for name in ("mariadb_backup_binlog_info", "xtrabackup_binlog_info"):
        f = prepared / name
        if f.exists():
            parts = f.read_text().split()
            return parts[0], int(parts[1])
    raise DrillError(f"no binlog position file in {prepared}")


class RestoredMaria:
    """A second mariadbd on the restored datadir (own port, socket, pid file; no binlog)."""

    def __init__(self, run: DrillRun, ids: tuple[int, int] | None):
        self.run, self.ids = run, ids
        self.dir = run.dir / "m2"
        self.datadir = self.dir / "data"
        self.sock = self.dir / "mysqld.sock"
        self.cnf = self.dir / "my.cnf"
        self.port = process.free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def write_cnf(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        self.cnf.write_text("\n".join([
            "[mysqld]", f"datadir={self.datadir}", f"socket={self.sock}", f"port={self.port}",
            "bind-address=127.0.0.1", f"pid-file={self.dir / 'mysqld.pid'}", f"log-error={self.dir / 'error.log'}",
            "server_id=2", "skip-log-bin", "innodb_buffer_pool_size=128M", "skip-name-resolve",
            "character-set-server=utf8mb4", "collation-server=utf8mb4_unicode_ci",
            "[client]", f"socket={self.sock}", "user=root"]) + "\n")

    def start(self) -> None:
        process.chown_tree(self.dir, self.ids)
        user = ["--user=mysql"] if self.ids else []
        self.proc = self.run.spawn([_bin("mariadbd", "mariadb-server"), f"--defaults-file={self.cnf}", *user],
                                   "mariadbd-restored.log")
        self.run.on_cleanup(self.stop)

        def up() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise DrillError("restored mariadbd exited: " + self.log_tail())
            return bool(self.scalar("select 1") == 1)

        self.run.wait_for(up, 120, "the restored MariaDB to accept connections", 0.05)

    def connect(self, database: str | None = None) -> Any:
        return mariadb.connect_socket(self.sock, database)

    def scalar(self, sql: str, database: str | None = None) -> Any:
        return mariadb.scalar_socket(self.sock, sql, database)

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.dir / "error.log").read_text(errors="replace")[-1500:]
        return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.run.stop_pid(self.proc.pid, timeout=30)
        self.proc = None


def _ids_and_sts(connect: Any) -> tuple[set[int], list[tuple[int, float]]]:
    conn = connect("drill")
    try:
        with conn.cursor() as cur:
            cur.execute("select id, unix_timestamp(sts) from w")
            rows = cur.fetchall()
    finally:
        conn.close()
    return {int(r[0]) for r in rows}, [(int(r[0]), float(r[1])) for r in rows]


def _checksum(connect: Any) -> Any:
    conn = connect("drill")
    try:
        with conn.cursor() as cur:
            cur.execute("checksum table f")
            return cur.fetchone()[1]
    finally:
        conn.close()


def run_mariadb_pitr(scale_mb: float = 30, keep: bool = False, timeout_s: float = 600, gap_s: float = 1.0,
                     on_run: Any = None) -> dict[str, Any]:
    backup_bin = _bin("mariabackup", "mariadb-backup")
    binlog_bin = _bin("mysqlbinlog", "mariadb-client")
    client_bin = _bin("mariadb", "mariadb-client")
    with DrillRun("mariadb-pitr", timeout_s=timeout_s, keep=keep) as run:
        if on_run:
            on_run(run)
        src_dir = run.dir / "m1"
        (src_dir / "binlog").mkdir(parents=True)
        src = mariadb.MariaDBInstance(base_dir=src_dir, extra={
            "log_bin": str(src_dir / "binlog" / "mysql-bin"), "binlog_format": "ROW", "server_id": 1,
            "innodb_flush_log_at_trx_commit": 1, "sync_binlog": 1})
        run.on_cleanup(src.stop)
        src.start()
        run.track(src.proc.pid)
        src.execute("create database drill")
        src.execute(MARIA_TABLE, "drill")
        src.execute("create table f(id int primary key, pad varbinary(400)) engine=InnoDB", "drill")
        rows = max(100, int(scale_mb * 1e6 / 450))
        t = time.monotonic()
        for start in range(1, rows + 1, 50_000):
            end = min(rows, start + 49_999)
            src.execute(f"insert into f select seq, concat(random_bytes(160), md5(seq), md5(seq * 3), md5(seq * 7)) "
                        f"from seq_{start}_to_{end}", "drill")
        load_s = time.monotonic() - t
        writer = Writer(run, "writer", engine="mariadb", socket=str(src.sock))
        writer.wait_acked(5)
        cnf = f"--defaults-file={src.cnf}"
        full, inc = run.dir / "full", run.dir / "inc1"
        t = time.monotonic()
        run.run([backup_bin, cnf, "--backup", f"--target-dir={full}", "--user=root"], timeout=run.remaining())
        full_s = time.monotonic() - t
        time.sleep(gap_s)
        src.execute("update f set pad = concat(random_bytes(160), substr(pad, 161)) where id % 50 = 1", "drill")
        t = time.monotonic()
        run.run([backup_bin, cnf, "--backup", f"--target-dir={inc}", f"--incremental-basedir={full}", "--user=root"],
                timeout=run.remaining())
        inc_s = time.monotonic() - t
        time.sleep(gap_s)
        # Whole-second target with the writer paused across it: no event carries its second.
        paused_at = writer.pause()
        target = float(math.ceil(paused_at + 0.05))
        time.sleep(max(0.0, target + 0.1 - time.time()))
        writer.resume()
        time.sleep(gap_s + 0.5)
        wlog = writer.stop()
        checksum_src = _checksum(src.connect)
        binlogs = sorted((src_dir / "binlog").glob("mysql-bin.[0-9]*"))

        # --- restore ---
        restored = RestoredMaria(run, src.ids)
        size = _dir_bytes(full)
        phases: dict[str, float] = {}
        t = time.monotonic()
        restored.write_cnf()
        phases["provision"] = time.monotonic() - t
        t = time.monotonic()
        work = run.dir / "rest"
        shutil.copytree(full, work)
        run.run([backup_bin, "--prepare", f"--target-dir={work}"], timeout=run.remaining())
        run.run([backup_bin, "--prepare", f"--target-dir={work}", f"--incremental-dir={inc}"], timeout=run.remaining())
        run.run([backup_bin, f"--defaults-file={restored.cnf}", "--copy-back", f"--target-dir={work}"],
                timeout=run.remaining())
        phases["copy"] = time.monotonic() - t
        t = time.monotonic()
        restored.start()
        bfile, bpos = _binlog_info(work)
        files = [str(f) for f in binlogs if f.name >= bfile]
        stop = dt.datetime.fromtimestamp(target, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        replay_bytes = sum(Path(f).stat().st_size for f in files) - bpos
        env = {**os.environ, "TZ": "UTC"}
        (run.dir / "log").mkdir(exist_ok=True)
        with open(run.dir / "log" / "replay.sql", "wb") as sql_out:
            dump = subprocess.run([binlog_bin, f"--start-position={bpos}", f"--stop-datetime={stop}", *files],
                                  stdout=sql_out, stderr=subprocess.PIPE, env=env, timeout=run.step_timeout(600))
        if dump.returncode != 0:
            raise DrillError(f"mysqlbinlog failed: {dump.stderr.decode(errors='replace')[-800:]}")
        with open(run.dir / "log" / "replay.sql", "rb") as sql_in:
            res = subprocess.run([client_bin, f"--defaults-file={restored.cnf}"], stdin=sql_in, capture_output=True,
                                 timeout=run.step_timeout(600))
        if res.returncode != 0:
            raise DrillError(f"binlog replay failed: {res.stderr.decode(errors='replace')[-800:]}")
        phases["replay"] = time.monotonic() - t
        t = time.monotonic()
        present, with_ts = _ids_and_sts(restored.connect)
        checksum_rest = _checksum(restored.connect)
        phases["verify"] = time.monotonic() - t
        phases["redirect"] = 0.0
        version = str(src.version)
        inc_bytes = _dir_bytes(inc)
        restored.stop()
        src.stop()
        pids, run_dir = list(run.all_pids), str(run.dir)

    checks = wlog.target_check(target, present, with_ts, strict=False)
    prediction = predict_mariadb_restore(size, binlog_bytes_to_replay=max(0, replay_bytes))
    measured_total = sum(phases.values())
    result: dict[str, Any] = {
        "kind": "mariadb-pitr",
        "engine": f"MariaDB {version}",
        "tool": "mariabackup + mysqlbinlog",
        "started": iso(run.started),
        "target_time": iso(target),
        **checks,
        "filler_checksum_match": checksum_src == checksum_rest,
        "binlog_start": {"file": bfile, "position": bpos},
        "backups": {"full_s": round(full_s, 3), "incremental_s": round(inc_s, 3), "full_bytes": size,
                    "incremental_bytes": inc_bytes},
        "data": {"rows": rows, "load_s": round(load_s, 3), "binlog_bytes_to_replay": replay_bytes},
        "predicted": {"rto_s": round(prediction.total_s, 3),
                      "phases": {k: round(v, 3) for k, v in prediction.phases.items()},
                      "formula": prediction.formula, "inputs": prediction.inputs},
        "measured": {"rto_s": round(measured_total, 3), "phases": {k: round(v, 3) for k, v in phases.items()}},
        "ratio_measured_to_predicted": ratio(measured_total, prediction.total_s),
        "run_dir": run_dir,
        "kept": keep,
        "pids": pids,
        "drill_wall_s": round(now() - run.started, 3),
    }
    result["passed"] = (result["acked_lost"] == 0 and result["rows_after_target"] == 0
                        and result["filler_checksum_match"] and checks["acked_before_target"] > 0
                        and checks["acked_after_target"] > 0)
    return result
