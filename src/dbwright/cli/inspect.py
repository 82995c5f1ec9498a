"""Commands for existing databases: ``inspect`` (spec, docs, ERDs) and ``critique`` (schema rules)."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import (
    EXIT_FINDINGS,
    console,
    emit_json,
    guarded,
    out,
    print_findings,
    progress,
    styled,
)

SOURCE_HELP = ("A DSN (postgresql://…, mysql://…, sqlite:///file.db) — read-only — or a DDL file (pg_dump or "
               "psql script, mysqldump, SQLite script)")


def register(app: typer.Typer) -> None:
    """Add the inspect and critique commands."""

    @app.command("inspect")
    @guarded
    def inspect_cmd(
        source: str = typer.Argument(..., help=SOURCE_HELP),
        output: Path = typer.Option(..., "-o", "--output", help="Directory for spec.yaml, docs, ERDs, inspect.json"),
        schema: list[str] = typer.Option([], "--schema", help="Schemas to read (globs, repeatable; default: all)"),
        exclude_schema: list[str] = typer.Option([], "--exclude-schema", help="Schemas to leave out (globs)"),
        engine: str | None = typer.Option(None, "--engine", help="Dialect of a DDL file: postgresql|mysql|sqlite "
                                          "(default: detected)"),
        sample_rows: int = typer.Option(0, "--sample-rows", help="Also read up to N rows per table (read-only) for "
                                        "inclusion dependencies and value checks"),
        force: bool = typer.Option(False, "--force", help="Replace the contents of a non-empty OUTPUT"),
        json_: bool = typer.Option(False, "--json", help="Print the summary and relations as JSON"),
    ) -> None:
        """Reverse-engineer a database: a spec that validates and designs, Markdown docs (a page per table),
        ERDs per schema under Mermaid's size cap, and relations inferred with their evidence."""
        with progress("inspecting"):
            r = api.inspect_database(source, output, schema or None, exclude_schema or None, engine, sample_rows, force)
        if json_:
            emit_json(r.to_dict())
        else:
            s = r.summary()
            print_findings(r.findings)
            out.print(f"{s['engine']} {s['version']}: {s['tables']} tables, {s['views']} views in "
                      f"{len(s['schemas'])} schema(s); {s['declared_foreign_keys']} declared foreign keys, "
                      f"{s['inferred_relations']} inferred relations "
                      f"({s['inferred_by_confidence']['high']} high confidence)", markup=False)
            out.print(f"wrote {len(r.files)} files to {r.out_dir}: spec.yaml ({s['spec_entities']} entities), "
                      f"README.md, tables/, erd/ ({len(r.erds)} diagram(s), largest "
                      f"{max(s['erds'].values(), default=0):,} characters) in {s['timings_s']['total']:.1f} s",
                      markup=False)
            for n in r.database.notes:
                console.print(styled(("note:", "cyan"), f" {n}"))
        if r.has_errors:
            raise typer.Exit(EXIT_FINDINGS)

    @app.command("critique")
    @guarded
    def critique_cmd(
        source: str = typer.Argument(..., help=SOURCE_HELP),
        fmt: str = typer.Option("text", "--format", help="text | json | sarif | github"),
        schema: list[str] = typer.Option([], "--schema", help="Schemas to read (globs, repeatable; default: all)"),
        exclude_schema: list[str] = typer.Option([], "--exclude-schema", help="Schemas to leave out (globs)"),
        engine: str | None = typer.Option(None, "--engine", help="Dialect of a DDL file (default: detected)"),
        sample_rows: int = typer.Option(0, "--sample-rows", help="Read up to N rows per table (read-only) for "
                                        "data checks (delimited lists, empty columns)"),
        select: list[str] = typer.Option([], "--select", help="Only these rule codes (repeatable)"),
        ignore: list[str] = typer.Option([], "--ignore", help="Skip these rule codes (repeatable)"),
        output: Path | None = typer.Option(None, "-o", "--output", help="Also write the report to this file"),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing report file"),
    ) -> None:
        """Check a database's design against the schema rules (SCH…): each finding located as
        schema.table.column (file:line for a DDL file), with the rationale and a fix as SQL."""
        if fmt not in api.critique_formats():
            raise typer.BadParameter(f"--format must be one of {', '.join(api.critique_formats())}")
        with progress("critiquing"):
            report = api.critique(source, schema or None, exclude_schema or None, engine, sample_rows,
                              select or None, ignore or None)
        text = report.render(fmt)
        if output is not None:
            from dbwright.io import write_file

            write_file(output, text, force=force)  # atomic; never through a symlink or over a special file
        if fmt == "text":
            out.print(text, markup=False, highlight=False)
        else:
            out.file.write(text if text.endswith("\n") else text + "\n")
        if report.has_errors:
            raise typer.Exit(EXIT_FINDINGS)
