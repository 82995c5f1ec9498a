"""Commands of the 'indexes' area: ``dbwright indexes SPEC|--dsn DSN [--workload FILE] [--budget-mb N]``."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import console, emit_json, guarded, out, print_findings, progress


def register(app: typer.Typer) -> None:
    """Add the `indexes` command."""
    app.command("indexes")(indexes)


@guarded
def indexes(spec: Path | None = typer.Argument(None, help="The requirements spec (YAML), or a DDL file (.sql) "
                                             "used with --workload."),
            dsn: str | None = typer.Option(None, "--dsn", help="A live PostgreSQL database (read-only): "
                                           "schema, statistics and existing indexes are read from it."),
            workload: Path | None = typer.Option(None, "--workload", help="SQL file of the workload "
                                                 "('-- weight: N' before a statement sets its frequency)."),
            budget_mb: float | None = typer.Option(None, "--budget-mb", help="Storage budget for new indexes, MB."),
            max_indexes: int | None = typer.Option(None, "--max-indexes", help="At most this many new indexes."),
            execute_check: bool = typer.Option(False, "--execute-check", help="Build the picks for real on "
                                               "the sandbox and compare EXPLAIN ANALYZE times and sizes."),
            time_limit: float | None = typer.Option(None, "--time-limit", help="Seconds for the index search "
                                                    "(default 60); then the best set found so far is used."),
            schema: list[str] = typer.Option([], "--schema", help="With --dsn: only this schema (repeat for "
                                             "several; default every user schema)."),
            no_planner: bool = typer.Option(False, "--no-planner", help="Rule-based plan only (no PostgreSQL)."),
            json_: bool = typer.Option(False, "--json", help="Print the index section as JSON.")) -> None:
    """Recommend indexes for a whole workload under a storage budget, proven by the PostgreSQL planner.

    Every candidate gets a verdict (picked, budget, redundant, little-gain, write-cost); the picks
    come as CREATE INDEX CONCURRENTLY (PostgreSQL) and MariaDB/MySQL/SQLite statements.
    """
    with progress("planning indexes"):
        advice = api.advise_indexes(spec, dsn=dsn, workload=workload, budget_mb=budget_mb, max_indexes=max_indexes,
                                execute_check=execute_check, planner=not no_planner,
                                time_limit=time_limit, schemas=[s for x in schema for s in x.split(",") if s],
                                progress=lambda m: console.print(m) if not json_ else None)
    if json_:
        emit_json(advice.to_dict())
        return
    out.print(f"## {advice.section.title}\n\n{advice.section.summary}\n", markup=False)
    out.print(advice.markdown, markup=False)
    print_findings(advice.section.findings)
