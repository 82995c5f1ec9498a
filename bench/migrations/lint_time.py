"""Lint wall time on the squawk corpus: dbwright vs squawk-cli (PyPI), side by side.

    python bench/migrations/lint_time.py --cases tests/corpora/migrations/lint/squawk_cases.jsonl --json

Every SQL string of the corpus becomes one file. Each tool lints all files in one process (CLI
start-up included), repeated ``--repeat`` times; the best run counts. dbwright's in-process time
(library call, no interpreter start-up) is reported too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def write_files(cases: Path, out: Path) -> list[Path]:
    files = []
    for i, line in enumerate(cases.read_text().splitlines()):
        if not line.strip():
            continue
        case = json.loads(line)
        sqls = [case["sql"], *case.get("more_sql", [])] + [x["sql"] for x in case.get("locks", [])]
        for j, sql in enumerate(sqls):
            p = out / f"{i:03d}_{j}.sql"
            p.write_text(sql)
            files.append(p)
    return files


def best(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, timeout=600)
        times.append(time.perf_counter() - t0)
    return min(times)


def run(cases: Path, repeat: int = 3) -> dict[str, Any]:
    from dbwright.migration.lint import lint_sql

    venv_bin = Path(sys.executable).parent
    squawk = shutil.which("squawk", path=str(venv_bin)) or shutil.which("squawk")
    dbwright = shutil.which("dbwright", path=str(venv_bin)) or shutil.which("dbwright")
    with tempfile.TemporaryDirectory() as d:
        files = write_files(cases, Path(d))
        names = [str(f) for f in files]
        report: dict[str, Any] = {"files": len(files), "repeat": repeat}
        if squawk:
            report["squawk_version"] = subprocess.run([squawk, "--version"], capture_output=True,
                                                      text=True).stdout.strip()
            report["squawk_seconds"] = round(best([squawk, *names], repeat), 3)
        if dbwright:
            report["dbwright_cli_seconds"] = round(best([dbwright, "migrate", "lint", "--format", "json", *names],
                                                        repeat), 3)
        texts = [f.read_text() for f in files]
        lint_sql("select 1")  # load rules once, as a long-running process would
        t0 = time.perf_counter()
        for _ in range(repeat):
            for t in texts:
                lint_sql(t)
        report["dbwright_in_process_seconds"] = round((time.perf_counter() - t0) / repeat, 3)
    if "squawk_seconds" in report and "dbwright_cli_seconds" in report:
        report["ratio_cli"] = round(report["dbwright_cli_seconds"] / report["squawk_seconds"], 1)
        report["ratio_in_process"] = round(report["dbwright_in_process_seconds"] / report["squawk_seconds"], 1)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = run(args.cases, args.repeat)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(f"{r['files']} files; squawk {r.get('squawk_seconds')} s; dbwright CLI {r.get('dbwright_cli_seconds')} s "
              f"(×{r.get('ratio_cli')}); dbwright in-process {r['dbwright_in_process_seconds']} s "
              f"(×{r.get('ratio_in_process')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
