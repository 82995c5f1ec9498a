"""Foreign-key inference precision/recall on public schemas whose real FKs are known.

For each schema (Chinook, Northwind, Sakila in PostgreSQL, MySQL and SQLite forms): read it through
``dbwright.inspect`` (applied to a throwaway engine), keep its declared FKs as the truth, strip
them from the model, infer relations again, and compare (child table, columns) → (parent table,
columns), case-insensitively. Printed per schema and per evidence set: naming only, naming + types,
+ comments, + inclusion dependencies from the data the files load (Desbordante SPIDER).

    .venv/bin/python bench/inspect/fk_inference.py [--json]
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import INPUTS, materialize, temp_dir
from dbwright.engines.mariadb import MariaDBInstance
from dbwright.engines.postgresql import PostgresCluster
from dbwright.inspect.relations import infer_relations
from dbwright.inspect.source import read_database

STRATEGIES = {
    "naming": ({"naming"}, False),
    "naming+type": ({"naming", "type"}, False),
    "naming+type+comment": ({"naming", "type", "comment"}, False),
    "all+inclusion": ({"naming", "type", "comment", "inclusion"}, True),
}


def _sig(table: str, cols: list[str], ref: str, refcols: list[str]) -> tuple[str, ...]:
    return (table.split(".", 1)[1].lower(), ",".join(cols).lower(), ref.split(".", 1)[1].lower(),
            ",".join(refcols).lower())


def evaluate(db) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    truth = {_sig(t.key, fk.columns, fk.ref_key, fk.ref_columns) for t in db.tables.values() for fk in t.foreign_keys}
    stripped = copy.deepcopy(db)
    for t in stripped.tables.values():
        t.foreign_keys = []
    out = {}
    for name, (kinds, data) in STRATEGIES.items():
        rels = [r for r in infer_relations(stripped, use_data=data, kinds=kinds) if not r.declared]
        pred = {_sig(r.table, r.columns, r.ref_table, r.ref_columns) for r in rels}
        tp = len(pred & truth)
        out[name] = {"truth": len(truth), "predicted": len(pred), "tp": tp,
                     "precision": tp / len(pred) if pred else 1.0, "recall": tp / len(truth) if truth else 1.0,
                     "missed": sorted(".".join(s[:2]) + "→" + s[2] for s in truth - pred),
                     "wrong": sorted(".".join(s[:2]) + "→" + s[2] for s in pred - truth)}
    return out


def main() -> int:
    as_json = "--json" in sys.argv
    results = []
    with temp_dir() as tmp, PostgresCluster() as cl, MariaDBInstance() as maria:
        for name, dialect, files in INPUTS:
            path = materialize(files, Path(tmp))
            db = read_database(str(path), engine=dialect, cluster=cl, maria=maria, sample_rows=100_000)
            results.append({"schema": name, "dialect": dialect, "tables": len(db.base_tables()),
                            "strategies": evaluate(db)})
    totals: dict[str, list[int]] = {}
    for r in results:
        for s, m in r["strategies"].items():
            acc = totals.setdefault(s, [0, 0, 0])
            acc[0] += m["tp"]
            acc[1] += m["predicted"]
            acc[2] += m["truth"]
    if as_json:
        print(json.dumps({"results": results, "totals": totals}, indent=2))
        return 0
    print(f"{'schema':<22}{'strategy':<22}{'truth':>6}{'pred':>6}{'tp':>5}{'precision':>11}{'recall':>8}")
    for r in results:
        for s, m in r["strategies"].items():
            print(f"{r['schema'] + ' (' + r['dialect'] + ')':<22}{s:<22}{m['truth']:>6}{m['predicted']:>6}{m['tp']:>5}"
                  f"{m['precision']:>11.2f}{m['recall']:>8.2f}")
        best = r["strategies"]["all+inclusion"]
        if best["missed"] or best["wrong"]:
            print(f"    all+inclusion missed: {', '.join(best['missed']) or '-'}; wrong: {', '.join(best['wrong']) or '-'}")
    print()
    for s, (tp, pred, truth) in totals.items():
        print(f"{'ALL':<22}{s:<22}{truth:>6}{pred:>6}{tp:>5}{(tp / pred if pred else 1):>11.2f}{(tp / truth):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
