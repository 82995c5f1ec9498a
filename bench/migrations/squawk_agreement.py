"""Agreement of dbwright's migration lint with squawk's rule tests, per rule.

    python bench/migrations/squawk_agreement.py --cases tests/corpora/migrations/lint/squawk_cases.jsonl --json

For each case: lint ``sql`` (and every ``more_sql``) with the case's ``pg_version`` /
``assume_in_transaction``; ``err`` agrees when a mapped MIG rule fires, ``ok`` when none does.
Cases of squawk rules dbwright does not map are skipped; ``lock`` cases are compared with the static
lock model. Reviewed disagreements (where dbwright is deliberately different) are listed in
INTENTIONAL with the reason, and reported separately from unexplained ones.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from dbwright.migration.facts import LOCK_MODES, strongest
from dbwright.migration.lint import lint_sql
from dbwright.migration.parse import parse_script

# squawk rule name -> dbwright rule codes that cover it.
SQUAWK_MAP: dict[str, tuple[str, ...]] = {
    "adding-field-with-default": ("MIG009", "MIG010"),
    "adding-foreign-key-constraint": ("MIG006",),
    "adding-not-nullable-field": ("MIG008",),
    "adding-required-field": ("MIG011",),
    "adding-serial-primary-key-field": ("MIG005", "MIG010"),
    "ban-alter-domain-with-add-constraint": ("MIG026",),
    "ban-char-field": ("MIG033",),
    "ban-concurrent-index-creation-in-transaction": ("MIG004",),
    "ban-create-domain-with-constraint": ("MIG026",),
    "ban-drop-column": ("MIG013",),
    "ban-drop-database": ("MIG013",),
    "ban-drop-not-null": ("MIG022",),
    "ban-drop-table": ("MIG013",),
    "ban-duplicate-column-assignments": ("MIG035",),
    "ban-truncate-cascade": ("MIG023",),
    "ban-uncommitted-transaction": ("MIG025",),
    "changing-column-type": ("MIG012",),
    "constraint-missing-not-valid": ("MIG006", "MIG007"),
    "disallowed-unique-constraint": ("MIG005",),
    "identifier-too-long": ("MIG034",),
    "prefer-bigint-over-int": ("MIG028",),
    "prefer-bigint-over-smallint": ("MIG029",),
    "prefer-identity": ("MIG030",),
    "prefer-repack": ("MIG027",),
    "prefer-robust-stmts": ("MIG017",),
    "prefer-text-field": ("MIG031",),
    "prefer-timestamp-tz": ("MIG032",),
    "prefer-timestamptz": ("MIG032",),
    "renaming-column": ("MIG014",),
    "renaming-table": ("MIG014",),
    "require-concurrent-index-creation": ("MIG001",),
    "require-concurrent-index-deletion": ("MIG002",),
    "require-concurrent-partition-detach": ("MIG019",),
    "require-concurrent-reindex": ("MIG003",),
    "require-enum-value-ordering": ("MIG020",),
    "require-lock-timeout": ("MIG015",),
    "require-statement-timeout": ("MIG016",),
    "require-table-schema": ("MIG036",),
    "require-timeout-settings": ("MIG015", "MIG016"),
    "transaction-nesting": ("MIG024",),
}
OPT_IN = {"MIG036"}

# (rule, test) -> why dbwright deliberately disagrees. Reviewed; keep short and factual.
INTENTIONAL: dict[tuple[str, str], str] = {
    ("adding-field-with-default", "docs_example_error_on_pg_11"):
        "PostgreSQL 11 stores a constant default in the catalog (no rewrite); squawk only trusts > 11",
    ("ban-concurrent-index-creation-in-transaction", "assuming_in_transaction_ok"):
        "with the runner's transaction assumed, PostgreSQL rejects CREATE INDEX CONCURRENTLY even when it is the "
        "file's only statement; dbwright reports it",
    ("prefer-robust-stmts", "alter_column_set_not_null"):
        "SET NOT NULL is naturally re-runnable; dbwright flags only statements that fail on re-run",
    ("prefer-robust-stmts", "enable_row_level_security_without_exists_check_err"):
        "ENABLE ROW LEVEL SECURITY is naturally re-runnable",
    ("adding-foreign-key-constraint", "add_foreign_key_constraint_not_valid_validate"):
        "VALIDATE in the transaction that added the key NOT VALID keeps SHARE ROW EXCLUSIVE on both tables "
        "through the scan; dbwright's MIG006 reports it (squawk reports it under constraint-missing-not-valid)",
    ("prefer-repack", "*"):
        "VACUUM FULL/CLUSTER take ACCESS EXCLUSIVE for a full rewrite on every version; dbwright flags them "
        "everywhere (pg_repack before 19), squawk only from 19",
}


def _intentional(rule: str, test: str) -> str | None:
    return INTENTIONAL.get((rule, test)) or INTENTIONAL.get((rule, "*"))


def run(cases_path: Path) -> dict[str, Any]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    disagreements: list[dict[str, Any]] = []
    lock_rows: list[dict[str, Any]] = []
    skipped: dict[str, int] = defaultdict(int)
    lines = [json.loads(x) for x in cases_path.read_text().splitlines() if x.strip()]
    t0 = time.perf_counter()
    for case in lines:
        rule = case["rule"]
        settings = case.get("settings") or {}
        if case["expect"] == "lock":
            for item in case.get("locks", []):
                st = parse_script(item["sql"]).stmts[0]
                # strongest lock on any relation the statement names (an index or view counts)
                # the lock on an index being created is left out: nothing can wait on a relation
                # that does not exist yet, and squawk lists what others contend with
                ours = (strongest([lk.mode for lk in st.locks if lk.mode in LOCK_MODES
                                   and lk.why != "the index being created"]) or "").removesuffix("Lock")
                ours = ours or "Unknown"  # no relation lock modelled (e.g. CREATE TYPE): squawk says Unknown
                lock_rows.append({"sql": item["sql"].strip(), "squawk": item["lock"], "dbwright": ours,
                                  "agree": ours == item["lock"]})
            continue
        codes = SQUAWK_MAP.get(rule)
        if not codes:
            skipped[rule] += 1
            continue
        select = [c for c in codes if c in OPT_IN]
        for sql in [case["sql"], *case.get("more_sql", [])]:
            result = lint_sql(sql, version=settings.get("pg_version"),
                              assume_in_transaction=bool(settings.get("assume_in_transaction")),
                              select=select or None)
            fired = sorted({f.code for f in result.findings if f.code in codes})
            ours = "err" if fired else "ok"
            agree = ours == case["expect"]
            key = {("err", "err"): "tp", ("ok", "ok"): "tn", ("err", "ok"): "fp", ("ok", "err"): "fn"}[
                (ours, case["expect"])]
            per[rule][key] += 1
            if not agree:
                why = _intentional(rule, case["test"])
                per[rule]["intentional" if why else "unexplained"] += 1
                disagreements.append({"rule": rule, "test": case["test"], "expect": case["expect"],
                                      "dbwright": ours, "fired": fired, "intentional": why,
                                      "sql": " ".join(sql.split())[:160]})
    elapsed = time.perf_counter() - t0
    rules_out = {}
    tot = defaultdict(int)
    for rule, c in sorted(per.items()):
        n = c["tp"] + c["tn"] + c["fp"] + c["fn"]
        for k in ("tp", "tn", "fp", "fn", "intentional"):
            tot[k] += c[k]
        rules_out[rule] = {
            "cases": n, "agree": c["tp"] + c["tn"], "agreement": round((c["tp"] + c["tn"]) / n, 3),
            "precision": round(c["tp"] / (c["tp"] + c["fp"]), 3) if c["tp"] + c["fp"] else None,
            "recall": round(c["tp"] / (c["tp"] + c["fn"]), 3) if c["tp"] + c["fn"] else None,
            "intentional_differences": c["intentional"],
        }
    n = tot["tp"] + tot["tn"] + tot["fp"] + tot["fn"]
    agree = tot["tp"] + tot["tn"]
    return {
        "cases": n, "agree": agree, "agreement": round(agree / n, 4) if n else None,
        "agreement_excluding_intentional": round(agree / (n - tot["intentional"]), 4) if n else None,
        "precision": round(tot["tp"] / (tot["tp"] + tot["fp"]), 4) if tot["tp"] + tot["fp"] else None,
        "recall": round(tot["tp"] / (tot["tp"] + tot["fn"]), 4) if tot["tp"] + tot["fn"] else None,
        "intentional_differences": tot["intentional"], "lint_seconds": round(elapsed, 3),
        "rules": rules_out, "skipped_unmapped": dict(skipped), "disagreements": disagreements,
        "lock_table": lock_rows,
        "lock_table_agreement": f"{sum(1 for r in lock_rows if r['agree'])}/{len(lock_rows)}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, type=Path, help="squawk_cases.jsonl (same layout)")
    ap.add_argument("--json", action="store_true", help="print the full JSON report")
    args = ap.parse_args(argv)
    report = run(args.cases)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for rule, r in report["rules"].items():
            print(f"{rule:48} {r['agree']:>3}/{r['cases']:<3} {r['agreement']:.0%}"
                  + (f"  ({r['intentional_differences']} intentional)" if r["intentional_differences"] else ""))
        for d in report["disagreements"]:
            tag = "intentional" if d["intentional"] else "UNEXPLAINED"
            print(f"  {tag}: {d['rule']}/{d['test']} expect {d['expect']} got {d['dbwright']}  {d['sql'][:90]}")
        print(f"overall agreement {report['agree']}/{report['cases']} = {report['agreement']:.1%} "
              f"({report['intentional_differences']} intentional differences; "
              f"{report['agreement_excluding_intentional']:.1%} excluding them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
