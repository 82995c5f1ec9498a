"""One-line helpers for design tests (sqlglot tests/helpers.py style)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dbwright.ddl.emit import render_ddl
from dbwright.spec import Spec, load_spec, load_spec_text
from dbwright.stages.context import DesignContext
from dbwright.stages.pipeline import run_pipeline
from dbwright.verify.roundtrip import round_trip

ROOT = Path(__file__).resolve().parent.parent
DIALECT = {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mysql"}


def spec_from(text_or_path: str | Path) -> Spec:
    loaded = load_spec(text_or_path) if isinstance(text_or_path, Path) else load_spec_text(text_or_path)
    assert loaded.ok and loaded.spec is not None, [str(f) for f in loaded.findings]
    return loaded.spec


def context(spec: Spec) -> DesignContext:
    ctx = DesignContext(spec=spec)
    run_pipeline(ctx, only=("schema",))
    return ctx


def metadata(spec: Spec, dialect: str) -> sa.MetaData:
    md: sa.MetaData = context(spec).options["metadata_by_dialect"][dialect]
    return md


def assert_round_trip(spec: Spec, engine: str, box: Any, database: str) -> None:
    """Apply the rendered DDL on a real engine, reflect, and require zero differences."""
    d = DIALECT[engine]
    md = metadata(spec, d)
    url = box.create_database(database)
    rt = round_trip(md, render_ddl(md, d), url, engine, box.version)
    assert rt.error is None, rt.error
    assert [str(x) for x in rt.differences] == []
