"""Design and Section: what stages produce and renderers consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.model import Decision, Finding, Severity

DESIGN_FORMAT_VERSION = 1


@dataclass
class Section:
    """One concern of a design (schema, indexes, dr_ha, ...).

    ``data`` holds the section's JSON-able payload (tables, plans, predictions) for renderers;
    every number in it is backed by an Evidence item in one of ``decisions``.
    """

    name: str
    title: str
    summary: str = ""
    decisions: list[Decision] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "decisions": [d.to_dict() for d in self.decisions],
            "findings": [f.to_dict() for f in self.findings],
            "data": self.data,
        }


@dataclass
class Design:
    project: str
    description: str
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for s in self.sections:
            out.extend(s.findings)
        return out

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.all_findings())

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "dbwright.design",
            "format_version": DESIGN_FORMAT_VERSION,
            "project": self.project,
            "description": self.description,
            "sections": [s.to_dict() for s in self.sections],
            "findings": [f.to_dict() for f in self.findings],
            "skipped": self.skipped,
        }
