"""Index-advisor benchmark: dbwright vs Extend (index-eab) vs a single-column baseline on TPC-H.

    python bench/index_advisor/run.py [--sf 1] [--json] [--budgets 25,50,...] [--keep DIR]

Sets up its own throwaway PostgreSQL (autovacuum off, so statistics and visibility stay as
loaded), generates TPC-H offline with DuckDB, loads it without primary keys, ANALYZEs with a fixed
seed, and runs the 22 queries minus Q2, Q17, Q20. For every budget each competitor runs from
scratch on a fresh connection (its own HypoPG session, nothing cached between budgets); one
shared evaluator then creates the chosen indexes with HypoPG and reports the relative workload
cost (Σ cost with ÷ Σ cost without), size, count and wall time — unweighted and with seeded
query frequencies.
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
import tpch

from dbwright.engines.postgresql import PostgresCluster
from dbwright.stages.index.parse import parse_query
from dbwright.stages.index.select import SelectOptions
from dbwright.verify.index_advisor import advise_on_connection, catalog
from dbwright.verify.whatif import evaluate_config

BUDGETS = (25, 50, 100, 200, 300, 500, 800, 1000, 1500)
MIN_ROWS = 1000  # nation/region get no candidates (same for every competitor)
SEED = 42


def _dbwright(cluster: Any, db: str, queries: list, budget_mb: float, weighted: bool,
              rows: dict[str, float]) -> list:
    conn = cluster.connect(db)
    try:
        qs = queries if weighted else [_unit(q) for q in queries]
        sel, _ = advise_on_connection(conn, qs, rows, SelectOptions(budget_bytes=int(budget_mb * 1e6),
                                                                     explain=False))
        return sel.chosen
    finally:
        conn.close()


def _baseline(cluster: Any, db: str, queries: list, budget_mb: float, weighted: bool,
              rows: dict[str, float]) -> list:
    conn = cluster.connect(db)
    try:
        return competitors.single_column(conn, queries, budget_mb, weighted, MIN_ROWS, rows)
    finally:
        conn.close()


def _extend(cluster: Any, db: str, queries: list, budget_mb: float, weighted: bool,
            rows: dict[str, float]) -> list:
    return competitors.extend(cluster, db, queries, budget_mb, weighted, MIN_ROWS, rows)


def _unit(q: Any) -> Any:
    from dataclasses import replace

    return replace(q, weight=1.0)


COMPETITORS = (("dbwright", _dbwright), ("extend", _extend), ("single-column", _baseline))


def run(sf: float, budgets: tuple[int, ...], keep: str | None, log: Any) -> list[dict[str, Any]]:
    settings = {"autovacuum": "off", "max_wal_size": "4GB", "shared_buffers": "512MB"}
    cluster = PostgresCluster(settings=settings, base_dir=keep) if keep else PostgresCluster(settings=settings)
    rows_out: list[dict[str, Any]] = []
    with cluster:
        db = "tpch"
        fresh = not keep or not cluster.scalar("SELECT count(*) FROM pg_database WHERE datname = 'tpch'")
        if fresh:
            cluster.create_database(db)
            tpch.load(cluster, db, sf=sf, log=log)
        ev = cluster.connect(db)
        ev.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
        schema, rows = catalog(ev)
        rng = random.Random(SEED)
        queries = [parse_query(f"Q{n}", sql, schema, weight=float(rng.randint(1, 1000)))
                   for n, sql in sorted(tpch.queries().items())]
        bad = [q.qid for q in queries if q.problem]
        if bad:
            log(f"queries with parse problems: {bad}")
        log(f"PostgreSQL {cluster.version}; {len(queries)} queries; seeded frequencies (seed {SEED}): "
            + ", ".join(f"{q.qid}={int(q.weight)}" for q in queries))
        for weighted in (False, True):
            for b in budgets:
                for name, fn in COMPETITORS:
                    t = time.perf_counter()
                    chosen = fn(cluster, db, queries, b, weighted, rows)
                    secs = time.perf_counter() - t
                    r = evaluate_config(ev, queries, chosen, weighted=weighted)
                    row = {"competitor": name, "budget_mb": b, "weighted": weighted,
                           "relative_cost": round(r["relative_cost"], 5),
                           "size_mb": round(r["size_bytes"] / 1e6, 1), "indexes": len(chosen),
                           "seconds": round(secs, 2), "chosen": sorted(i.key for i in chosen)}
                    rows_out.append(row)
                    log(f"{'weighted' if weighted else 'unweighted'} {b:5} MB {name:14} "
                        f"{100 * row['relative_cost']:6.2f}%  {row['size_mb']:7.1f} MB  "
                        f"{row['indexes']:2} idx  {secs:6.2f} s")
        ev.close()
    return rows_out


def summary(rows: list[dict[str, Any]]) -> str:
    out = []
    for weighted in (False, True):
        out.append(f"\n{'Weighted (seeded frequencies)' if weighted else 'Unweighted'}")
        out.append("| budget MB | dbwright | Extend | single-col | dbwright MB | Extend MB | dbwright s | Extend s |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        sel = {(r["competitor"], r["budget_mb"]): r for r in rows if r["weighted"] == weighted}
        budgets = sorted({b for _, b in sel})
        t_o = t_e = 0.0
        wins = ties = losses = mid_wins = 0
        for b in budgets:
            o, e, s = sel[("dbwright", b)], sel[("extend", b)], sel[("single-column", b)]
            t_o += o["seconds"]
            t_e += e["seconds"]
            if o["relative_cost"] < e["relative_cost"] - 1e-6:
                wins += 1
                mid_wins += 100 <= b <= 500
            elif o["relative_cost"] <= e["relative_cost"] + 1e-6:
                ties += 1
            else:
                losses += 1
            out.append(f"| {b} | {100 * o['relative_cost']:.2f}% | {100 * e['relative_cost']:.2f}% | "
                       f"{100 * s['relative_cost']:.2f}% | {o['size_mb']:.0f} | {e['size_mb']:.0f} | "
                       f"{o['seconds']:.2f} | {e['seconds']:.2f} |")
        out.append(f"dbwright below Extend at {wins}, equal at {ties}, above at {losses} budget(s); "
                   f"below at {mid_wins} of the budgets 100..500 MB; time {t_o:.1f} s vs {t_e:.1f} s "
                   f"(ratio {t_o / t_e if t_e else float('nan'):.2f})")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sf", type=float, default=1.0, help="TPC-H scale factor (default 1)")
    ap.add_argument("--json", action="store_true", help="one JSON row per competitor and budget on stdout")
    ap.add_argument("--budgets", default=",".join(map(str, BUDGETS)), help="budgets in MB, comma-separated")
    ap.add_argument("--keep", default=None, help="keep/reuse the PostgreSQL cluster in this directory")
    ap.add_argument("--write-workload", default=None, metavar="FILE",
                    help="only write the 19 queries (with seeded weights) as a SQL file for `dbwright indexes`")
    args = ap.parse_args()
    if args.write_workload:
        rng = random.Random(SEED)
        text = "".join(f"-- name: Q{n}\n-- weight: {rng.randint(1, 1000)}\n{sql};\n\n"
                       for n, sql in sorted(tpch.queries().items()))
        Path(args.write_workload).write_text(text)
        return
    budgets = tuple(int(b) for b in args.budgets.split(","))

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    rows = run(args.sf, budgets, args.keep, log)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(summary(rows))


if __name__ == "__main__":
    main()
