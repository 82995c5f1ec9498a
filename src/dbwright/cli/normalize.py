"""Commands of the normalization area: ``fd analyze``, ``profile``, ``normalize``."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import EXIT_FINDINGS, console, emit_json, guarded, out, progress, styled

fd_app = typer.Typer(help="Functional-dependency theory: keys, normal forms, covers, decompositions.",
                     no_args_is_help=True)


def _sets(items: list[list[str]] | None) -> str:
    if items is None:
        return "—"
    return "  ".join("(" + ", ".join(x) + ")" for x in items)


@fd_app.command("analyze")
@guarded
def fd_analyze_cmd(
    file: Path = typer.Argument(..., help="A YAML file of cases (attributes + fds), or a folder of them"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text"),
    all_covers: bool = typer.Option(False, "--all-covers", help="Also list every minimal cover (≤ 12 attributes)"),
) -> None:
    """Print candidate keys, normal form, minimal cover, 3NF synthesis and BCNF decomposition per case."""
    results = api.fd_analyze(file, all_covers)
    if as_json:
        emit_json(results)
        return
    failed = 0
    for r in results:
        bad = [k for k, ok in r["checks"].items() if not ok]
        failed += bool(bad)
        out.print(styled((r["name"], "bold"), f"  ({', '.join(r['attributes'])})"))
        out.print(f"  candidate_keys:     {_sets(r['candidate_keys'])}")
        out.print(f"  normal_form:        {r['normal_form']}")
        out.print(f"  minimal_cover:      {'; '.join(r['minimal_cover'])}")
        for i, cover in enumerate(r.get("all_minimal_covers", []), start=1):
            out.print(f"    cover {i}: {'; '.join(cover)}")
        out.print(f"  synthesis_3nf:      {_sets(r['synthesis_3nf'])}")
        lost = r["bcnf_lost_dependencies"]
        out.print(f"  bcnf_decomposition: {_sets(r['bcnf_decomposition'])}"
                  + (f"  (loses {'; '.join(lost)})" if lost else ""))
        if r["checks"]:
            out.print(styled("  checks:             ", ("all stated answers match", "green") if not bad
                             else (f"mismatch: {', '.join(bad)}", "red")))
    console.print(f"{len(results)} case(s); {len(results) - failed} match every stated answer")
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


def _profile_cmd(
    data: str = typer.Argument(..., help="CSV, JSON-lines file, or a database URL (with --table)"),
    table: str = typer.Option(None, "--table", help="Table to read from a database URL (read-only, sampled)"),
    max_lhs: int = typer.Option(3, "--max-lhs", help="Largest left side to mine"),
    error: float = typer.Option(0.0, "--error", help="Also mine approximate FDs up to this error (TANE), e.g. 0.02"),
    sample: int = typer.Option(200_000, "--sample", help="Rows to sample from larger inputs"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    write_spec: Path = typer.Option(None, "--write-spec", help="Write the likely FDs into this spec (created if missing)"),
) -> None:
    """Mine functional dependencies, keys and inclusion dependencies from data (Desbordante)."""
    with progress("profiling"):
        result = api.profile_data(data, table, max_lhs, error, sample)
    if write_spec is not None:
        result["written"] = api.write_spec_fds(result, write_spec)
    if as_json:
        emit_json(result)
        return
    out.print(styled((result["table"], "bold"), f": {result['rows_sampled']} of {result['rows_total']} rows"
                     + (" (sampled)" if result["sampled"] else "") + f", {len(result['columns'])} columns"))
    out.print("columns: " + ", ".join(f"{c['name']}:{c['type']} ({c['distinct']} distinct)" for c in result["columns"]))
    out.print(styled("\n", ("functional dependencies", "bold"),
                     " (suggestions: confirm the ones that hold in the domain)"))
    for f in result["fds"]:
        style = {"likely": "green", "possible": "yellow", "accidental": "dim"}[f["confidence"]]
        err = f" error {f['error']:.2%}" if f["error"] else ""
        out.print(styled("  ", (f"{f['score']:.2f} {f['confidence']:<10}", style),
                         f" {f['fd']}{err}  — {'; '.join(f['reasons'])}"))
    out.print(styled("\n", ("unique column combinations", "bold"), " (key candidates): "
                     + "  ".join("(" + ", ".join(u) + ")" for u in result["unique_column_combinations"][:10])))
    if result["inclusion_dependencies"]:
        out.print(styled(("inclusion dependencies", "bold"), " (foreign-key candidates): "
                         + "; ".join(f"{i['dependent']} ⊆ {i['referenced']}" for i in result["inclusion_dependencies"])))
    out.print(f"\ntimings: {result['timings_s']} ({result['engine']})")
    if "written" in result:
        w = result["written"]
        out.print(f"wrote {len(w['added'])} dependency(ies) into {w['spec']} entity {w['entity']}")


def _normalize_cmd(
    source: str = typer.Argument(..., help="A spec with functional_dependencies, or data (CSV, JSON lines, DB URL)"),
    output: Path = typer.Option(None, "-o", "--output", help="Write the report, DDL and fill SQL here"),
    target: str = typer.Option("3nf", "--target", help="3nf (dependency-preserving) or bcnf"),
    table: str = typer.Option(None, "--table", help="Table of a database URL"),
    fd: list[str] = typer.Option(None, "--fd", help="A confirmed FD 'a,b -> c' (repeat); default: likely mined FDs"),
    max_lhs: int = typer.Option(3, "--max-lhs", help="Largest left side to mine"),
    engines: str = typer.Option("sqlite,postgresql", "--engines", help="Engines for the lossless proof"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder"),
) -> None:
    """Propose normalized tables with keys, foreign keys, DDL, fill SQL and a lossless-join proof."""
    names = tuple(e.strip() for e in engines.split(",") if e.strip())
    with progress("normalizing"):
        result = api.normalize(source, table, target.lower(), max_lhs, fd or None, names)
    written = api.write_normalization(result, output, force) if output is not None else []
    if as_json:
        emit_json(result)
    else:
        out.print(api.normalization_report(result), markup=False, highlight=False)
        for w in written:
            console.print(f"wrote {w}")
    findings = list(result.get("findings", [])) + [f for p in result["tables"] for f in p.get("findings", [])]
    if any(f["severity"] == "error" for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.add_typer(fd_app, name="fd")
    app.command("profile")(guarded(_profile_cmd))
    app.command("normalize")(guarded(_normalize_cmd))
