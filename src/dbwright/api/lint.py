"""Migration lint API, kept apart from planning so ``dbwright migrate lint`` loads no ORM or differ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbwright.migration.lint import LintResult, lint_file, render_text, to_sarif

__all__ = ["LintResult", "lint_migration", "lint_sarif", "lint_text"]


def lint_migration(path: str | Path, engine: str = "postgresql", version: str | None = None,
                   assume_in_transaction: bool = False, schema: str | Path | None = None,
                   select: list[str] | None = None, ignore: list[str] | None = None) -> LintResult:
    """Lint a migration script (plain SQL or an Alembic revision's ``op.execute`` SQL)."""
    return lint_file(path, engine=engine, version=version, assume_in_transaction=assume_in_transaction,
                     schema=str(schema) if schema else None, select=select, ignore=ignore)


def lint_text(result: LintResult) -> str:
    return render_text(result)


def lint_sarif(results: list[LintResult]) -> dict[str, Any]:
    return to_sarif(results)
