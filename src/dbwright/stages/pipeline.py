"""The design pipeline: an ordered tuple of stage modules (sqlglot optimizer style)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from dbwright.design import Design, Section
from dbwright.stages.context import DesignContext

# Order matters: later stages read earlier sections from the context.
STAGES: tuple[str, ...] = (
    "technology",
    "schema",
    "normalization",
    "indexes",
    "caching",
    "scaling",
    "dr_ha",
    "migration",
    "monitoring",
)


# A stage whose code is a package of another name (the section keeps its name).
MODULES: dict[str, str] = {"indexes": "index"}


def stage_function(name: str) -> Callable[[DesignContext], Section | None]:
    module = importlib.import_module(f"dbwright.stages.{MODULES.get(name, name)}")
    fn: Callable[[DesignContext], Section | None] = module.run
    return fn


def run_pipeline(ctx: DesignContext, only: tuple[str, ...] | None = None) -> Design:
    design = Design(project=ctx.spec.project, description=ctx.spec.description)
    for name in STAGES:
        if only is not None and name not in only:
            continue
        section = stage_function(name)(ctx)
        if section is not None:
            ctx.sections[name] = section
            design.sections.append(section)
    return design
