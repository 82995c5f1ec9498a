"""Render the 'indexes' section: picks and rejections with reasons, per-query proof, DDL per dialect."""

from __future__ import annotations

from typing import Any

from dbwright.design import Section
from dbwright.render.sections.arch_common import pct, size, table


def _proof(d: dict[str, Any]) -> list[str]:
    p = d.get("proof") or {}
    if p.get("status") != "proved":
        return [f"**Planner proof skipped:** {p.get('reason', 'not run')}. Costs above are rule-based estimates "
                "(row counts and textbook selectivities); run `dbwright indexes` with PostgreSQL and HypoPG "
                "installed for the proof.", ""]
    out = [f"**Proved with the PostgreSQL {p.get('version', '')} planner** ({p.get('method')}; "
           f"{p.get('planner_calls')} planner calls, {p.get('seconds')} s). Statistics: "
           f"{p.get('statistics', 'the database’s own')}.", ""]
    out += [table(["query", "cost before", "cost after", "saved", "plan uses"],
                  [[r["query"], r["cost_before"], r["cost_after"], pct(r["saved"]), ", ".join(r["uses"]) or "–"]
                   for r in p.get("per_query", [])]), ""]
    ex = p.get("execute_check")
    if ex:
        out += ["Execute check (indexes built for real, EXPLAIN ANALYZE, median of 3):", "",
                table(["query", "ms before", "ms after", "slower?"],
                      [[r["query"], r["ms_before"], r["ms_after"], "**yes**" if r["slower"] else "no"]
                       for r in ex["queries"]]), "",
                table(["index", "HypoPG estimate", "real size", "real ÷ estimate"],
                      [[s["index"], size(s["estimated_bytes"]), size(s["real_bytes"]), s["ratio"]]
                       for s in ex["sizes"]]), ""]
        if ex.get("slower"):
            out += [f"**Slower after the change:** {', '.join(ex['slower'])}.", ""]
    return out


def render_markdown(section: Section) -> str:
    d = section.data
    budget = size(d["budget_bytes"]) if d.get("budget_bytes") else "none"
    parts = [f"Budget: {budget}; chosen: {len(d['picks'])} index(es), {size(d['size_bytes'])}; workload cost "
             f"{pct(d['relative_cost'])} of today's ({'planner' if d['mode'] == 'planner' else 'rule-based'} "
             "costs, weighted by calls per second).", "", "### Picks", ""]
    parts += [table(["index", "size", "why", "queries"],
                    [[p["key"], size(p["size_bytes"]), p["detail"], ", ".join(p["queries"])] for p in d["picks"]])
              if d["picks"] else "No new index pays for itself.", ""]
    if d["rejections"]:
        parts += ["### Rejected candidates", "",
                  table(["candidate", "reason", "detail"],
                        [[r["key"], r["reason"], r["detail"]] for r in d["rejections"]]), ""]
    if d["drops"]:
        parts += ["### Schema indexes superseded" if d.get("own_schema") else "### Existing indexes to drop", "",
                  table(["index", "table", "why", "statement"],
                        [[x["name"], x["table"], x["reason"], x["ddl"]["postgresql"]] for x in d["drops"]]), ""]
    parts += ["### Proof", "", *_proof(d)]
    if d["picks"]:
        parts += ["### Statements", "", "PostgreSQL (online build; run outside a transaction):", "", "```sql",
                  *d["ddl"]["postgresql"], "```", "", "MariaDB / MySQL:", "", "```sql", *d["ddl"]["mariadb"], "```",
                  "", "SQLite:", "", "```sql", *d["ddl"]["sqlite"], "```", ""]
        notes = [f"{p['key']} on {dia}: {p['ddl'][dia]['note']}" for p in d["picks"]
                 for dia in ("mariadb", "sqlite") if p["ddl"][dia]["note"]]
        if notes:
            parts += ["Portability: " + "; ".join(notes) + ".", ""]
    if d.get("problems"):
        parts += ["Not costed: " + "; ".join(d["problems"]) + ".", ""]
    return "\n".join(parts)


def render_files(section: Section) -> dict[str, str]:
    d = section.data
    if not d["picks"] and not d["drops"]:
        return {}
    out = {}
    for dia, ext in (("postgresql", "postgresql"), ("mariadb", "mariadb"), ("sqlite", "sqlite")):
        lines = [f"-- dbwright index plan ({dia}); {'proved by the planner' if d['mode'] == 'planner' else 'rule-based'}"]
        lines += d["ddl"][dia]
        lines += [f"-- {x['reason']}\n{x['ddl'][dia]}" for x in d["drops"]]
        out[f"indexes/indexes.{ext}.sql"] = "\n".join(lines) + "\n"
    return out
