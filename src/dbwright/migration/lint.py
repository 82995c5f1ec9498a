"""Lint a migration script: parse, annotate locks, run the MIG rules; text, JSON and SARIF output."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.migration.facts import Script
from dbwright.migration.parse import parse_script
from dbwright.model import DbwrightError, Finding, Location, Severity
from dbwright.rules import load_bundle, report


@dataclass
class LintResult:
    script: Script
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.script.file, "engine": self.script.engine,
            "version": ".".join(map(str, self.script.version)),
            "assume_in_transaction": self.script.assume_in_transaction,
            "findings": [f.to_dict() for f in self.findings],
            "statements": [statement_dict(st) for st in self.script.stmts],
            "unparsed": [{"line": ln, "reason": r} for ln, r in self.script.unparsed],
        }


def statement_dict(st: Any) -> dict[str, Any]:
    return {"line": st.line, "kind": st.kind, "table": st.table, "sql": st.sql[:500],
            "locks": [{"relation": lk.relation, "mode": lk.mode, "kind": lk.kind, "why": lk.why} for lk in st.locks],
            "rewrite": st.rewrite, "scan": st.scan, "in_transaction": st.in_transaction,
            **({"algorithm": st.detail["algorithm"], "lock": st.detail["lock"]} if "algorithm" in st.detail else {})}


def parse_version(engine: str, version: str | int | None) -> tuple[int, ...] | None:
    if version is None or version == "":
        return None
    try:
        return tuple(int(p) for p in str(version).split("."))
    except ValueError:
        raise DbwrightError(f"bad {engine} version {version!r}: use e.g. 15, 10.11 or 8.0.36") from None


def lint_sql(sql: str, engine: str = "postgresql", version: str | int | None = None,
             assume_in_transaction: bool = False, file: str | None = None, schema_sql: str | None = None,
             select: list[str] | None = None, ignore: list[str] | None = None) -> LintResult:
    """Lint ``sql``. ``select`` enables opt-in rules (or restricts to the listed codes)."""
    script = parse_script(sql, engine=engine, version=parse_version(engine, version),
                          assume_in_transaction=assume_in_transaction, file=file, context_sql=schema_sql)
    result = LintResult(script)
    for line, reason in script.unparsed:
        result.findings.append(Finding("MIG000", Severity.WARNING, f"not checked: {reason}",
                                       Location(file=file, line=line),
                                       rationale="a statement the parser could not structure is reported, "
                                                 "never dropped"))
    chosen = set(select or [])
    for rule_cls in load_bundle("migration"):
        if chosen and rule_cls.code not in chosen and not (getattr(rule_cls, "opt_in", False) is False
                                                          and "ALL" in chosen):
            continue
        if getattr(rule_cls, "opt_in", False) and rule_cls.code not in chosen:
            continue
        if ignore and rule_cls.code in ignore:
            continue
        result.findings.extend(rule_cls().check(script))
    result.findings.sort(key=lambda f: (f.location.line or 0, f.code))
    return result


def lint_file(path: str | Path, **kw: Any) -> LintResult:
    p = Path(path)
    if not p.exists():
        raise DbwrightError(f"{p}: no such file")
    text = p.read_text()
    if p.suffix == ".py":
        text = alembic_sql(text)
    schema = kw.pop("schema", None)
    if schema:
        kw["schema_sql"] = Path(schema).read_text()
    return lint_sql(text, file=str(p), **kw)


def alembic_sql(source: str) -> str:
    """The SQL of an Alembic revision's upgrade(): ``op.execute("...")`` strings, in order."""
    import ast

    tree = ast.parse(source)
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "upgrade":
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "execute" and call.args:
                    arg = call.args[0]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        out.append(arg.value.strip().rstrip(";") + ";")
    if not out:
        raise DbwrightError("no op.execute(...) SQL found in upgrade(); render the revision with "
                            "`alembic upgrade --sql` and lint that")
    return "\n".join(out)


def to_sarif(results: list[LintResult]) -> dict[str, Any]:
    return report.to_sarif([f for res in results for f in res.findings])


def render_text(result: LintResult) -> str:
    lines = [str(f) for f in result.findings]
    n = len(result.findings)
    lines.append(f"{n} finding(s) in {len(result.script.stmts)} statement(s)")
    return "\n".join(lines)


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, default=str)
