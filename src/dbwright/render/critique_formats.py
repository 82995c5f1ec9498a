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
from dbwright.rules import report

FORMATS = report.FORMATS


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


def to_sarif(findings: list[Finding], rules: list[Any], source: str) -> dict[str, Any]:
    """SARIF 2.1.0 of a critique (rule metadata from the registry; ``rules`` kept for callers)."""
    del rules
    return report.to_sarif(findings, {"source": source})


def render_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding."""
    return report.render_github(findings)
