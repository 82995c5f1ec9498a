"""Migration planning API: lint, lock truth, diff + phased plan, rehearsal, engine switch.

Nothing here touches a user's database unless ``execute_migration`` is called with an explicit DSN;
every other function works on files and throwaway engines it starts and removes itself.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.api.lint import lint_migration, lint_sarif, lint_text
from dbwright.engines.connect import describe, is_pg_dsn, is_url, pg_connect, sa_engine
from dbwright.migration.diff import DiffResult, diff_schemas, diff_sql, load_schema, parse_renames
from dbwright.migration.engine_switch import SwitchAssessment, assess, runbook
from dbwright.migration.lint import LintResult, lint_sql
from dbwright.migration.outputs import write_plan
from dbwright.migration.plan import Plan, plan_from_diff
from dbwright.model import DbwrightError

__all__ = ["LintResult", "MigrationPlan", "Plan", "SwitchAssessment", "execute_migration", "lint_migration",
           "lint_sarif", "lint_text", "migration_locks", "plan_migration", "plan_mysql_migration",
           "rehearse_migration", "switch_engine"]


@contextlib.contextmanager
def _pg_sandbox(settings: dict[str, Any] | None = None) -> Iterator[Any]:
    from dbwright.engines.postgresql import PostgresCluster

    with PostgresCluster(settings=settings) as cluster:
        yield cluster



def _read(src: str | Path) -> str:
    p = Path(src)
    if not p.exists():
        raise DbwrightError(f"{src}: no such file")
    return p.read_text()


def migration_locks(path: str | Path, schema: str | Path | None = None, cluster: Any = None) -> list[dict[str, Any]]:
    """Run each statement of ``path`` on a throwaway PostgreSQL (on top of ``schema``, if given) in a
    rolled-back transaction; report the locks really taken, rewrites, and the static model beside them."""
    from dbwright.migration.parse import parse_script
    from dbwright.verify.locks import measure_script

    sql = _read(path)
    setup = _read(schema) if schema else ""
    script = parse_script(sql, context_sql=setup or None)
    stmts = [st.sql for st in script.stmts if st.kind not in ("begin", "commit", "rollback", "set")]
    facts = [st for st in script.stmts if st.kind not in ("begin", "commit", "rollback", "set")]
    with contextlib.ExitStack() as stack:
        cl = cluster or stack.enter_context(_pg_sandbox())
        db = "dbw_locks"
        cl.create_database(db)
        try:
            measured = measure_script(cl, db, stmts, [setup] if setup else None)
        finally:
            cl.drop_database(db)
    out = []
    for st, m in zip(facts, measured, strict=True):
        static = {lk.relation: lk.mode for lk in st.locks if lk.kind == "table"}
        row = m.to_dict()
        row.update(line=st.line, static={"locks": static, "rewrite": st.rewrite},
                   agree=static == m.table_locks() and st.rewrite == bool(m.rewritten))
        out.append(row)
    return out


@dataclass
class MigrationPlan:
    plan: Plan
    diff: DiffResult
    files: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.plan.to_dict()
        d["direct_ops"] = [op.to_dict() for op in self.diff.ops]
        return d


def _schema_input(src: str, cluster: Any, db: str) -> tuple[Any, str]:
    """(Schema, context SQL) from a DDL file or a live PostgreSQL DSN (read-only)."""
    if is_pg_dsn(src):
        from dbwright.migration.catalog import read_schema
        from dbwright.migration.diff import create_table_sql

        with pg_connect(src) as conn:
            conn.execute("SET default_transaction_read_only = on")
            schema = read_schema(conn)
        ctx = ";\n".join(create_table_sql(t) for t in schema.tables.values()) + ";"
        return schema, ctx
    sql = spec_ddl(src) if src.endswith((".yaml", ".yml")) else _read(src)
    return load_schema(cluster, db, sql), sql


def _check_dsns(*sources: str | Path) -> None:
    """Connect to each DSN among ``sources`` once, before any sandbox starts: a wrong password or
    host fails in a fraction of a second (ConnectionFailed), not after a throwaway cluster's start."""
    for src in sources:
        if is_pg_dsn(str(src)):
            pg_connect(str(src)).close()


def source_label(src: str | Path) -> str:
    """How a schema source is named in reports: a file by its name, a DSN without its password."""
    text = str(src)
    return describe(text) if is_pg_dsn(text) or is_url(text) else Path(text).name


def spec_ddl(path: str | Path) -> str:
    """PostgreSQL DDL of the physical schema a spec designs (the schema stage's MetaData)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from dbwright.api.design import design_context
    from dbwright.spec import load_spec

    loaded = load_spec(path)
    if loaded.spec is None:
        raise DbwrightError(f"{path}: not a valid spec")
    _, ctx = design_context(loaded.spec, loaded, ())
    md = ctx.metadata
    if md is None:
        raise DbwrightError(f"{path}: the schema stage produced no tables")
    import re
    import warnings

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    with warnings.catch_warnings():
        # FK cycles (store ↔ staff) cannot be sorted: every FK is added after all tables exist
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        tables = list(md.sorted_tables)
    parts = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in sorted({t.schema for t in tables if t.schema})]
    fks: list[str] = []
    for t in tables:
        parts.append(str(sa.schema.CreateTable(t, include_foreign_key_constraints=[]).compile(dialect=dialect)).strip())
        parts += [str(sa.schema.CreateIndex(ix).compile(dialect=dialect)).strip() for ix in t.indexes]
        fks += [str(sa.schema.AddConstraint(fk).compile(dialect=dialect)).strip()
                for fk in sorted(t.foreign_key_constraints, key=lambda c: str(c.name or ""))]
    parts += fks

    text = ";\n".join(parts) + ";\n"
    exts = [e for e in ("ltree", "citext", "hstore", "pg_trgm", "btree_gist", "vector")
            if re.search(rf"\b{e}\b", text, re.IGNORECASE)]
    return "".join(f"CREATE EXTENSION IF NOT EXISTS {e};\n" for e in exts) + text


def plan_migration(from_: str | Path, to: str | Path, renames: list[str] | dict[str, str] | None = None,
                   backfills: list[str] | None = None, pg_version: int | None = None, batch_size: int = 1000,
                   out_dir: str | Path | None = None, cluster: Any = None, force: bool = False) -> MigrationPlan:
    """Diff two schemas (DDL files or DSNs, read-only) on a throwaway PostgreSQL and plan the change."""
    if out_dir:
        from dbwright.io import check_target

        check_target(Path(out_dir), force)  # refuse before any work; write_tree checks again
    rmap = parse_renames(renames)
    bmap = dict(b.split("=", 1) for b in backfills or [])
    _check_dsns(from_, to)
    with contextlib.ExitStack() as stack:
        cl = cluster or stack.enter_context(_pg_sandbox())
        try:
            old, ctx = _schema_input(str(from_), cl, "dbw_plan_a")
            new, _ = _schema_input(str(to), cl, "dbw_plan_b")
        finally:
            for db in ("dbw_plan_a", "dbw_plan_b"):
                with contextlib.suppress(Exception):
                    cl.drop_database(db)
        major = pg_version or int(str(cl.version).split(".")[0] or 15)
    diff = diff_schemas(old, new, rmap)
    for key in rmap:
        table, _, col = key.partition(".")
        if col and f"public.{table}" in old.tables and col not in old.tables[f"public.{table}"].columns:
            raise DbwrightError(f"--rename {key}: no column {col} in {table} of the old schema")
    plan = plan_from_diff(diff, major, batch_size, bmap, context_sql=ctx)
    result = MigrationPlan(plan, diff)
    if out_dir:
        result.files = write_plan(plan, out_dir, f"Migration plan: {source_label(from_)} → {source_label(to)}",
                                  force=force)
    return result


def plan_mysql_migration(from_: str | Path, to: str | Path, renames: list[str] | None = None,
                         engine: str = "mariadb", version: str | None = None, instance: Any = None) -> Any:
    """MySQL/MariaDB: diff on a throwaway MariaDB; every step states ALGORITHM/LOCK; copies get a gh-ost command."""
    from dbwright.migration.diff_mysql import diff_mysql
    from dbwright.migration.lint import parse_version

    with contextlib.ExitStack() as stack:
        if instance is None:
            from dbwright.engines.mariadb import MariaDBInstance

            instance = stack.enter_context(MariaDBInstance())
        return diff_mysql(instance, _read(from_), _read(to), parse_renames(renames),
                          parse_version(engine, version), engine)


def rehearse_migration(from_: str | Path, to: str | Path, renames: list[str] | None = None,
                       backfills: list[str] | None = None, rows: int = 100_000, threads: int = 2,
                       batch_size: int = 1000, cluster: Any = None, compare_naive: bool = False) -> dict[str, Any]:
    """Plan, then apply the plan phase by phase on a sandbox with ``rows`` rows per table under a
    concurrent workload; report durations, lock holds and waits, and the checks."""
    from dbwright.verify.rehearse import rehearse

    with contextlib.ExitStack() as stack:
        cl = cluster or stack.enter_context(_pg_sandbox())
        mp = plan_migration(from_, to, renames, backfills, batch_size=batch_size, cluster=cl)
        result = rehearse(cl, _read(from_), _read(to), mp.plan, rows=rows, threads=threads)
        naive = None
        if compare_naive:
            from dbwright.migration.plan import naive_plan

            base = rehearse(cl, _read(from_), _read(to), naive_plan(mp.diff, mp.plan.pg_major, _read(from_)),
                            rows=rows, threads=threads, database="dbw_rehearse_naive", check_rollback=False)
            naive = {"longest_access_exclusive_ms": round(base.longest_access_exclusive_ms, 1),
                     "workload_longest_lock_wait_ms": round(base.longest_lock_wait_ms, 1),
                     "workload_errors": base.workload_errors,
                     "steps": [s.to_dict() for s in base.steps]}
    out = result.to_dict()
    if naive is not None:
        out["naive_baseline"] = naive
    out["blocking_steps_in_plan"] = [s.title for s in mp.plan.blocking_steps()]
    out["postgresql"] = str(getattr(cl, "version", ""))
    return out


def execute_migration(dsn: str, from_: str | Path, to: str | Path, renames: list[str] | None = None,
                      backfills: list[str] | None = None, phases: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Apply the plan to the database at ``dsn``. Only reached through an explicit ``--execute --dsn``."""
    from dbwright.migration.plan import PHASES
    from dbwright.verify.rehearse import execute_plan

    if not dsn:
        raise DbwrightError("executing a plan needs an explicit --dsn")
    _check_dsns(dsn)
    mp = plan_migration(from_, to, renames, backfills)
    if mp.plan.prompts:
        raise DbwrightError("the plan has open decisions; resolve them first: " + "; ".join(mp.plan.prompts))
    return [r.to_dict() for r in execute_plan(dsn, mp.plan, tuple(phases or PHASES))]


def switch_engine(source: str | None = None, schema_file: str | Path | None = None,
                  data_copy_file: str | Path | None = None, rehearse: bool = False,
                  out_dir: str | Path | None = None, tool: str = "debezium", force: bool = False) -> dict[str, Any]:
    """MySQL/MariaDB → PostgreSQL. ``source`` is a SQLAlchemy MySQL URL (read-only use); or
    ``schema_file`` (+ optional PostgreSQL COPY data, as in the Sakila corpus) is loaded into a
    throwaway MariaDB. With ``rehearse`` the copy runs for real into a throwaway PostgreSQL."""
    import sqlalchemy as sa

    if source:
        engine = sa_engine(source)
        try:
            a = assess(engine)
        finally:
            engine.dispose()
        report: dict[str, Any] = {"assessment": a.to_dict()}
    elif schema_file:
        from dbwright.engines.mariadb import MariaDBInstance
        from dbwright.verify.rehearse_switch import load_mysql_file, rehearse_switch

        with MariaDBInstance() as maria:
            if rehearse:
                with _pg_sandbox() as cl:
                    r = rehearse_switch(maria, cl, Path(schema_file),
                                        Path(data_copy_file) if data_copy_file else None,
                                        source_db=_schema_db_name(Path(schema_file)))
                a = r.assessment
                report = r.to_dict()
            else:
                load_mysql_file(maria, Path(schema_file))
                db = _schema_db_name(Path(schema_file))
                engine = sa.create_engine(maria.url(db))
                try:
                    a = assess(engine)
                finally:
                    engine.dispose()
                report = {"assessment": a.to_dict()}
    else:
        raise DbwrightError("give --source URL or --schema-file FILE")
    if out_dir:
        from dbwright.io import write_tree

        write_tree(Path(out_dir), {"schema.sql": ";\n\n".join(a.ddl) + ";\n",
                                   "post.sql": ";\n".join(a.post_ddl) + ";\n",
                                   "RUNBOOK.md": runbook(a, tool),
                                   "switch.json": json.dumps(report, indent=2, default=str)}, force=force)
    report["runbook"] = runbook(a, tool)
    return report


def _schema_db_name(path: Path) -> str:
    import re

    m = re.search(r"^\s*USE\s+`?(\w+)`?\s*;", path.read_text(), re.I | re.M)
    if not m:
        raise DbwrightError(f"{path}: no USE <database>; statement to know which database it creates")
    return m.group(1)


def diff_only(from_sql: str, to_sql: str, renames: dict[str, str] | None = None, cluster: Any = None) -> DiffResult:
    with contextlib.ExitStack() as stack:
        cl = cluster or stack.enter_context(_pg_sandbox())
        return diff_sql(cl, from_sql, to_sql, renames)


_ = lint_sql
