"""Predicted vs measured restore time (pitr drill) and drill overhead vs a raw pgBackRest restore.

    .venv/bin/python bench/dr/restore_bench.py [--sizes-mb 300 2000] [--json out.json]

For each size the pitr drill loads that much ``load_filler`` data (half random bytes, half hex
text: compresses ~1.4× in the repository, unlike pgbench's 10–20×), takes full/diff/incr backups
under a writer, restores to a target time and compares each phase with ``predict_restore`` fed
with the calibrated throughput (``dbwright.theory.recovery``, measured on a separate 1 GB run).
It then restores the same set again by hand (``pgbackrest restore`` + ``pg_ctl start`` until
promoted, no checks) to give the drill's overhead. Prints ratios; exits 1 when a ratio is outside
±25% or a commit check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from dbwright.drills.pitr import run_pitr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes-mb", type=float, nargs="+", default=[300, 2000])
    ap.add_argument("--json", help="write all results here")
    ap.add_argument("--quiet-load", type=float, default=0.0,
                    help="before each size wait (up to 10 min) until the 1-min load average is below this; "
                         "other work on a shared host competes for the same disk")
    args = ap.parse_args()
    rows = []
    ok = True
    for mb in args.sizes_mb:
        if args.quiet_load:
            end = time.monotonic() + 600
            while os.getloadavg()[0] >= args.quiet_load and time.monotonic() < end:
                time.sleep(5)
        r = run_pitr(scale_mb=mb, compare_raw=True, timeout_s=3600)
        rows.append(r)
        p, m = r["predicted"], r["measured"]
        print(f"\n== pitr restore, {r['data']['backup_db_bytes'] / 1e9:.2f} GB database "
              f"(repo {r['data']['repo_bytes'] / 1e9:.2f} GB, compression {r['data']['compression_ratio']}x), "
              f"WAL to replay {r['data']['wal_bytes_to_replay'] / 1e6:.1f} MB")
        print(f"{'phase':<10} {'predicted s':>12} {'measured s':>11}")
        for ph in p["phases"]:
            print(f"{ph:<10} {p['phases'][ph]:>12.2f} {m['phases'].get(ph, 0):>11.2f}")
        print(f"{'total':<10} {p['rto_s']:>12.2f} {m['rto_s']:>11.2f}   measured/predicted = "
              f"{r['ratio_measured_to_predicted']:.3f}  (within ±25%: {r['within_25pct']})")
        print(f"raw pgbackrest restore + start: {r['raw_restore_s']:.2f} s; drill RTO / raw = "
              f"{r['drill_overhead_ratio']:.3f}; whole drill wall time {r['drill_wall_s']:.1f} s")
        hl = r["host_load"]
        print(f"host load before/after the restore: {hl['before_restore']} / {hl['after_restore']}")
        print(f"commits: acked {r['acked_commits']}, lost before target {r['acked_lost']}, "
              f"rows after target {r['rows_after_target']}")
        ok = ok and bool(r["within_25pct"]) and r["passed"]
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
