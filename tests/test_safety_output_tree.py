"""Output trees: dbwright only ever removes what it wrote (issue 10, files).

Every destructive case runs the real CLI in a child process whose HOME is a decoy home inside
tmp_path, full of decoy files; after each refusal every decoy file is still there, unchanged.
Crashes (kill -9 at several points of the write) and Ctrl-C (a real SIGINT) during --force leave
either the old package or the new one, verified against the manifest's hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dbwright.io import MANIFEST, check_target, write_tree
from dbwright.io import tree as tree_mod
from dbwright.io.guard import protected
from dbwright.model import DbwrightError

SPEC = """\
version: 1
project: helpdesk
entities:
  Agent:
    attributes:
      email: text unique
      name: text
  Ticket:
    rows: 50000
    attributes:
      subject: text
      status: enum(open, pending, closed)
      opened_at: timestamp
      agent: ref Agent?
access_patterns:
  - name: open-tickets
    sql: SELECT * FROM ticket WHERE status = 'open' ORDER BY opened_at LIMIT 50
    rate: 5/s
"""

DECOYS = {".bashrc": "export PATH=$HOME/bin:$PATH\n", ".ssh/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\n",
          "toolchains/rust/bin/cargo": "#!/bin/sh\n", "notes.txt": "my notes\n", "projects/app/main.py": "print(1)\n"}


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(root))] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    home = tmp_path / "home"
    for rel, text in DECOYS.items():
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(text)
    work = tmp_path / "work"
    work.mkdir()
    (work / "spec.yaml").write_text(SPEC)
    return {"tmp": tmp_path, "home": home, "work": work, "spec": work / "spec.yaml"}


def dbw(world: dict[str, Path], *args: str, cwd: Path | None = None, hook: str | None = None,
        umask: int = -1) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(world["home"])}
    env.pop("DBWRIGHT_TEST_TREE_HOOK", None)
    if hook:
        env["DBWRIGHT_TEST_TREE_HOOK"] = hook
    return subprocess.run([sys.executable, "-m", "dbwright.cli", *args], capture_output=True, text=True,
                          cwd=cwd or world["work"], env=env, timeout=300, umask=umask)


def design(world: dict[str, Path], out: str, *extra: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return dbw(world, "design", str(world["spec"]), "-o", out, "--no-verify", *extra, **kw)  # type: ignore[arg-type]


def assert_tree_matches_manifest(out: Path) -> dict[str, object]:
    manifest = json.loads((out / MANIFEST).read_text())
    for rel, entry in manifest["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == entry["sha256"], rel
    return manifest


def no_siblings(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".dbwright-" in p.name]


# -- refusals: exit 2, nothing touched ------------------------------------------------------------
@pytest.mark.parametrize("case", ["home", "dot-in-home", "dotdot-from-home", "unrelated", "git", "symlink-home",
                                  "root"])
def test_refused_targets_leave_every_decoy(world: dict[str, Path], case: str) -> None:
    home, tmp = world["home"], world["tmp"]
    (tmp / "unrelated").mkdir()
    (tmp / "unrelated" / "thesis.tex").write_text("chapter 1\n")
    (tmp / "repo" / ".git").mkdir(parents=True)
    (tmp / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp / "link-to-home").symlink_to(home)
    before = snapshot(tmp)
    target, cwd = {"home": (str(home), None), "dot-in-home": (".", home), "dotdot-from-home": ("..", home),
                   "unrelated": (str(tmp / "unrelated"), None), "git": (str(tmp / "repo"), None),
                   "symlink-home": (str(tmp / "link-to-home"), None), "root": ("/", None)}[case]
    proc = design(world, target, "--force", cwd=cwd)
    assert proc.returncode == 2, proc.stderr
    assert "refusing to write" in proc.stderr and "nothing was changed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(tmp) == before  # every decoy file still there with the same content
    assert not [p for p in tmp.rglob("*") if ".dbwright-" in p.name]


def test_protected_covers_both_homes_cwd_and_ancestors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pwd

    monkeypatch.setenv("HOME", str(tmp_path / "decoy"))
    monkeypatch.chdir(tmp_path)
    guarded = protected()
    assert Path(pwd.getpwuid(os.getuid()).pw_dir).resolve() in guarded  # the password database's home too
    assert (tmp_path / "decoy") in guarded and tmp_path.resolve() in guarded and Path("/") in guarded
    assert tmp_path.resolve().parent in guarded
    with pytest.raises(DbwrightError, match="mount point"):
        check_target(Path("/proc"), force=True)


def test_manifest_with_paths_outside_is_not_trusted(world: dict[str, Path]) -> None:
    out = world["tmp"] / "pkg"
    write_tree(out, {"a.txt": "a"}, command="test")
    data = json.loads((out / MANIFEST).read_text())
    data["files"]["../home/notes.txt"] = {"sha256": "0" * 64}
    (out / MANIFEST).write_text(json.dumps(data))
    before = snapshot(world["tmp"])
    with pytest.raises(DbwrightError, match="damaged"):
        write_tree(out, {"a.txt": "b"}, force=True, command="test")
    assert snapshot(world["tmp"]) == before
    for bad in ("../x", "/etc/x", "a/../../x", ""):
        with pytest.raises(DbwrightError, match="relative path"):
            write_tree(world["tmp"] / "other", {bad: "x"})


# -- --force replaces only what dbwright wrote ------------------------------------------------------
def test_force_keeps_user_files_and_says_so(world: dict[str, Path]) -> None:
    out = world["tmp"] / "pkg"
    first = design(world, str(out))
    assert first.returncode == 0, first.stderr
    old = assert_tree_matches_manifest(out)
    again = design(world, str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    (out / "my-notes.md").write_text("decisions we took\n")
    (out / "mine").mkdir()
    (out / "mine" / "sketch.txt").write_text("sketch\n")
    (out / "empty-dir").mkdir()
    with (out / "DESIGN.md").open("a") as fh:
        fh.write("\nmy edit\n")
    outside = world["tmp"] / "outside.txt"
    outside.write_text("not dbwright's\n")
    (out / "schema.sqlite.sql").unlink()
    (out / "schema.sqlite.sql").symlink_to(outside)  # a listed path replaced by a link: never followed
    forced = design(world, str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    new = assert_tree_matches_manifest(out)
    assert set(new["files"]) == set(old["files"])  # type: ignore[call-overload]
    assert (out / "my-notes.md").read_text() == "decisions we took\n"
    assert (out / "mine" / "sketch.txt").read_text() == "sketch\n" and (out / "empty-dir").is_dir()
    assert (out / "DESIGN.md.kept").read_text().endswith("my edit\n")
    assert os.readlink(out / "schema.sqlite.sql.kept") == str(outside) and outside.read_text() == "not dbwright's\n"
    assert "kept my-notes.md: you added it" in forced.stderr
    assert "kept mine/sketch.txt" in forced.stderr and "kept your DESIGN.md as DESIGN.md.kept" in forced.stderr
    assert no_siblings(out.parent) == []
    # the kept files are not in the manifest: they stay yours on the next --force too
    assert "my-notes.md" not in new["files"]  # type: ignore[operator]
    third = design(world, str(out), "--force")
    assert third.returncode == 0 and (out / "my-notes.md").exists() and "kept my-notes.md" in third.stderr


def test_nothing_written_is_world_writable(world: dict[str, Path]) -> None:
    out = world["tmp"] / "deep" / "er" / "pkg"
    proc = design(world, str(out), umask=0)
    assert proc.returncode == 0, proc.stderr
    spec = world["tmp"] / "new-spec.yaml"
    assert dbw(world, "init", str(spec), umask=0).returncode == 0
    paths = [world["tmp"] / "deep", world["tmp"] / "deep" / "er", spec, *out.rglob("*"), out]
    bad = [str(p) for p in paths if os.lstat(p).st_mode & stat.S_IWOTH]
    assert bad == []


def test_init_never_overwrites_without_force(world: dict[str, Path]) -> None:
    spec = world["work"] / "s.yaml"
    spec.write_text("project: mine\nentities: {}\n")
    proc = dbw(world, "init", str(spec))
    assert proc.returncode == 2 and "--force" in proc.stderr and spec.read_text() == "project: mine\nentities: {}\n"
    assert dbw(world, "init", str(world["work"])).returncode == 2  # a directory
    forced = dbw(world, "init", str(spec), "--force")
    assert forced.returncode == 0 and "project:" in spec.read_text() and "mine" not in spec.read_text()


# -- crashes and Ctrl-C during --force ---------------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One package designed by the real CLI, copied into each crash test (a design takes seconds)."""
    root = tmp_path_factory.mktemp("template")
    (root / "spec.yaml").write_text(SPEC)
    proc = subprocess.run([sys.executable, "-m", "dbwright.cli", "design", str(root / "spec.yaml"), "-o",
                           str(root / "pkg"), "--no-verify"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return root / "pkg"


@pytest.fixture
def prepared(world: dict[str, Path], template: Path) -> tuple[Path, dict[str, object]]:
    out = world["tmp"] / "pkg"
    shutil.copytree(template, out, symlinks=True)
    (out / "my-notes.md").write_text("keep me\n")
    return out, assert_tree_matches_manifest(out)


@pytest.mark.parametrize("point", ["staging", "file@3", "before-swap", "after-swap"])
def test_kill_9_during_force_leaves_old_or_new_package(world: dict[str, Path], prepared: tuple[Path, dict[str, object]],
                                                      point: str) -> None:
    out, old = prepared
    # a changed spec, so the new package differs from the old one
    world["spec"].write_text(SPEC.replace("rows: 50000", "rows: 900000"))
    proc = design(world, str(out), "--force", hook=f"{point}:kill")
    assert proc.returncode == -signal.SIGKILL
    now = assert_tree_matches_manifest(out)  # a complete package, whichever
    expected_new = point == "after-swap"
    assert (now["written_at"] != old["written_at"] or now["files"] != old["files"]) == expected_new
    assert (out / "my-notes.md").read_text() == "keep me\n"
    # the next run cleans what the killed one left beside the package, and says so
    after = design(world, str(out), "--force")
    assert after.returncode == 0, after.stderr
    assert no_siblings(out.parent) == [], after.stderr
    assert "interrupted earlier run" in after.stderr
    assert (out / "my-notes.md").read_text() == "keep me\n"
    assert_tree_matches_manifest(out)


@pytest.mark.parametrize("point", ["file@5", "before-swap"])
def test_ctrl_c_during_force_leaves_old_package(world: dict[str, Path], prepared: tuple[Path, dict[str, object]],
                                                point: str) -> None:
    out, old = prepared
    env = {**os.environ, "HOME": str(world["home"]), "DBWRIGHT_TEST_TREE_HOOK": f"{point}:sleep30"}
    child = subprocess.Popen([sys.executable, "-m", "dbwright.cli", "design", str(world["spec"]), "-o", str(out),
                              "--no-verify", "--force"], cwd=world["work"], env=env, stderr=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert child.stderr is not None
    deadline = time.monotonic() + 120
    line = ""
    while "dbwright-test-hook" not in line and time.monotonic() < deadline:
        line = child.stderr.readline()
        if not line and child.poll() is not None:
            break
    assert "dbwright-test-hook" in line
    child.send_signal(signal.SIGINT)
    rest = child.communicate(timeout=60)[1]
    assert child.returncode == 130, rest
    assert assert_tree_matches_manifest(out) == old
    assert (out / "my-notes.md").read_text() == "keep me\n"
    assert no_siblings(out.parent) == []  # Ctrl-C cleans its staging at once


def test_swap_without_rename_exchange(world: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """File systems without RENAME_EXCHANGE: two renames; a failure between them restores the old tree."""
    out = world["tmp"] / "pkg"
    write_tree(out, {"a.txt": "one", "d/b.txt": "two"}, command="t")
    (out / "mine.txt").write_text("mine")
    monkeypatch.setattr(tree_mod, "_exchange", lambda a, b: False)
    monkeypatch.setenv("DBWRIGHT_TEST_TREE_HOOK", "between-renames:fail")
    tree_mod._HITS.clear()
    with pytest.raises(DbwrightError, match="nothing was changed"):
        write_tree(out, {"a.txt": "ONE"}, force=True, command="t")
    assert (out / "a.txt").read_text() == "one" and (out / "mine.txt").read_text() == "mine"
    assert no_siblings(out.parent) == []
    monkeypatch.delenv("DBWRIGHT_TEST_TREE_HOOK")
    result = write_tree(out, {"a.txt": "ONE"}, force=True, command="t")
    assert (out / "a.txt").read_text() == "ONE" and not (out / "d").exists()
    assert [k.path for k in result.kept] == ["mine.txt"] and result.replaced == ["a.txt", "d/b.txt"]
    assert no_siblings(out.parent) == []


def test_interrupted_two_rename_swap_rolls_forward(world: dict[str, Path]) -> None:
    """kill -9 between the two renames: the next write finds the journal and restores a package."""
    out = world["tmp"] / "pkg"
    write_tree(out, {"a.txt": "one"}, command="t")
    code = ("import sys; from pathlib import Path; from dbwright.io import tree; "
            "tree._exchange = lambda a, b: False; "
            f"tree.write_tree(Path({str(out)!r}), {{'a.txt': 'two'}}, force=True, command='t')")
    env = {**os.environ, "DBWRIGHT_TEST_TREE_HOOK": "between-renames:kill"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    result = write_tree(out, {"a.txt": "three"}, force=True, command="t")
    assert (out / "a.txt").read_text() == "three" and result.cleaned and no_siblings(out.parent) == []
