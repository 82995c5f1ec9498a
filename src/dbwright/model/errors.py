"""User-facing errors: the CLI prints their message and exits 2, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbwright.model.findings import Finding


class DbwrightError(Exception):
    """Bad input or an unmet precondition; the message says what to do."""


class SpecError(DbwrightError):
    """A spec that does not load or validate; carries every finding (file:line:col, field, fix)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))
