"""DR/HA plan API: ``plan_dr(spec)`` and ``plan_dr_file(path)`` return the 'dr_ha' Section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbwright.design import Section
from dbwright.render.sections.dr_ha import dr_files as _dr_files
from dbwright.render.sections.dr_ha import render_plan_markdown
from dbwright.spec import Positions, Spec, SpecError, load_spec
from dbwright.stages.context import DesignContext
from dbwright.stages.dr_ha import build_section
from dbwright.stages.pipeline import run_pipeline


def plan_dr(spec: Spec, positions: Positions | None = None) -> Section:
    """The DR/HA plan of a loaded spec (pure: no engines, no I/O).

    Runs the stages the plan depends on first (technology for the engine, schema and scaling for
    sharding), so the result equals the 'dr_ha' section of ``dbwright design``.
    """
    ctx = DesignContext(spec=spec, positions=positions or Positions(None))
    run_pipeline(ctx, only=("technology", "schema", "scaling", "dr_ha"))
    section = ctx.section("dr_ha")
    return section if section is not None else build_section(spec, positions)


def plan_dr_file(path: str | Path) -> Section:
    """Load a spec file and plan its DR/HA; raises SpecError with every finding on a bad spec."""
    loaded = load_spec(path)
    if not loaded.ok or loaded.spec is None:
        raise SpecError(loaded.findings)
    return plan_dr(loaded.spec, loaded.positions)


def dr_markdown(section: Section) -> str:
    return render_plan_markdown(section)


def dr_files(section: Section) -> dict[str, str]:
    """Generated configs and runbooks: relative path -> content (in a design package: under dr/)."""
    return _dr_files(section)


def write_dr_files(section: Section, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Write the DR configs and runbooks through ``dbwright.io.write_tree`` (``*.sh`` executable)."""
    from dbwright.io import write_tree

    return write_tree(Path(out_dir), dict(sorted(dr_files(section).items())), force=force).files


def dr_plan_json(section: Section) -> dict[str, Any]:
    return {"format": "dbwright.dr-plan", "format_version": 1, **section.to_dict()}


__all__ = ["dr_files", "dr_markdown", "dr_plan_json", "plan_dr", "plan_dr_file", "write_dr_files"]
