"""Write output trees (design packages, migration plans, DR configs…) so that only what dbwright
wrote is ever replaced, and an interruption at any moment leaves the old tree or the new one.

``write_tree(out, {relpath: text | bytes}, force=…)``:

1. ``guard.check_target`` refuses unsafe targets (see there) before anything is touched.
2. The new tree is built in a hidden sibling ``.NAME.dbwright-XXXX.tmp`` (same file system):
   the manifest first (all content is known up front, so every file in the sibling is provably
   ours), then each file as ``rel.dbwright-part`` renamed to ``rel`` once complete.
3. With ``--force`` over an old package, every entry of the old tree that its manifest does not
   list with the same SHA-256 — a file you added, or one of ours you edited — is hard-linked into
   the new tree (under ``NAME.kept`` when the new package writes that path). A hard link is the
   same file, so it is in both trees at every moment; nothing of yours is ever only in a
   temporary directory.
4. One atomic ``renameat2(RENAME_EXCHANGE)`` swaps the two directories. (File systems without it:
   two renames with a journal beside them; the next write rolls an interrupted swap forward.)
5. The old tree, now in the sibling, loses only the files its manifest lists with their hash and
   the second names of the hard links; directories are removed with ``rmdir`` only, never
   recursively. Anything else stays there and is reported.

A crash or Ctrl-C before step 4 leaves the old tree untouched (and a sibling the next write
cleans with the same rules); after it, the new tree is complete. Nothing written is world-writable.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shlex
import stat
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.io.guard import (
    MANIFEST,
    MANIFEST_FORMAT,
    SIBLING_RE,
    check_target,
    clean_rel,
    read_manifest,
    refuse,
)
from dbwright.model import DbwrightError
from dbwright.model.secrets import redact

PART = ".dbwright-part"
JOURNAL = ".dbwright-swap.json"
_INVOCATION: ContextVar[str | None] = ContextVar("dbwright_invocation", default=None)


@dataclass
class Kept:
    path: str  # where it is now, relative to the tree
    reason: str
    was: str | None = None  # its path before, when it had to move aside


@dataclass
class WriteResult:
    out: Path
    files: list[Path] = field(default_factory=list)  # written by this run (not the manifest)
    manifest: Path | None = None
    replaced: list[str] = field(default_factory=list)  # files of the old package replaced or removed
    kept: list[Kept] = field(default_factory=list)  # files of yours kept in the tree
    left: list[str] = field(default_factory=list)  # what could not be proven ours, left in place
    cleaned: list[str] = field(default_factory=list)  # siblings of interrupted runs removed

    def notes(self) -> list[str]:
        """Lines for the user: what was kept, what was left where, what an earlier run left."""
        lines = [f"kept your {k.was} as {k.path}: {k.reason}" if k.was else f"kept {k.path}: {k.reason}"
                 for k in self.kept]
        lines += [f"left {p}: dbwright cannot prove it wrote it; look at it and remove it yourself"
                  for p in self.left]
        lines += [f"removed {p}, left by an interrupted earlier run" for p in self.cleaned]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "files": [str(p) for p in self.files],
                "manifest": str(self.manifest) if self.manifest else None, "replaced": self.replaced,
                "kept": [k.__dict__ for k in self.kept], "left": self.left, "cleaned": self.cleaned}


# -- the command line recorded in manifests ----------------------------------------------------
def set_invocation(text: str | None) -> None:
    """What the manifest records as the command (the MCP server sets its tool call here)."""
    _INVOCATION.set(text)


def invocation() -> str:
    text = _INVOCATION.get()
    if text is None:
        argv = list(sys.argv)
        prog = Path(argv[0]).name if argv else "dbwright"
        if prog in ("__main__.py", "dbwright") or prog.startswith("dbwright"):
            prog = "dbwright" if prog == "__main__.py" else prog
        text = shlex.join([prog, *argv[1:]])
    return redact(text)


# -- permissions -------------------------------------------------------------------------------
def umask() -> int:
    """The process umask, read without changing it (thread-safe on Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(executable: bool = False) -> int:
    """The umask's mode, never world-writable."""
    return (0o777 if executable else 0o666) & ~umask() & ~0o002


def dir_mode() -> int:
    return 0o777 & ~umask() & ~0o002


def make_dirs(path: Path) -> None:
    """mkdir -p where each directory created gets dir_mode() (os.makedirs leaves parents to umask)."""
    missing = []
    p = path
    while not os.path.lexists(p):
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(d, dir_mode())
            os.chmod(d, dir_mode())


def _put(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to ``path`` via ``path.dbwright-part`` (so a partial file is recognisable)."""
    part = path.with_name(path.name + PART)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(part, path)


def write_file(path: str | Path, data: str | bytes, *, force: bool = False, executable: bool = False) -> Path:
    """One file, atomically (temp file + rename); refuses to replace an existing one without ``force``,
    and never writes through a symlink or over a directory or a special file."""
    p = Path(os.path.abspath(path))
    blob = data.encode("utf-8") if isinstance(data, str) else data
    if os.path.lexists(p):
        st = os.lstat(p)
        if not force:
            raise DbwrightError(f"{path} exists; pass --force to overwrite it")
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            raise DbwrightError(f"refusing to overwrite {path}: it is not a regular file")
    make_dirs(p.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=PART, dir=p.parent)
    try:
        os.fchmod(fd, file_mode(executable))
        os.write(fd, blob)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        if force:
            os.replace(tmp, p)  # replaces a symlink itself, never its target
        else:
            os.link(tmp, p)  # fails if p appeared meanwhile: no overwrite without force, even racing
            os.unlink(tmp)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p


# -- hashing and manifests ---------------------------------------------------------------------
def sha256_file(path: Path) -> str | None:
    """SHA-256 of a regular file (not following a symlink), None for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


def manifest_text(blobs: Mapping[str, bytes], command: str | None = None) -> str:
    from dbwright import __version__

    data = {"format": MANIFEST_FORMAT, "format_version": 1, "tool": "dbwright", "version": __version__,
            "command": redact(command) if command is not None else invocation(),
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {rel: {"sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}
                      for rel, b in sorted(blobs.items())}}
    return json.dumps(data, indent=2) + "\n"


def write_manifest(directory: Path, command: str | None = None) -> Path:
    """Record every regular file of a directory dbwright created itself (a kept drill run dir)."""
    blobs: dict[str, bytes] = {}
    for rel, path, st in walk(directory):
        if stat.S_ISREG(st.st_mode) and rel != MANIFEST:
            blobs[rel] = path.read_bytes()
    return write_file(directory / MANIFEST, manifest_text(blobs, command), force=True)


def walk(root: Path) -> Iterator[tuple[str, Path, os.stat_result]]:
    """(relpath, path, lstat) of every non-directory entry under root, never following symlinks."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for name in [*filenames, *(d for d in dirnames if os.path.islink(base / d))]:
            p = base / name
            with contextlib.suppress(OSError):
                yield p.relative_to(root).as_posix(), p, os.lstat(p)


def _dirs(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, _ in os.walk(root, followlinks=False):
        for d in dirnames:
            p = Path(dirpath) / d
            if not os.path.islink(p):
                out.append(p.relative_to(root).as_posix())
    return out


# -- the swap ----------------------------------------------------------------------------------
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False when the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    if fn(-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


_HITS: dict[str, int] = {}


def _hook(point: str) -> None:
    """Crash tests only: DBWRIGHT_TEST_TREE_HOOK=point[@n]:kill|interrupt|fail|sleepS acts at the
    n-th time the write reaches ``point`` (staging, file, before-swap, between-renames, after-swap)."""
    spec = os.environ.get("DBWRIGHT_TEST_TREE_HOOK")
    if not spec:
        return
    at, _, action = spec.partition(":")
    at, _, nth = at.partition("@")
    if at != point:
        return
    _HITS[point] = _HITS.get(point, 0) + 1
    if _HITS[point] != int(nth or 1):
        return
    if action == "kill":
        os.kill(os.getpid(), 9)
    elif action == "interrupt":
        raise KeyboardInterrupt
    elif action == "fail":
        raise OSError(errno.EIO, f"test failure injected at {point}")
    elif action.startswith("sleep"):
        import time

        sys.stderr.write(f"dbwright-test-hook {point}\n")
        sys.stderr.flush()
        time.sleep(float(action[5:] or 30))


def _free(rel: str, taken: set[str]) -> str:
    n, cand = 1, f"{rel}.kept"
    while cand in taken or any(t.startswith(cand + "/") for t in taken):
        n += 1
        cand = f"{rel}.kept.{n}"
    return cand


def _placement(rel: str, new_files: set[str], new_dirs: set[str], taken: set[str]) -> str:
    """Where a kept entry goes in the new tree: its own path unless the new package uses it."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        clash = prefix in new_files if i < len(parts) else (prefix in new_files or prefix in new_dirs)
        if clash:
            moved = _free(prefix, taken | new_files | new_dirs)
            return "/".join([moved, *parts[i:]])
    return rel


def _remove_ours(root: Path, manifest: dict[str, Any] | None, also_inodes: set[tuple[int, int]],
                 out_inodes: set[tuple[int, int]]) -> list[str]:
    """Remove from ``root`` what is provably ours; rmdir empty dirs; the rest is returned, untouched.

    Ours: the manifest, files it lists with the same hash, ``*.dbwright-part`` files, and second
    names of hard links whose inode is also in the tree we keep (``also_inodes``/``out_inodes``).
    """
    listed = (manifest or {}).get("files", {})
    left: list[str] = []
    for rel, path, st in sorted(walk(root), reverse=True):
        inode = (st.st_dev, st.st_ino)
        ours = (rel in (MANIFEST, JOURNAL) or rel.endswith(PART)
                or (rel in listed and stat.S_ISREG(st.st_mode) and sha256_file(path) == listed[rel].get("sha256"))
                or (st.st_nlink > 1 and (inode in also_inodes or inode in out_inodes)))
        if ours and rel == MANIFEST and manifest is None:
            ours = read_manifest(root) is not None
        if ours:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        else:
            left.append(rel)
    for d in sorted(_dirs(root), key=lambda r: -r.count("/")):
        with contextlib.suppress(OSError):
            os.rmdir(root / d)
    with contextlib.suppress(OSError):
        os.rmdir(root)
    return sorted(left)


def _inodes(root: Path) -> set[tuple[int, int]]:
    return {(st.st_dev, st.st_ino) for _, _, st in walk(root)}


def _siblings(target: Path) -> list[Path]:
    pat = re.compile(SIBLING_RE.format(name=re.escape(target.name)) + "$")
    with contextlib.suppress(OSError):
        return sorted(target.parent / n for n in os.listdir(target.parent) if pat.match(n))
    return []


def _recover(target: Path, result: WriteResult) -> None:
    """Finish what an interrupted write left: roll a two-rename swap forward, clean its siblings."""
    journal = target.parent / f".{target.name}{JOURNAL}"
    if journal.exists():
        with contextlib.suppress(OSError, ValueError):
            j = json.loads(journal.read_text())
            new = Path(j["new"])
            if not os.path.lexists(target) and new.is_dir() and new.parent == target.parent:
                os.rename(new, target)
        with contextlib.suppress(OSError):
            journal.unlink()
    out_inodes = _inodes(target) if target.is_dir() else set()
    for sib in _siblings(target):
        left = _remove_ours(sib, read_manifest(sib), set(), out_inodes)
        if left:
            result.left += [f"{sib}/{rel}" for rel in left]
        else:
            result.cleaned.append(str(sib))


def _plan_kept(target: Path, old: dict[str, Any], new_files: set[str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(from, to, reason) for every entry of the old tree that is not provably ours; its empty dirs."""
    listed = old["files"]
    new_dirs = {"/".join(r.split("/")[:i]) for r in new_files for i in range(1, r.count("/") + 1)}
    moves: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    for rel, path, st in sorted(walk(target)):
        if rel == MANIFEST:
            continue
        if rel in listed and stat.S_ISREG(st.st_mode) and sha256_file(path) == listed[rel]["sha256"]:
            continue
        reason = "you edited it after dbwright wrote it" if rel in listed else "you added it"
        to = _placement(rel, new_files, new_dirs, taken)
        if to != rel:
            reason += " and the new package writes that path"
        taken.add(to)
        moves.append((rel, to, reason))
    implied = {"/".join(r.split("/")[:i]) for r in listed for i in range(1, r.count("/") + 1)}
    empty = [d for d in _dirs(target) if d not in implied and not os.listdir(target / d)]
    for d in _dirs(target):
        if os.path.ismount(target / d):
            raise refuse(target, f"{d} inside it is a mount point", "unmount it or choose another directory")
    return moves, [_placement(d, new_files, new_dirs, taken) for d in empty]


def write_tree(out: str | Path, files: Mapping[str, str | bytes], *, force: bool = False,
               command: str | None = None, executable: Collection[str] | None = None) -> WriteResult:
    """Write ``files`` ({relative path: content}) as the tree ``out`` with its manifest.

    ``force`` replaces a tree dbwright wrote (files it did not write are kept and listed in the
    result); ``executable``: paths written 0o755-ish (default: ``*.sh``). See the module docstring.
    """
    blobs = {clean_rel(rel): (v.encode("utf-8") if isinstance(v, str) else bytes(v)) for rel, v in files.items()}
    if MANIFEST in blobs:
        raise DbwrightError(f"{MANIFEST} is written by write_tree itself")
    for rel in blobs:
        for i in range(1, rel.count("/") + 1):
            if "/".join(rel.split("/")[:i]) in blobs:
                raise DbwrightError(f"output tree: {rel} is inside the file {'/'.join(rel.split('/')[:i])}")
    exe = set(executable) if executable is not None else {r for r in blobs if r.endswith(".sh")}
    target, _ = check_target(Path(out), force)
    result = WriteResult(target)
    if target.parent.exists():
        _recover(target, result)
    target, old = check_target(Path(out), force)  # again: recovery may have restored a tree
    moves: list[tuple[str, str, str]] = []
    empty_dirs: list[str] = []
    if old is not None:
        moves, empty_dirs = _plan_kept(target, old, set(blobs))
    try:
        make_dirs(target.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.dbwright-", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise DbwrightError(f"cannot write {target}: {exc.strerror or exc}; nothing was changed") from None
    linked: set[tuple[int, int]] = set()
    swapped = False
    try:
        os.chmod(staging, dir_mode())
        _put(staging / MANIFEST, manifest_text(blobs, command).encode(), file_mode())
        _hook("staging")
        for rel, data in blobs.items():
            path = staging / rel
            make_dirs(path.parent)
            _put(path, data, file_mode(rel in exe))
            _hook("file")
        for src, dst, _reason in moves:
            path = staging / dst
            make_dirs(path.parent)
            try:
                os.link(target / src, path, follow_symlinks=False)
            except OSError as exc:
                raise refuse(target, f"cannot keep {src} in the new tree ({exc.strerror})",
                             f"move {src} out of the package directory, then re-run") from None
            st = os.lstat(path)
            linked.add((st.st_dev, st.st_ino))
        for d in empty_dirs:
            make_dirs(staging / d)
        _hook("before-swap")
        if not target.exists():
            os.rename(staging, target)  # atomic; fails if a non-empty directory appeared meanwhile
        elif old is None:
            os.rename(staging, target)  # replaces the empty directory atomically
        elif not _exchange(staging, target):
            _two_rename_swap(staging, target)
        swapped = True
    except BaseException as exc:
        if not swapped:
            _remove_ours(staging, read_manifest(staging), linked, set())
        if isinstance(exc, OSError) and not swapped:
            raise DbwrightError(f"cannot write {target}: {exc.strerror or exc}; nothing was changed") from None
        raise
    _hook("after-swap")
    result.files = [target / rel for rel in blobs]
    result.manifest = target / MANIFEST
    if old is not None:
        result.replaced = sorted(r for r in old["files"] if r not in {m[0] for m in moves})
        result.kept = [Kept(dst, reason, src if src != dst else None) for src, dst, reason in moves]
        if staging.exists():  # the old tree, now in the sibling
            left = _remove_ours(staging, old, linked, set())
            result.left += [f"{staging}/{rel}" for rel in left]
    return result


def _two_rename_swap(staging: Path, target: Path) -> None:
    """Swap without RENAME_EXCHANGE: old → its own sibling, new → target, with a journal in between
    so the next write rolls forward if this one is interrupted between the two renames."""
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.dbwright-", suffix=".tmp", dir=target.parent))
    os.rmdir(backup)
    journal = target.parent / f".{target.name}{JOURNAL}"
    write_file(journal, json.dumps({"new": str(staging), "old": str(backup)}), force=True)
    os.rename(target, backup)
    try:
        _hook("between-renames")
        os.rename(staging, target)
    except BaseException:
        os.rename(backup, target)  # the old tree comes back; a kill here is rolled forward by the journal
        journal.unlink()
        raise
    os.rename(backup, staging)  # the caller cleans the old tree where it expects it
    journal.unlink()
