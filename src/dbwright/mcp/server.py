"""MCP server: dbwright's library API as Model Context Protocol tools (``dbwright-mcp``, stdio).

A thin layer, like the CLI: every tool calls one :mod:`dbwright.api` function and turns the result
into JSON. The API is imported lazily and each tool is registered only when the API function it
needs exists, so an area that is missing or broken removes its tools instead of the server.
Errors come back as ``{"ok": false, "error": ...}`` (with findings when there are any), never as
a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# api function name -> the api module that defines it (used when dbwright.api itself fails to import)
_API_MODULES = {
    "validate": "design", "design": "design", "erd": "design", "spec_json_schema": "design",
    "DesignOptions": "design", "list_blueprints": "blueprints", "init_spec": "blueprints",
    "plan_dr_file": "dr", "dr_plan_json": "dr", "dr_markdown": "dr",
    "fd_analyze": "normalize", "normalize": "normalize", "normalization_report": "normalize",
    "compare": "architecture", "recommend": "architecture", "list_engines": "architecture",
    "section_markdown": "architecture", "lint_migration": "migrate", "plan_migration": "migrate",
    "advise_indexes": "indexes", "inspect_database": "inspect", "critique": "critique",
}

INSTRUCTIONS = (
    "dbwright designs databases from a YAML requirements spec. Start with list_blueprints and "
    "init_spec to write a spec, check it with validate_spec (every error with its line and a fix), "
    "then design it into a directory (DESIGN.md, DDL per engine, models.py, design.json) or ask for "
    "one part: erd, dr_plan, normalize."
)


def api(name: str) -> Any:
    """The :mod:`dbwright.api` object called ``name``, or None when that area is unavailable."""
    try:
        return getattr(importlib.import_module("dbwright.api"), name)
    except (ImportError, AttributeError):
        pass
    except Exception:  # a broken area must not take the server down
        pass
    module = _API_MODULES.get(name)
    if module is None:
        return None
    try:
        return getattr(importlib.import_module(f"dbwright.api.{module}"), name)
    except Exception:
        return None


def _findings(findings: list[Any]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in findings]


def _error(exc: Exception) -> dict[str, Any]:
    out: dict[str, Any] = {"ok": False, "error": str(exc) or type(exc).__name__}
    findings = getattr(exc, "findings", None)
    if findings:
        out["findings"] = _findings(findings)
    return out


def _guarded(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """User errors (DbwrightError and its subclasses) become an error result, not an exception."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> dict[str, Any]:
        error_type = api("DbwrightError") or Exception
        try:
            # stdout carries the JSON-RPC stream under stdio: anything a library prints goes to stderr
            with contextlib.redirect_stdout(sys.stderr):
                return fn(*args, **kwargs)
        except error_type as exc:
            return _error(exc)
        except (OSError, ValueError) as exc:
            return _error(exc)

    return wrapper


def _spec_path(spec_path: str | None, spec_text: str | None, tmp: Path) -> Path:
    if (spec_path is None) == (spec_text is None):
        error_type = api("DbwrightError") or ValueError
        raise error_type("give exactly one of spec_path (a YAML file) or spec_text (its content)")
    if spec_text is not None:
        path = tmp / "spec.yaml"
        path.write_text(spec_text, encoding="utf-8")
        return path
    return Path(spec_path or "")


# ---- tools -------------------------------------------------------------------------------------


@_guarded
def validate_spec(spec_path: str | None = None, spec_text: str | None = None) -> dict[str, Any]:
    """Check a dbwright spec: every mistake at once, each with file, line, column, field path and a fix.

    Give either spec_path (a YAML file) or spec_text (the YAML itself).
    """
    with tempfile.TemporaryDirectory(prefix="dbwright-mcp-") as tmp:
        loaded = api("validate")(_spec_path(spec_path, spec_text, Path(tmp)))
    findings = _findings(loaded.findings)
    if spec_text is not None:
        for f in findings:
            f["location"]["file"] = None
    return {"ok": bool(loaded.ok), "findings": findings,
            "entities": sorted(loaded.spec.entities) if loaded.spec is not None else []}


@_guarded
def design(spec_path: str, out_dir: str, engines: list[str] | None = None, erd: bool | None = None,
           verify: bool = True, force: bool = False, drills: list[str] | None = None) -> dict[str, Any]:
    """Design a spec and write the design package (DESIGN.md, design.json, DDL, models.py) to out_dir.

    engines: e.g. ["sqlite", "postgresql", "mariadb"] (default: SQLite plus every installed server
    engine). A non-empty out_dir is replaced only with force=true. drills: e.g. ["pitr"] also runs
    those recovery drills on throwaway clusters and adds predicted vs measured to the DR/HA section.
    """
    options = api("DesignOptions")(engines=tuple(engines) if engines else None, erd=erd, verify=verify,
                                   drills=tuple(drills or ()))
    result = api("design")(spec_path, out_dir, options, force=force)
    findings = result.design.all_findings()
    return {
        "ok": not result.has_errors,
        "out_dir": str(result.out_dir) if result.out_dir else out_dir,
        "files": [str(p) for p in result.files],
        "sections": [{"name": s.name, "title": s.title, "summary": s.summary} for s in result.design.sections],
        "findings": _findings(findings),
        "verification": result.verification,
    }


@_guarded
def erd(spec_path: str) -> dict[str, Any]:
    """Mermaid erDiagram of a spec's schema, with cardinalities (split by subject area when large)."""
    return {"ok": True, "mermaid": api("erd")(spec_path)}


@_guarded
def dr_plan(spec_path: str) -> dict[str, Any]:
    """Disaster-recovery and high-availability plan for a spec: backups, PITR, HA, failover, gaps.

    Every number comes with its formula and inputs.
    """
    section = api("plan_dr_file")(spec_path)
    out: dict[str, Any] = {"ok": True, "plan": api("dr_plan_json")(section)}
    markdown = api("dr_markdown")
    if markdown is not None:
        out["markdown"] = markdown(section)
    return out


@_guarded
def list_blueprints() -> dict[str, Any]:
    """The starter specs that init_spec can write, with a one-line description each."""
    return {"ok": True, "blueprints": [{"name": n, "description": d} for n, d in api("list_blueprints")()]}


@_guarded
def init_spec(blueprint: str = "minimal") -> dict[str, Any]:
    """The text of a commented starter spec (see list_blueprints), to save as spec.yaml and edit."""
    return {"ok": True, "spec": api("init_spec")(blueprint)}


@_guarded
def spec_schema() -> dict[str, Any]:
    """JSON Schema of the spec format (every section and field with its description)."""
    return {"ok": True, "schema": api("spec_json_schema")()}


@_guarded
def normalize(source: str, target: str = "3nf", table: str | None = None) -> dict[str, Any]:
    """Normalize a spec entity with functional dependencies, or data (CSV, JSON lines), to 3NF or BCNF.

    Returns the proposed tables, keys, foreign keys and the reasoning.
    """
    result = api("normalize")(source, table=table, target=target)
    out: dict[str, Any] = {"ok": True, "result": result}
    report = api("normalization_report")
    if report is not None:
        out["report"] = report(result)
    return out


@_guarded
def fd_analyze(path: str) -> dict[str, Any]:
    """Candidate keys, normal form, minimal cover, 3NF synthesis and BCNF decomposition per case."""
    return {"ok": True, "cases": api("fd_analyze")(path)}


@_guarded
def compare_engines(engines: list[str], spec_path: str) -> dict[str, Any]:
    """Compare database engines for a spec (e.g. ["postgresql", "mongodb"]): a verdict that may be
    "neither — consider X", per-dimension reasons with cited facts, and polyglot suggestions."""
    return {"ok": True, "comparison": api("compare")(engines, spec_path)}


@_guarded
def recommend_technology(spec_path: str) -> dict[str, Any]:
    """The technology recommendation for a spec: ranked engines, the runner-up and when it would win."""
    section = api("recommend")(spec_path)
    out: dict[str, Any] = {"ok": True, "section": section.to_dict()}
    markdown = api("section_markdown")
    if markdown is not None:
        out["markdown"] = markdown(section)
    return out


@_guarded
def list_engines() -> dict[str, Any]:
    """The engine catalogue: id, name, category, roles, licence and managed offerings."""
    return {"ok": True, "engines": api("list_engines")()}


@_guarded
def lint_migration(path: str, engine: str = "postgresql", version: str | None = None) -> dict[str, Any]:
    """Lint a migration script (SQL or an Alembic revision) for locking and safety problems."""
    result = api("lint_migration")(path, engine=engine, version=version)
    return {"ok": not any(f.severity.value == "error" for f in result.findings), **result.to_dict()}


@_guarded
def plan_migration(from_schema: str, to_schema: str, renames: list[str] | None = None) -> dict[str, Any]:
    """Plan a zero-downtime change between two schemas (DDL files) as expand/migrate/contract phases.

    renames: e.g. ["customer.name=full_name"]. Runs the diff on a throwaway PostgreSQL.
    """
    plan = api("plan_migration")(from_schema, to_schema, renames=renames)
    return {"ok": True, "plan": plan.to_dict()}


@_guarded
def advise_indexes(spec_path: str, budget_mb: float | None = None, max_indexes: int | None = None,
                   planner: bool = False, time_limit: float | None = None) -> dict[str, Any]:
    """Recommend indexes for a spec's access patterns within a size budget, with the reasoning.

    planner=true proves the choice with the PostgreSQL planner on a sandbox (needs PostgreSQL).
    time_limit: seconds for the search (default 60); then the best set found so far is returned.
    """
    advice = api("advise_indexes")(spec_path, budget_mb=budget_mb, max_indexes=max_indexes, planner=planner,
                                   time_limit=time_limit)
    return {"ok": True, "section": advice.to_dict(), "markdown": advice.markdown, "files": advice.files}


@_guarded
def run_drill(kind: str, mode: str | None = None, settings: str | None = None, kills: int | None = None,
              scale_mb: float | None = None, stall_s: float | None = None) -> dict[str, Any]:
    """Run a recovery drill on throwaway loopback clusters (never on a user's database).

    kind: pitr | disaster | failover | mariadb-pitr. Returns predicted vs measured RTO (with phases),
    acknowledged commits and how many were lost, rows after the target (pitr), one entry per kill
    (failover). mode: async | sync (failover, disaster); settings: default | tuned (failover);
    kills: kills per settings × mode; scale_mb: data to load (pitr, disaster, mariadb-pitr);
    stall_s: stop the leader's WAL senders this long before each kill (failover). Takes ~30 s
    (pitr) to several minutes (failover with both settings and modes).
    """
    given = {"mode": mode, "settings": settings, "kills": kills, "scale_mb": scale_mb, "stall_s": stall_s}
    result = api("drill")(kind, history=False, **{k: v for k, v in given.items() if v is not None})
    return {"ok": bool(result.get("passed")), "result": result}


@_guarded
def inspect_database(source: str, out_dir: str | None = None, schemas: list[str] | None = None,
                     sample_rows: int = 0, force: bool = False) -> dict[str, Any]:
    """Reverse-engineer an existing database, read-only: a DSN (postgresql://…, mysql://…, sqlite:///…) or a
    DDL file (pg_dump, mysqldump, SQLite script). Returns the summary, relations (declared and inferred, with
    evidence and confidence) and the spec YAML; with out_dir also writes spec.yaml, docs and ERDs there.
    schemas: globs to read (default all); sample_rows: rows per table to read for inclusion dependencies.
    """
    r = api("inspect_database")(source, out_dir, schemas, None, None, sample_rows, force)
    return {"ok": not r.has_errors, **r.to_dict(), "spec_yaml": r.spec_yaml}


@_guarded
def critique_schema(source: str, schemas: list[str] | None = None, sample_rows: int = 0,
                    format: str = "json") -> dict[str, Any]:
    """Critique an existing database's design (DSN read-only, or a DDL file) with the SCH rules: each finding
    with its location (schema.table.column, file:line for a file), rationale and a fix as SQL.
    format: json (structured findings) or sarif.
    """
    report = api("critique")(source, schemas, None, None, sample_rows)
    out: dict[str, Any] = {"ok": not report.has_errors, **report.summary(),
                           "findings": _findings(report.findings), "skipped": report.skipped}
    if format == "sarif":
        import json

        out["sarif"] = json.loads(report.render("sarif"))
    return out


# tool -> the api functions it needs; a tool is offered only when all of them exist
TOOLS: dict[str, tuple[Callable[..., dict[str, Any]], tuple[str, ...]]] = {
    "validate_spec": (validate_spec, ("validate",)),
    "design": (design, ("design", "DesignOptions")),
    "erd": (erd, ("erd",)),
    "dr_plan": (dr_plan, ("plan_dr_file", "dr_plan_json")),
    "list_blueprints": (list_blueprints, ("list_blueprints",)),
    "init_spec": (init_spec, ("init_spec",)),
    "spec_schema": (spec_schema, ("spec_json_schema",)),
    "normalize": (normalize, ("normalize",)),
    "fd_analyze": (fd_analyze, ("fd_analyze",)),
    "compare_engines": (compare_engines, ("compare",)),
    "recommend_technology": (recommend_technology, ("recommend",)),
    "list_engines": (list_engines, ("list_engines",)),
    "lint_migration": (lint_migration, ("lint_migration",)),
    "plan_migration": (plan_migration, ("plan_migration",)),
    "advise_indexes": (advise_indexes, ("advise_indexes",)),
    "run_drill": (run_drill, ("drill",)),
    "inspect_database": (inspect_database, ("inspect_database",)),
    "critique_schema": (critique_schema, ("critique",)),
}


def available_tools() -> list[str]:
    """Names of the tools whose API functions exist in this installation."""
    return [name for name, (_fn, needs) in TOOLS.items() if all(api(n) is not None for n in needs)]


def _server_class() -> Any:
    try:  # mcp >= 2
        from mcp.server.mcpserver import MCPServer

        return MCPServer
    except ImportError:  # mcp 1.x
        from mcp.server.fastmcp import FastMCP  # type: ignore[attr-defined]

        return FastMCP


def build_server() -> Any:
    """An MCP server with every available tool registered."""
    server = _server_class()("dbwright", instructions=INSTRUCTIONS)
    for name in available_tools():
        fn = TOOLS[name][0]
        server.tool(name=name, description=inspect.getdoc(fn))(fn)
    return server


def main() -> None:
    """Console entry ``dbwright-mcp``: serve over stdio."""
    build_server().run("stdio")


if __name__ == "__main__":
    main()
