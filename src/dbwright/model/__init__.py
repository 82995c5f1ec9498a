"""Data classes shared by every layer: findings, decisions, evidence."""

from dbwright.model.decisions import Alternative, Decision, Evidence, EvidenceKind
from dbwright.model.errors import DbwrightError
from dbwright.model.findings import Finding, Location, Severity, has_errors

__all__ = [
    "DbwrightError",
    "has_errors",
    "Alternative",
    "Decision",
    "Evidence",
    "EvidenceKind",
    "Finding",
    "Location",
    "Severity",
]
