"""Design API: validate a spec, design it, verify on engines, write the package."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.design import Design
from dbwright.model import DbwrightError, Finding
from dbwright.spec import LoadedSpec, Spec, SpecError, load_spec


@dataclass
class DesignOptions:
    engines: tuple[str, ...] | None = None  # None: sqlite + every server engine installed
    erd: bool = False
    verify: bool = True
    max_rows_per_table: int = 2000


@dataclass
class DesignResult:
    design: Design
    files: list[Path] = field(default_factory=list)
    verification: dict[str, Any] = field(default_factory=dict)


def validate(path: str | Path) -> LoadedSpec:
    """Load and check a spec; every finding at once, never raises for bad input."""
    return load_spec(path)


def _load(path: str | Path) -> LoadedSpec:
    loaded = load_spec(path)
    if not loaded.ok:
        raise SpecError(loaded.findings)
    return loaded


def design_spec(spec: Spec, options: DesignOptions | None = None) -> Design:
    """Run the design pipeline on a spec (pure; no engines)."""
    from dbwright.stages.context import DesignContext
    from dbwright.stages.pipeline import run_pipeline

    return run_pipeline(DesignContext(spec=spec, options=vars(options or DesignOptions())))


def design(path: str | Path, out_dir: str | Path | None = None, options: DesignOptions | None = None,
           force: bool = False) -> DesignResult:
    raise DbwrightError("design is being built")


def erd(path: str | Path) -> str:
    raise DbwrightError("erd is being built")


def list_blueprints() -> list[tuple[str, str]]:
    return []


def init_spec(blueprint: str = "saas-ecommerce") -> str:
    raise DbwrightError("init is being built")


def spec_json_schema() -> dict[str, Any]:
    return Spec.model_json_schema(by_alias=True)


__all__ = ["DesignOptions", "DesignResult", "Finding", "design", "design_spec", "erd", "init_spec",
           "list_blueprints", "spec_json_schema", "validate"]
