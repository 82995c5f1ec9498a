"""One shape for every problem dbwright reports: spec errors, critique, lint, DR gaps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file position and/or a dotted field path."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            pos = self.file
            if self.line is not None:
                pos += f":{self.line}"
                if self.column is not None:
                    pos += f":{self.column}"
            parts.append(pos)
        if self.path:
            parts.append(self.path)
        return " ".join(parts) if parts else "<unknown>"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    rationale: str = ""
    remediation: str = ""
    fix: str = ""  # SQL that resolves it, when there is one (schema critique)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not self.fix:
            del data["fix"]
        return data

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.value} {self.code}: {self.message}"
        if self.remediation:
            text += f" (fix: {self.remediation})"
        return text


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
