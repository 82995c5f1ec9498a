"""Start-up time of the CLI, as ratios against a bare interpreter measured in the same run.

    python bench/startup/run.py [--runs 15]

Prints the median wall time of each command and its ratio to ``python -c pass`` (the floor no
Python CLI can beat) — absolute times on a shared 2-core host are noise, ratios are comparable —
then ``dbwright migrate lint`` over the squawk case corpus as one process against squawk-cli
(PyPI, ``pip install -e '.[bench]'``) measured in the same run (bench/migrations/lint_time.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


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
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "migrations"))
    from lint_time import run as lint_run

    cases = Path(__file__).resolve().parents[2] / "tests/corpora/migrations/lint/squawk_cases.jsonl"
    r = lint_run(cases, repeat=3)
    if "ratio_cli" in r:
        print(f"\nmigrate lint, {r['files']} files, one process: squawk {r['squawk_seconds']:.3f} s, dbwright "
              f"{r['dbwright_cli_seconds']:.3f} s = x{r['ratio_cli']} (in-process x{r['ratio_in_process']})")
    else:
        print("\nsquawk-cli not installed: pip install -e '.[bench]' for the lint ratio")


if __name__ == "__main__":
    main()
