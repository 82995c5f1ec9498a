"""Which directories dbwright may write an output tree into, decided before anything is touched.

A target is refused (``DbwrightError``, exit 2) when it is, or resolves through symlinks to: ``/``;
a home directory (``$HOME`` and the password database's entry for this user) or one of its
ancestors; the working directory or one of its ancestors; a mount point; a directory holding
``.git``; a non-directory; a non-empty directory without a dbwright manifest; a package with a
manifest when ``force`` is not given.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
from pathlib import Path
from typing import Any

from dbwright.model import DbwrightError

MANIFEST = ".dbwright-manifest.json"
MANIFEST_FORMAT = "dbwright.manifest"
# Hidden siblings a write uses: `.NAME.dbwright-XXXX.tmp` (staging, then the old tree after the swap).
SIBLING_RE = r"\.{name}\.dbwright-[A-Za-z0-9_]+\.tmp"


def homes() -> list[Path]:
    """Every directory that may be this user's home: $HOME and the password database entry."""
    found: list[Path] = []
    env = os.environ.get("HOME")
    if env:
        found.append(Path(env))
    with contextlib.suppress(KeyError, OSError):
        found.append(Path(pwd.getpwuid(os.getuid()).pw_dir))
    sudo = os.environ.get("SUDO_USER")
    if sudo:
        with contextlib.suppress(KeyError, OSError):
            found.append(Path(pwd.getpwnam(sudo).pw_dir))
    return found


def protected() -> dict[Path, str]:
    """Directories never written into, with the reason (literal and resolved forms of each)."""
    out: dict[Path, str] = {}

    def add(p: Path, why: str) -> None:
        for form in (Path(os.path.abspath(p)), _resolve(p)):
            out.setdefault(form, why)

    add(Path("/"), "the root directory")
    for h in homes():
        add(h, f"a home directory ({h})")
        for a in _resolve(h).parents:
            add(a, f"an ancestor of the home directory {h}")
    with contextlib.suppress(OSError):
        cwd = Path.cwd()
        add(cwd, "the working directory")
        for a in _resolve(cwd).parents:
            add(a, "an ancestor of the working directory")
    return out


def _resolve(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):  # a symlink loop: keep the literal form
        return Path(os.path.abspath(p))


def refuse(out: Path, why: str, fix: str) -> DbwrightError:
    return DbwrightError(f"refusing to write into {out}: {why}; nothing was changed. Fix: {fix}")


def check_target(out: Path, force: bool) -> tuple[Path, dict[str, Any] | None]:
    """The resolved directory to write, and its manifest when it holds a dbwright package.

    Raises DbwrightError for every case listed in the module docstring; touches nothing.
    """
    literal = Path(os.path.abspath(out))
    target = _resolve(out)
    new_dir = "give a new directory, e.g. -o ./design"
    guarded = protected()
    for form in (literal, target):
        if form in guarded:
            extra = "" if form == literal else f" ({out} resolves to {form})"
            raise refuse(out, f"it is {guarded[form]}{extra}", new_dir)
    if os.path.lexists(target) and not target.is_dir():
        raise refuse(out, "it exists and is not a directory", new_dir)
    if not target.exists():
        return target, None
    if os.path.ismount(target):
        raise refuse(out, "it is a mount point", new_dir)
    if os.path.lexists(target / ".git"):
        raise refuse(out, "it holds .git (a repository)", "write the package into a subdirectory of the "
                                                          "repository, e.g. -o ./design")
    try:
        entries = os.listdir(target)
    except OSError as exc:
        raise refuse(out, f"it cannot be listed ({exc.strerror})", new_dir) from None
    if not entries:
        return target, None
    if MANIFEST not in entries:
        raise refuse(out, f"it is not empty and holds no {MANIFEST}, so dbwright did not write it",
                     "give a new or empty directory (dbwright replaces only what it wrote)")
    manifest = read_manifest(target)
    if manifest is None:
        raise refuse(out, f"its {MANIFEST} is damaged or not dbwright's", "give a new or empty directory")
    if not force:
        cmd = manifest.get("command") or "dbwright"
        raise DbwrightError(f"{out} holds a dbwright package (written by `{cmd}`); pass --force to replace "
                            "the files dbwright wrote there (files you added are kept)")
    return target, manifest


def clean_rel(rel: str) -> str:
    """A relative path inside a tree, normalized; DbwrightError for absolute paths, '..', empties."""
    if not isinstance(rel, str) or not rel or "\0" in rel or rel.startswith("/") or "\\" in rel:
        raise DbwrightError(f"not a relative path inside an output tree: {rel!r}")
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise DbwrightError(f"not a relative path inside an output tree: {rel!r}")
    return rel


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest of a tree dbwright wrote, or None when absent, damaged or not ours."""
    path = directory / MANIFEST
    try:
        st = os.lstat(path)
        if not _is_regular(st.st_mode) or st.st_size > 64 * 1024 * 1024:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), dict):
        return None
    for rel, entry in data["files"].items():
        try:
            clean_rel(rel)
        except DbwrightError:
            return None
        if rel == MANIFEST or not isinstance(entry, dict) or not re.fullmatch(r"[0-9a-f]{64}", str(entry.get("sha256"))):
            return None
    return data


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)
