"""The Migration section of DESIGN.md and its files (migration/…: phase SQL, rollback, rehearsal)."""

from __future__ import annotations

import json
from typing import Any

from dbwright.design import Section


def _cell(v: Any) -> str:
    return str(v or "").replace("|", "\\|").replace("\n", " ")


def render_markdown(section: Section) -> str:
    d = section.data
    out: list[str] = []
    plan: dict[str, Any] | None = d.get("plan")
    reh: dict[str, Any] | None = d.get("rehearsal")
    if plan is not None:
        phases: dict[str, list[dict[str, Any]]] = plan.get("phases", {})
        n = sum(len(v) for v in phases.values())
        out += ["### Schema plan: current → designed", "",
                f"From `{d.get('from')}` to the designed schema: {n} steps in the phases "
                f"{' → '.join(phases)}, each phase with its rollback script (files in `migration/`, "
                "start with `migration/plan.md`).", "",
                "| # | phase | step | locks | cost | rollback |", "|---|---|---|---|---|---|"]
        i = 0
        for phase, steps in phases.items():
            for st in steps:
                i += 1
                locks = ", ".join(f"{lk.get('relation')} {str(lk.get('mode', '')).removesuffix('Lock')}"
                                  for lk in st.get("locks", [])) or "—"
                undo = "lossy" if st.get("lossy_rollback") else ("yes" if st.get("rollback") else "—")
                out.append(f"| {i} | {phase} | {_cell(st.get('title'))} | {_cell(locks)} | {_cell(st.get('cost'))} | "
                           f"{undo} |")
        out.append("")
        if plan.get("blocking_steps"):
            out += ["Steps that hold ACCESS EXCLUSIVE while scanning or rewriting:", ""]
            out += [f"- {b}" for b in plan["blocking_steps"]] + [""]
        if plan.get("prompts"):
            out += ["Decisions needed before running it:", ""] + [f"- {p}" for p in plan["prompts"]] + [""]
        if plan.get("unsupported"):
            out += ["Not planned (by hand):", ""] + [f"- {u}" for u in plan["unsupported"]] + [""]
    if reh is not None:
        checks = reh.get("checks", {})
        out += ["### Rehearsal on a sandbox copy", "",
                f"Measured on PostgreSQL {reh.get('postgresql', '')}: the current schema with {reh.get('rows', 0):,} "
                f"synthetic rows per table under a concurrent workload, the plan applied phase by phase.", "",
                "| check | result |", "|---|---|"]
        out += [f"| {k} | {'passed' if v else '**failed**'} |" for k, v in checks.items()]
        out += ["", f"Longest ACCESS EXCLUSIVE hold: {reh.get('longest_access_exclusive_ms', 0):.1f} ms; longest "
                f"lock wait seen by the workload: {reh.get('workload_longest_lock_wait_ms', 0):.1f} ms.", ""]
    elif d.get("rehearsal_skipped"):
        out += [f"Rehearsal not run: {d['rehearsal_skipped']}", ""]
    out += [f"### From {d.get('current')} to {d.get('target')}", ""]
    for i, ph in enumerate(d.get("phases", []), 1):
        out += [f"{i}. **{ph['title']}**"] + [f"   - {s}" for s in ph["steps"]] + [f"   - rollback: {ph['rollback']}"]
        if ph.get("source"):
            out.append(f"   - reference: {ph['source']}")
    out.append("")
    return "\n".join(out)


def render_files(section: Section) -> dict[str, str]:
    files: dict[str, str] = dict(section.data.get("files") or {})
    if section.data.get("rehearsal") is not None:
        files["migration/rehearsal.json"] = json.dumps(section.data["rehearsal"], indent=2, default=str) + "\n"
    return files
