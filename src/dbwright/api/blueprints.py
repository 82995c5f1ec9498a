"""Starter specs for ``dbwright init``: commented blueprints shipped as package data.

Each blueprint is a YAML file in ``dbwright/blueprints/``; its first line is ``# <Title>: <what it
shows>`` and serves as the one-line description in ``dbwright init --list``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from dbwright.io import write_file
from dbwright.model import DbwrightError

# Shown first, in this order; any other blueprint file follows alphabetically.
_ORDER = ("minimal", "saas-ecommerce", "timeseries", "healthcare")


def _directory() -> Traversable:
    return files("dbwright").joinpath("blueprints")


def _available() -> dict[str, Traversable]:
    found = {f.name.removesuffix(".yaml"): f for f in _directory().iterdir()
             if f.name.endswith(".yaml") and f.is_file()}
    ordered = [n for n in _ORDER if n in found] + sorted(n for n in found if n not in _ORDER)
    return {n: found[n] for n in ordered}


def _description(text: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return first.lstrip("#").strip()


def list_blueprints() -> list[tuple[str, str]]:
    """Every blueprint as ``(name, one-line description)``, the recommended ones first."""
    return [(name, _description(f.read_text(encoding="utf-8"))) for name, f in _available().items()]


def init_spec(blueprint: str = "saas-ecommerce") -> str:
    """The text of a commented starter spec; raises :class:`DbwrightError` naming the valid ones."""
    available = _available()
    if blueprint not in available:
        raise DbwrightError(f"unknown blueprint '{blueprint}'; available: {', '.join(available)}")
    return available[blueprint].read_text(encoding="utf-8")


def write_spec(path: str | Path, blueprint: str = "saas-ecommerce", force: bool = False) -> Path:
    """Write a starter spec to ``path``; never replaces an existing file without ``force``
    (atomically, and never through a symlink, over a directory or a special file)."""
    return write_file(path, init_spec(blueprint), force=force)


__all__ = ["init_spec", "list_blueprints", "write_spec"]
