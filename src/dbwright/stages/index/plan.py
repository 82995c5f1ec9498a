"""The index plan as a design section: picks and rejections with reasons, drops, DDL per dialect.

Used by the pure ``indexes`` stage (rule-based costs) and by the planner proof (HypoPG costs):
both hand a :class:`Selection` here and get the same section shape back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dbwright.ddl import order
from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Location, Severity
from dbwright.stages.index.base import Selection
from dbwright.stages.index.candidates import redundant_existing
from dbwright.stages.index.ddl import DIALECTS, drop_sql, index_sql, portable
from dbwright.stages.index.model import IndexDef, Query


@dataclass
class Existing:
    name: str
    index: IndexDef
    unique: bool = False  # primary key / unique constraint: never a drop candidate
    scans: int | None = None  # from pg_stat_user_indexes on a live database
    keeps: str | None = None  # the constraint or foreign key it backs: never a drop candidate


@dataclass
class PlanInput:
    queries: list[Query]
    selection: Selection
    existing: list[Existing] = field(default_factory=list)
    budget_bytes: int | None = None
    max_indexes: int | None = None
    mode: str = "rule"  # rule | planner
    engine: str | None = None
    version: str | None = None
    size_scale: float = 1.0  # planner sizes were measured on a sample this much smaller
    problems: list[str] = field(default_factory=list)
    write_rates: dict[str, float] = field(default_factory=dict)
    proof: dict[str, Any] | None = None
    live: bool = False  # a real database: index usage counters mean something
    own_schema: bool = False  # the existing indexes are the design's own (a spec), not a user's database
    stats_age_days: float | None = None  # live database: days since its statistics were reset (None: unknown)
    stats_evidence: str = ""  # how the age was read (pg_stat_database.stats_reset)


# Usage counters younger than this prove nothing about an index being unused (weekly/monthly jobs).
MIN_STATS_DAYS = 7.0


def existing_from_metadata(md: sa.MetaData) -> list[Existing]:
    """Primary keys, unique constraints and indexes of a SQLAlchemy schema (plain columns only)."""
    out: list[Existing] = []
    for t in md.tables.values():
        if t.primary_key.columns:
            cols = tuple(c.name for c in t.primary_key.columns)
            out.append(Existing(str(t.primary_key.name or f"{t.name}_pkey"), IndexDef(t.name, cols), True))
        for con in order.constraints(t):
            if isinstance(con, sa.UniqueConstraint) and con.columns:
                out.append(Existing(str(con.name or f"uq_{t.name}"), IndexDef(t.name, tuple(c.name for c in con.columns)),
                                    True))
        for ix in order.indexes(t):
            names = [c.name for c in ix.columns]
            if len(names) != len(ix.expressions):
                continue  # expression index: not comparable by columns
            where = ix.dialect_options["postgresql"].get("where") if "postgresql" in ix.dialect_options else None
            if where is not None:
                continue
            out.append(Existing(str(ix.name), IndexDef(t.name, tuple(names)), bool(ix.unique)))
    return out


def _mb(b: float) -> str:
    if b >= 10e12:
        return f"{b / 1e12:,.1f} TB"
    return f"{b / 1e9:.1f} GB" if b >= 10e9 else f"{b / 1e6:.1f} MB"


def _ddl(idx: IndexDef) -> dict[str, dict[str, str | None]]:
    out: dict[str, dict[str, str | None]] = {}
    for d in ("postgresql", "mariadb", "mysql", "sqlite"):
        p, lost = portable(idx, d)
        out[d] = {"sql": index_sql(p, d, concurrently=True) + ";", "note": lost}
    return out


def drops(existing: Sequence[Existing], sel: Selection, live: bool,
          stats_age_days: float | None = None) -> list[dict[str, Any]]:
    """Existing indexes to drop: duplicates, prefixes of longer ones, and (live databases whose
    statistics are at least ``MIN_STATS_DAYS`` old) unused ones. An index that backs a constraint
    or a foreign key's columns is never one of them; nor one that serves a candidate of the
    workload unless a kept index serves that candidate too."""
    by_name = {e.name: e.index for e in existing}
    keep = [e.name for e in existing if e.unique or e.keeps]
    out: list[dict[str, Any]] = [
        {"name": n, "table": by_name[n].table, "columns": list(by_name[n].columns), "reason": r}
        for n, r in redundant_existing(by_name, keep).items()]
    named = {d["name"] for d in out}
    for e in existing:
        if e.unique or e.keeps or e.name in named:
            continue
        cover = next((c for c in sel.chosen if c.prefix_covers(e.index) and c.columns != e.index.columns), None)
        if cover is not None:
            out.append({"name": e.name, "table": e.index.table, "columns": list(e.index.columns),
                        "reason": f"prefix of the recommended {cover.key}"})
        elif e.scans == 0 and live and stats_age_days is not None and stats_age_days >= MIN_STATS_DAYS:
            used = any(e.index in u for _, _, u in sel.per_query.values())
            if not used:
                out.append({"name": e.name, "table": e.index.table, "columns": list(e.index.columns),
                            "reason": f"never scanned in the {stats_age_days:.0f} days since statistics were "
                                      "reset, and no workload plan uses it"})
    out = _keep_serving(out, existing, sel)
    for d in out:
        d["ddl"] = {dialect: drop_sql(d["name"], d["table"], dialect).strip() + ";"
                    for dialect in ("postgresql", "mariadb", "sqlite")}
    return out


def _keep_serving(out: list[dict[str, Any]], existing: Sequence[Existing], sel: Selection) -> list[dict[str, Any]]:
    """An existing index named as serving a candidate is either kept, or the verdict names a kept
    index that serves it too — never both "already serves it" and DROP."""
    dropped = {d["name"] for d in out}
    kept = [e for e in existing if e.name not in dropped]
    by_key = {e.index.key: e for e in existing}
    for v in sel.verdicts:
        if v.reason != "redundant" or not v.detail.startswith("existing index "):
            continue
        key = v.detail[len("existing index "):].rsplit(" already serves it", 1)[0]
        e = by_key.get(key)
        if e is None or e.name not in dropped:
            continue
        other = next((k for k in kept if k.index.prefix_covers(v.index)), None)
        if other is not None:
            v.detail = f"existing index {other.index.key} already serves it"
        else:
            dropped.discard(e.name)
            kept.append(e)
    return [d for d in out if d["name"] in dropped]


def build_section(p: PlanInput, locate: Any = None) -> Section:
    sel = p.selection
    scale = p.size_scale or 1.0
    planner = p.mode == "planner"
    unit = "planner cost" if planner else "estimated cost"
    drop_rows = drops(p.existing, sel, p.live, p.stats_age_days)
    problems = list(p.problems)
    if p.live and p.existing and (p.stats_age_days is None or p.stats_age_days < MIN_STATS_DAYS):
        problems.append(f"unused indexes are not reported: {p.stats_evidence or 'statistics age unknown'} "
                          f"(usage counters need at least {MIN_STATS_DAYS:.0f} days)")
    picks: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for v in sel.verdicts:
        row = {**v.to_dict(), "size_bytes": int(v.size_bytes / scale)}
        (picks if v.reason == "picked" else rejects).append(row)
    for row in picks:
        row["ddl"] = _ddl(IndexDef(row["table"], tuple(row["columns"]), tuple(row.get("include", ())),
                                   row.get("where")))
    size = sel.size_bytes / scale
    queries = []
    for q in p.queries:
        if q.qid in sel.per_query:
            before, after, used = sel.per_query[q.qid]
            queries.append({"name": q.qid, "weight": q.weight, "sql": q.sql, "cost_before": round(before, 2),
                            "cost_after": round(after, 2), "indexes": [i.key for i in used]})
    data: dict[str, Any] = {
        "mode": p.mode, "own_schema": p.own_schema, "budget_bytes": p.budget_bytes, "max_indexes": p.max_indexes,
        "size_bytes": int(size), "relative_cost": round(sel.relative_cost, 5),
        "picks": picks, "rejections": rejects, "drops": drop_rows, "queries": queries,
        "problems": problems, "write_rates": p.write_rates, "size_scale": scale,
        "proof": p.proof if p.proof is not None else {"status": "skipped",
                                                       "reason": "no PostgreSQL planner run (rule-based costs)"},
        "ddl": {d: [r["ddl"][d]["sql"] for r in picks] for d in ("postgresql", "mariadb", "sqlite")},
        "queries_sql": [{"qid": q.qid, "sql": q.sql, "weight": q.weight} for q in p.queries],
        "search": {"stopped": sel.stopped, "seconds": round(sel.seconds, 2),
                   "floors": {k: round(v, 5) for k, v in sel.floors.items()}, "trace": sel.trace},
    }
    ev: list[Evidence] = []
    if planner:
        ev.append(Evidence.measured(f"workload {unit} with the picks ÷ without (HypoPG what-if)",
                                    round(sel.relative_cost, 4), p.engine, p.version,
                                    queries=len(queries), size_scale=scale))
    else:
        ev.append(Evidence.formula("workload cost with the picks ÷ without, from row counts and selectivities "
                                   "(equality 1/distinct, range 1/4, random page 4, sequential page 1)",
                                   round(sel.relative_cost, 4), queries=len(queries)))
    budget_txt = f"within {_mb(p.budget_bytes)}" if p.budget_bytes else "with no storage budget"
    decisions = [Decision(
        topic="indexes",
        choice=f"{len(picks)} index(es), {_mb(size)}, {budget_txt}",
        rationale=(f"Chosen for the whole workload (weights = calls per second) by a MIP over {unit}s of "
                   f"per-query index configurations (HiGHS), refined with the true costs of the chosen set; "
                   f"workload cost falls to {100 * sel.relative_cost:.1f}% of no extra indexes."),
        trade_offs=[f"every index costs writes: {', '.join(f'{t} {r:g} rows/s' for t, r in p.write_rates.items())}"
                    if p.write_rates else "no write load declared: maintenance cost not charged"],
        alternatives=[Alternative(r["key"], f"{r['reason']}: {r['detail']}") for r in rejects[:12]],
        evidence=ev)]
    def saved(label: str, row: dict[str, Any]) -> Evidence:
        if planner:
            return Evidence.measured(label, round(row["benefit"], 2), p.engine, p.version, queries=row["queries"])
        return Evidence.formula(label, round(row["benefit"], 2), queries=row["queries"])

    for r in picks:
        # runner-ups: the rejected candidates on the same table, best first, with what they would save
        runner = sorted((x for x in rejects if x["table"] == r["table"]), key=lambda x: -float(x.get("benefit") or 0))
        decisions.append(Decision(
            topic=f"index {r['key']}", choice=r["ddl"]["postgresql"]["sql"] or "",
            rationale=r["detail"], trade_offs=[f"~{_mb(r['size_bytes'])} on disk"],
            alternatives=[Alternative(x["key"], f"{x['reason']}: {x['detail']}") for x in runner[:4]]
            + [Alternative("no index", f"the queries it serves ({', '.join(map(str, r['queries']))}) keep their "
                                       f"current plans: {r['benefit']:,.2f} {unit} per second of workload more")],
            evidence=[saved(f"{unit} saved per second of workload", r)]
            + [saved(f"runner-up {x['key']}: {unit} saved per second of workload", x) for x in runner[:3]]))
    loc = locate(("access_patterns",)) if locate else Location()
    if p.own_schema:
        # The schema stage's own index (e.g. the one leading a foreign key) that a recommended, longer
        # index now covers: the design replaces it — information, not a problem in the user's input.
        findings = [Finding("IDX003", Severity.INFO, f"{d['name']} on {d['table']} is superseded: {d['reason']}, "
                            "which serves the same lookups; the index plan drops it", loc,
                            remediation=d["ddl"]["postgresql"]) for d in drop_rows]
    else:
        findings = [Finding("IDX001", Severity.WARNING, f"drop index {d['name']} on {d['table']}: {d['reason']}",
                            loc, remediation=d["ddl"]["postgresql"]) for d in drop_rows]
    findings += [Finding("IDX002", Severity.INFO, f"workload: {msg}", loc) for msg in problems]
    proof = data["proof"]
    if p.own_schema:
        drop_txt = f"{len(drop_rows)} schema index(es) superseded; " if drop_rows else ""
    else:
        drop_txt = f"{len(drop_rows)} existing index(es) to drop; "
    proof_txt = "done" if proof.get("status") == "proved" else f"skipped ({proof.get('reason')})"
    stop_txt = (f"the search stopped at its time limit after {sel.seconds:.0f} s with the best set found so far; "
                if sel.stopped != "complete" else "")
    summary = (f"{len(picks)} index(es) ({_mb(size)}) cut the workload's {unit} to "
               f"{100 * sel.relative_cost:.1f}%; {len(rejects)} candidate(s) rejected with reasons; "
               f"{stop_txt}{drop_txt}planner proof: {proof_txt}.")
    return Section("indexes", "Indexes", summary=summary, decisions=decisions, findings=findings, data=data)


def table_rows(md: sa.MetaData, fallback: Mapping[str, float]) -> dict[str, float]:
    return {t.name: float(t.info.get("rows") or fallback.get(t.name) or 1000) for t in md.tables.values()}


__all__ = ["DIALECTS", "Existing", "PlanInput", "build_section", "existing_from_metadata"]
