"""The first page of DESIGN.md: what a team lead reads before deciding to apply the design.

Decisions, risks and infeasibilities, the monthly cost against the budget, what was proven, and an
ordered checklist of the package's files — each line links to the section that carries the evidence.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from dbwright.design import Design
from dbwright.model import Severity
from dbwright.render import gfm

# (glob, step) in the order a team applies a package; the first matching glob claims a file.
APPLY_STEPS: tuple[tuple[str, str], ...] = (
    ("schema.postgresql.sql", "create the schema on PostgreSQL (`psql -v ON_ERROR_STOP=1 -f`)"),
    ("schema.mysql.sql", "or on MySQL/MariaDB (`mysql < schema.mysql.sql`)"),
    ("schema.sqlite.sql", "or on SQLite, for tests and embedded use"),
    ("partitioning/*", "partition the tables it names (after the schema, before data)"),
    ("indexes/*", "create the chosen indexes (CONCURRENTLY on a live PostgreSQL)"),
    ("models.py", "application models (SQLAlchemy); the migrations environment builds on them"),
    ("migrations/*", "Alembic environment: `alembic upgrade head` for every later change"),
    ("migration/*", "the phased migration from the current database (run phase by phase)"),
    ("invariants/*", "invariant enforcement (constraints, triggers, transaction templates)"),
    ("security/*", "roles, grants, row-level security and audit configuration"),
    ("dr/postgresql/*", "server settings for WAL archiving"),
    ("dr/patroni/*", "HA manager configuration, one per node"),
    ("dr/pgbackrest/*", "backup repository configuration"),
    ("dr/haproxy/*", "client routing to the current primary"),
    ("dr/pgbouncer/*", "connection pooling"),
    ("scaling/*", "connection pooling sized for the workload"),
    ("dr/systemd/*", "backup schedule units (`systemctl enable --now *.timer`)"),
    ("dr/cron/*", "or the same schedule as cron entries"),
    ("dr/prometheus/*", "alerting rules for backups and replication"),
    ("monitoring/*", "alerting rules for the workload"),
    ("dr/runbooks/*", "read before the first incident; rehearse with `dbwright drill`"),
)
MAX_LINES = 12


def _decisions(design: Design) -> list[str]:
    rows = []
    for s in design.sections:
        for d in s.decisions[:3]:
            rows.append([f"[{s.title}](#{gfm.anchor(s.title)})", d.topic, d.choice])
        if len(s.decisions) > 3:
            rows.append([f"[{s.title}](#{gfm.anchor(s.title)})", "",
                         f"… and {len(s.decisions) - 3} more decision(s) in the section"])
    return [gfm.table(["Section", "Decision", "Choice"], rows)] if rows else ["No decisions were made."]


def _risks(design: Design) -> list[str]:
    found = [f for f in design.all_findings() if f.severity in (Severity.ERROR, Severity.WARNING)]
    if not found:
        return ["No error or warning findings: every requirement was met as stated."]
    errors = sum(1 for f in found if f.severity is Severity.ERROR)
    lines = [f"**{errors} error(s)** (requirements that cannot be met as stated — the message names the "
             f"options) and {len(found) - errors} warning(s):", ""]
    ordered = sorted(found, key=lambda f: f.severity is not Severity.ERROR)
    lines += [f"- **{f.severity.value}** `{f.code}` {f.location}: {f.message}" for f in ordered[:MAX_LINES]]
    if len(ordered) > MAX_LINES:
        lines.append(f"- … and {len(ordered) - MAX_LINES} more under [Findings](#findings)")
    return lines


def _cost(design: Design) -> list[str]:
    for s in design.sections:
        cost = (s.data or {}).get("cost") if isinstance(s.data, dict) else None
        if isinstance(cost, dict) and isinstance(cost.get("monthly"), dict):
            m = cost["monthly"]
            ev = m.get("evidence") or {}
            budget = cost.get("budget_usd_month")
            line = f"**{m.get('display')}** ({ev.get('kind', 'formula')}: `{ev.get('detail', '')}`)"
            if budget:
                line += f" against a budget of ${budget:,.0f}/month ({100 * m['value'] / budget:.0f}%)"
            return [line + f"; details in [{s.title}](#{gfm.anchor(s.title)})."]
    return ["No section priced this design (no budget or cloud prices in the spec)."]


def _proven(report: dict[str, Any] | None, summary: str) -> list[str]:
    if not report:
        return ["Nothing was run on an engine (`--no-verify`): the schema, patterns and files are unproven."]
    lines = [f"Verification: {summary}."]
    for e in report.get("engines", []):
        pats = e.get("patterns") or []
        rt = e.get("round_trip") or {}
        lines.append(f"- {e['engine']} {e.get('version', '')}: schema applied and reflected with "
                     f"{len(rt.get('differences') or [])} difference(s); "
                     f"{sum(1 for p in pats if p.get('ok'))}/{len(pats)} access patterns ran")
    lines += [f"- skipped {s['engine']}: {s['reason']}" for s in report.get("skipped", [])]
    arts = report.get("artifacts")
    if isinstance(arts, list) and arts:
        ok = sum(1 for a in arts if a.get("result") in ("ok", "passed"))
        lines.append(f"- package files: {ok} of {len(arts)} checked by their engine or tool")
    return lines


def _checklist(files: list[str]) -> list[str]:
    left = sorted(f for f in files if f not in ("DESIGN.md", "design.json", "verification.json"))
    lines = []
    for glob, step in APPLY_STEPS:
        hit = [f for f in left if fnmatch.fnmatch(f, glob)]
        if not hit:
            continue
        left = [f for f in left if f not in hit]
        shown = ", ".join(f"`{f}`" for f in hit[:4]) + (f" and {len(hit) - 4} more" if len(hit) > 4 else "")
        lines.append(f"- [ ] {shown} — {step}")
    if left:
        lines.append("- [ ] also in the package: " + ", ".join(f"`{f}`" for f in left[:8])
                     + (f" and {len(left) - 8} more" if len(left) > 8 else ""))
    return lines


def front_page(design: Design, report: dict[str, Any] | None, verification_summary: str,
               files: list[str] | None) -> str:
    parts = ["## At a glance", "", "### Decisions", *_decisions(design), "",
             "### Risks and infeasibilities", "", *_risks(design), "",
             "### Cost", "", *_cost(design), "",
             "### What was proven", "", *_proven(report, verification_summary), ""]
    if files:
        parts += ["### Apply checklist", "", "In this order; every file is explained in its section below.", "",
                  *_checklist(files), ""]
    return "\n".join(parts)
