"""Diff convergence on schema-pair corpora: load old, apply dbwright's plan, compare with new.

    python bench/migrations/diff_convergence.py --cases tests/corpora/migrations/diff/pgschema --json

A case folder holds ``a.sql``/``b.sql`` (migra layout) or ``old.sql``/``new.sql`` (+ ``setup.sql``,
pgschema layout). Per case: throwaway databases A and B, dbwright diffs A → B, the ops are applied
to A, and A ≡ B is checked on a normalized ``pg_dump -s --no-owner --no-privileges`` (lines sorted,
trailing commas stripped). A case whose sides do not load on this server (newer syntax, missing
extension) is skipped with the reason. Idempotence: a second diff after applying must be empty.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dbwright.engines.postgresql import PostgresCluster
from dbwright.migration.catalog import read_schema
from dbwright.migration.diff import diff_schemas, load_schema
from dbwright.migration.plan import plan_from_diff
from dbwright.model import DbwrightError

ROLES = ("testuser", "schemainspect_test_role", "app_user", "reader", "writer", "admin_role")


def find_cases(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("*.sql") if p.name in ("a.sql", "old.sql"))


def _sides(case: Path) -> tuple[str, str, str]:
    if (case / "a.sql").exists():
        return (case / "a.sql").read_text(), (case / "b.sql").read_text(), ""
    setup = (case / "setup.sql").read_text() if (case / "setup.sql").exists() else ""
    return (case / "old.sql").read_text(), (case / "new.sql").read_text(), setup


def pg_tool(cluster: PostgresCluster, name: str) -> str:
    """A client tool beside the server binaries (a PATH symlink dir may hold only initdb/pg_ctl)."""
    real = (cluster.bindir / "pg_ctl").resolve().parent
    for cand in (cluster.bindir / name, real / name):
        if cand.exists():
            return str(cand)
    return name


def normalized_dump(cluster: PostgresCluster, db: str) -> list[str]:
    proc = subprocess.run([pg_tool(cluster, "pg_dump"), "-h", str(cluster.sock), "-p", str(cluster.port),
                           "-U", "postgres", "-s", "--no-owner", "--no-privileges", db],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-300:])
    lines = []
    for ln in proc.stdout.splitlines():
        s = ln.strip().rstrip(",")
        if not s or s.startswith("--") or s.startswith("SET ") or s.startswith("SELECT pg_catalog.set_config") \
                or s.startswith("\\restrict") or s.startswith("\\unrestrict"):
            continue
        lines.append(s)
    return sorted(lines)


def run_case(cluster: PostgresCluster, case: Path) -> dict[str, Any]:
    old_sql, new_sql, setup = _sides(case)
    name = str(case)
    out: dict[str, Any] = {"case": name}
    a, b = "conv_a", "conv_b"
    try:
        try:
            old = load_schema(cluster, a, old_sql, setup or None)
            new = load_schema(cluster, b, new_sql, setup or None)
        except DbwrightError as exc:
            out.update(status="skipped", reason=f"does not load on PostgreSQL {cluster.version}: {exc}"[:200])
            return out
        result = diff_schemas(old, new)
        out["ops"] = len(result.ops)
        ref_plan = case / "plan.sql"
        if ref_plan.exists() and re.search(r"CONCURRENTLY|NOT VALID", ref_plan.read_text()):
            plan = plan_from_diff(result, int(str(cluster.version).split(".")[0]), context_sql=old_sql)
            out["online_reference"] = True
            out["blocking_steps"] = [s.title for s in plan.blocking_steps()]
        out["unsupported"] = result.unsupported
        errors = []
        with cluster.connect(a) as conn:
            for op in result.ops:
                for stmt in op.sql():
                    try:
                        conn.execute(stmt)
                    except Exception as exc:
                        errors.append(f"{stmt[:100]}: {str(exc).splitlines()[0]}")
        out["apply_errors"] = errors
        da, db_ = normalized_dump(cluster, a), normalized_dump(cluster, b)
        converged = da == db_
        out["status"] = "converged" if converged else "diverged"
        if not converged:
            sa_, sb = set(da), set(db_)
            out["only_in_migrated"] = sorted(sa_ - sb)[:8]
            out["only_in_target"] = sorted(sb - sa_)[:8]
        with cluster.connect(a) as conn:
            again = diff_schemas(read_schema(conn), new)
        out["idempotent"] = not again.ops
    finally:
        for db in (a, b):
            with contextlib.suppress(Exception):
                cluster.drop_database(db)
    return out


def run(root: Path, cluster: PostgresCluster | None = None) -> dict[str, Any]:
    cases = find_cases(root)
    own = cluster is None
    cl = cluster or PostgresCluster().start()
    t0 = time.perf_counter()
    try:
        for role in ROLES:
            with contextlib.suppress(Exception):
                cl.execute(f"create role {role}")
        results = [run_case(cl, c) for c in cases]
    finally:
        if own:
            cl.stop()
    ran = [r for r in results if r["status"] != "skipped"]
    conv = [r for r in ran if r["status"] == "converged"]
    return {"corpus": str(root), "cases": len(results), "skipped": len(results) - len(ran), "ran": len(ran),
            "converged": len(conv), "convergence": round(len(conv) / len(ran), 4) if ran else None,
            "idempotent": sum(1 for r in ran if r.get("idempotent")),
            "online_cases": sum(1 for r in ran if r.get("online_reference")),
            "online_cases_without_blocking_step": sum(1 for r in ran if r.get("online_reference")
                                                      and not r.get("blocking_steps")),
            "seconds": round(time.perf_counter() - t0, 1), "results": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, type=Path, help="folder of case folders")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    report = run(args.cases)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for r in report["results"]:
            print(f"{r['status']:10} {r['case']}" + (f"  ({r.get('reason', '')})" if r["status"] == "skipped" else ""))
        print(f"converged {report['converged']}/{report['ran']} ({report['convergence']:.1%}); "
              f"skipped {report['skipped']}; idempotent {report['idempotent']}/{report['ran']}; "
              f"online cases (reference plan uses CONCURRENTLY/NOT VALID) with no blocking step in dbwright's "
              f"plan: {report['online_cases_without_blocking_step']}/{report['online_cases']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
