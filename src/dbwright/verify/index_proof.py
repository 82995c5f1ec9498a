"""The planner proof of an index plan, on a throwaway PostgreSQL (or a live database, read-only).

Statistics: the physical schema is created in a sandbox database and filled with synthetic rows
at the spec's proportions, scaled down so the largest table has ``cap`` rows (``verify.data``);
ANALYZE gives the planner real histograms of that sample. Then ``verify.full_scale`` makes the
sample look full-size to the planner (sparse table and index files, full-size ``pg_class`` row
counts, foreign-key distinct counts), so plans, costs and HypoPG sizes are those of the full
tables. When it lays out only a fraction (very large designs) or is not used (``execute_check``,
which runs the queries), sizes are scaled back by the sample's factor and the storage budget
down by it, so the budget means the same thing at full size.

Optionally (``execute_check``) the chosen indexes are built for real and every query runs under
EXPLAIN ANALYZE before and after, with real sizes compared to HypoPG's estimates; a query that got
slower is flagged.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from dbwright.design import Section
from dbwright.stages.index import CANDIDATES
from dbwright.stages.index.base import DEFAULT_TIME_LIMIT
from dbwright.stages.index.ddl import index_sql
from dbwright.stages.index.model import IndexDef, Query
from dbwright.stages.index.parse import parse_query
from dbwright.stages.index.plan import PlanInput, build_section
from dbwright.stages.index.select import Selection, SelectOptions
from dbwright.stages.index.workload import maintenance
from dbwright.verify.full_scale import inflate
from dbwright.verify.index_advisor import advise_on_connection, catalog, existing_detail
from dbwright.verify.whatif import WhatIf, explain_json

Progress = Callable[[str], None]


def load_sample(cluster: Any, md: sa.MetaData, database: str, cap: int, progress: Progress) -> float:
    """Schema + synthetic data + ANALYZE in ``database``; returns the scale of the sample (≤ 1)."""
    from dbwright.ddl.emit import ddl_statements
    from dbwright.verify.data import generate, load

    cluster.create_database(database)
    engine = sa.create_engine(cluster.url(database))
    try:
        with engine.begin() as conn:
            for stmt in ddl_statements(md, "postgresql"):
                conn.exec_driver_sql(stmt)
        progress(f"indexes: generating synthetic data (largest table capped at {cap} rows)")
        ds = generate(md, cap=cap)
        load(engine, md, ds)
    finally:
        engine.dispose()
    with cluster.connect(database) as conn:
        conn.execute("SELECT setseed(0.17)")
        conn.execute("ANALYZE")
    return float(ds.scale or 1.0)


def _sample_params(conn: Any, q: Query, rnd: random.Random) -> list[Any] | None:
    if not q.params:
        return []
    n = max(q.params)
    if set(q.params) != set(range(1, n + 1)):
        return None
    out: list[Any] = []
    for k in range(1, n + 1):
        table, col = q.params[k]
        row = conn.execute(f'SELECT "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL '
                           f"OFFSET floor(random() * least(1000, (SELECT count(*) FROM \"{table}\"))) LIMIT 1"
                           ).fetchone()
        out.append(row[0] if row else None)
    return out


def execute_check(conn: Any, queries: Sequence[Query], chosen: Sequence[IndexDef], oracle: WhatIf,
                  scale: float, seed: int = 5) -> dict[str, Any]:
    """Build the picks for real; EXPLAIN ANALYZE every query before and after; compare sizes."""
    rnd = random.Random(seed)
    conn.execute("SELECT setseed(0.5)")
    params = {q.qid: _sample_params(conn, q, rnd) for q in queries if not q.is_write}

    def run_all() -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for q in queries:
            p = params.get(q.qid)
            if q.is_write or p is None:
                continue
            times = []
            for _ in range(3):
                top = explain_json(conn, q.sql, analyze=True, params=p if p else None)
                times.append(float(top.get("Execution Time") or top.get("Actual Total Time") or 0.0))
            out[q.qid] = sorted(times)[1]
        return out

    oracle.reset()
    before = run_all()
    sizes: list[dict[str, Any]] = []
    for idx in chosen:
        name = f"dbw_check_{len(sizes)}"
        conn.execute(index_sql(idx, "postgresql", concurrently=False, name=name))
        real = int(conn.execute("SELECT pg_relation_size(%s::regclass)", (name,)).fetchone()[0])
        est = oracle.size(idx)
        sizes.append({"index": idx.key, "estimated_bytes": int(est / scale), "real_bytes": int(real / scale),
                      "ratio": round(real / est, 3) if est else None})
    conn.execute("ANALYZE")
    after = run_all()
    rows = []
    for qid, b in before.items():
        a = after.get(qid)
        rows.append({"query": qid, "ms_before": round(b or 0, 3), "ms_after": round(a or 0, 3),
                     "slower": bool(a is not None and b is not None and a > b * 1.2 and a - b > 0.5)})
    return {"queries": rows, "sizes": sizes, "slower": [r["query"] for r in rows if r["slower"]],
            "note": "times measured on the scaled sample; sizes scaled back to full size"}


def plan_with_planner(conn: Any, queries_sql: Sequence[dict[str, Any]], budget_bytes: int | None,
                      max_indexes: int | None, write_rates: dict[str, float], scale: float, version: str,
                      problems: Sequence[str] = (), execute: bool = False,
                      progress: Progress = lambda _m: None, live: bool = False,
                      time_limit: float | None = DEFAULT_TIME_LIMIT,
                      schemas: Sequence[str] | None = None) -> PlanInput:
    schema, rows = catalog(conn, schemas)
    detail = existing_detail(conn, schemas)
    existing = {e.name: (e.index, e.unique, e.scans or 0) for e in detail if e.index.method == "btree"}
    queries = [parse_query(q["qid"], q["sql"], schema, weight=float(q.get("weight", 1.0))) for q in queries_sql]
    bad = [f"{q.qid}: {q.problem}" for q in queries if q.problem]
    # Costs measured on a sample shrink with it (scans are linear in rows), so maintenance — stated
    # at full size — is scaled the same way before it is weighed against read gains.
    maint = {t: c * scale for t, c in maintenance(write_rates).items()}
    opt = SelectOptions(budget_bytes=int(budget_bytes * scale) if budget_bytes else None, max_indexes=max_indexes,
                        maintenance=maint, size_scale=scale, time_limit=time_limit, progress=progress)
    progress(f"indexes: costing {len(queries)} queries with HypoPG")
    t0 = time.perf_counter()
    sel, oracle = advise_on_connection(conn, queries, rows, opt, existing=[e[0] for e in existing.values()],
                                       candidates=CANDIDATES)
    proof: dict[str, Any] = {"status": "proved", "engine": "postgresql", "version": version,
                             "method": "HypoPG what-if, EXPLAIN (generic plans for parameters)",
                             "planner_calls": oracle.stats.explains, "seconds": round(time.perf_counter() - t0, 2),
                             "sample_scale": scale}
    proof["per_query"] = _per_query(sel, oracle, queries)
    if execute and sel.chosen:
        progress("indexes: building the picks for real and running EXPLAIN ANALYZE")
        proof["execute_check"] = execute_check(conn, queries, sel.chosen, oracle, scale)
    return PlanInput(queries=queries, selection=sel,
                     existing=detail,
                     budget_bytes=budget_bytes, max_indexes=max_indexes, mode="planner", engine="postgresql",
                     version=version, size_scale=scale, problems=[*problems, *bad], write_rates=write_rates,
                     proof=proof, live=live)


def _per_query(sel: Selection, oracle: WhatIf, queries: Sequence[Query]) -> list[dict[str, Any]]:
    out = []
    for q in queries:
        if q.qid not in sel.per_query:
            continue
        before, after, used = sel.per_query[q.qid]
        out.append({"query": q.qid, "cost_before": round(before, 2), "cost_after": round(after, 2),
                    "uses": [i.key for i in used], "saved": round(1 - after / before, 4) if before else 0.0})
    return out


def prove_indexes(section: Section, cluster: Any, md: sa.MetaData, *, budget_bytes: int | None = None,
                  max_indexes: int | None = None, execute: bool = False, cap: int = 20000,
                  database: str = "dbwright_indexes", progress: Progress = lambda _m: None,
                  keep_database: bool = False, locate: Any = None,
                  time_limit: float | None = DEFAULT_TIME_LIMIT) -> Section:
    """Re-plan ``section`` (from the ``indexes`` stage) with the planner of a running cluster.

    Shares the caller's sandbox (``dbwright design`` passes its verification cluster): creates one
    database, fills it with a scaled synthetic sample, costs every candidate with HypoPG.
    """
    data = section.data
    budget = budget_bytes if budget_bytes is not None else data.get("budget_bytes")
    maxi = max_indexes if max_indexes is not None else data.get("max_indexes")
    scale = load_sample(cluster, md, database, cap, progress)
    try:
        full = None
        if not execute and scale < 1.0:
            # EXPLAIN only: the planner sees full-size tables (sparse files + pg_class), see full_scale.
            progress("indexes: laying out full-size statistics for the planner")
            full = inflate(cluster, database, md, scale)
        with cluster.connect(database) as conn:
            p = plan_with_planner(conn, data.get("queries_sql", []), budget, maxi, data.get("write_rates", {}),
                                  full["scale"] if full else scale, cluster.version, data.get("problems", []),
                                  execute, progress, time_limit=time_limit)
            if full:
                at = "full size" if full["scale"] == 1.0 else f"{full['scale']:.2g} of full size (capped; sizes scaled back)"
                stats = (f"synthetic sample, largest table {cap} rows (scale {scale:.2g}); histograms from the "
                         f"sample, table and index sizes, row counts and foreign-key distinct counts at {at} "
                         f"({len(full['tables'])} tables, {full['logical_bytes'] / 1e9:,.1f} GB laid out as sparse "
                         "files)")
            else:
                stats = f"synthetic sample, largest table {cap} rows (scale {scale:.2g}); sizes scaled back"
            p.proof = {**(p.proof or {}), "statistics": stats, "full_size": full}
    finally:
        if not keep_database:
            cluster.drop_database(database)
    p.own_schema = bool(data.get("own_schema"))
    return build_section(p, locate)


def design_check(ctx: Any, name: str, box: Any, url: str) -> dict[str, Any] | None:
    """Hook for ``verify.run.EXTRA_CHECKS`` ("dbwright.verify.index_proof:design_check").

    On the PostgreSQL sandbox of ``dbwright design``: proves the ``indexes`` section in its own
    database of the same cluster and updates the section in place (the design holds the same
    object), returning the proof summary for the verification report.
    """
    section = ctx.sections.get("indexes") if hasattr(ctx, "sections") else None
    if name != "postgresql" or section is None or ctx.metadata is None:
        return None
    if not box.has_extension("hypopg"):
        section.data["proof"] = {"status": "skipped", "reason": "HypoPG is not installed (postgresql-15-hypopg)"}
        return {"status": "skipped"}
    positions = getattr(ctx, "positions", None)
    proved = prove_indexes(section, box, ctx.metadata, progress=lambda _m: None,
                           locate=positions.locate if positions is not None else None)
    section.summary, section.decisions = proved.summary, proved.decisions
    section.findings, section.data = proved.findings, proved.data
    proof = proved.data.get("proof", {})
    return {"status": proof.get("status"), "relative_cost": proved.data.get("relative_cost"),
            "picks": [p["key"] for p in proved.data.get("picks", [])]}
