"""Foundation commands: init, validate, design, erd, spec-schema."""

from __future__ import annotations

import typer

from dbwright.cli.common import guarded


def register(app: typer.Typer) -> None:
    """Add the foundation commands."""
    _ = guarded
