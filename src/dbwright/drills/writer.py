"""A load writer that logs every acknowledged commit, run as its own process.

``python -m dbwright.drills.writer --engine postgresql --dsn … --log FILE`` inserts one row per
transaction (autocommit) into ``w(id, cts, sts, pad)`` every ``--interval`` seconds and appends one
line per attempt to the log, flushed at once:

    OK  <id> <t_send> <t_ack>        the server acknowledged the commit
    ERR <id> <t_send> <error>        no acknowledgement (the row may or may not exist)
    PAUSED <t> / RESUMED <t>         the control dir holds (or no longer holds) a ``pause`` file

Every attempt uses a new id, so a commit whose acknowledgement was lost never blocks the next
one. The writer stops when ``<control>/stop`` exists or after ``--duration`` seconds. Times are
``time.time()`` on this host — the same clock the servers use on loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG_TABLE = ("create table if not exists w(id bigint primary key, cts timestamptz not null, "
            "sts timestamptz not null default clock_timestamp(), pad text)")
MARIA_TABLE = ("create table if not exists w(id bigint primary key, cts datetime(6) not null, "
               "sts datetime(6) not null default now(6), pad varchar(255)) engine=InnoDB")


@dataclass
class WriterLog:
    """The parsed log of one or more writer runs."""

    acked: dict[int, tuple[float, float]] = field(default_factory=dict)  # id -> (t_send, t_ack)
    errors: dict[int, tuple[float, str]] = field(default_factory=dict)   # id -> (t_send, error)
    pauses: list[tuple[str, float]] = field(default_factory=list)

    @property
    def acked_ids(self) -> set[int]:
        return set(self.acked)

    def acked_before(self, t: float) -> set[int]:
        """Ids acknowledged before ``t``: their commit happened before ``t``."""
        return {i for i, (_s, a) in self.acked.items() if a < t}

    def sent_after(self, t: float) -> set[int]:
        """Acknowledged ids sent after ``t``: their commit happened after ``t``."""
        return {i for i, (s, _a) in self.acked.items() if s > t}

    def ambiguous(self, t: float) -> set[int]:
        """Acknowledged ids in flight at ``t`` (sent before, acknowledged after)."""
        return {i for i, (s, a) in self.acked.items() if s <= t <= a}

    def target_check(self, target: float, present: set[int], stamped: Any, strict: bool = True) -> dict[str, Any]:
        """Restored to ``target``: the acknowledged commits before it present, none after it.

        ``present``: ids found in the restored copy; ``stamped``: (id, commit timestamp) rows found,
        a row stamped after the target (``>=`` when not ``strict``) counts as after it too.
        """
        before = self.acked_before(target)
        after_sent = self.sent_after(target)
        attempted_after = after_sent | {i for i, (s, _e) in self.errors.items() if s > target}
        lost = sorted(before - present)
        after_present = sorted((present & attempted_after)
                               | {i for i, ts in stamped if (ts > target if strict else ts >= target)})
        return {"acked_commits": len(self.acked), "acked_before_target": len(before),
                "acked_after_target": len(after_sent), "in_flight_at_target": len(self.ambiguous(target)),
                "acked_lost": len(lost), "acked_lost_ids": lost[:50], "rows_after_target": len(after_present),
                "rows_after_target_ids": after_present[:50], "unacked_present": len(present - self.acked_ids),
                "rows_restored": len(present)}

    def last_ack(self) -> float | None:
        return max((a for _s, a in self.acked.values()), default=None)

    def first_ack_after(self, t: float) -> tuple[int, float, float] | None:
        """The first acknowledged commit that was *sent* after ``t``: (id, t_send, t_ack)."""
        best = None
        for i, (s, a) in self.acked.items():
            if s > t and (best is None or a < best[2]):
                best = (i, s, a)
        return best


def read_log(path: Path) -> WriterLog:
    log = WriterLog()
    if not path.exists():
        return log
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split(" ", 3)
        with contextlib.suppress(ValueError, IndexError):
            if parts[0] == "OK":
                log.acked[int(parts[1])] = (float(parts[2]), float(parts[3]))
            elif parts[0] == "ERR":
                log.errors[int(parts[1])] = (float(parts[2]), parts[3] if len(parts) > 3 else "")
            elif parts[0] in ("PAUSED", "RESUMED"):
                log.pauses.append((parts[0], float(parts[1])))
    return log


def _connect(engine: str, args: argparse.Namespace) -> Any:
    if engine == "postgresql":
        import psycopg

        return psycopg.connect(args.dsn, autocommit=True, connect_timeout=max(1, int(args.connect_timeout)))
    import pymysql

    conn = pymysql.connect(unix_socket=args.socket, user="root", database=args.database, autocommit=True,
                           connect_timeout=max(1, int(args.connect_timeout)))
    with conn.cursor() as cur:
        cur.execute("set time_zone = '+00:00'")
    return conn


def _insert(engine: str, conn: Any, i: int, t: float, pad: str) -> None:
    if engine == "postgresql":
        conn.execute("insert into w(id, cts, pad) values (%s, to_timestamp(%s), %s)", (i, t, pad))
    else:
        with conn.cursor() as cur:
            cur.execute("insert into w(id, cts, pad) values (%s, from_unixtime(%s), %s)", (i, t, pad))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--engine", choices=("postgresql", "mariadb"), default="postgresql")
    ap.add_argument("--dsn", help="libpq conninfo (postgresql)")
    ap.add_argument("--socket", help="unix socket (mariadb)")
    ap.add_argument("--database", default="drill")
    ap.add_argument("--log", required=True)
    ap.add_argument("--control", required=True, help="dir watched for 'pause' and 'stop' files")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--start-id", type=int, default=1)
    ap.add_argument("--connect-timeout", type=float, default=1)
    ap.add_argument("--pad", type=int, default=64, help="bytes of payload per row")
    args = ap.parse_args(argv)
    control = Path(args.control)
    pad = os.urandom(args.pad // 2 + 1).hex()[: args.pad]
    out = open(args.log, "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    conn: Any = None
    i = args.start_id
    paused = False
    t_end = time.time() + args.duration
    while time.time() < t_end and not (control / "stop").exists():
        t = time.time()
        if (control / "pause").exists():
            if not paused:
                paused = True
                out.write(f"PAUSED {time.time():.6f}\n")
            time.sleep(0.01)
            continue
        if paused:
            paused = False
            out.write(f"RESUMED {time.time():.6f}\n")
            t = time.time()
        try:
            if conn is None:
                conn = _connect(args.engine, args)
            _insert(args.engine, conn, i, t, pad)
            out.write(f"OK {i} {t:.6f} {time.time():.6f}\n")
        except Exception as exc:
            msg = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else ""
            out.write(f"ERR {i} {t:.6f} {type(exc).__name__} {msg}\n")
            with contextlib.suppress(Exception):
                conn and conn.close()
            conn = None
        i += 1
        time.sleep(max(0.0, args.interval - (time.time() - t)))
    with contextlib.suppress(Exception):
        conn and conn.close()
    out.write(f"STOPPED {time.time():.6f}\n")
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
