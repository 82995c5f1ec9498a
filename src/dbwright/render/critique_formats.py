"""Critique output: text, JSON, SARIF 2.1.0 and GitHub workflow annotations.

SARIF carries each rule's metadata (name, summary, full doc, helpUri to its page under
docs/rules/) and each finding's location: a file region when the input was a DDL file, a logical
location (``schema.table.column``) always. GitHub annotations (``::error file=…,line=…::``) need a
file; findings of a live database are annotated without one.
"""

from __future__ import annotations

import json
from typing import Any

from dbwright.model import Finding, Severity

FORMATS = ("text", "json", "sarif", "github")
DOCS_BASE = "https://github.com/dbwright/dbwright/blob/main/docs/rules/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GH = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render_text(findings: list[Finding], skipped: list[dict[str, str]], header: str) -> str:
    lines = [header, ""]
    for f in findings:
        lines.append(f"{f.location}: {f.severity.value} {f.code}: {f.message}")
        if f.remediation:
            lines.append(f"    why: {f.rationale}  fix: {f.remediation}")
        if f.fix:
            lines += ["    " + s for s in f.fix.splitlines()]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    lines += ["", f"{len(findings)} finding(s): {counts[Severity.ERROR]} error, {counts[Severity.WARNING]} warning, "
              f"{counts[Severity.INFO]} info"]
    if skipped:
        lines.append("skipped: " + "; ".join(f"{s['rule']} ({s['reason']})" for s in skipped))
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding], skipped: list[dict[str, str]], summary: dict[str, Any]) -> str:
    return json.dumps({**summary, "findings": [f.to_dict() for f in findings], "skipped": skipped},
                      indent=2, default=str) + "\n"


def _location(f: Finding) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if f.location.file:
        phys: dict[str, Any] = {"artifactLocation": {"uri": f.location.file}}
        if f.location.line:
            phys["region"] = {"startLine": f.location.line}
        loc["physicalLocation"] = phys
    if f.location.path:
        kind = {2: "table", 3: "column"}.get(f.location.path.count(".") + 1, "object")
        loc["logicalLocations"] = [{"fullyQualifiedName": f.location.path, "kind": kind}]
    return loc


def to_sarif(findings: list[Finding], rules: list[Any], source: str) -> dict[str, Any]:
    by_code = {r.code: r for r in rules}
    used = sorted({f.code for f in findings})
    index = {c: i for i, c in enumerate(used)}
    driver_rules = []
    for c in used:
        r = by_code.get(c)
        entry: dict[str, Any] = {"id": c, "name": r.name if r else c,
                                 "shortDescription": {"text": r.summary() if r else c},
                                 "helpUri": DOCS_BASE + f"{c}.md"}
        if r is not None:
            entry["fullDescription"] = {"text": r.doc().split("\n", 1)[-1].strip()[:2000] or r.summary()}
            entry["defaultConfiguration"] = {"level": _LEVEL[r.severity]}
            entry["help"] = {"text": r.summary(), "markdown": f"[{c}]({DOCS_BASE}{c}.md)"}
        driver_rules.append(entry)
    results = []
    for f in findings:
        res: dict[str, Any] = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _LEVEL[f.severity],
                               "message": {"text": f.message + (f". Fix: {f.remediation}" if f.remediation else "")},
                               "locations": [_location(f)]}
        if f.fix:
            res["properties"] = {"fixSql": f.fix}
        results.append(res)
    return {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "dbwright", "informationUri": "https://github.com/dbwright",
                                      "rules": driver_rules}},
                  "originalUriBaseIds": {}, "properties": {"source": source}, "results": results}],
    }


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding."""
    lines = []
    for f in findings:
        props = []
        if f.location.file:
            props.append(f"file={_gh_escape(f.location.file, True)}")
            if f.location.line:
                props.append(f"line={f.location.line}")
        props.append(f"title={_gh_escape(f.code + ' ' + (f.location.path or ''), True)}")
        msg = f"{f.location.path + ': ' if f.location.path else ''}{f.message}"
        if f.remediation:
            msg += f" — fix: {f.remediation}"
        if f.fix:
            msg += "\n" + f.fix
        lines.append(f"::{_GH[f.severity]} {','.join(props)}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")
