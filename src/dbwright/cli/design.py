"""Foundation commands: init, validate, design, erd, spec-schema."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import (
    CONFIG_HELP,
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    FORMAT_HELP,
    console,
    emit_findings,
    emit_json,
    engines_option,
    guarded,
    out,
    output_format,
    print_findings,
    print_write_notes,
    progress,
    styled,
)


def register(app: typer.Typer) -> None:
    """Add the foundation commands."""

    @app.command("init")
    @guarded
    def init(
        file: Path = typer.Argument(None, help="Where to write the starter spec."),
        blueprint: str = typer.Option("saas-ecommerce", "--blueprint", "-b", help="Starter to copy."),
        list_: bool = typer.Option(False, "--list", help="List the blueprints and exit."),
        force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    ) -> None:
        """Write a commented starter spec (see --list for the blueprints)."""
        if list_:
            for name, desc in api.list_blueprints():
                out.print(f"{name:16} {desc}")
            return
        if file is None:
            console.print(styled(("error:", "red"), " give a FILE to write, or --list"))
            raise typer.Exit(EXIT_BAD_INPUT)
        api.write_spec(file, blueprint, force=force)
        console.print(f"wrote {file} (blueprint {blueprint}); next: dbwright validate {file}")

    @app.command("validate")
    @guarded
    def validate(
        spec: Path = typer.Argument(..., help="The spec (YAML)."),
        fmt: str = typer.Option(None, "--format", help=FORMAT_HELP),
        config: Path = typer.Option(None, "--config", help=CONFIG_HELP),
        json_: bool = typer.Option(False, "--json", hidden=True, help="Same as --format json."),
    ) -> None:
        """Check a spec and report every error at once, with line, column and a fix."""
        cfg = api.load_config(config)
        fmt = output_format(fmt, json_, cfg)
        loaded = api.validate(spec)
        findings = api.finalize_findings(loaded.findings, cfg, [spec], errors_suppressible=False)
        ok = loaded.spec is not None and not any(f.severity is api.Severity.ERROR for f in findings)
        if fmt == "json":
            emit_json({"ok": ok, "findings": [f.to_dict() for f in findings]})
        elif fmt != "text":
            emit_findings(findings, fmt, {"spec": str(spec), "ok": ok})
        else:
            print_findings(findings)
            if ok:
                assert loaded.spec is not None
                console.print(styled(("ok", "green"), f" {spec}: {len(loaded.spec.entities)} entities, "
                                     f"{len(loaded.spec.access_patterns)} access patterns"))
            else:
                n = sum(1 for f in findings if f.severity is api.Severity.ERROR)
                console.print(styled((f"{n} error(s)", "red"), f" in {spec}"))
        if not ok:
            raise typer.Exit(EXIT_BAD_INPUT)

    @app.command("design")
    @guarded
    def design(
        spec: Path = typer.Argument(None, help="The spec (YAML); with --from, a partial spec of targets to overlay."),
        output: Path = typer.Option(..., "-o", "--output", help="Directory for the design package."),
        erd: bool = typer.Option(False, "--erd", help="Also write Mermaid ERDs (erd.mmd)."),
        engines: str = typer.Option(None, "--engines",
                                    help="Comma list of sqlite,postgresql,mariadb (default: every installed)."),
        json_: bool = typer.Option(False, "--json", help="Print design.json to stdout."),
        fmt: str = typer.Option(None, "--format", help="Findings as text | json | sarif | github on stdout "
                                "(json: the findings only; --json prints the whole design.json)."),
        config: Path = typer.Option(None, "--config", help=CONFIG_HELP),
        force: bool = typer.Option(False, "--force", help="Replace the contents of a non-empty OUTPUT."),
        no_verify: bool = typer.Option(False, "--no-verify", help="Skip verification on engines."),
        max_rows: int = typer.Option(2000, "--max-rows", help="Synthetic rows per table at most."),
        drills: str = typer.Option(None, "--drill", help="Also run these drills (comma list of pitr, disaster, "
                                   "failover, mariadb-pitr) on throwaway clusters and put predicted vs "
                                   "measured into the DR/HA section."),
        from_: str = typer.Option(None, "--from", help="Re-architect an existing database: a DSN (read-only) or a "
                                  "DDL file; SPEC, when given, overlays targets (scale, access patterns, RPO/RTO)."),
        schema: list[str] = typer.Option([], "--schema", help="With --from: schemas to read (globs, repeatable)"),
        no_rehearse: bool = typer.Option(False, "--no-rehearse", help="With --from: plan the migration, do not "
                                         "rehearse it on a sandbox"),
        rehearse_rows: int = typer.Option(2000, "--rehearse-rows", help="With --from: synthetic rows per table in "
                                          "the rehearsal"),
    ) -> None:
        """Design SPEC into OUTPUT and verify it on real engines (--from: starting from an existing database,
        with a Migration section: the phased plan from the current schema to the design, rehearsed)."""
        cfg = api.load_config(config)
        shown = "design.json" if json_ else output_format(fmt, False, cfg)
        opts = api.DesignOptions(engines=engines_option(engines) or cfg.engines, erd=erd or None,
                                 verify=not no_verify,
                                 max_rows_per_table=max_rows,
                                 drills=tuple(k.strip() for k in drills.split(",") if k.strip()) if drills else ())
        say = (lambda m: console.print(styled((m, "dim")))) if not json_ else (lambda m: None)
        if from_ is None and spec is None:
            raise typer.BadParameter("give a SPEC, or --from DSN|FILE (with an optional SPEC of targets)")
        with progress("designing") as _:
            if from_ is not None:
                result = api.design_from(from_, spec, output, opts, force=force, schemas=schema or None,
                                         rehearse=not no_rehearse, rehearse_rows=rehearse_rows, progress=say)
            else:
                result = api.design(spec, output, opts, force=force, progress=say)
        findings = api.finalize_findings(result.design.all_findings(), cfg, [spec] if spec else [])
        if json_:
            emit_json(result.to_dict())
        elif shown != "text":
            emit_findings(findings, shown, {"spec": str(spec or from_), "output": str(output)})
        else:
            print_findings([f for f in findings if f.severity is not api.Severity.INFO])
            for s in result.design.sections:
                out.print(styled((s.title, "bold"), f": {s.summary}"))
            for sk in result.design.skipped:
                console.print(styled(("skipped", "yellow"), f" {sk['engine']}: {sk['reason']}"))
            console.print(styled(("wrote", "green"), f" {len(result.files)} files to {output}/ (start with DESIGN.md)"))
        if result.written is not None:
            print_write_notes(result.written)
        if any(f.severity is api.Severity.ERROR for f in findings):
            raise typer.Exit(EXIT_FINDINGS)

    @app.command("erd")
    @guarded
    def erd(spec: Path = typer.Argument(..., help="The spec (YAML).")) -> None:
        """Print the Mermaid erDiagram of SPEC (split by subject area when large)."""
        typer.echo(api.erd(spec), nl=False)

    @app.command("spec-schema")
    @guarded
    def spec_schema() -> None:
        """Print the JSON Schema of the spec (for editor completion)."""
        emit_json(api.spec_json_schema())
