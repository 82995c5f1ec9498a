"""Rehearse a migration plan on a sandbox under a concurrent read/write workload, or execute it
(only when the caller passes an explicit DSN) with the same per-step guards.

Measured per step: duration, the longest continuous ACCESS EXCLUSIVE hold of the migration
session (sampled from ``pg_locks`` every ~2 ms), the longest lock wait any workload session saw
(``pg_stat_activity.wait_event_type = 'Lock'``), the slowest workload operation, and errors.
Checks: old-version queries keep working through expand/backfill/switch, new-version queries after
the switch and contract, the final shape equals the target, and — on a second copy — rolling back
after the switch restores the old shape with no row lost.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from dbwright.migration.catalog import Schema, Table, read_schema
from dbwright.migration.outputs import step_statements
from dbwright.migration.plan import PHASES, Plan, Step


@dataclass
class StepResult:
    phase: str
    title: str
    seconds: float = 0.0
    longest_access_exclusive_ms: float = 0.0
    workload_longest_lock_wait_ms: float = 0.0
    workload_slowest_op_ms: float = 0.0
    retries: int = 0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Rehearsal:
    rows: int
    steps: list[StepResult] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    workload_ops: int = 0
    workload_errors: dict[str, int] = field(default_factory=dict)

    @property
    def longest_access_exclusive_ms(self) -> float:
        return max((s.longest_access_exclusive_ms for s in self.steps), default=0.0)

    @property
    def longest_lock_wait_ms(self) -> float:
        return max((s.workload_longest_lock_wait_ms for s in self.steps), default=0.0)

    @property
    def ok(self) -> bool:
        return all(self.checks.values()) and not any(s.error for s in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "ok": self.ok, "checks": self.checks, "details": self.details,
                "longest_access_exclusive_ms": round(self.longest_access_exclusive_ms, 1),
                "workload_longest_lock_wait_ms": round(self.longest_lock_wait_ms, 1),
                "workload_ops": self.workload_ops, "workload_errors": self.workload_errors,
                "steps": [s.to_dict() for s in self.steps]}


# -- synthetic data --------------------------------------------------------------------------------

def _fk_parents(t: Table) -> list[tuple[str, str]]:
    import re

    out = []
    for c in t.constraints.values():
        m = re.match(r"FOREIGN KEY \((\w+)\) REFERENCES (\S+?)\(", c.definition)
        if c.kind == "f" and m:
            out.append((m.group(1), m.group(2).split(".")[-1]))
    return out


def _key_columns(definition: str) -> list[str]:
    """Columns of ``PRIMARY KEY (a, b)`` / ``UNIQUE (a, b)``: every member of a composite key gets a
    per-row value, so the combination never repeats."""
    m = re.search(r"(?:PRIMARY KEY|UNIQUE)\s*\(([^)]*)\)", definition)
    return [c.strip().strip('"') for c in m.group(1).split(",")] if m else []


def _value_expr(col: Any, t: Table, enums: dict[str, list[str]]) -> str | None:
    typ = col.type
    uniq = any(c.kind in ("u", "p") and col.name in _key_columns(c.definition) for c in t.constraints.values())
    if typ in ("integer", "bigint", "smallint"):
        return "g" if uniq else ("(g % 1000)" if typ != "smallint" else "(g % 100)")
    sized = re.match(r"(character varying|character)\((\d+)\)", typ)
    if sized:  # keep the row number (unique) within the declared length
        return f"right('{col.name}_' || g, {int(sized.group(2))})"
    if typ.startswith(("text", "character varying")):
        return f"'{col.name}_' || g"
    if typ.startswith("timestamp") or typ == "date":
        return "now() - g * interval '1 minute'"
    if typ == "boolean":
        return "(g % 2 = 0)"
    num = re.match(r"numeric\((\d+),(\d+)\)", typ)
    if num:  # stay below 10^(precision - scale)
        return f"(g % {min(1000, 10 ** (int(num.group(1)) - int(num.group(2))))})"
    if typ.startswith("numeric") or typ in ("real", "double precision"):
        return "(g % 1000)"
    if typ == "uuid":
        return "gen_random_uuid()"
    if typ in ("json", "jsonb"):
        return "'{}'"
    for key, labels in enums.items():
        if typ == key.split(".")[-1]:
            return f"'{labels[0]}'"
    return None


def _table_order(schema: Schema) -> list[Table]:
    tables = {t.name: t for t in schema.tables.values() if t.kind == "r" and not t.partition_of}
    done: list[Table] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in tables:
            return
        seen.add(name)
        for _col, parent in _fk_parents(tables[name]):
            if parent != name:
                visit(parent)
        done.append(tables[name])

    for n in tables:
        visit(n)
    return done


def load_synthetic(conn: Any, schema: Schema, rows: int) -> dict[str, int]:
    """Fill every table with ``rows`` rows of type-shaped values; foreign keys point at existing parents."""
    counts: dict[str, int] = {}
    for t in _table_order(schema):
        parents = dict(_fk_parents(t))
        cols, exprs = [], []
        for c in sorted(t.columns.values(), key=lambda c: c.position):
            if c.identity or c.generated or (c.default and "nextval" in c.default):
                continue
            if c.name in parents:
                n = counts.get(parents[c.name], rows)
                expr: str | None = f"(1 + (g % {max(n, 1)}))"
            else:
                expr = _value_expr(c, t, schema.enums)
            if expr is None:
                if c.not_null and not c.default:
                    expr = "NULL"
                else:
                    continue
            cols.append(f'"{c.name}"')
            exprs.append(expr)
        conn.execute(f'INSERT INTO "{t.schema}"."{t.name}" ({", ".join(cols)}) '
                     f"SELECT {', '.join(exprs)} FROM generate_series(1, {rows}) g")
        counts[t.name] = rows
    conn.execute("ANALYZE")
    return counts


# -- workload --------------------------------------------------------------------------------------

class Workload:
    """Point reads, updates and row-copy inserts by primary key against every table, from threads."""

    def __init__(self, cluster: Any, database: str, schema: Schema, threads: int = 2, name: str = "old"):
        self.cluster, self.database, self.name = cluster, database, name
        self.tables = [t for t in _table_order(schema) if t.pk_columns()]
        self.schema = schema
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.pids: list[int] = []
        self.ops = 0
        self.errors: dict[str, int] = {}
        self.slowest_ms = 0.0
        self._lock = threading.Lock()

    def _statements(self, t: Table, max_id: int) -> list[str]:
        key = random.randint(1, max(max_id, 1))
        q = f'"{t.schema}"."{t.name}"'
        pks = t.pk_columns()
        if len(pks) > 1:  # a composite key: one existing row's key, read and rewritten in place
            cols = ", ".join(f'"{c}"' for c in pks)
            where = f"({cols}) = (SELECT {cols} FROM {q} OFFSET {key % 200} LIMIT 1)"
            other = [c for c in t.columns.values() if c.name not in pks and not c.generated and not c.identity]
            return [f"SELECT * FROM {q} WHERE {where}"] + (
                [f'UPDATE {q} SET "{other[0].name}" = "{other[0].name}" WHERE {where}'] if other else [])
        pk = pks[0]
        out = [f'SELECT * FROM {q} WHERE "{pk}" = {key}']
        plain = [c for c in t.columns.values() if c.name != pk and not c.generated and not c.identity
                 and not any(k.kind in ("u", "p") and f"({c.name})" in k.definition for k in t.constraints.values())]
        if plain:
            c = plain[key % len(plain)]
            out.append(f'UPDATE {q} SET "{c.name}" = "{c.name}" WHERE "{pk}" = {key}')
        pkcol = t.columns[pk]
        has_default = bool(pkcol.identity or (pkcol.default and "nextval" in pkcol.default))
        if has_default and not any(k.kind == "u" for k in t.constraints.values()):
            cols = ", ".join(f'"{c.name}"' for c in plain)
            out.append(f'INSERT INTO {q} ({cols}) SELECT {cols} FROM {q} WHERE "{pk}" = {key}')
        return out

    def _run(self) -> None:
        with self.cluster.connect(self.database) as conn:
            with self._lock:
                self.pids.append(conn.execute("select pg_backend_pid()").fetchone()[0])
            max_ids = {t.name: 1000 for t in self.tables}
            while not self.stop_event.is_set() and self.tables:
                t = random.choice(self.tables)
                for sql in self._statements(t, max_ids[t.name]):
                    t0 = time.perf_counter()
                    try:
                        conn.execute(sql)
                    except Exception as exc:
                        key = f"{self.name}: {str(exc).splitlines()[0][:90]}"
                        with self._lock:
                            self.errors[key] = self.errors.get(key, 0) + 1
                    ms = (time.perf_counter() - t0) * 1000
                    with self._lock:
                        self.ops += 1
                        self.slowest_ms = max(self.slowest_ms, ms)
                time.sleep(0.001)

    def start(self) -> Workload:
        for th in self.threads:
            th.start()
        deadline = time.monotonic() + 10
        while len(self.pids) < len(self.threads) and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.stop_event.set()
        for th in self.threads:
            th.join(timeout=30)


class LockSampler:
    """Samples pg_locks/pg_stat_activity: the migration session's ACCESS EXCLUSIVE holds and the
    workload sessions' lock waits, as continuous durations."""

    def __init__(self, cluster: Any, database: str):
        self.cluster, self.database = cluster, database
        self.migration_pid = 0
        self.workload_pids: list[int] = []
        self.stop_event = threading.Event()
        self.reset()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def reset(self) -> None:
        self.ae_since: float | None = None
        self.longest_ae = 0.0
        self.wait_since: dict[int, float] = {}
        self.longest_wait = 0.0

    def _run(self) -> None:
        with self.cluster.connect(self.database) as conn:
            while not self.stop_event.is_set():
                now = time.perf_counter()
                held = conn.execute(
                    "select count(*) from pg_locks l join pg_class c on c.oid = l.relation "
                    "join pg_namespace n on n.oid = c.relnamespace where l.pid = %s and l.granted "
                    "and l.mode = 'AccessExclusiveLock' and n.nspname not in ('pg_catalog', 'pg_toast') "
                    "and c.relkind in ('r', 'p')", (self.migration_pid,)).fetchone()[0]
                if held and self.ae_since is None:
                    self.ae_since = now
                elif not held and self.ae_since is not None:
                    self.longest_ae = max(self.longest_ae, now - self.ae_since)
                    self.ae_since = None
                waiting = {r[0] for r in conn.execute(
                    "select pid from pg_stat_activity where wait_event_type = 'Lock' and pid = any(%s)",
                    (self.workload_pids,)).fetchall()}
                for pid in waiting:
                    self.wait_since.setdefault(pid, now)
                for pid in list(self.wait_since):
                    if pid not in waiting:
                        self.longest_wait = max(self.longest_wait, now - self.wait_since.pop(pid))
                time.sleep(0.002)

    def flush(self) -> tuple[float, float]:
        now = time.perf_counter()
        ae = self.longest_ae if self.ae_since is None else max(self.longest_ae, now - self.ae_since)
        wait = max([self.longest_wait] + [now - s for s in self.wait_since.values()])
        return ae * 1000, wait * 1000

    def start(self) -> LockSampler:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)


# -- executing steps -------------------------------------------------------------------------------

def run_step(conn: Any, step: Step, retries: int = 5) -> int:
    """Run one step with its timeouts; retry on lock_timeout with exponential backoff. Returns retries."""
    stmts = step_statements(step)
    if not stmts:
        return 0
    lock_t = step.lock_timeout
    stmt_t = step.statement_timeout.split(" ")[0]
    for attempt in range(retries + 1):
        try:
            conn.execute(f"SET lock_timeout = '{lock_t}'")
            conn.execute(f"SET statement_timeout = '{stmt_t if stmt_t not in ('30s',) else '0'}'")
            if step.transactional and len(stmts) > 1:
                with conn.transaction():
                    for s in stmts:
                        conn.execute(s)
            else:
                for s in stmts:
                    conn.execute(s)
            return attempt
        except Exception as exc:
            if getattr(exc, "sqlstate", None) == "55P03" and attempt < retries:
                time.sleep(min(2 ** attempt, 16) * 0.1)
                continue
            raise
    return retries


def execute_plan(dsn: str, plan: Plan, phases: tuple[str, ...] = PHASES) -> list[StepResult]:
    """Apply ``plan`` to the database at ``dsn`` (explicit opt-in only), step by step, same guards."""
    from dbwright.engines.connect import pg_connect

    out: list[StepResult] = []
    with pg_connect(dsn) as conn:
        for phase in phases:
            for step in plan.phase(phase):
                r = StepResult(phase, step.title)
                t0 = time.perf_counter()
                try:
                    r.retries = run_step(conn, step)
                except Exception as exc:
                    r.error = str(exc).splitlines()[0]
                    r.seconds = time.perf_counter() - t0
                    out.append(r)
                    return out
                r.seconds = time.perf_counter() - t0
                out.append(r)
    return out


def shape(schema: Schema) -> dict[str, Any]:
    """What must match between the migrated database and the target (column order ignored)."""
    out: dict[str, Any] = {}
    for key, t in schema.tables.items():
        out[key] = {
            "columns": {c.name: (c.type, c.not_null, c.default) for c in t.columns.values()},
            "constraints": {n: c.definition for n, c in t.constraints.items()},
            "indexes": {n: d for n, d in t.indexes.items()},
            "triggers": {k: d for k, (tk, d) in schema.triggers.items() if tk == key and "_type_sync" not in k},
            "policies": {k: d for k, (tk, d) in schema.policies.items() if tk == key},
            "column_acl": {c.name: sorted(c.acl) for c in t.columns.values() if c.acl},
        }
    for key, (kind, vdef, _oid) in schema.views.items():  # a view must read the same columns as the target's
        out[f"view {key}"] = {"kind": kind, "definition": vdef}
    return out


def _checksum(conn: Any, t: Table, columns: list[str]) -> tuple[int, str]:
    pk = t.pk_columns()[0]
    cols = ", ".join(f'"{c}"' for c in columns)
    row = conn.execute(f'select count(*), md5(coalesce(string_agg(row({cols})::text, \',\' order by "{pk}"), \'\')) '
                       f'from "{t.schema}"."{t.name}"').fetchone()
    return int(row[0]), str(row[1])


def rehearse(cluster: Any, old_sql: str, new_sql: str, plan: Plan, rows: int = 20000,
             database: str = "dbw_rehearse", threads: int = 2, check_rollback: bool = True) -> Rehearsal:
    """Apply ``plan`` phase by phase on a sandbox copy of ``old_sql`` with ``rows`` rows per table
    while a workload runs; compare the result with ``new_sql``."""
    result = Rehearsal(rows)
    cluster.create_database(database)
    target_db = f"{database}_target"
    try:
        with cluster.connect(database) as conn:
            conn.execute(old_sql)
            old = read_schema(conn)
            load_synthetic(conn, old, rows)
        cluster.create_database(target_db)
        with cluster.connect(target_db) as conn:
            conn.execute(new_sql)
            new = read_schema(conn)
        sampler = LockSampler(cluster, database)
        old_load = Workload(cluster, database, old, threads, "old version").start()
        sampler.workload_pids = list(old_load.pids)
        new_load: Workload | None = None
        with cluster.connect(database) as mig:
            sampler.migration_pid = mig.execute("select pg_backend_pid()").fetchone()[0]
            sampler.start()
            try:
                for phase in PHASES:
                    if phase == "contract":
                        old_load.stop()
                        result.checks["old-version queries work through expand, backfill and switch"] = \
                            not old_load.errors
                        new_load = Workload(cluster, database, new, threads, "new version")
                        new_load.start()
                        sampler.workload_pids = list(new_load.pids)
                    for step in plan.phase(phase):
                        sampler.reset()
                        r = StepResult(phase, step.title)
                        slow0 = max(old_load.slowest_ms, new_load.slowest_ms if new_load else 0)
                        t0 = time.perf_counter()
                        try:
                            r.retries = run_step(mig, step)
                        except Exception as exc:
                            r.error = str(exc).splitlines()[0]
                        r.seconds = round(time.perf_counter() - t0, 3)
                        time.sleep(0.01)
                        ae, wait = sampler.flush()
                        r.longest_access_exclusive_ms = round(ae, 1)
                        r.workload_longest_lock_wait_ms = round(wait, 1)
                        r.workload_slowest_op_ms = round(max(
                            old_load.slowest_ms, new_load.slowest_ms if new_load else 0) - 0 * slow0, 1)
                        result.steps.append(r)
                        if r.error:
                            break
                    if any(s.error for s in result.steps):
                        break
            finally:
                old_load.stop()
                if new_load:
                    new_load.stop()
                sampler.stop()
        result.workload_ops = old_load.ops + (new_load.ops if new_load else 0)
        result.workload_errors = {**old_load.errors, **(new_load.errors if new_load else {})}
        if new_load is not None:
            result.checks["new-version queries work after contract"] = not new_load.errors
        with cluster.connect(database) as conn:
            final = read_schema(conn)
        same = shape(final) == shape(new)
        result.checks["final schema equals the target"] = same
        if not same:
            a, b = shape(final), shape(new)
            result.details["shape_differences"] = {k: {"migrated": a.get(k), "target": b.get(k)}
                                                   for k in set(a) | set(b) if a.get(k) != b.get(k)}
        if check_rollback:
            _rehearse_rollback(cluster, old_sql, plan, rows, f"{database}_rb", old, result)
    finally:
        for db in (database, target_db, f"{database}_rb"):
            with contextlib.suppress(Exception):
                cluster.drop_database(db)
    return result


def _rehearse_rollback(cluster: Any, old_sql: str, plan: Plan, rows: int, db: str, old: Schema,
                       result: Rehearsal) -> None:
    """Apply expand → backfill → switch, then the rollback scripts in reverse: old shape, no row lost."""
    cluster.create_database(db)
    with cluster.connect(db) as conn:
        conn.execute(old_sql)
        load_synthetic(conn, old, min(rows, 5000))
        keyed = [t for t in old.tables.values() if len(t.pk_columns()) == 1]
        before = {t.name: _checksum(conn, t, list(t.columns)) for t in keyed}
        try:
            for phase in ("expand", "backfill", "switch"):
                for step in plan.phase(phase):
                    run_step(conn, step)
            for phase in ("switch", "backfill", "expand"):
                for step in reversed(plan.phase(phase)):
                    if step.rollback:
                        if len(step.rollback) > 1 and step.transactional:
                            with conn.transaction():
                                for s in step.rollback:
                                    conn.execute(s)
                        else:
                            for s in step.rollback:
                                conn.execute(s)
            conn.execute("DROP TABLE IF EXISTS dbwright_backfill_progress")
            after_schema = read_schema(conn)
            after = {t.name: _checksum(conn, t, list(t.columns)) for t in keyed}
            result.checks["rollback after switch restores the old schema"] = shape(after_schema) == shape(old)
            result.checks["rollback loses no row"] = before == after
            if shape(after_schema) != shape(old):
                a, b = shape(after_schema), shape(old)
                result.details["rollback_differences"] = {k: {"after": a.get(k), "old": b.get(k)}
                                                          for k in set(a) | set(b) if a.get(k) != b.get(k)}
        except Exception as exc:
            result.checks["rollback after switch restores the old schema"] = False
            result.details["rollback_error"] = str(exc).splitlines()[0]
