"""Critique an existing database's design with the schema rules (rules/schema, SCH…)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from dbwright.inspect.relations import Relation, infer_relations
from dbwright.inspect.source import read_database
from dbwright.model import DbwrightError, Finding, Severity
from dbwright.model.database import Database
from dbwright.render.critique_formats import FORMATS, render_github, render_json, render_text, to_sarif
from dbwright.rules import load_bundle
from dbwright.rules.schema._util import SchemaFacts

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def critique_formats() -> tuple[str, ...]:
    return FORMATS


@dataclass
class CritiqueReport:
    database: Database
    findings: list[Finding]
    rules: list[Any]
    skipped: list[dict[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> dict[str, Any]:
        db = self.database
        by_code: dict[str, int] = {}
        for f in self.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
        return {"source": db.source, "engine": db.engine, "version": db.version, "tables": len(db.base_tables()),
                "rules_run": len(self.rules) - len(self.skipped), "rules_total": len(self.rules),
                "by_code": by_code, "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
                "notes": db.notes}

    def render(self, fmt: str = "text") -> str:
        if fmt == "text":
            s = self.summary()
            head = (f"critique of {s['source']} ({s['engine']} {s['version']}): {s['tables']} tables, "
                    f"{s['rules_run']} of {s['rules_total']} rules run")
            return render_text(self.findings, self.skipped, head)
        if fmt == "json":
            return render_json(self.findings, self.skipped, self.summary())
        if fmt == "sarif":
            return json.dumps(to_sarif(self.findings, self.rules, self.database.source), indent=2) + "\n"
        if fmt == "github":
            return render_github(self.findings)
        raise DbwrightError(f"--format must be one of {', '.join(FORMATS)}")


def schema_rules() -> list[Any]:
    return list(load_bundle("schema"))


def _skip_reason(rule: Any, db: Database) -> str | None:
    for need in getattr(rule, "needs", ()):
        if need == "statistics" and not db.statistics:
            return "needs usage statistics from a live database (a DSN)"
        if need == "postgresql" and db.engine != "postgresql":
            return f"PostgreSQL only ({db.engine})"
        if need == "data" and not (db.data_sampled or db.statistics or any(
                c.samples for t in db.tables.values() for c in t.columns)):
            return "needs column values: statistics or --sample-rows"
    return None


def critique_database(db: Database, relations: list[Relation] | None = None, select: list[str] | None = None,
                      ignore: list[str] | None = None, config: dict[str, float] | None = None) -> CritiqueReport:
    """Run every schema rule on an inspected database."""
    rules = schema_rules()
    known = {r.code for r in rules}
    for code in (select or []) + (ignore or []):
        if code not in known:
            raise DbwrightError(f"unknown rule {code}: see docs/rules/ (SCH001…)")
    rels = relations if relations is not None else infer_relations(db, use_data=bool(db.extra.get("samples")))
    facts = SchemaFacts(db, rels)
    if config:
        facts.config.update(config)
    findings: list[Finding] = []
    skipped: list[dict[str, str]] = []
    t0 = time.perf_counter()
    for rule in rules:
        if (select and rule.code not in select) or (ignore and rule.code in ignore):
            continue
        reason = _skip_reason(rule, db)
        if reason:
            skipped.append({"rule": rule.code, "reason": reason})
            continue
        findings.extend(rule().check(facts))
    findings.sort(key=lambda f: (_ORDER[f.severity], f.location.path or "", f.code))
    report = CritiqueReport(db, findings, rules, skipped, relations=rels)
    report.timings["rules"] = time.perf_counter() - t0
    return report


def critique(source: str, schemas: list[str] | None = None, exclude_schemas: list[str] | None = None,
             engine: str | None = None, sample_rows: int = 0, select: list[str] | None = None,
             ignore: list[str] | None = None, cluster: Any = None, maria: Any = None) -> CritiqueReport:
    """``dbwright critique``: read ``source`` (DSN read-only, or DDL file on a throwaway engine), check it."""
    t0 = time.perf_counter()
    db = read_database(source, schemas, exclude_schemas, engine, cluster, maria, sample_rows)
    t1 = time.perf_counter()
    report = critique_database(db, None, select, ignore)
    from dbwright.api.inspect import load_findings

    report.findings = load_findings(db) + report.findings
    report.timings.update(read=t1 - t0, total=time.perf_counter() - t0)
    return report
