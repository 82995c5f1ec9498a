"""Lock truth: run statements on a throwaway PostgreSQL and read the locks they really took.

A transactional statement runs inside ``BEGIN … ROLLBACK``: after it, ``pg_locks`` for our own
backend lists every relation lock held (PostgreSQL keeps them to the end of the transaction) and a
changed ``pg_class.relfilenode`` proves a table rewrite. A statement that refuses to run in a
transaction (``CONCURRENTLY``) runs in a scratch copy of the database while another session holds a
snapshot and a read lock, so it has to wait in the middle of its work; its locks are sampled
from ``pg_locks`` while it waits.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_REL_LOCKS = """
select l.relation, c.relname, c.relkind, l.mode from pg_locks l left join pg_class c on c.oid = l.relation
left join pg_namespace n on n.oid = c.relnamespace
where l.pid = %s and l.locktype = 'relation' and (l.granted or %s)
  and coalesce(n.nspname, '') not in ('pg_catalog', 'pg_toast', 'information_schema')
"""
_RELS = """
select c.oid, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname not in ('pg_catalog', 'pg_toast', 'information_schema')
"""
_FILENODES = """
select c.relname, c.relkind, c.relfilenode from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname not in ('pg_catalog', 'pg_toast', 'information_schema') and c.relkind in ('r', 'i', 'm')
"""
_KIND = {"r": "table", "p": "table", "i": "index", "I": "index", "S": "sequence", "v": "view",
         "m": "matview", "t": "toast", "f": "table"}
_RANK = ("AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
         "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")


@dataclass
class Measured:
    sql: str
    locks: dict[str, tuple[str, str]] = field(default_factory=dict)  # relation -> (kind, strongest mode)
    rewritten: list[str] = field(default_factory=list)  # tables whose relfilenode changed
    indexes_rebuilt: list[str] = field(default_factory=list)
    error: str | None = None
    method: str = "rolled-back transaction"

    def table_locks(self) -> dict[str, str]:
        return {rel: mode for rel, (kind, mode) in self.locks.items() if kind == "table"}

    def to_dict(self) -> dict[str, Any]:
        return {"sql": self.sql, "locks": [{"relation": r, "kind": k, "mode": m}
                                           for r, (k, m) in sorted(self.locks.items())],
                "rewritten": self.rewritten, "indexes_rebuilt": self.indexes_rebuilt, "error": self.error,
                "method": self.method}


def _merge(into: dict[str, tuple[str, str]], rows: list[tuple[int, str | None, str | None, str]],
           names: dict[int, tuple[str, str]]) -> None:
    """Name each locked relation as it was called before the statement (renames, drops)."""
    for oid, cur_name, cur_kind, mode in rows:
        rel, kind = names.get(oid, (cur_name or "", cur_kind or ""))
        if not rel:
            continue
        k = _KIND.get(kind, kind)
        if rel in into and _RANK.index(into[rel][1]) >= _RANK.index(mode):
            continue
        into[rel] = (k, mode)


def measure(cluster: Any, database: str, sql: str) -> Measured:
    """Run one statement in a rolled-back transaction and report its locks and rewrites."""
    result = Measured(sql)
    with cluster.connect(database, autocommit=False) as conn:
        try:
            before = {(r[0], r[1]): r[2] for r in conn.execute(_FILENODES).fetchall()}
            names = {r[0]: (r[1], r[2]) for r in conn.execute(_RELS).fetchall()}
            conn.execute("set local lock_timeout = '5s'")
            conn.execute(sql)
            pid = conn.execute("select pg_backend_pid()").fetchone()[0]
            _merge(result.locks, conn.execute(_REL_LOCKS, (pid, False)).fetchall(), names)
            after = {(r[0], r[1]): r[2] for r in conn.execute(_FILENODES).fetchall()}
            for (name, kind), node in before.items():
                new = after.get((name, kind))
                if new is not None and new != node:
                    (result.rewritten if kind in ("r", "m") else result.indexes_rebuilt).append(name)
        except Exception as exc:
            result.error = str(exc).splitlines()[0]
        finally:
            conn.rollback()
    return result


def measure_concurrently(cluster: Any, template: str, sql: str, hold_table: str,
                         scratch: str = "dbw_lockprobe") -> Measured:
    """Sample the locks of a statement that cannot run in a transaction.

    Runs in a scratch database copied from ``template``. A second session holds SHARE UPDATE
    EXCLUSIVE on ``hold_table``, so the statement queues on it: the locks it already holds plus
    the one it waits for (ungranted in ``pg_locks``) are the locks it needs.
    """
    result = Measured(sql, method="sampled while queued (scratch copy)")
    cluster.execute(f"drop database if exists {scratch} with (force)")
    cluster.execute(f"create database {scratch} template {template}")
    try:
        with cluster.connect(scratch, autocommit=False) as holder, cluster.connect(scratch) as runner, \
                cluster.connect(scratch) as probe:
            names = {r[0]: (r[1], r[2]) for r in probe.execute(_RELS).fetchall()}
            before = {(r[0], r[1]): r[2] for r in probe.execute(_FILENODES).fetchall()}
            holder.execute(f"lock table {hold_table} in share update exclusive mode")
            pid = runner.execute("select pg_backend_pid()").fetchone()[0]
            errors: list[str] = []

            def run() -> None:
                try:
                    runner.execute(sql)
                except Exception as exc:
                    errors.append(str(exc).splitlines()[0])

            th = threading.Thread(target=run, daemon=True)
            th.start()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and th.is_alive():
                waiting = probe.execute("select count(*) from pg_locks where pid = %s and not granted",
                                        (pid,)).fetchone()[0]
                if waiting:  # queued: what it holds plus what it waits for, read after the wait began
                    _merge(result.locks, probe.execute(_REL_LOCKS, (pid, True)).fetchall(), names)
                    break
                time.sleep(0.005)
            holder.rollback()
            th.join(timeout=30)
            if errors:
                result.error = errors[0]
            # the statement ran for real on the scratch copy: a new relfilenode is a rewrite
            after = {(r[0], r[1]): r[2] for r in probe.execute(_FILENODES).fetchall()}
            for (name, kind), node in before.items():
                new = after.get((name, kind))
                if new is not None and new != node:
                    (result.rewritten if kind in ("r", "m") else result.indexes_rebuilt).append(name)
    finally:
        with contextlib.suppress(Exception):
            cluster.execute(f"drop database if exists {scratch} with (force)")
    return result


def measure_script(cluster: Any, database: str, statements: list[str], setup: list[str] | None = None,
                   ) -> list[Measured]:
    """Measure each statement of a script in order; each runs on the state the previous ones left.

    Transactional statements are measured in a rolled-back transaction and then applied for real
    (so the next statement sees them); CONCURRENTLY ones are sampled on a scratch copy and applied.
    """
    for s in setup or ():
        cluster.execute(s, database)
    out: list[Measured] = []
    for sql in statements:
        if _needs_autocommit(sql):
            table = _target_table(sql) or "pg_class"
            m = measure_concurrently(cluster, database, sql, table)
        else:
            m = measure(cluster, database, sql)
        out.append(m)
        with contextlib.suppress(Exception):
            cluster.execute(sql, database)
    return out


def _needs_autocommit(sql: str) -> bool:
    s = " ".join(sql.lower().split())
    return " concurrently" in s or (s.startswith(("vacuum", "alter type")) and "add value" in s and False)


def _target_table(sql: str) -> str | None:
    from dbwright.migration.parse import parse_script

    try:
        script = parse_script(sql)
    except Exception:
        return None
    for st in script.stmts:
        if st.kind == "drop_index" or (st.kind == "reindex" and st.detail.get("object") == "index"):
            return None
        if st.table:
            return st.table
    return None


# -- MySQL/MariaDB: which ALGORITHM / LOCK the server really accepts ---------------------------------

_ALGOS = ("INSTANT", "NOCOPY", "INPLACE", "COPY")


def probe_algorithm(instance: Any, database: str, setup: list[str], alter: str) -> tuple[str, str]:
    """(cheapest ALGORITHM, weakest LOCK) the server accepts for ``alter``: each attempt runs on a
    freshly created table (``setup``), with the clause appended; the server refuses what it cannot do."""
    found_algo, found_lock = "", ""
    for algo in _ALGOS:
        if algo == "NOCOPY" and "mariadb" not in str(getattr(instance, "version", "")).lower():
            continue
        for lock in ("NONE", "SHARED", "EXCLUSIVE"):
            if algo == "INSTANT" and lock != "NONE":
                continue
            conn = instance.connect(database)
            try:
                with conn.cursor() as cur:
                    for s in setup:
                        cur.execute(s)
                    try:
                        clause = f", ALGORITHM={algo}" + ("" if algo == "INSTANT" else f", LOCK={lock}")
                        cur.execute(alter.rstrip().rstrip(";") + clause)
                        found_algo, found_lock = algo, lock
                    except Exception:
                        continue
            finally:
                conn.close()
            if found_algo:
                return found_algo, found_lock
    return "refused", ""
