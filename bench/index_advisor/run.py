"""Index-advisor benchmark: dbwright vs Extend vs single-column greedy vs DTA, on three workloads.

    python bench/index_advisor/run.py --workload tpch|star|samples [--size X] [--budgets 10,25,...]
                                      [--weighting weighted|unweighted|both] [--json] [--keep DIR]
                                      [--analyze-budget MB] [--analyze-sample N] [--time-limit S]

Workloads (each in its own throwaway PostgreSQL 15, autovacuum off so statistics stay as loaded):
- ``tpch``: TPC-H generated offline with DuckDB (``--size`` = scale factor), no primary keys,
  the 22 queries minus Q2, Q17, Q20;
- ``star``: a generated star schema (``star.py``: 3 facts, 21 dimensions with primary keys;
  ``--size`` scales the facts and large dimensions), 95 seeded template queries;
- ``samples``: Sakila, Chinook and Northwind with their data, replicated (``samples.py``;
  ``--size`` scales the replication), their own keys and indexes kept, 48 join-heavy queries.

For every budget each advisor runs from scratch on a fresh connection (its own HypoPG session,
nothing cached between budgets); wall time is measured around the whole call. One shared
evaluator then creates each chosen set with HypoPG and reports the relative workload cost
(Σ cost with ÷ Σ cost without; weighted by seeded frequencies in the weighted part); a pick that
an existing index already covers counts as a duplicate and is evaluated as absent. At
``--analyze-budget`` dbwright's picks are built for real and a seeded sample of queries runs
with EXPLAIN ANALYZE without and with them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import competitors
import samples
import star
import tpch

from dbwright.engines.postgresql import PostgresCluster
from dbwright.stages.index.ddl import index_sql
from dbwright.stages.index.parse import parse_query
from dbwright.stages.index.select import SelectOptions
from dbwright.verify.index_advisor import advise_on_connection, catalog, existing_indexes
from dbwright.verify.whatif import evaluate_config, explain_json

BUDGETS = {"tpch": (10, 25, 50, 100, 200, 400, 800), "star": (5, 10, 20, 40, 80, 160, 320),
           "samples": (1, 2, 5, 10, 20, 40, 80)}
SIZES = {"tpch": 0.3, "star": 0.25, "samples": 1.0}
MIN_ROWS = 1000  # tables under this get no candidates (same for every competitor)
SEED = 42
ADVISORS = ("dbwright", "extend", "single-column", "dta")


def _queries(workload: str) -> dict[str, str]:
    if workload == "tpch":
        return {f"Q{n}": sql for n, sql in sorted(tpch.queries().items())}
    if workload == "star":
        return star.queries()
    return samples.queries()


def _load(workload: str, cluster: Any, db: str, size: float, log: Any) -> None:
    if workload == "tpch":
        tpch.load(cluster, db, sf=size, log=log)
    elif workload == "star":
        star.load(cluster, db, scale=size, log=log)
    else:
        samples.load(cluster, db, log=log, factor=size)


def _unit(q: Any) -> Any:
    from dataclasses import replace

    return replace(q, weight=1.0)


def _advise(name: str, cluster: Any, db: str, queries: list, budget_mb: float, weighted: bool,
            rows: dict[str, float], time_limit: float) -> list:
    if name == "extend":
        return competitors.extend(cluster, db, queries, budget_mb, weighted, MIN_ROWS, rows)
    conn = cluster.connect(db)
    try:
        if name == "dbwright":
            qs = queries if weighted else [_unit(q) for q in queries]
            existing = [e[0] for e in existing_indexes(conn).values()]
            sel, _ = advise_on_connection(conn, qs, rows, SelectOptions(budget_bytes=int(budget_mb * 1e6),
                                                                         explain=False, time_limit=time_limit),
                                          existing=existing)
            return sel.chosen
        if name == "single-column":
            return competitors.single_column(conn, queries, budget_mb, weighted, MIN_ROWS, rows)
        return competitors.dta(conn, queries, budget_mb, weighted, MIN_ROWS, rows)
    finally:
        conn.close()


def _evaluate(ev: Any, queries: list, chosen: list, weighted: bool, existing: list) -> dict[str, Any]:
    """The shared evaluator. A pick an existing index already covers is a duplicate: built for
    real it would cost what the existing index costs, so it is evaluated as absent (HypoPG can
    price a hypothetical twin below the real index) and counted in ``duplicates``."""
    real = [i for i in chosen if not any(e.prefix_covers(i) for e in existing)]
    r = evaluate_config(ev, queries, real, weighted=weighted)
    return {"relative_cost": round(r["relative_cost"], 5), "size_mb": round(r["size_bytes"] / 1e6, 1),
            "indexes": len(chosen), "duplicates": len(chosen) - len(real)}


def _parse_key(key: str) -> Any:
    from dbwright.stages.index.model import IndexDef

    table, cols = key.split(" (", 1)
    return IndexDef(table, tuple(c.strip() for c in cols.rstrip(")").split(",")))


def reevaluate(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    """Re-evaluate the chosen sets of a results file (same workload, size and seed) on a fresh or
    kept cluster, keeping the advisors' recorded wall times."""
    res = json.loads(Path(args.reevaluate).read_text())
    settings = {"autovacuum": "off", "max_wal_size": "4GB", "shared_buffers": "512MB"}
    cluster = PostgresCluster(settings=settings, base_dir=args.keep) if args.keep else PostgresCluster(settings=settings)
    with cluster:
        db = f"bench_{res['workload']}"
        if not args.keep or not cluster.scalar(f"SELECT count(*) FROM pg_database WHERE datname = '{db}'"):
            cluster.create_database(db)
            _load(res["workload"], cluster, db, res["size"], log)
        ev = cluster.connect(db)
        ev.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
        schema, _rows = catalog(ev)
        existing = [e[0] for e in existing_indexes(ev).values()]
        rng = random.Random(SEED)
        queries = [parse_query(qid, sql, schema, weight=float(rng.randint(1, 1000)))
                   for qid, sql in _queries(res["workload"]).items()]
        for row in res["rows"]:
            row.update(_evaluate(ev, queries, [_parse_key(k) for k in row["chosen"]], row["weighted"], existing))
            if row["competitor"] == "dbwright" and row["budget_mb"] == args.analyze_budget:
                res["real"] = {"budget_mb": row["budget_mb"], **real_check(
                    cluster, db, queries, [_parse_key(k) for k in row["chosen"]], args.analyze_sample, log)}
            log(f"{row['budget_mb']:5} MB {row['competitor']:14} {100 * row['relative_cost']:6.2f}% "
                f"({row['duplicates']} duplicate(s))")
        ev.close()
    return res


def real_check(cluster: Any, db: str, queries: list, chosen: list, n: int, log: Any) -> dict[str, Any]:
    """EXPLAIN ANALYZE a seeded sample of queries without and with ``chosen`` built for real.

    The indexes are built once; per query, the runs without drop them inside a transaction that is
    rolled back, alternating with the runs with them, best of 3 each — so both sides see the same
    statistics and the same moment's machine load.
    """
    rng = random.Random(SEED)
    sample = sorted(rng.sample(queries, min(n, len(queries))), key=lambda q: q.qid)
    before: dict[str, float] = {}
    after: dict[str, float] = {}
    with cluster.connect(db) as c:
        c.execute("SELECT hypopg_reset()")
        c.execute("SET statement_timeout = '120s'")
        names = []
        for k, idx in enumerate(chosen):
            name = f"bench_real_{k}"
            c.execute(index_sql(idx, "postgresql", concurrently=False, name=name))
            names.append(name)
        try:
            for q in sample:
                explain_json(c, q.sql, analyze=True)  # warm the cache
                for _ in range(3):
                    c.execute("BEGIN")
                    for name in names:
                        c.execute(f"DROP INDEX {name}")
                    t_without = float(explain_json(c, q.sql, analyze=True)["Execution Time"])
                    c.execute("ROLLBACK")
                    t_with = float(explain_json(c, q.sql, analyze=True)["Execution Time"])
                    before[q.qid] = min(before.get(q.qid, t_without), t_without)
                    after[q.qid] = min(after.get(q.qid, t_with), t_with)
        finally:
            for name in names:
                c.execute(f"DROP INDEX {name}")
    rows = [{"query": q.qid, "ms_without": round(before[q.qid], 2), "ms_with": round(after[q.qid], 2),
             "speedup": round(before[q.qid] / max(after[q.qid], 1e-3), 2)} for q in sample]
    total_b, total_a = sum(before.values()), sum(after.values())
    log(f"real execution: {len(sample)} queries, {total_b:.0f} ms without, {total_a:.0f} ms with "
        f"({total_b / max(total_a, 1e-3):.2f}x)")
    return {"queries": rows, "ms_without": round(total_b, 1), "ms_with": round(total_a, 1),
            "speedup_total": round(total_b / max(total_a, 1e-3), 2)}


def run(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    settings = {"autovacuum": "off", "max_wal_size": "4GB", "shared_buffers": "512MB"}
    cluster = PostgresCluster(settings=settings, base_dir=args.keep) if args.keep else PostgresCluster(settings=settings)
    budgets = tuple(int(b) for b in args.budgets.split(",")) if args.budgets else BUDGETS[args.workload]
    size = args.size if args.size is not None else SIZES[args.workload]
    out: dict[str, Any] = {"workload": args.workload, "size": size, "rows": []}
    with cluster:
        db = f"bench_{args.workload}"
        fresh = not args.keep or not cluster.scalar(f"SELECT count(*) FROM pg_database WHERE datname = '{db}'")
        if fresh:
            cluster.create_database(db)
            _load(args.workload, cluster, db, size, log)
        ev = cluster.connect(db)
        ev.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
        schema, rows = catalog(ev)
        existing = [e[0] for e in existing_indexes(ev).values()]
        rng = random.Random(SEED)
        queries = [parse_query(qid, sql, schema, weight=float(rng.randint(1, 1000)))
                   for qid, sql in _queries(args.workload).items()]
        bad = [f"{q.qid}: {q.problem}" for q in queries if q.problem]
        if bad:
            log(f"queries with parse problems: {bad}")
        out.update(version=cluster.version, queries=len(queries),
                   tables=len([t for t in rows if rows[t] > 0]),
                   rows_total=int(sum(rows.values())))
        log(f"{args.workload}: PostgreSQL {cluster.version}; {len(queries)} queries over {out['tables']} tables")
        modes = {"weighted": (True,), "unweighted": (False,), "both": (False, True)}[args.weighting]
        for weighted in modes:
            for b in budgets:
                for name in args.advisors.split(","):
                    t = time.perf_counter()
                    chosen = _advise(name, cluster, db, queries, b, weighted, rows, args.time_limit)
                    secs = time.perf_counter() - t
                    row = {"competitor": name, "budget_mb": b, "weighted": weighted,
                           "seconds": round(secs, 2), "chosen": sorted(i.key for i in chosen)}
                    row.update(_evaluate(ev, queries, chosen, weighted, existing))
                    out["rows"].append(row)
                    log(f"{'weighted' if weighted else 'unweighted'} {b:5} MB {name:14} "
                        f"{100 * row['relative_cost']:6.2f}%  {row['size_mb']:7.1f} MB  "
                        f"{row['indexes']:2} idx  {secs:7.2f} s")
                    if name == "dbwright" and b == args.analyze_budget and weighted == modes[-1] and chosen:
                        out["real"] = {"budget_mb": b, **real_check(cluster, db, queries, chosen,
                                                                   args.analyze_sample, log)}
        ev.close()
    return out


def summary(res: dict[str, Any]) -> str:
    rows = res["rows"]
    names = [a for a in ADVISORS if any(r["competitor"] == a for r in rows)]
    out = [f"## {res['workload']} (size {res['size']}, {res['queries']} queries, {res['tables']} tables, "
           f"PostgreSQL {res['version']})"]
    for weighted in (False, True):
        sel = {(r["competitor"], r["budget_mb"]): r for r in rows if r["weighted"] == weighted}
        if not sel:
            continue
        out.append(f"\n{'Weighted (seeded frequencies)' if weighted else 'Unweighted'}: relative cost (wall s)\n")
        out.append("| budget MB | " + " | ".join(names) + " | dbwright ≤ min(others) |")
        out.append("|---:|" + "---:|" * len(names) + ":---:|")
        budgets = sorted({b for _, b in sel})
        secs = dict.fromkeys(names, 0.0)
        ok_all = True
        for b in budgets:
            cells, others = [], []
            for n in names:
                r = sel.get((n, b))
                if r is None:
                    cells.append("–")
                    continue
                secs[n] += r["seconds"]
                cells.append(f"{100 * r['relative_cost']:.2f}% ({r['seconds']:.1f})")
                if n != "dbwright":
                    others.append(r["relative_cost"])
            mine = sel.get(("dbwright", b))
            ok = mine is not None and all(mine["relative_cost"] <= o + 1e-6 for o in others)
            ok_all &= ok
            out.append(f"| {b} | " + " | ".join(cells) + f" | {'yes' if ok else 'NO'} |")
        ratio = secs.get("dbwright", 0.0) / secs["extend"] if secs.get("extend") else float("nan")
        out.append("\ntotal wall time: " + ", ".join(f"{n} {s:.1f} s" for n, s in secs.items())
                   + f"; dbwright ÷ Extend = {ratio:.2f}; dbwright ≤ min(others) at every budget: "
                   + ("yes" if ok_all else "NO"))
    if "real" in res:
        r = res["real"]
        out.append(f"\nReal execution at {r['budget_mb']} MB (dbwright's picks built; EXPLAIN ANALYZE without "
                   "them (dropped in a rolled-back transaction) and with them, alternating, best of 3): "
                   f"{r['ms_without']:.0f} ms without → {r['ms_with']:.0f} ms with "
                   f"({r['speedup_total']:.2f}× over the sample)\n")
        out.append("| query | ms without | ms with | speed-up |")
        out.append("|---|---:|---:|---:|")
        for q in r["queries"]:
            out.append(f"| {q['query']} | {q['ms_without']:.1f} | {q['ms_with']:.1f} | {q['speedup']:.2f}× |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=("tpch", "star", "samples"), default="tpch")
    ap.add_argument("--size", type=float, default=None, help="scale (TPC-H SF / star scale / samples replication)")
    ap.add_argument("--budgets", default=None, help="budgets in MB, comma-separated (default per workload)")
    ap.add_argument("--advisors", default=",".join(ADVISORS))
    ap.add_argument("--weighting", choices=("weighted", "unweighted", "both"), default="weighted")
    ap.add_argument("--time-limit", type=float, default=60.0, help="dbwright's search time limit, seconds")
    ap.add_argument("--analyze-budget", type=int, default=None, help="budget of the real-execution check")
    ap.add_argument("--analyze-sample", type=int, default=10, help="queries in the real-execution check")
    ap.add_argument("--json", default=None, metavar="FILE", help="also write the rows as JSON to FILE")
    ap.add_argument("--reevaluate", default=None, metavar="FILE",
                    help="re-evaluate the chosen sets of a --json results file (wall times kept)")
    ap.add_argument("--keep", default=None, help="keep/reuse the PostgreSQL cluster in this directory")
    ap.add_argument("--write-workload", default=None, metavar="FILE",
                    help="only write the queries (with seeded weights) as a SQL file for `dbwright indexes`")
    args = ap.parse_args()
    if args.write_workload:
        rng = random.Random(SEED)
        text = "".join(f"-- name: {qid}\n-- weight: {rng.randint(1, 1000)}\n{sql};\n\n"
                       for qid, sql in _queries(args.workload).items())
        Path(args.write_workload).write_text(text)
        return
    if args.analyze_budget is None:
        bs = [int(b) for b in args.budgets.split(",")] if args.budgets else list(BUDGETS[args.workload])
        args.analyze_budget = bs[len(bs) // 2]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    res = reevaluate(args, log) if args.reevaluate else run(args, log)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1))
    print(summary(res))


if __name__ == "__main__":
    main()
