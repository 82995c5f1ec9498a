"""Data classes shared by every layer: findings, decisions, evidence."""

from dbwright.model.decisions import Alternative, Decision, Evidence, EvidenceKind
from dbwright.model.errors import DbwrightError, SpecError
from dbwright.model.findings import Finding, Location, Severity, has_errors

__all__ = [
    "Alternative",
    "DbwrightError",
    "Decision",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "Location",
    "Severity",
    "SpecError",
    "has_errors",
]
