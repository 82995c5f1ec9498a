"""Every ``-o`` writer besides design goes through the one output-tree writer (issue 10, files).

For ``dr plan -o`` and ``migrate plan -o`` (real CLI, decoy HOME): a directory of unrelated files is
refused with exit 2 and left as it was; the written folder carries the manifest; re-running needs
--force; --force keeps a file the user added (only design prints the kept list yet); nothing written is world-writable.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from test_safety_output_tree import MANIFEST, dbw, snapshot, world  # noqa: F401  (world is a fixture)

ROOT = Path(__file__).resolve().parent.parent
MIG = ROOT / "examples" / "migrations"
WRITERS = {
    "dr-plan": ["dr", "plan", str(ROOT / "examples" / "saas-ecommerce.yaml")],
    "migrate-plan": ["migrate", "plan", "--from", str(MIG / "orders_v1.sql"), "--to", str(MIG / "orders_v2.sql")],
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_writer_refuses_keeps_and_replaces_only_its_files(world: dict[str, Path], writer: str) -> None:  # noqa: F811
    args, tmp = WRITERS[writer], world["tmp"]
    (tmp / "unrelated").mkdir()
    (tmp / "unrelated" / "thesis.tex").write_text("chapter 1\n")
    before = snapshot(tmp)
    proc = dbw(world, *args, "-o", str(tmp / "unrelated"), "--force")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert snapshot(tmp) == before

    out = tmp / "out"
    first = dbw(world, *args, "-o", str(out), umask=0)
    assert first.returncode in (0, 1), first.stderr
    assert (out / MANIFEST).is_file()
    assert not [p for p in out.rglob("*") if p.stat().st_mode & stat.S_IWOTH]
    (out / "my-notes.md").write_text("mine\n")
    again = dbw(world, *args, "-o", str(out))
    assert again.returncode == 2 and "--force" in again.stderr, again.stderr
    forced = dbw(world, *args, "-o", str(out), "--force")
    assert forced.returncode in (0, 1), forced.stderr
    assert (out / "my-notes.md").read_text() == "mine\n"
