"""Inspect an existing database (DSN or DDL file): model, relations, spec, docs and ERDs.

Read-only on the user's database: see :mod:`dbwright.inspect.source`. A DDL file is applied to a
throwaway engine this function starts and removes.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dbwright.inspect.relations import Relation, infer_relations
from dbwright.inspect.source import read_database
from dbwright.inspect.to_spec import build_spec
from dbwright.model import Finding, Location, Severity
from dbwright.model.database import Database


@dataclass
class InspectResult:
    database: Database
    relations: list[Relation]
    spec: dict[str, Any]
    spec_yaml: str
    spec_notes: list[str]
    erds: dict[str, str]
    docs: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> dict[str, Any]:
        db = self.database
        inferred = [r for r in self.relations if not r.declared]
        return {"engine": db.engine, "version": db.version, "source": db.source, "schemas": db.schemas,
                "tables": len(db.base_tables()), "views": sum(1 for t in db.tables.values() if t.is_view),
                "declared_foreign_keys": sum(1 for r in self.relations if r.declared),
                "inferred_relations": len(inferred),
                "inferred_by_confidence": {c: sum(1 for r in inferred if r.confidence == c)
                                           for c in ("high", "medium", "low")},
                "spec_entities": len(self.spec.get("entities", {})), "erds": {k: len(v) for k, v in self.erds.items()},
                "timings_s": {k: round(v, 3) for k, v in self.timings.items()}}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "relations": [r.to_dict() for r in self.relations],
                "spec_notes": self.spec_notes, "notes": self.database.notes,
                "findings": [f.to_dict() for f in self.findings], "files": [str(p) for p in self.files]}


def load_findings(db: Database) -> list[Finding]:
    """A statement the engine rejected while loading a DDL file: an error at its line, with options."""
    out = []
    for e in db.extra.get("load_errors", []):
        out.append(Finding("INS001", Severity.ERROR, f"statement rejected while loading the file: {e['error']}",
                           Location(file=db.file, line=e.get("line")),
                           rationale="objects this statement creates are missing from the inspected model",
                           remediation="fix the statement, install what it needs (an extension, a role), or remove it; "
                                       "the rest of the file was read"))
    return out


def dump_yaml(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 120
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _validate_spec(text: str) -> list[Finding]:
    from dbwright.spec.load import load_spec_text

    loaded = load_spec_text(text, "spec.yaml")
    return [Finding("INS002", Severity.ERROR, f"the reverse-engineered spec does not validate: {f.message}",
                    f.location, remediation="this is a bug in dbwright inspect: report it with the input's DDL")
            for f in loaded.findings if f.severity is Severity.ERROR]


def inspect_database(source: str, out_dir: str | Path | None = None, schemas: list[str] | None = None,
                     exclude_schemas: list[str] | None = None, engine: str | None = None, sample_rows: int = 0,
                     force: bool = False, project: str | None = None, cluster: Any = None, maria: Any = None,
                     docs: bool = True) -> InspectResult:
    """Read ``source`` (DSN or DDL file) and reverse-engineer it; with ``out_dir`` write spec.yaml,
    README.md + tables/*.md (docs), erd/*.mmd (each under Mermaid's 50,000-character cap) and
    inspect.json."""
    from dbwright.render.erd_db import render_db_erds
    from dbwright.render.inspect_docs import render_docs

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    db = read_database(source, schemas, exclude_schemas, engine, cluster, maria, sample_rows)
    timings["read"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    relations = infer_relations(db, use_data=bool(db.extra.get("samples")))
    timings["relations"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    spec, notes = build_spec(db, relations, project)
    spec_yaml = dump_yaml(spec)
    findings = load_findings(db) + _validate_spec(spec_yaml)
    timings["spec"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    erds = render_db_erds(db, relations)
    files = render_docs(db, relations, erds) if docs else {}
    timings["docs_erd"] = time.perf_counter() - t1
    result = InspectResult(db, relations, spec, spec_yaml, notes, erds, files, findings, timings)
    if out_dir is not None:
        tree = dict(files)
        tree["spec.yaml"] = ("# Reverse-engineered by `dbwright inspect`; notes on what a spec cannot express are in\n"
                             "# inspect.json (spec_notes). Edit targets (rows, growth, access patterns) and run\n"
                             "# `dbwright design --from <the same source> spec.yaml`.\n" + spec_yaml)
        tree["inspect.json"] = json.dumps({**result.to_dict(), "database": _db_dict(db)}, indent=2, default=str) + "\n"
        result.out_dir, result.files = write_files(out_dir, tree, force, f"dbwright inspect {db.source}")
    timings["total"] = time.perf_counter() - t0
    return result


def _db_dict(db: Database) -> dict[str, Any]:
    d = asdict(db)
    d.get("extra", {}).pop("samples", None)
    d.get("extra", {}).pop("key_values", None)
    for t in d["tables"].values():
        for c in t["columns"]:
            c["samples"] = c["samples"][:5]
    return d


def write_files(out_dir: str | Path, files: dict[str, str], force: bool, command: str) -> tuple[Path, list[Path]]:
    """Write a tree of files through the shared tree writer (manifest, safe --force, atomic swap)."""
    from dbwright.io import write_tree

    res = write_tree(Path(out_dir), files, force=force, command=command)
    return res.out, [res.out / rel for rel in files]
