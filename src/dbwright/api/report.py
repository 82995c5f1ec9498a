"""Findings as every reporting command prints them: config, inline suppressions, one of four formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbwright.model import Finding
from dbwright.model.config import FORMATS, Config
from dbwright.model.config import load as load_config
from dbwright.rules import report as _report

__all__ = ["FORMATS", "Config", "finalize_findings", "load_config", "render_findings"]


def finalize_findings(findings: list[Finding], config: Config | None = None,
                      files: list[str | Path] | None = None, errors_suppressible: bool = True) -> list[Finding]:
    """Apply ``config`` (select/ignore/severity) and the ``dbwright:ignore`` comments of ``files``."""
    sources: dict[str, str] = {}
    for f in files or []:
        p = Path(f)
        try:
            sources[str(f)] = p.read_text(encoding="utf-8", errors="replace") if p.is_file() else ""
        except OSError:
            continue
    return _report.apply(findings, config, {k: v for k, v in sources.items() if v}, errors_suppressible)


def render_findings(findings: list[Finding], fmt: str, extra: dict[str, Any] | None = None) -> str:
    """``fmt`` is one of :data:`FORMATS`; ``extra`` goes into JSON and the SARIF run's properties."""
    return _report.render(findings, fmt, extra)
