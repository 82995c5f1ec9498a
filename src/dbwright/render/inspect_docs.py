"""Markdown documentation of an existing database (like tbls): an index and one page per table.

Each table page lists columns (type, default, nullable, parents and children, comment),
constraints, indexes (with size and scans when the statistics have them), relations declared and
inferred (with evidence and confidence) and a Mermaid diagram of the table and its neighbours.
"""

from __future__ import annotations

from typing import Any

from dbwright.model.database import Database, Table
from dbwright.render.erd_db import to_metadata
from dbwright.render.mermaid import diagram, own_name


def _bytes(n: int | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n}"


def _cell(v: Any) -> str:
    if v is None or v == "":
        return ""
    return str(v).replace("|", "\\|").replace("\n", " ")


def page_name(t: Table) -> str:
    return f"{t.schema}.{t.name}.md"


def render_index(db: Database, relations: list[Any], erds: dict[str, str], findings_count: int | None = None) -> str:
    declared = sum(1 for r in relations if r.declared)
    inferred = [r for r in relations if not r.declared]
    out = [f"# {db.name or 'database'}", "",
           f"{db.engine} {db.version} — read from `{db.source}`" + (f" at {db.collected_at}" if db.collected_at else ""),
           "",
           f"- schemas: {', '.join(db.schemas)}",
           f"- tables: {len(db.base_tables())}, views: {sum(1 for t in db.tables.values() if t.is_view)}",
           f"- relations: {declared} declared foreign keys, {len(inferred)} inferred "
           f"({sum(1 for r in inferred if r.confidence == 'high')} high confidence)",
           "- statistics: " + (f"since {db.stats_reset}" if db.stats_reset else
                                "live counters, never reset (age unknown)" if db.statistics else
                                "none (read from a DDL file)"),
           ""]
    if findings_count is not None:
        out += [f"Critique: {findings_count} finding(s) — see `critique.md`.", ""]
    out += ["## Diagrams", ""] + [f"- [{k}](erd/{k}.mmd)" for k in erds] + [""]
    for schema in db.schemas:
        tables = [t for t in db.tables.values() if t.schema == schema]
        if not tables:
            continue
        out += [f"## Schema `{schema}`", "", "| table | kind | columns | rows | size | comment |",
                "|---|---|---|---|---|---|"]
        for t in tables:
            rows = "—" if t.rows is None else f"{t.rows:,}" + ("" if t.rows_exact or not db.statistics else " (est.)")
            out.append(f"| [{t.name}](tables/{page_name(t)}) | {t.kind} | {len(t.columns)} | {rows} | "
                       f"{_bytes(t.total_bytes)} | {_cell(t.comment)} |")
        out.append("")
    if db.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in db.notes] + [""]
    return "\n".join(out)


def render_table(db: Database, t: Table, relations: list[Any], md: Any = None) -> str:
    parents = [r for r in relations if r.table == t.key]
    children = [r for r in relations if r.ref_table == t.key]
    out = [f"# {t.schema}.{t.name}", "", "[← index](../README.md)", ""]
    if t.comment:
        out += [t.comment, ""]
    facts = [f"kind: {t.kind}"]
    if t.rows is not None:
        facts.append(f"rows: {t.rows:,}" + ("" if t.rows_exact or not db.statistics else " (estimate)"))
    if t.total_bytes is not None:
        facts.append(f"size: {_bytes(t.total_bytes)} (table {_bytes(t.table_bytes)}, indexes {_bytes(t.index_bytes)})")
    if t.rls_enabled:
        facts.append("row-level security: on" + (" (forced)" if t.rls_forced else ""))
    if t.partition_of:
        facts.append(f"partition of {t.partition_of}")
    if t.inherits:
        facts.append(f"inherits {', '.join(t.inherits)}")
    if db.file and t.line:
        facts.append(f"defined at {db.file}:{t.line}")
    out += ["- " + f for f in facts] + [""]
    if t.view_definition:
        out += ["## Definition", "", "```sql", t.view_definition.strip(), "```", ""]
    out += ["## Columns", "", "| # | name | type | default | nullable | parents | children | comment |",
            "|---|---|---|---|---|---|---|---|"]
    for c in t.columns:
        par = ", ".join(f"[{r.ref_table}](" + f"{r.ref_table}.md)" + ("" if r.declared else f" ({r.confidence})")
                        for r in parents if c.name in r.columns)
        chi = ", ".join(f"[{r.table}]({r.table}.md)" for r in children if c.name in r.ref_columns)
        key = " (PK)" if c.name in t.primary_key else ""
        out.append(f"| {c.position} | {c.name}{key} | {_cell(c.type)} | {_cell(c.default or c.generated)} | "
                   f"{'yes' if c.nullable else 'no'} | {par} | {chi} | {_cell(c.comment)} |")
    out.append("")
    cons = []
    if t.primary_key:
        cons.append(f"| {t.primary_key_name or 'PRIMARY KEY'} | PRIMARY KEY | ({', '.join(t.primary_key)}) |")
    cons += [f"| {u.name} | UNIQUE | ({', '.join(u.columns)}) |" for u in t.uniques]
    cons += [f"| {f.name} | FOREIGN KEY | ({', '.join(f.columns)}) → {f.ref_key}({', '.join(f.ref_columns)}) "
             f"ON DELETE {f.on_delete}{'' if f.validated else ' NOT VALID'} |" for f in t.foreign_keys]
    cons += [f"| {c.name} | CHECK | {_cell(c.expression)} |" for c in t.checks]
    if cons:
        out += ["## Constraints", "", "| name | type | definition |", "|---|---|---|", *cons, ""]
    if t.indexes:
        out += ["## Indexes", "", "| name | columns | unique | method | size | scans | definition |",
                "|---|---|---|---|---|---|---|"]
        for ix in t.indexes:
            scans = "—" if ix.scans is None else str(ix.scans)
            out.append(f"| {ix.name} | {_cell(', '.join(ix.columns))} | {'yes' if ix.unique else ''} | {ix.method} | "
                       f"{_bytes(ix.size_bytes)} | {scans} | {_cell(ix.definition)} |")
        out.append("")
    if t.policies:
        out += ["## Policies", "", "| name | command | permissive | roles | using | with check |",
                "|---|---|---|---|---|---|"]
        out += [f"| {p.name} | {p.command} | {'yes' if p.permissive else 'no'} | {', '.join(p.roles)} | "
                f"{_cell(p.using)} | {_cell(p.with_check)} |" for p in t.policies]
        out.append("")
    inferred = [r for r in parents if not r.declared]
    if inferred:
        out += ["## Inferred relations", "", "| columns | references | confidence | evidence |", "|---|---|---|---|"]
        out += [f"| {', '.join(r.columns)} | {r.ref_table}({', '.join(r.ref_columns)}) | {r.confidence} "
                f"({r.score:.2f}) | {_cell('; '.join(e['detail'] for e in r.evidence))} |" for r in inferred]
        out.append("")
    neighbours = {t.key} | {r.ref_table for r in parents} | {r.table for r in children}
    md = md if md is not None else to_metadata(db, relations)
    ts = [x for x in md.tables.values() if x.key in neighbours]
    multi = len(db.schemas) > 1
    if ts and len(ts) <= 40:
        text = diagram(ts, attributes=len(ts) <= 12,
                       name=lambda x: own_name(f"{x.schema}.{x.name}" if multi else x.name))
        out += ["## Diagram", "", "```mermaid", text.rstrip(), "```", ""]
    return "\n".join(out)


def render_docs(db: Database, relations: list[Any], erds: dict[str, str],
                findings_count: int | None = None) -> dict[str, str]:
    """{relative path: text} for README.md, tables/<schema>.<table>.md and erd/<name>.mmd."""
    files = {"README.md": render_index(db, relations, erds, findings_count)}
    md = to_metadata(db, relations)
    for t in db.tables.values():
        files[f"tables/{page_name(t)}"] = render_table(db, t, relations, md)
    for k, text in erds.items():
        files[f"erd/{k}.mmd"] = text
    return files
