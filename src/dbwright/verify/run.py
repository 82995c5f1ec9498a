"""Verification of a design on real engines: one sandbox per engine per run, shared by every check.

SQLite always; PostgreSQL and MariaDB when their binaries are installed (or required by the
caller). Each engine: apply the rendered DDL → reflect and compare → load synthetic data → run
every access pattern with its plan → extra checks registered by other areas (index proof,
throughput) that reuse the same sandbox and data.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa

from dbwright.ddl.emit import render_ddl
from dbwright.engines import mariadb, postgresql, sqlite
from dbwright.engines.base import EngineUnavailable
from dbwright.model import Finding, Location, Severity
from dbwright.stages.context import DesignContext
from dbwright.verify.data import generate, load
from dbwright.verify.patterns import check_names, run_patterns
from dbwright.verify.roundtrip import round_trip

ENGINES = ("sqlite", "postgresql", "mariadb")
DIALECT = {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mysql"}
INSTALL_HINT = {"postgresql": "install postgresql-15 (Debian) to verify on PostgreSQL",
                "mariadb": "install mariadb-server (Debian) to verify on MariaDB"}

# Further checks that reuse the sandbox: "module:function" taking (ctx, engine_name, box, url) and
# returning a JSON-able dict (or None to say "not applicable").
EXTRA_CHECKS: tuple[str, ...] = ("dbwright.verify.index_proof:design_check", "dbwright.verify.throughput:check",
                                 "dbwright.verify.rule_proof:check")

Progress = Callable[[str], None]


def _available(name: str) -> bool:
    return {"sqlite": sqlite.available, "postgresql": postgresql.available,
            "mariadb": mariadb.available}[name]()


@contextlib.contextmanager
def _sandbox(name: str) -> Iterator[Any]:
    if name == "sqlite":
        with sqlite.sandbox() as box:
            yield box
    elif name == "postgresql":
        with postgresql.PostgresCluster() as box:
            yield box
    else:
        with mariadb.MariaDBInstance() as box:
            yield box


def select_engines(requested: tuple[str, ...] | None) -> tuple[list[str], list[dict[str, str]]]:
    """Engines to run and the ones skipped with the reason."""
    skipped: list[dict[str, str]] = []
    if requested is None:
        chosen = [e for e in ENGINES if _available(e)]
        skipped = [{"engine": e, "reason": f"server binaries not installed; {INSTALL_HINT[e]}"}
                   for e in ENGINES if e not in chosen]
        return chosen, skipped
    missing = [e for e in requested if not _available(e)]
    if missing:
        raise EngineUnavailable("; ".join(INSTALL_HINT.get(e, e) for e in missing))
    return list(requested), [{"engine": e, "reason": "not requested (--engines)"}
                             for e in ENGINES if e not in requested]


def verify_on(ctx: DesignContext, name: str, box: Any, cap: int, progress: Progress) -> dict[str, Any]:
    dialect = DIALECT[name]
    md: sa.MetaData = ctx.options["metadata_by_dialect"][dialect]
    url = box.create_database("dbwright_verify")
    result: dict[str, Any] = {"engine": name, "version": box.version, "status": "ran"}
    progress(f"{name}: applying DDL and reflecting")
    rt = round_trip(md, render_ddl(md, dialect), url, name, box.version)
    result["round_trip"] = {"statements": rt.statements, "tables": rt.tables, "error": rt.error,
                            "differences": [str(d) for d in rt.differences]}
    if rt.error:
        return result
    engine = sa.create_engine(url)
    try:
        progress(f"{name}: loading synthetic data")
        ds = generate(md, cap=cap, naive_times=(name != "postgresql"))
        seconds = load(engine, md, ds)
        result["data"] = {"rows": {t: len(r) for t, r in ds.rows.items()}, "scale": ds.scale,
                          "generate_s": round(ds.seconds, 3), "load_s": round(seconds, 3), "cap": cap}
        if name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        progress(f"{name}: running access patterns")
        hier = {k: v.style for k, v in ctx.options["schema_choices"].hierarchies.items()}
        runs = run_patterns(ctx.spec, md, engine, dialect, hier)
        result["patterns"] = [asdict(r) for r in runs]
        for check in EXTRA_CHECKS:
            mod, fn = check.split(":")
            out = getattr(importlib.import_module(mod), fn)(ctx, name, box, url)
            if out is not None:
                result.setdefault("extra", {})[mod.rsplit(".", 1)[-1]] = out
    finally:
        engine.dispose()
    return result


def verify_design(ctx: DesignContext, engines: tuple[str, ...] | None = None, cap: int = 2000,
                  progress: Progress = lambda _m: None,
                  boxes: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[Finding]]:
    """Verify on each engine. ``boxes`` lends already-running sandboxes (tests share one per session)."""
    chosen, skipped = select_engines(engines)
    findings = check_names(ctx.spec, ctx.options["metadata_by_dialect"]["postgresql"], ctx.positions.locate)
    report: dict[str, Any] = {"engines": [], "skipped": skipped}
    if any(f.severity is Severity.ERROR for f in findings):
        report["skipped"].append({"engine": "all", "reason": "access patterns name unknown tables/columns"})
        return report, findings
    for name in chosen:
        t0 = time.perf_counter()
        progress(f"{name}: starting sandbox")
        if boxes and name in boxes:
            res = verify_on(ctx, name, boxes[name], cap, progress)
        else:
            with _sandbox(name) as box:
                res = verify_on(ctx, name, box, cap, progress)
        res["seconds"] = round(time.perf_counter() - t0, 2)
        report["engines"].append(res)
        findings.extend(_findings(ctx, res))
    return report, findings


def _findings(ctx: DesignContext, res: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    name = res["engine"]
    rt = res.get("round_trip", {})
    if rt.get("error"):
        out.append(Finding("VER010", Severity.ERROR, f"{name}: the DDL did not apply: {rt['error']}",
                           Location(path="schema"), remediation="report this: generated DDL must apply"))
    for d in rt.get("differences", []):
        out.append(Finding("VER011", Severity.ERROR, f"{name}: round trip difference: {d}",
                           Location(path="schema")))
    for v in (res.get("extra") or {}).get("rule_proof", {}).get("variants", []):
        for r in v["rules"]:
            what = f"{name} ({v['variant']}): {r['rule']} {r['name']} on {r['table']}"
            if r["result"] == "dropped":
                out.append(Finding("VER020", Severity.ERROR, f"{what} accepted a write that violates it "
                                   f"({r['detail']})", Location(path=f"schema.{r['table']}"),
                                   remediation="a declared rule must survive every physical variant: report this"))
            elif r["result"] == "not exercised":
                out.append(Finding("VER021", Severity.WARNING, f"{what} was not proven: {r['detail']}",
                                   Location(path=f"schema.{r['table']}")))
    index = {ap.name: i for i, ap in enumerate(ctx.spec.access_patterns)}
    for p in res.get("patterns", []):
        if not p["ok"] and not p.get("portable", True):
            out.append(Finding("VER013", Severity.WARNING, f"{name}: access pattern '{p['name']}' uses SQL this "
                               f"engine lacks: {p['error']}",
                               ctx.positions.locate(("access_patterns", index.get(p["name"], 0))),
                               remediation="the pattern is written for PostgreSQL; rewrite it portably if "
                                           "this engine must serve it"))
        elif not p["ok"]:
            out.append(Finding("VER012", Severity.ERROR, f"{name}: access pattern '{p['name']}' failed: "
                               f"{p['error']}", ctx.positions.locate(("access_patterns", index.get(p["name"], 0))),
                               remediation="check the pattern's SQL against the schema section"))
    return out
