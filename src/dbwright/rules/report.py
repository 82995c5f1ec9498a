"""Findings out: inline suppressions, configuration, and the four formats every command shares.

Suppressions are comments in the checked file itself — ``-- dbwright:ignore MIG011 reason`` in SQL,
``# dbwright:ignore SPEC012 reason`` in YAML — on the finding's line or on the line above it. A
suppression that matches nothing is reported (``DBW001``), so stale ones do not pile up.

SARIF 2.1.0 carries each rule's metadata (name, summary, full doc, help URI, default level) from the
rule registry, and each finding's region (line and column) or logical location; GitHub annotations
are workflow commands (``::error file=…,line=…,col=…::``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dbwright import __version__
from dbwright.model import Finding, Location, Severity
from dbwright.model.config import FORMATS, Config

DOCS_BASE = "https://github.com/dbwright/dbwright/blob/main/docs/rules/"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GH = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_IGNORE = re.compile(r"(?:--|#)\s*dbwright:ignore\s+([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)\s*(.*)$")
# codes that are not rule classes: what their family checks
FAMILIES = {"SPEC": "spec validation", "DBW": "dbwright itself", "IDX": "index advice", "SCALE": "capacity",
            "MIG": "migration lint", "SCH": "schema critique", "DR": "disaster recovery and HA",
            "NORM": "normalization", "TECH": "technology selection", "CACHE": "caching"}

__all__ = ["FORMATS", "Suppression", "apply", "render", "suppressions", "to_sarif"]


@dataclass(frozen=True)
class Suppression:
    file: str
    line: int  # the comment's line
    codes: tuple[str, ...]
    reason: str
    own_line: bool  # the comment is alone on its line: it covers the next line too


def suppressions(file: str, text: str) -> list[Suppression]:
    """Every ``dbwright:ignore`` comment of a file (SQL ``--`` or YAML ``#``)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _IGNORE.search(line)
        if m:
            codes = tuple(c.strip() for c in m.group(1).split(","))
            out.append(Suppression(file, n, codes, m.group(2).strip(), line[:m.start()].strip() == ""))
    return out


def _covers(s: Suppression, f: Finding) -> bool:
    if f.code not in s.codes or f.location.file != s.file or f.location.line is None:
        return False
    return f.location.line == s.line or (s.own_line and f.location.line == s.line + 1)


def apply(findings: list[Finding], config: Config | None = None,
          sources: dict[str, str] | None = None, errors_suppressible: bool = True) -> list[Finding]:
    """Config selection and severities, then inline suppressions; unused suppressions become DBW001.

    With ``errors_suppressible`` False (spec validation: an error there means nothing can be
    designed), a comment that would hide an error keeps the error and is itself reported (DBW002).
    """
    cfg = config or Config()
    kept = cfg.apply(findings)
    sups = [s for file, text in (sources or {}).items() for s in suppressions(file, text)]
    if not sups:
        return kept
    used: set[Suppression] = set()
    out = []
    for f in kept:
        hit = next((s for s in sups if _covers(s, f)), None)
        if hit is not None and f.severity is Severity.ERROR and not errors_suppressible:
            used.add(hit)
            out.append(f)
            out.append(Finding("DBW002", Severity.WARNING, f"{f.code} is an error and cannot be suppressed: "
                               "the spec cannot be designed while it stands", Location(hit.file, hit.line),
                               remediation=f"fix the {f.code} error; keep dbwright:ignore for warnings"))
        elif hit is None:
            out.append(f)
        else:
            used.add(hit)
    for s in sups:
        if s not in used:
            out.append(Finding("DBW001", Severity.WARNING,
                               f"unused suppression of {', '.join(s.codes)}: nothing is reported here any more",
                               Location(s.file, s.line), rationale="stale suppressions hide future findings",
                               remediation="remove the dbwright:ignore comment"))
    return cfg.apply(out)  # DBW00x findings obey the config too


def _rule_meta(code: str) -> dict[str, Any]:
    from dbwright.rules.base import get_rule

    try:
        r = get_rule(code)
    except KeyError:
        family = FAMILIES.get(re.sub(r"\d+$", "", code), "dbwright check")
        return {"id": code, "name": code, "shortDescription": {"text": f"{family} ({code})"},
                "helpUri": DOCS_BASE + "README.md"}
    full = r.doc().split("\n", 1)[-1].strip()[:2000] or r.summary()
    return {"id": code, "name": r.name, "shortDescription": {"text": r.summary()},
            "fullDescription": {"text": full}, "helpUri": DOCS_BASE + f"{code}.md",
            "help": {"text": r.summary(), "markdown": f"[{code}]({DOCS_BASE}{code}.md)"},
            "defaultConfiguration": {"level": _LEVEL[r.severity]}}


def _location(f: Finding) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if f.location.file:
        phys: dict[str, Any] = {"artifactLocation": {"uri": f.location.file}}
        if f.location.line:
            region: dict[str, Any] = {"startLine": f.location.line}
            if f.location.column:
                region["startColumn"] = f.location.column
            phys["region"] = region
        loc["physicalLocation"] = phys
    if f.location.path:
        kind = {2: "table", 3: "column"}.get(f.location.path.count(".") + 1, "object")
        loc["logicalLocations"] = [{"fullyQualifiedName": f.location.path, "kind": kind}]
    return loc


def to_sarif(findings: Iterable[Finding], properties: dict[str, Any] | None = None) -> dict[str, Any]:
    findings = list(findings)
    used = sorted({f.code for f in findings})
    index = {c: i for i, c in enumerate(used)}
    results = []
    for f in findings:
        res: dict[str, Any] = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _LEVEL[f.severity],
                               "message": {"text": f.message + (f". Fix: {f.remediation}" if f.remediation else "")}}
        loc = _location(f)
        if loc:
            res["locations"] = [loc]
        if f.fix:
            res["properties"] = {"fixSql": f.fix}
        results.append(res)
    run: dict[str, Any] = {"tool": {"driver": {"name": "dbwright", "version": __version__,
                                               "semanticVersion": __version__,
                                               "informationUri": "https://github.com/dbwright/dbwright",
                                               "rules": [_rule_meta(c) for c in used]}},
                           "results": results}
    if properties:
        run["properties"] = properties
    return {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": [run]}


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding (file, line and column when known)."""
    lines = []
    for f in findings:
        props = []
        if f.location.file:
            props.append(f"file={_gh_escape(f.location.file, True)}")
            if f.location.line:
                props.append(f"line={f.location.line}")
                if f.location.column:
                    props.append(f"col={f.location.column}")
        props.append(f"title={_gh_escape(f.code + (' ' + f.location.path if f.location.path else ''), True)}")
        msg = f"{f.location.path + ': ' if f.location.path else ''}{f.message}"
        if f.remediation:
            msg += f" — fix: {f.remediation}"
        if f.fix:
            msg += "\n" + f.fix
        lines.append(f"::{_GH[f.severity]} {','.join(props)}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_text(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    lines = [str(f) for f in findings]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    lines.append(f"{len(findings)} finding(s): {counts[Severity.ERROR]} error, {counts[Severity.WARNING]} warning, "
                 f"{counts[Severity.INFO]} info")
    return "\n".join(lines) + "\n"


def render(findings: list[Finding], fmt: str, extra: dict[str, Any] | None = None) -> str:
    """One of FORMATS; ``extra`` goes into the JSON object and the SARIF run's properties."""
    if fmt == "sarif":
        return json.dumps(to_sarif(findings, extra), indent=2, default=str) + "\n"
    if fmt == "github":
        return render_github(findings)
    if fmt == "json":
        return json.dumps({**(extra or {}), "findings": [f.to_dict() for f in findings]}, indent=2,
                          default=str) + "\n"
    if fmt == "text":
        return render_text(findings)
    raise ValueError(f"unknown format {fmt!r}")
