"""Process helpers for sandboxes: free ports, running as a service user, cleanup on exit and Ctrl-C."""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

_cleanups: dict[int, Callable[[], None]] = {}
_lock = threading.Lock()
_next = 0
_installed = False


def register_cleanup(fn: Callable[[], None]) -> int:
    """Run ``fn`` at exit, on SIGTERM and on Ctrl-C unless unregistered first."""
    global _next
    _install_handlers()
    with _lock:
        _next += 1
        _cleanups[_next] = fn
        return _next


def unregister_cleanup(token: int) -> None:
    with _lock:
        _cleanups.pop(token, None)


def run_cleanups() -> None:
    with _lock:
        fns = list(_cleanups.values())[::-1]
        _cleanups.clear()
    for fn in fns:
        with contextlib.suppress(Exception):
            fn()


def _install_handlers() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(run_cleanups)
    if threading.current_thread() is not threading.main_thread():
        return
    prev = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: FrameType | None) -> None:
        run_cleanups()
        if callable(prev):
            prev(signum, frame)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C raises KeyboardInterrupt; context managers clean up, and atexit catches the rest.


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_root() -> bool:
    return os.geteuid() == 0


def service_user(name: str) -> tuple[int, int] | None:
    """(uid, gid) of a system user when we run as root, else None (run as ourselves)."""
    if not is_root():
        return None
    try:
        pw = pwd.getpwnam(name)
    except KeyError as exc:
        raise RuntimeError(f"running as root needs the '{name}' system user (installed with the server "
                           "package)") from exc
    return pw.pw_uid, pw.pw_gid


def chown_tree(path: Path, ids: tuple[int, int] | None) -> None:
    if ids is None:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, *ids)
        for n in dirs + files:
            with contextlib.suppress(FileNotFoundError):
                os.chown(os.path.join(root, n), *ids, follow_symlinks=False)


def run(cmd: Sequence[str], ids: tuple[int, int] | None = None, timeout: float = 120,
        check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
    """Run a command (as ``ids`` when given), capturing output; raise with stderr on failure."""
    extra: dict[str, Any] = {}
    if ids is not None:
        extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, **extra, **kw)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({proc.returncode}): "
                           f"{(proc.stderr or proc.stdout).strip()[-2000:]}")
    return proc


def popen(cmd: Sequence[str], ids: tuple[int, int] | None = None, **kw: Any) -> subprocess.Popen[bytes]:
    extra: dict[str, Any] = {}
    if ids is not None:
        extra = {"user": ids[0], "group": ids[1], "extra_groups": []}
    return subprocess.Popen(list(cmd), start_new_session=True, **extra, **kw)


def which(name: str, extra_dirs: Sequence[str] = ()) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        p = Path(d) / name
        if p.exists():
            return str(p)
    return None


def kill_pid(pid: int, sig: int = signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
