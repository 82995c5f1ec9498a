"""Markdown for the normalization section of a design and for ``dbwright normalize`` reports."""

from __future__ import annotations

from typing import Any

from dbwright.design import Section


def _rels(rels: list[dict[str, Any]]) -> str:
    return "\n".join(f"  - ({', '.join(r['attributes'])}) — key {' / '.join('(' + ', '.join(k) + ')' for k in r['keys'])}"
                     f"; {r['reason']}" for r in rels)


def render_markdown(section: Section) -> str:
    lines: list[str] = []
    ents = section.data.get("entities", [])
    if ents:
        lines += ["### Normal forms of entities with declared dependencies", "",
                  "| entity | keys | normal form | 3NF tables | BCNF loses |", "|---|---|---|---|---|"]
        for e in ents:
            lost = ", ".join(e["bcnf"]["lost_dependencies"]) if e["bcnf"] else "n/a"
            keys = " / ".join("(" + ", ".join(k) + ")" for k in e["candidate_keys"])
            lines.append(f"| {e['entity']} | {keys} | {e['normal_form']} | {len(e['synthesis_3nf'])} | {lost or '—'} |")
        for e in ents:
            lines += ["", f"**{e['entity']}** — minimal cover: `{'`, `'.join(e['minimal_cover'])}`"]
            for v in e["violations"]:
                lines.append(f"- `{v['dependency']}` breaks {v['form']}: {v['reason']}")
            lines += ["- 3NF synthesis:", _rels(e["synthesis_3nf"])]
            if e["bcnf"]:
                lines += ["- BCNF decomposition:", _rels(e["bcnf"]["relations"])]
                for fd in e["bcnf"]["lost_dependencies"]:
                    lines.append(f"  - loses `{fd}`: enforce with a cross-table trigger, or keep the 3NF design")
    opts = section.data.get("denormalization", [])
    if opts:
        lines += ["", "### Denormalization options for joining access patterns", "",
                  "| access pattern | option | reads/s | consistency cost | benefit | verdict |",
                  "|---|---|---|---|---|---|"]
        for o in opts:
            ratio = "∞" if o["benefit_ratio"] is None else f"{o['benefit_ratio']}×"
            lines.append(f"| {o['access_pattern']} | {o['kind']} | {o['read_rate']:g} | {o['consistency_cost']} | "
                         f"{ratio} | {'recommended' if o['recommended'] else 'keep the join'} |")
        lines += ["", "Benefit = joins saved per second ÷ extra row writes (or refreshes) per second; "
                  "recommended at ≥ 10× for patterns of ≥ 50 reads/s."]
    return "\n".join(lines) + "\n"


def render_report(result: dict[str, Any]) -> str:
    """NORMALIZATION.md for ``dbwright normalize`` (flat data, nested documents, or a spec)."""
    out = [f"# Normalization report ({result.get('kind', 'data')})", ""]
    if result.get("kind") == "nested":
        out += [f"{result['documents']} documents of `{result['root']}`; document key from {result['key_source']}.", ""]
        for p in result.get("polymorphic", []):
            out.append(f"- polymorphic field `{p['path']}`: {', '.join(f'{k} ×{n}' for k, n in p['counts'].items())}")
        out.append("")
    for plan in result["tables"]:
        out += [f"## {plan['relation']}", ""]
        if "sample" in plan:
            s = plan["sample"]
            out.append(f"Source: {s['source']} — {s['rows_used']} of {s['rows_total']} rows"
                       + (" (sampled)" if s["sampled"] else ""))
        out += [f"Normal form before: **{plan['normal_form']}**; keys: "
                + ", ".join("(" + ", ".join(k) + ")" for k in plan["candidate_keys"]), "",
                "Dependencies used (" + ("confirmed" if plan.get("confirmed_fds") else "declared") + "):", ""]
        out += [f"- `{fd}`" for fd in plan.get("confirmed_fds") or plan["minimal_cover"]]
        out += ["", "### Proposed tables", ""]
        for t in plan["tables"]:
            fks = "; ".join(f"({', '.join(f['columns'])}) → {f['references']}" for f in t["foreign_keys"])
            out.append(f"- **{t['name']}**({', '.join(t['columns'])}) PK ({', '.join(t['primary_key'])})"
                       + (f"; unique {', '.join('(' + ', '.join(u) + ')' for u in t['unique'])}" if t["unique"] else "")
                       + (f"; FK {fks}" if fks else "") + f" — {t['reason']}")
        if plan["steps"]:
            out += ["", "### Why", ""] + [f"- {s}" for s in plan["steps"]]
        for fd in plan["lost_dependencies"]:
            out.append(f"- not preserved: `{fd}` — enforce with a trigger across tables or choose --target 3nf")
        if plan.get("proofs"):
            out += ["", "### Lossless-join proof (measured)", "",
                    "| engine | version | source rows | distinct | joined back | missing | extra | lossless |",
                    "|---|---|---|---|---|---|---|---|"]
            for p in plan["proofs"]:
                out.append(f"| {p['engine']} | {p['version']} | {p['source_rows']} | {p['source_distinct_rows']} | "
                           f"{p['joined_rows']} | {p['missing_rows']} | {p['extra_rows']} | "
                           f"{'yes' if p['lossless'] else 'NO'} |")
                for v in p["fd_violations"]:
                    out.append(f"- {p['engine']}: {v['rows']} rows violate `{v['fd']}` (e.g. {v['examples'][:2]})")
        out.append("")
    findings = list(result.get("findings", [])) + [f for p in result["tables"] for f in p.get("findings", [])]
    if findings:
        out += ["## Findings", ""] + [f"- {f['severity']} {f['code']}: {f['message']}" for f in findings]
    return "\n".join(out) + "\n"


def render_files(section: Section) -> dict[str, str]:
    """Per entity with declared FDs: the proposed tables' DDL per dialect and the fill SQL."""
    from dbwright.verify.lossless import FlatSource, TargetTable, render_ddl, render_fill_sql

    files: dict[str, str] = {}
    for e in section.data.get("entities", []):
        prop = e.get("proposed")
        if not prop or e["normal_form"] == "BCNF":
            continue
        stem = _snake(e["entity"])
        source = FlatSource(stem, e["attributes"], prop["types"], [])
        targets = [TargetTable.from_dict(t) for t in prop["tables"]]
        for dialect in ("postgresql", "sqlite", "mysql"):
            files[f"normalization/{stem}.{prop['target']}.{dialect}.sql"] = (
                f"-- {e['entity']} ({e['normal_form']}) decomposed by {prop['target'].upper()}; generated by dbwright\n"
                + render_ddl(source, targets, dialect))
        files[f"normalization/{stem}.fill.postgresql.sql"] = (
            f"-- Fill the {prop['target'].upper()} tables from {stem}, referenced tables first\n"
            + render_fill_sql(source, targets, "postgresql"))
    return files


def _snake(name: str) -> str:
    import re
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
