"""Predicted vs measured Patroni failover time, default and tuned settings, async and sync mode.

    .venv/bin/python bench/dr/failover_bench.py [--kills 2] [--settings default tuned]
                                                [--modes async sync] [--json out.json]

One 3-node Patroni + etcd + HAProxy cluster on loopback (the ``failover`` drill); per kill it prints
the measured first write through HAProxy (RTO) against ``predict_patroni_failover``'s expected
value and best…worst band, and the acknowledged commits lost. Exits 1 when a kill falls outside the
band or sync mode loses an acknowledged commit.
"""

from __future__ import annotations

import argparse
import json
import sys

from dbwright.drills.failover import run_failover


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=2)
    ap.add_argument("--settings", nargs="+", default=["default", "tuned"])
    ap.add_argument("--modes", nargs="+", default=["async", "sync"])
    ap.add_argument("--json")
    args = ap.parse_args()
    results = []
    for s in args.settings:
        for m in args.modes:
            results.append(run_failover(mode=m, settings=s, kills=args.kills))
    ok = True
    print(f"{'settings/mode':<14} {'kill':>4} {'detect':>7} {'promote':>8} {'1st write':>9} {'predicted':>10} "
          f"{'band':>11} {'ratio':>6} {'acked':>6} {'lost':>5}")
    for r in results:
        for k in r["kills"]:
            p = k["predicted"]
            ratio = k["rto_s"] / p["rto_s"] if k["rto_s"] else float("nan")
            print(f"{k['settings'] + '/' + k['mode']:<14} {k['kill']:>4} {k['detection_s']:>7.2f} "
                  f"{k['promotion_s']:>8.2f} {k['rto_s']:>9.2f} {p['rto_s']:>10.2f} "
                  f"{p['best_s']:>5.1f}…{p['worst_s']:<5.1f} {ratio:>6.3f} {k['acked_commits']:>6} {k['acked_lost']:>5}")
            ok = ok and k["within_prediction"] and (k["mode"] != "sync" or k["acked_lost"] == 0)
    for r in results:
        for name, s in r["summary"].items():
            print(f"{name}: mean first write {s['rto_mean_s']} s vs predicted {s['predicted']['rto_s']} s "
                  f"(ratio {s['rto_mean_s'] / s['predicted']['rto_s']:.3f}), lost {s['acked_lost']}/{s['acked_commits']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2, default=str)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
