"""Commands of the 'migrate' area: lint, plan, locks, rehearse, switch.

Nothing runs against a user's database unless ``rehearse --execute --dsn DSN`` is given explicitly.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import (
    CONFIG_HELP,
    EXIT_FINDINGS,
    FORMAT_HELP,
    console,
    emit_findings,
    emit_json,
    guarded,
    out,
    output_format,
    print_findings,
    progress,
    styled,
)
from dbwright.model import DbwrightError, Severity

migrate_app = typer.Typer(help="Zero-downtime migrations: lint scripts, measure locks, plan expand/contract "
                               "phases, rehearse them under load, switch MySQL/MariaDB to PostgreSQL.",
                          no_args_is_help=True)


def _major(version: str | None) -> int | None:
    if version is None:
        return None
    try:
        return int(str(version).split(".")[0])
    except ValueError:
        raise typer.BadParameter(f"--engine-version {version!r}: give a PostgreSQL major version such as 15") from None


@migrate_app.command("lint")
@guarded
def lint_cmd(
    files: list[Path] = typer.Argument(..., help="SQL migration files (or Alembic revisions)"),
    engine: str = typer.Option("postgresql", "--engine", help="postgresql | mariadb | mysql"),
    engine_version: str | None = typer.Option(None, "--engine-version",
                                              help="Engine version, e.g. 15, 10.11 or 8.0.36 (default: PostgreSQL 15)"),
    pg_version: str | None = typer.Option(None, "--pg-version", hidden=True, help="Same as --engine-version."),
    version: str | None = typer.Option(None, "--version", hidden=True, help="Same as --engine-version."),
    assume_in_transaction: bool = typer.Option(False, "--assume-in-transaction",
                                               help="The runner wraps each file in a transaction"),
    schema: Path | None = typer.Option(None, "--schema", help="DDL of the current schema (types, FKs, indexes)"),
    fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
    config: Path = typer.Option(None, "--config", help=CONFIG_HELP),
    rule: list[str] = typer.Option([], "--rule", help="Enable an opt-in rule (e.g. MIG036); repeatable"),
    ignore: list[str] = typer.Option([], "--ignore", help="Skip a rule; repeatable"),
) -> None:
    """Lint migration scripts for locking, rewrite and compatibility hazards (rules MIG001…).

    Suppress one finding with a comment on its line or the line above:
    -- dbwright:ignore MIG011 reason"""
    cfg = api.load_config(config)
    fmt = output_format(fmt, False, cfg)
    results = [api.lint_migration(f, engine=engine, version=engine_version or pg_version or version,
                              assume_in_transaction=assume_in_transaction, schema=schema,
                              select=rule or None, ignore=ignore or None) for f in files]
    for r, f in zip(results, files, strict=True):
        r.findings = api.finalize_findings(r.findings, cfg, [f])
    if fmt == "json":
        emit_json([r.to_dict() for r in results] if len(results) > 1 else results[0].to_dict())
    elif fmt in ("sarif", "github"):
        emit_findings([f for r in results for f in r.findings], fmt)
    else:
        for r in results:
            print_findings(r.findings)
            console.print(api.lint_text(r).splitlines()[-1])
    if any(f.severity is Severity.ERROR for r in results for f in r.findings):
        raise typer.Exit(EXIT_FINDINGS)


@migrate_app.command("plan")
@guarded
def plan_cmd(
    from_: str = typer.Option(..., "--from", help="Current schema: DDL file, spec YAML, or PostgreSQL DSN (read-only)"),
    to: str = typer.Option(..., "--to", help="Target schema: DDL file, spec YAML, or PostgreSQL DSN (read-only)"),
    out_dir: Path | None = typer.Option(None, "-o", "--output", help="Write plan.md, phase SQL, rollback, Alembic, JSON"),
    out_legacy: Path | None = typer.Option(None, "--out", hidden=True, help="Same as --output."),
    force: bool = typer.Option(False, "--force", help="Replace an output folder dbwright wrote (files you added "
                               "are kept; anything else is refused)"),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON"),
    rename: list[str] = typer.Option([], "--rename", help="table.old=new or old_table=new_table; repeatable"),
    backfill: list[str] = typer.Option([], "--backfill", help="table.column=<SQL expression> for existing rows"),
    batch_size: int = typer.Option(1000, "--batch-size", help="Rows per backfill batch"),
    engine: str = typer.Option("postgresql", "--engine", help="postgresql | mariadb | mysql"),
    engine_version: str | None = typer.Option(None, "--engine-version",
                                              help="Target engine version, e.g. 15, 10.6 or 8.0.36"),
    pg_version: str | None = typer.Option(None, "--pg-version", hidden=True, help="Same as --engine-version."),
    version: str | None = typer.Option(None, "--version", hidden=True, help="Same as --engine-version."),
) -> None:
    """Diff two schemas on a throwaway engine and print a phased zero-downtime plan."""
    out_dir = out_dir or out_legacy
    version = engine_version or version or pg_version
    if engine in ("mariadb", "mysql"):
        with progress("diffing on a throwaway MariaDB"):
            mplan = api.plan_mysql_migration(from_, to, rename, engine, version)
        if as_json:
            emit_json(mplan.to_dict())
        else:
            for st in mplan.steps:
                out.print(f"-- [{st.phase}] {st.title}: ALGORITHM={st.algorithm} LOCK={st.lock}"
                          + (f"\n--   blocking: {st.why}\n--   instead: {st.online_tool}" if st.blocking else "")
                          + f"\n{st.sql};\n", markup=False)
            for p in mplan.prompts:
                console.print(styled(("decision needed:", "yellow"), f" {p}"))
        if mplan.blocking_steps():
            raise typer.Exit(EXIT_FINDINGS)
        return
    with progress("diffing on a throwaway PostgreSQL"):
        mp = api.plan_migration(from_, to, rename, backfill, _major(version), batch_size, out_dir, force=force)
    if as_json:
        emit_json(mp.to_dict())
    else:
        from dbwright.migration.outputs import render_markdown

        out.print(render_markdown(mp.plan), markup=False)
        if mp.files:
            console.print(f"wrote {len(mp.files)} files to {out_dir}")
    if mp.plan.prompts:
        console.print(styled((f"{len(mp.plan.prompts)} decision(s) needed — see 'Decisions needed'", "yellow")))
    if mp.plan.blocking_steps():
        raise typer.Exit(EXIT_FINDINGS)


@migrate_app.command("locks")
@guarded
def locks_cmd(
    file: Path = typer.Argument(..., help="SQL script whose statements to measure"),
    schema: Path | None = typer.Option(None, "--schema", help="DDL to create first (the tables it alters)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Run each statement on a throwaway PostgreSQL in a rolled-back transaction and report the locks
    it really took (pg_locks) and whether it rewrote the table, beside the static model."""
    with progress("measuring on a throwaway PostgreSQL"):
        rows = api.migration_locks(file, schema)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        locks = ", ".join(f"{lk['relation']}:{lk['mode'].removesuffix('Lock')}" for lk in r["locks"]) or "none"
        tag = "" if r["agree"] else "  [static model differs: " + str(r["static"]) + "]"
        out.print(f"line {r['line']}: {' '.join(r['sql'].split())[:80]}\n  locks {locks}"
                  + (f"; rewrites {', '.join(r['rewritten'])}" if r["rewritten"] else "")
                  + (f"; error: {r['error']}" if r["error"] else "") + tag, markup=False)


@migrate_app.command("rehearse")
@guarded
def rehearse_cmd(
    from_: str = typer.Option(..., "--from", help="Current schema DDL file"),
    to: str = typer.Option(..., "--to", help="Target schema DDL file"),
    rename: list[str] = typer.Option([], "--rename"),
    backfill: list[str] = typer.Option([], "--backfill"),
    rows: int = typer.Option(100_000, "--rows", help="Synthetic rows per table in the sandbox"),
    threads: int = typer.Option(2, "--threads", help="Concurrent workload sessions"),
    execute: bool = typer.Option(False, "--execute", help="Apply the plan to --dsn for real (explicit opt-in)"),
    dsn: str | None = typer.Option(None, "--dsn", help="Target database for --execute"),
    compare_naive: bool = typer.Option(False, "--compare-naive",
                                       help="Also rehearse the direct (unphased) DDL as a baseline"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Rehearse the plan on a sandbox under a read/write workload (or, with --execute --dsn, apply it)."""
    if execute or dsn:
        if not (execute and dsn):
            raise DbwrightError("applying to a real database needs both --execute and --dsn")
        results = api.execute_migration(dsn, from_, to, rename, backfill)
        if as_json:
            emit_json(results)
        else:
            for r in results:
                out.print(f"{r['phase']}: {r['title']} {r['seconds']:.2f}s"
                          + (f" ERROR {r['error']}" if r["error"] else ""), markup=False)
        if any(r["error"] for r in results):
            raise typer.Exit(EXIT_FINDINGS)
        return
    with progress(f"rehearsing with {rows} rows per table under load"):
        report = api.rehearse_migration(from_, to, rename, backfill, rows, threads, compare_naive=compare_naive)
    if as_json:
        emit_json(report)
    else:
        for s in report["steps"]:
            out.print(f"{s['phase']:9} {s['seconds']:7.3f}s  AE {s['longest_access_exclusive_ms']:6.1f} ms  "
                      f"wait {s['workload_longest_lock_wait_ms']:6.1f} ms  {s['title']}"
                      + (f"  ERROR {s['error']}" if s["error"] else ""), markup=False)
        for name, ok in report["checks"].items():
            out.print(f"{'ok  ' if ok else 'FAIL'} {name}", markup=False)
        out.print(f"longest ACCESS EXCLUSIVE hold {report['longest_access_exclusive_ms']} ms; longest lock wait "
                  f"seen by the workload {report['workload_longest_lock_wait_ms']} ms; "
                  f"{report['workload_ops']} workload operations", markup=False)
        if "naive_baseline" in report:
            nb = report["naive_baseline"]
            out.print(f"direct DDL baseline: longest ACCESS EXCLUSIVE hold {nb['longest_access_exclusive_ms']} ms; "
                      f"longest lock wait {nb['workload_longest_lock_wait_ms']} ms", markup=False)
    if not report["ok"]:
        raise typer.Exit(EXIT_FINDINGS)


@migrate_app.command("switch")
@guarded
def switch_cmd(
    source: str | None = typer.Option(None, "--source", help="SQLAlchemy URL of the MySQL/MariaDB source (read-only)"),
    schema_file: Path | None = typer.Option(None, "--schema-file", help="MySQL DDL script to load into a throwaway MariaDB"),
    data_copy: Path | None = typer.Option(None, "--data-copy", help="PostgreSQL COPY data to fill it (Sakila corpus)"),
    rehearse: bool = typer.Option(False, "--rehearse", help="Copy into a throwaway PostgreSQL and verify"),
    out_dir: Path | None = typer.Option(None, "-o", "--output", help="Write schema.sql, post.sql, RUNBOOK.md, JSON"),
    out_legacy: Path | None = typer.Option(None, "--out", hidden=True, help="Same as --output."),
    tool: str = typer.Option("debezium", "--cdc", help="debezium | dms"),
    force: bool = typer.Option(False, "--force", help="Replace an output folder dbwright wrote (files you added "
                               "are kept; anything else is refused)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """MySQL/MariaDB → PostgreSQL: type assessment, DDL, bulk copy + CDC runbook; --rehearse proves the copy."""
    out_dir = out_dir or out_legacy
    with progress("assessing the source"):
        report = api.switch_engine(source, schema_file, data_copy, rehearse, out_dir, tool, force=force)
    if as_json:
        emit_json(report)
    else:
        out.print(report["runbook"], markup=False)
        if rehearse:
            rows = report["rows"]
            out.print(f"rehearsal: {len(rows)} tables, {sum(v['source'] for v in rows.values())} rows; counts "
                      f"{'match' if all(v['source'] == v['target'] for v in rows.values()) else 'DIFFER'}; "
                      f"{report['ranges_checked']} primary-key ranges checked, "
                      f"{len(report['range_mismatches'])} mismatched", markup=False)
    if rehearse and not report.get("ok", True):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.add_typer(migrate_app, name="migrate")
