"""Start-up time of the CLI, as ratios against a bare interpreter measured in the same run.

    python bench/startup/run.py [--runs 15]

Prints the median wall time of each command and its ratio to ``python -c pass`` (the floor no
Python CLI can beat) — absolute times on a shared 2-core host are noise, ratios are comparable.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = shutil.which("dbwright") or f"{sys.prefix}/bin/dbwright"
    floor = median_time([sys.executable, "-c", "pass"], args.runs)
    print(f"{'command':32} {'median s':>9} {'x bare python':>14}")
    print(f"{'python -c pass':32} {floor:9.3f} {1.0:14.1f}")
    for argv in (["--version"], ["--help"], ["design", "--help"], ["migrate", "lint", "--help"]):
        t = median_time([exe, *argv], args.runs)
        print(f"{'dbwright ' + ' '.join(argv):32} {t:9.3f} {t / floor:14.1f}")


if __name__ == "__main__":
    main()
