"""Commands of the 'dr' area: ``dbwright dr plan SPEC [--json] [--out DIR]``."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import EXIT_FINDINGS, console, emit_json, guarded, out, print_findings
from dbwright.model import has_errors

dr_app = typer.Typer(help="Disaster recovery and high availability: plans computed from the spec.",
                     no_args_is_help=True)


@dr_app.command("plan")
@guarded
def plan(spec: Path = typer.Argument(..., help="The requirements spec (YAML)."),
         json_: bool = typer.Option(False, "--json", help="Print the plan as JSON (every number with its "
                                    "formula and inputs)."),
         out_dir: Path | None = typer.Option(None, "--output", "-o", help="Also write the generated configs "
                                             "and runbooks into this directory."),
         out_legacy: Path | None = typer.Option(None, "--out", hidden=True, help="Same as --output."),
         force: bool = typer.Option(False, "--force", help="Replace an output folder dbwright wrote (files you "
                                    "added are kept; anything else is refused)")) -> None:
    """Plan backups, PITR, HA, failover, availability, durability and multi-region DR for SPEC.

    Exit 1 when the plan has error-level gaps (DR rules), 2 on a bad spec.
    """
    out_dir = out_dir or out_legacy
    section = api.plan_dr_file(spec)
    if out_dir is not None:
        written = api.write_dr_files(section, out_dir, force=force)
        console.print(f"wrote {len(written)} files under {out_dir}")
    if json_:
        data = api.dr_plan_json(section)
        data["files"] = sorted(api.dr_files(section))
        emit_json(data)
    else:
        out.print(api.dr_markdown(section), markup=False)
        print_findings(section.findings)
    if has_errors(section.findings):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    """Add the `dr` command group."""
    app.add_typer(dr_app, name="dr")
