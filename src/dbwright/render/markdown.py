"""DESIGN.md: a Jinja2 layout; section bodies come from ``render/sections/<name>.py`` when present."""

from __future__ import annotations

import importlib
import json
from typing import Any

from jinja2 import Environment, PackageLoader

from dbwright import __version__
from dbwright.design import Design, Section
from dbwright.render import gfm
from dbwright.render.front import front_page


def _inputs(d: dict[str, Any]) -> str:
    return ", ".join(f"{k}={gfm.plain(v)}" if not isinstance(v, dict) else f"{k} ({gfm.plain(v)})"
                     for k, v in d.items())


def _env() -> Environment:
    env = Environment(loader=PackageLoader("dbwright.render", "templates"), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters.update(cell=gfm.cell, num=gfm.number, plain=gfm.plain, inputs=_inputs, anchor=gfm.anchor)
    return env


def section_body(section: Section) -> str:
    try:
        mod = importlib.import_module(f"dbwright.render.sections.{section.name}")
    except ModuleNotFoundError:
        mod = None
    if mod is not None and hasattr(mod, "render_markdown"):
        return str(mod.render_markdown(section))
    if section.data:
        return "<details><summary>Section data</summary>\n\n```json\n" + json.dumps(
            section.data, indent=2, default=str)[:20000] + "\n```\n</details>\n"
    return ""


def verification_markdown(report: dict[str, Any] | None) -> tuple[str, str]:
    if not report:
        return "Verification was not run (--no-verify).", "not run"
    lines = ["| Engine | Version | DDL statements | Round-trip differences | Rows loaded | Patterns ok | Seconds |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    ok_engines = []
    for e in report.get("engines", []):
        rt = e.get("round_trip", {})
        pats = e.get("patterns", [])
        good = sum(1 for p in pats if p["ok"])
        rows = sum((e.get("data") or {}).get("rows", {}).values())
        diffs = "apply failed" if rt.get("error") else str(len(rt.get("differences", [])))
        lines.append(f"| {e['engine']} | {e['version']} | {rt.get('statements', 0)} | {diffs} | {rows:,} | "
                     f"{good}/{len(pats)} | {e.get('seconds', '')} |")
        if not rt.get("error") and not rt.get("differences") and good == len(pats):
            ok_engines.append(e["engine"])
    for s in report.get("skipped", []):
        lines.append(f"\nSkipped **{s['engine']}**: {s['reason']}")
    for e in report.get("engines", []):
        if e.get("patterns"):
            lines += ["", f"### Access patterns on {e['engine']} {e['version']}", "",
                      f"Synthetic data: scale {e['data']['scale']:.3g} of the spec's row counts, at most "
                      f"{e['data']['cap']:,} rows per table (measured plans at this scale show index use, "
                      "not production latency).", "",
                      "| Pattern | OK | Rows | ms | Plan |", "| --- | --- | --- | --- | --- |"]
            for p in e["patterns"]:
                plan = "<br>".join(gfm.cell(x) for x in (p.get("plan") or [])[:4]) or gfm.cell(p.get("note") or p.get("error"))
                ms = f"{p['ms']:.2f}" if p.get("ms") is not None else ""
                lines.append(f"| {p['name']} | {'yes' if p['ok'] else 'NO'} | {p.get('rows', '')} | {ms} | {plan} |")
        for d in (e.get("round_trip") or {}).get("differences", []):
            lines.append(f"- difference on {e['engine']}: {d}")
    lines += rule_proof_markdown(report)
    summary = (f"round trip and access patterns clean on {', '.join(ok_engines)}" if ok_engines else
               "see findings")
    return "\n".join(lines) + "\n", summary


def rule_proof_markdown(report: dict[str, Any]) -> list[str]:
    """The rule-proof table: every declared rule's violating write, per engine and physical variant."""
    rows = [(e["engine"], v) for e in report.get("engines", [])
            for v in ((e.get("extra") or {}).get("rule_proof") or {}).get("variants", [])]
    if not rows:
        return []
    lines = ["", "### Declared rules refused on every variant", "",
             "Each UNIQUE, primary key, FOREIGN KEY, CHECK and NOT NULL got a write that violates it, in its own "
             "rolled-back transaction; the engine must refuse it. Identity columns are read from the catalogue.", "",
             "| Engine | Variant | Declared | Refused | Dropped | Not exercised | Identity kept |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for engine, v in rows:
        ident = v.get("identity") or {}
        lines.append(f"| {engine} | {v['variant']} | {v['declared']} | {v['refused']} | {v['dropped']} | "
                     f"{v['not_exercised']} | {ident.get('kept', 0)}/{ident.get('declared', 0)} |")
    for engine, v in rows:
        for r in v["rules"]:
            if r["result"] in ("dropped", "not exercised"):
                lines.append(f"- {engine} ({v['variant']}): {r['rule']} {gfm.cell(r['name'])} on {r['table']}: "
                             f"**{r['result']}** — {gfm.cell(r['detail'])}")
    return lines


def render_design_markdown(design: Design, report: dict[str, Any] | None, erd: dict[str, str] | None,
                           spec_file: str, files: list[str] | None = None) -> str:
    """DESIGN.md; ``files`` (package-relative) feeds the apply checklist on the first page."""
    ver_md, ver_summary = verification_markdown(report)
    bodies = {s.name: section_body(s) for s in design.sections}
    text = _env().get_template("DESIGN.md.j2").render(
        design=design, version=__version__, spec_file=spec_file, bodies=bodies,
        findings=design.all_findings(), verification_md=ver_md, verification_summary=ver_summary, erd=erd,
        front=front_page(design, report, ver_summary, files))
    return gfm.tidy(text)
