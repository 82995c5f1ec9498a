"""Two runs of the same spec give byte-identical design.json and files (issue 11, item 8).

Set iteration order in SQLAlchemy (constraints, indexes, foreign keys) follows object addresses, so
it changes between processes: the runs are separate interpreters with different hash seeds. The
PostgreSQL run covers the planner proof and the per-node throughput (a calibration per engine
version); wall-clock timings live in timings.json only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dbwright import api
from helpers_design import ROOT

SPEC = ROOT / "tests" / "fixtures" / "specs" / "box-office.yaml"
VARIES = {"timings.json", "verification.json", "DESIGN.md",  # run records: durations per step
          ".dbwright-manifest.json"}  # the run itself: command, time, hashes of the files above


def _design(out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-m", "dbwright.cli", "design", str(SPEC), "-o", str(out),
                           "--engines", "sqlite"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_processes_write_identical_packages(tmp_path: Path) -> None:
    _design(tmp_path / "a", "1")
    _design(tmp_path / "b", "2")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(a) == set(b)
    differ = sorted(name for name in a if a[name] != b[name])
    assert set(differ) <= VARIES, differ
    timings = json.loads(a["timings.json"])["fields"]
    assert timings and all(p.startswith("/") for p in timings)
    design = json.loads(a["design.json"])
    assert design["timings"] == "timings.json" and "seconds" not in json.dumps(design["verification"])


def test_postgresql_design_twice_is_identical(tmp_path: Path, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    opts = api.DesignOptions(engines=("postgresql",), sandboxes={"postgresql": pg_cluster})
    api.design(SPEC, tmp_path / "a", opts)
    api.design(SPEC, tmp_path / "b", opts)
    first, second = (tmp_path / "a" / "design.json").read_bytes(), (tmp_path / "b" / "design.json").read_bytes()
    assert first == second
    scaling = next(s for s in json.loads(first)["sections"] if s["name"] == "scaling")
    assert scaling["data"]["throughput"]["engine"] == "postgresql"
    assert "reused for" in scaling["data"]["throughput"]["calibration"]
