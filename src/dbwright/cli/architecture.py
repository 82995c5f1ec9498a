"""Commands of the 'architecture' area: ``dbwright compare``, ``dbwright capacity``, ``dbwright engines``."""

from __future__ import annotations

from pathlib import Path

import typer

from dbwright import api
from dbwright.cli.common import emit_json, guarded, out, print_findings, progress


@guarded
def compare(engines: list[str] = typer.Argument(..., help="Engines to compare, e.g. postgresql mongodb."),
            spec: Path = typer.Option(..., "--spec", "-s", help="The requirements spec (YAML)."),
            json_: bool = typer.Option(False, "--json", help="Print scores, needs and reasons as JSON.")) -> None:
    """Compare ENGINES for SPEC: weighted scores per dimension, the verdict (which one, or 'neither —
    consider X' when another engine of the catalogue scores clearly higher), and polyglot advice."""
    result = api.compare(list(engines), spec)
    if json_:
        emit_json(result)
        return
    out.print(f"Verdict: {result['verdict']}\n", markup=False)
    for r in result["listed"]:
        out.print(f"{r['name']}: {r['score']:.1f}/100" + (f"  gated: {'; '.join(r['gates'])}" if r["gates"] else ""),
                  markup=False)
        for line in result["reasons"].get(r["engine"], []):
            out.print(f"    {line}", markup=False)
    best = result["best_overall"][0]
    out.print(f"\nBest in the catalogue: {best['name']} ({best['score']:.1f})", markup=False)
    for p in result["polyglot"]:
        out.print(f"Polyglot: {p['name']} for {p['role']} ({', '.join(p['patterns'])}): {p['flow']}", markup=False)


@guarded
def capacity(spec: Path = typer.Argument(..., help="The requirements spec (YAML)."),
             measure: bool = typer.Option(True, "--measure/--no-measure", help="Measure per-node throughput on a "
                                          "throwaway PostgreSQL (SQLite when not installed); --no-measure uses the "
                                          "stated planning default."),
             node_cores: int = typer.Option(16, "--node-cores", help="vCPUs of a production node."),
             json_: bool = typer.Option(False, "--json", help="Print the scaling section as JSON.")) -> None:
    """Capacity plan for SPEC: 1/3/5-year projections, headroom, replicas, pooling, partitioning,
    sharding, ingestion — every number with its formula or measurement."""
    with progress("measuring per-node throughput" if measure else "planning capacity"):
        section = api.capacity(spec, measure=measure, node_cores=node_cores)
    if json_:
        emit_json(section.to_dict())
        return
    out.print(api.section_markdown(section), markup=False)
    print_findings(section.findings)


@guarded
def engines(json_: bool = typer.Option(False, "--json", help="Print the catalogue as JSON.")) -> None:
    """List the engine catalogue (categories, roles, managed offerings)."""
    rows = api.list_engines()
    if json_:
        emit_json(rows)
        return
    for r in rows:
        out.print(f"{r['id']:<12} {r['category']:<16} {', '.join(r['roles']):<24} {r['name']}", markup=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.command("compare")(compare)
    app.command("capacity")(capacity)
    app.command("engines")(engines)
