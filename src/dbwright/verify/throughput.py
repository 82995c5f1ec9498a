"""Per-node throughput measured on a throwaway engine: batched COPY inserts and point reads.

``measure_throughput(target)`` takes a running :class:`PostgresCluster` (or a PostgreSQL URL, or
``"sqlite"``) and returns what one node did here, with the engine, version, cores and durability
settings it ran with. ``attach_throughput(section, spec, measurement)`` feeds the measurement into
the scaling section, replacing its planning defaults. ``check`` is the hook the design verifier
calls with its sandbox (``verify.run.EXTRA_CHECKS``).

Rows are narrow and random (random UUIDs and doubles): pgbench-like data compresses and caches far
better than real data (FIELD-NOTES), so random payloads keep the figure honest.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from random import Random
from typing import Any

from dbwright.design import Section
from dbwright.spec.models import Spec

ROWS = 200_000
BATCH = 10_000
READS = 20_000
CALIBRATION_DAYS = 30
ROW_BYTES = 8 + 16 + 8 + 8 + 32  # id, uuid, timestamptz, double, 32-char text


def _rows(n: int, start: int, rng: Random) -> list[tuple[int, str, str, float, str]]:
    return [(start + i, str(uuid.UUID(int=rng.getrandbits(128))), "2026-01-01 00:00:00+00",
             rng.random(), uuid.UUID(int=rng.getrandbits(128)).hex) for i in range(n)]


def _measure_postgres(conn: Any, version: str, settings: dict[str, str], rows: int, reads: int) -> dict[str, Any]:
    rng = Random(5)
    conn.execute("DROP TABLE IF EXISTS dbwright_tp")
    conn.execute("CREATE TABLE dbwright_tp (id bigint PRIMARY KEY, k uuid NOT NULL, ts timestamptz NOT NULL, "
                 "v double precision NOT NULL, payload text NOT NULL)")
    conn.execute("CREATE INDEX ON dbwright_tp (k)")
    # payloads are built before the clock starts: the figure is the engine's, not Python's
    buffers = [io.StringIO("".join("\t".join(map(str, r)) + "\n" for r in _rows(min(BATCH, rows - off), off, rng)))
               .getvalue() for off in range(0, rows, BATCH)]
    t0 = time.perf_counter()
    for text in buffers:
        with conn.cursor() as cur, cur.copy("COPY dbwright_tp FROM STDIN") as cp:
            cp.write(text)
    copy_s = time.perf_counter() - t0
    # multi-row INSERT statements of 500 rows, each its own transaction (autocommit)
    n_ins = max(BATCH, rows // 10)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * 500)
    batches = [[v for r in _rows(500, rows + off, rng) for v in r] for off in range(0, n_ins, 500)]
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for params in batches:
            cur.execute(f"INSERT INTO dbwright_tp VALUES {values}", params)
    insert_s = time.perf_counter() - t0
    conn.execute("ANALYZE dbwright_tp")
    ids = [rng.randrange(rows) for _ in range(reads)]
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for i in ids:
            cur.execute("SELECT v FROM dbwright_tp WHERE id = %s", (i,), prepare=True)
            cur.fetchone()
    read_s = time.perf_counter() - t0
    size = conn.execute("SELECT pg_total_relation_size('dbwright_tp')").fetchone()[0]
    conn.execute("DROP TABLE dbwright_tp")
    return {"engine": "postgresql", "version": version, "cores": os.cpu_count() or 1, "settings": settings,
            "rows": rows, "row_bytes": ROW_BYTES, "copy_rows_per_s": rows / copy_s,
            "insert_rows_per_s": n_ins / insert_s, "point_reads_per_s_per_connection": reads / read_s,
            "bytes_on_disk_per_row": size / (rows + n_ins), "method": (
                f"COPY of {rows:,} random rows in batches of {BATCH:,} (one stream); {n_ins:,} rows by "
                f"500-row INSERT batches; {reads:,} prepared primary-key SELECTs on one connection")}


def _measure_sqlite(rows: int, reads: int) -> dict[str, Any]:
    rng = Random(5)
    with tempfile.TemporaryDirectory(prefix="dbwright-tp-") as d:
        conn = sqlite3.connect(os.path.join(d, "tp.db"))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE tp (id INTEGER PRIMARY KEY, k TEXT NOT NULL, ts TEXT NOT NULL, "
                     "v REAL NOT NULL, payload TEXT NOT NULL)")
        conn.execute("CREATE INDEX tp_k ON tp (k)")
        batches = [_rows(min(BATCH, rows - off), off, rng) for off in range(0, rows, BATCH)]
        t0 = time.perf_counter()
        for batch in batches:
            with conn:
                conn.executemany("INSERT INTO tp VALUES (?, ?, ?, ?, ?)", batch)
        ins_s = time.perf_counter() - t0
        ids = [rng.randrange(rows) for _ in range(reads)]
        t0 = time.perf_counter()
        for i in ids:
            conn.execute("SELECT v FROM tp WHERE id = ?", (i,)).fetchone()
        read_s = time.perf_counter() - t0
        conn.close()
        size = os.path.getsize(os.path.join(d, "tp.db"))
    return {"engine": "sqlite", "version": sqlite3.sqlite_version, "cores": os.cpu_count() or 1,
            "settings": {"journal_mode": "wal"}, "rows": rows, "row_bytes": ROW_BYTES,
            "copy_rows_per_s": rows / ins_s, "insert_rows_per_s": rows / ins_s,
            "point_reads_per_s_per_connection": reads / read_s, "bytes_on_disk_per_row": size / rows,
            "method": f"{rows:,} random rows by executemany in {BATCH:,}-row transactions; {reads:,} "
                      "primary-key SELECTs"}


def measure_throughput(target: Any = None, rows: int = ROWS, reads: int = READS) -> dict[str, Any]:
    """Measure one node. ``target``: a PostgresCluster, a psycopg connection string/URL, "sqlite",
    or None (start a throwaway PostgreSQL cluster with durable settings; SQLite if not installed)."""
    if target == "sqlite":
        return _measure_sqlite(rows, reads)
    if target is None:
        from dbwright.engines import postgresql

        if not postgresql.available():
            return _measure_sqlite(rows, reads)
        with postgresql.PostgresCluster(fast=False) as cluster:
            return measure_throughput(cluster, rows, reads)
    import psycopg

    if hasattr(target, "dsn"):
        dsn = target.dsn()
    else:
        dsn = str(target).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        settings = {k: str(conn.execute(f"SHOW {k}").fetchone()[0])  # type: ignore[index]
                    for k in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")}
        return _measure_postgres(conn, version, settings, rows, reads)


def calibration_path() -> Path:
    env = os.environ.get("DBWRIGHT_CALIBRATION")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dbwright" / "throughput.json"


def _engine_identity(target: Any) -> tuple[str, str, dict[str, str]]:
    if target == "sqlite":
        return "sqlite", sqlite3.sqlite_version, {"journal_mode": "wal"}
    import psycopg

    dsn = target.dsn() if hasattr(target, "dsn") else str(target).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        settings = {k: str(conn.execute(f"SHOW {k}").fetchone()[0])  # type: ignore[index]
                    for k in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")}
    return "postgresql", version, settings


def calibrated(target: Any, rows: int = ROWS, reads: int = READS, max_age_days: float = CALIBRATION_DAYS,
               path: Path | None = None) -> dict[str, Any]:
    """The node's throughput as a calibration: measured once per engine version, settings, core count
    and sample size on this machine, then reused for ``max_age_days``. Timing noise on a shared machine
    is ±40 %; re-measuring on every design would make the capacity figures (and design.json) differ
    between two runs of the same spec. The evidence says when it was measured."""
    path = path or calibration_path()
    engine, version, settings = _engine_identity(target)
    key = json.dumps([engine, version, os.cpu_count() or 1, settings, rows, reads], sort_keys=True)
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    hit = cache.get(key) if isinstance(cache, dict) else None
    now = time.time()
    if isinstance(hit, dict) and now - float(hit.get("measured_at_epoch", 0)) < max_age_days * 86400:
        return {k: v for k, v in hit.items() if k != "measured_at_epoch"}
    fresh = json.loads(json.dumps(measure_throughput(target, rows=rows, reads=reads), sort_keys=True))
    return _remember(path, cache, key, fresh, now, max_age_days)


def _remember(path: Path, cache: Any, key: str, measured: dict[str, Any], now: float,
              max_age_days: float) -> dict[str, Any]:
    """Store a fresh measurement; returned in the key order the cache gives back on the next run."""
    measured["measured_at"] = time.strftime("%Y-%m-%d", time.gmtime(now))
    measured["calibration"] = (f"measured {measured['measured_at']} on this machine and reused for "
                               f"{max_age_days:g} days per engine version (delete {path.name} to re-measure)")
    cache = cache if isinstance(cache, dict) else {}
    cache[key] = measured | {"measured_at_epoch": now}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs a re-measurement next time
    return dict(sorted(measured.items()))


def attach_throughput(section: Section | None, spec: Spec, measurement: dict[str, Any],
                      options: dict[str, Any] | None = None,
                      sections: dict[str, Section] | None = None) -> Section | None:
    """Replace the scaling section's planning throughput with ``measurement`` (recomputed).
    ``options`` may carry ``metadata``/``tables`` (schema stage), ``sections`` the earlier sections."""
    if section is None:
        return None
    from dbwright.stages.scaling import apply_throughput

    apply_throughput(section, spec, measurement, options or {}, sections)
    return section


def check(ctx: Any, engine_name: str, box: Any, url: str) -> dict[str, Any] | None:
    """Verification hook: measure on the verifier's PostgreSQL (or SQLite) sandbox and attach."""
    if engine_name not in ("postgresql", "sqlite") or ctx.section("scaling") is None:
        return None
    if engine_name == "postgresql":
        measured = calibrated(box, rows=100_000, reads=10_000)
    else:
        # one PostgreSQL measurement is what the design uses; SQLite only when it is all there is
        if ctx.section("scaling").data.get("throughput", {}).get("engine") == "postgresql":
            return None
        measured = calibrated("sqlite", rows=100_000, reads=10_000)
    attach_throughput(ctx.section("scaling"), ctx.spec, measured,
                      {**ctx.options, "metadata": ctx.metadata, "tables": ctx.tables}, ctx.sections)
    return {k: v for k, v in measured.items() if k != "settings"} | {"settings": measured["settings"]}


__all__ = ["attach_throughput", "calibrated", "calibration_path", "check", "measure_throughput"]
