"""Write a design package directory: DESIGN.md, design.json, verification.json, DDL per dialect,
models.py, ERDs and every file a section renderer contributes (configs, ADRs)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dbwright.ddl.dialects import FILE_NAMES
from dbwright.ddl.emit import render_ddl
from dbwright.design import Design
from dbwright.design.stable import split_timings
from dbwright.io import WriteResult, write_tree
from dbwright.render.markdown import render_design_markdown
from dbwright.render.mermaid import render_erd
from dbwright.render.orm import render_models


def section_files(design: Design) -> dict[str, str]:
    files: dict[str, str] = {}
    for s in design.sections:
        try:
            mod = importlib.import_module(f"dbwright.render.sections.{s.name}")
        except ModuleNotFoundError:
            continue
        if hasattr(mod, "render_files"):
            files.update(mod.render_files(s))
    try:
        adr = importlib.import_module("dbwright.render.adr")
        files.update(adr.render_adrs(design))
    except (ModuleNotFoundError, AttributeError):
        pass
    return files


def render_package(design: Design, mds: dict[str, sa.MetaData], report: dict[str, Any] | None, erd: bool,
                   areas: dict[str, str | None], spec_file: str) -> dict[str, str]:
    """Every file of the package, in memory: {relative path: text}. Nothing is written here."""
    files: dict[str, str] = {}
    for dialect, name in FILE_NAMES.items():
        files[name] = render_ddl(mds[dialect], dialect, header=f"{design.project}: {name}")
    files["models.py"] = render_models(mds["postgresql"], design.project)
    diagrams = render_erd(mds["postgresql"], areas) if erd else None
    if diagrams:
        if diagrams.get("all"):
            files["erd.mmd"] = diagrams["all"]
        for area, text in diagrams.items():
            if area != "all" and text:
                files[f"erd/{area}.mmd"] = text
    data = design.to_dict()
    data["verification"] = report
    stable, timings = split_timings(data)
    stable["timings"] = "timings.json"
    files["design.json"] = json.dumps(stable, indent=2, default=str) + "\n"
    files["timings.json"] = json.dumps({"note": "wall-clock timings of this run (JSON pointers into design.json); "
                                        "they vary between runs, design.json does not", "fields": timings},
                                       indent=2, default=str) + "\n"
    files["verification.json"] = json.dumps(report or {"status": "not run"}, indent=2, default=str) + "\n"
    files.update(section_files(design))
    files["DESIGN.md"] = render_design_markdown(design, report, diagrams, spec_file, list(files))
    return files


def write_package(out: Path, design: Design, mds: dict[str, sa.MetaData], report: dict[str, Any] | None,
                  erd: bool, areas: dict[str, str | None], spec_file: str, force: bool) -> WriteResult:
    """Render the package and write it with ``dbwright.io.write_tree`` (manifest, safe --force, atomic swap)."""
    return write_tree(out, render_package(design, mds, report, erd, areas, spec_file), force=force)
