"""inspect and critique at scale: a synthetic multi-schema PostgreSQL database of a few hundred tables.

Loads bench/inspect/synthetic.py into a throwaway PostgreSQL (with pg_stat_statements, and a little
workload so statements and usage counters exist), then, as a user would with only a DSN:

- ``inspect DSN -o DIR``: wall time, catalog queries, docs/ERD files, largest ERD vs Mermaid's cap,
  whether spec.yaml validates and designs (pipeline only; verification is the design command's job);
- ``critique DSN``: wall time and findings per rule code;
- FK inference on the same database with its declared FKs stripped: precision/recall.

    .venv/bin/python bench/inspect/scale.py [--json]
"""

from __future__ import annotations

import copy
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate

from dbwright.api import critique, inspect_database
from dbwright.api.design import design_context
from dbwright.engines.postgresql import PostgresCluster
from dbwright.inspect.relations import infer_relations
from dbwright.render.mermaid import MERMAID_MAX_TEXT
from dbwright.spec import load_spec


def main() -> int:
    as_json = "--json" in sys.argv
    sql, truth = generate()
    out: dict[str, object] = {}
    with PostgresCluster(settings={"shared_preload_libraries": "pg_stat_statements",
                                   "pg_stat_statements.track": "top"}) as cl, \
            tempfile.TemporaryDirectory(prefix="dbwright-bench-scale-") as tmp:
        cl.create_database("synth")
        t0 = time.perf_counter()
        with cl.connect("synth") as conn:
            conn.execute(sql)
            conn.execute("CREATE EXTENSION pg_stat_statements")
            conn.execute("ANALYZE")
            conn.execute("SELECT pg_stat_reset(), pg_stat_statements_reset()")
            hubs = [f"{s}.{t}" for s, t in conn.execute(
                "select table_schema, table_name from information_schema.tables where table_schema in "
                "('sales', 'billing') and table_type = 'BASE TABLE' order by table_name limit 2").fetchall()]
            for i in range(200):  # a little workload: statements and usage counters
                conn.execute(f"SELECT * FROM {hubs[0]} WHERE id = %s", (i % 40 + 1,)).fetchall()
                conn.execute(f"SELECT count(*) FROM {hubs[1]} t WHERE t.name = %s", (f"v{i}",)).fetchall()
        out["load_s"] = round(time.perf_counter() - t0, 2)
        dsn = cl.dsn("synth")
        t0 = time.perf_counter()
        r = inspect_database(dsn, Path(tmp) / "inspect")
        out["inspect_s"] = round(time.perf_counter() - t0, 2)
        s = r.summary()
        loaded = load_spec(Path(tmp) / "inspect" / "spec.yaml")
        t1 = time.perf_counter()
        design_ok = False
        if loaded.spec is not None:
            d, _ctx = design_context(loaded.spec, loaded)
            design_ok = not [f for f in d.all_findings() if f.severity.value == "error"]
        out.update(tables=s["tables"], views=s["views"], schemas=len(s["schemas"]),
                   declared_fks=s["declared_foreign_keys"], inferred=s["inferred_relations"],
                   files=len(r.files), erds=len(r.erds), largest_erd_chars=max(s["erds"].values()),
                   erd_cap=MERMAID_MAX_TEXT, spec_valid=loaded.ok, spec_designs=design_ok,
                   design_pipeline_s=round(time.perf_counter() - t1, 2), inspect_timings=s["timings_s"],
                   access_patterns=len(r.spec.get("access_patterns", [])))
        t0 = time.perf_counter()
        rep = critique(dsn)
        out["critique_s"] = round(time.perf_counter() - t0, 2)
        out["critique_findings"] = len(rep.findings)
        out["critique_by_code"] = dict(sorted(rep.summary()["by_code"].items()))
        out["critique_skipped"] = rep.skipped
        out["rules"] = rep.summary()["rules_total"]
        stripped = copy.deepcopy(r.database)
        for t in stripped.tables.values():
            t.foreign_keys = []
        rels = [x for x in infer_relations(stripped, use_data=False) if not x.declared]
        pred = {(x.table, x.columns[0], x.ref_table, x.ref_columns[0]) for x in rels}
        tp = len(pred & set(truth))
        out["fk_inference"] = {"truth": len(truth), "predicted": len(pred), "tp": tp,
                               "precision": round(tp / len(pred), 3) if pred else 1.0,
                               "recall": round(tp / len(truth), 3)}
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:22} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
