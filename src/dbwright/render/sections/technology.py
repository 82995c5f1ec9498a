"""Render the 'technology' section: ranking table, needs, per-dimension comparison, polyglot."""

from __future__ import annotations

from dbwright.design import Section
from dbwright.render.sections.arch_common import table


def render_markdown(section: Section) -> str:
    d = section.data
    parts = ["### What the spec needs", "",
             table(["dimension", "importance", "because"],
                   [[k, f"{v['importance']:.2f}", v["reason"]] for k, v in
                    sorted(d["needs"].items(), key=lambda kv: -kv[1]["importance"])]), ""]
    dims = [k for k, _ in sorted(d["needs"].items(), key=lambda kv: -kv[1]["importance"])][:8]
    parts += ["### Ranking (top 10 of the catalogue)", "",
              table(["#", "engine", "category", "score", *dims, "gates"],
                    [[i + 1, ("**" + r["name"] + "**") if i == 0 else r["name"], r["category"], f"{r['score']:.1f}",
                      *[f"{r['ratings'][k]:g}" for k in dims], "; ".join(r["gates"]) or "–"]
                     for i, r in enumerate(d["ranking"])]), "",
              "Scores: 100 × Σ importance × rating/5 ÷ Σ importance (ratings 0–5 from the engine catalogue, each "
              "backed by cited facts; team and migration from the spec); an engine rated ≤ 1 where the spec needs "
              "≥ 0.7 is gated (× 0.75).", ""]
    cmp_ = d.get("comparison")
    if cmp_:
        parts += ["### Candidates named in the spec", "", f"**Verdict:** {cmp_['verdict']}", "",
                  table(["engine", "score", "gates"], [[r["name"], f"{r['score']:.1f}", "; ".join(r["gates"]) or "–"]
                                                       for r in cmp_["listed"]]), ""]
    if d.get("polyglot"):
        parts += ["### Polyglot persistence", "",
                  table(["store", "role", "serves", "rating", "data flow"],
                        [[p["name"], p["role"], ", ".join(p["patterns"]), f"{p['rating']}/5 vs {p['primary_rating']:g}/5",
                          p["flow"]] for p in d["polyglot"]]), ""]
    if d.get("managed"):
        parts += ["### Managed offerings of " + d["recommended_name"], "",
                  "\n".join(f"- {m['name']} ({m['provider']}) — {m['source']}" for m in d["managed"]), ""]
    return "\n".join(parts)
