"""Write a design package directory: DESIGN.md, design.json, verification.json, DDL per dialect,
models.py, ERDs and every file a section renderer contributes (configs, ADRs)."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dbwright.ddl.dialects import FILE_NAMES
from dbwright.ddl.emit import render_ddl
from dbwright.design import Design
from dbwright.design.stable import split_timings
from dbwright.model import DbwrightError
from dbwright.render.markdown import render_design_markdown
from dbwright.render.mermaid import render_erd
from dbwright.render.orm import render_models


def prepare_dir(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise DbwrightError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise DbwrightError(f"{out} is not empty; pass --force to replace its contents")
        for child in out.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)


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


def write_package(out: Path, design: Design, mds: dict[str, sa.MetaData], report: dict[str, Any] | None,
                  erd: bool, areas: dict[str, str | None], spec_file: str, force: bool) -> list[Path]:
    prepare_dir(out, force)
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for dialect, name in FILE_NAMES.items():
        put(name, render_ddl(mds[dialect], dialect, header=f"{design.project}: {name}"))
    put("models.py", render_models(mds["postgresql"], design.project))
    diagrams = render_erd(mds["postgresql"], areas) if erd else None
    if diagrams:
        if diagrams.get("all"):
            put("erd.mmd", diagrams["all"])
        for area, text in diagrams.items():
            if area != "all" and text:
                put(f"erd/{area}.mmd", text)
    data = design.to_dict()
    data["verification"] = report
    stable, timings = split_timings(data)
    stable["timings"] = "timings.json"
    put("design.json", json.dumps(stable, indent=2, default=str) + "\n")
    put("timings.json", json.dumps({"note": "wall-clock timings of this run (JSON pointers into design.json); "
                                    "they vary between runs, design.json does not", "fields": timings},
                                   indent=2, default=str) + "\n")
    put("verification.json", json.dumps(report or {"status": "not run"}, indent=2, default=str) + "\n")
    for rel, text in section_files(design).items():
        put(rel, text)
    files = [p.relative_to(out).as_posix() for p in written]
    put("DESIGN.md", render_design_markdown(design, report, diagrams, spec_file, files))
    return written
