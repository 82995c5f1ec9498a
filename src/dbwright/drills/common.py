"""What every drill shares: a run directory, a hard deadline, tracked processes, cleanup.

A drill owns everything it starts. :class:`DrillRun` is a context manager that creates the run
directory (its own socket dir lives inside it), records every process it starts by PID, and on
exit — normal, exception, Ctrl-C or SIGTERM (via ``register_cleanup``) — runs the registered stop
callbacks, then terminates and, after a grace period, kills each tracked PID, then removes the
directory unless ``keep``. It never kills by process name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dbwright.engines import process


class DrillError(RuntimeError):
    """A drill could not run to the end (a step failed or timed out)."""


class DrillTimeout(DrillError):
    """A step or the whole drill passed its hard timeout."""


def now() -> float:
    return time.time()


def iso(ts: float) -> str:
    """A UTC ISO-8601 timestamp with microseconds (what PostgreSQL's recovery_target_time accepts)."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()


class DrillRun:
    """Run directory + deadline + tracked PIDs + cleanup. Use as a context manager."""

    def __init__(self, kind: str, timeout_s: float = 600, keep: bool = False,
                 base_dir: str | Path | None = None):
        self.kind = kind
        self.keep = keep
        self.timeout_s = timeout_s
        self.started = now()
        self.deadline = time.monotonic() + timeout_s
        self.dir = Path(tempfile.mkdtemp(prefix=f"dbwright-drill-{kind}-", dir=base_dir))
        self.dir.chmod(0o755)
        self.pids: list[int] = []
        self.all_pids: list[int] = []
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._stops: list[Callable[[], None]] = []
        self._token: int | None = None
        self._timer: threading.Timer | None = None
        self._timed_out = False
        self.closed = False

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> DrillRun:
        self._token = process.register_cleanup(self.cleanup)
        # Hard timeout: past the deadline every tracked process is killed, so whatever step is
        # waiting on one fails at once; ``check()`` then raises DrillTimeout.
        self._timer = threading.Timer(self.timeout_s, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        self.cleanup()
        if self._timed_out and isinstance(exc, Exception) and not isinstance(exc, DrillTimeout):
            # The watchdog killed the processes; whatever step failed first failed because of it.
            raise DrillTimeout(f"{self.kind}: passed the drill's hard timeout of {self.timeout_s:.0f} s "
                               f"(then: {type(exc).__name__}: {str(exc)[:200]})") from exc

    def _expire(self) -> None:
        self._timed_out = True
        for pid in list(self.pids):
            process.kill_pid(pid, signal.SIGKILL)

    def cleanup(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
        for fn in reversed(self._stops):
            with contextlib.suppress(Exception):
                fn()
        self.kill_all()
        if self._token is not None:
            process.unregister_cleanup(self._token)
            self._token = None
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def kill_all(self, grace_s: float = 10.0) -> None:
        """TERM every tracked PID, wait up to ``grace_s``, then KILL the survivors."""
        live = [p for p in self.pids if process.pid_alive(p)]
        for pid in live:
            process.kill_pid(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while live and time.monotonic() < deadline:
            self._reap()
            live = [p for p in live if process.pid_alive(p)]
            if live:
                time.sleep(0.1)
        for pid in live:
            process.kill_pid(pid, signal.SIGKILL)
        end = time.monotonic() + 5
        while time.monotonic() < end:
            self._reap()
            if not any(process.pid_alive(p) for p in self.pids):
                break
            time.sleep(0.05)
        self.pids.clear()

    def _reap(self) -> None:
        for pid, proc in list(self._procs.items()):
            if proc.poll() is not None:
                self._procs.pop(pid, None)

    def on_cleanup(self, fn: Callable[[], None]) -> None:
        """Register a stop callback (e.g. ``pg_ctl stop``), run before the PIDs are killed."""
        self._stops.append(fn)

    # -- deadline ------------------------------------------------------------------------------
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, what: str = "drill") -> None:
        if self._timed_out or self.remaining() <= 0:
            raise DrillTimeout(f"{self.kind}: {what} passed the drill's hard timeout of {self.timeout_s:.0f} s")

    def step_timeout(self, wanted: float) -> float:
        self.check()
        return max(1.0, min(wanted, self.remaining()))

    def wait_for(self, pred: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
        """Poll ``pred`` until it returns a truthy value; raise DrillTimeout after ``timeout``."""
        end = time.monotonic() + min(timeout, max(self.remaining(), 0.0))
        last_exc: Exception | None = None
        while True:
            self.check(what)
            try:
                value = pred()
                if value:
                    return value
            except Exception as exc:
                last_exc = exc
            if time.monotonic() >= end:
                detail = f" (last error: {last_exc})" if last_exc else ""
                raise DrillTimeout(f"{self.kind}: timed out after {timeout:.0f} s waiting for {what}{detail}")
            time.sleep(interval)

    # -- processes -----------------------------------------------------------------------------
    def track(self, pid: int) -> int:
        if pid not in self.pids:
            self.pids.append(pid)
        if pid not in self.all_pids:
            self.all_pids.append(pid)
        return pid

    def untrack(self, pid: int) -> None:
        with contextlib.suppress(ValueError):
            self.pids.remove(pid)

    def spawn(self, cmd: Sequence[str], log_name: str, ids: tuple[int, int] | None = None,
              env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start a long-running process (its own session), output to ``<run>/log/<log_name>``."""
        self.check(f"starting {Path(cmd[0]).name}")
        logdir = self.dir / "log"
        logdir.mkdir(exist_ok=True)
        logdir.chmod(0o777)
        out = open(logdir / log_name, "ab")  # noqa: SIM115 - owned by the child
        try:
            proc = process.popen(cmd, ids, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 env=env, cwd=str(cwd) if cwd else None)
        finally:
            out.close()
        self._procs[proc.pid] = proc
        self.track(proc.pid)
        return proc

    def stop_pid(self, pid: int, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Signal one tracked PID and wait for it to exit (KILL after ``timeout``)."""
        process.kill_pid(pid, sig)
        end = time.monotonic() + timeout
        while process.pid_alive(pid) and time.monotonic() < end:
            self._reap()
            time.sleep(0.05)
        if process.pid_alive(pid):
            process.kill_pid(pid, signal.SIGKILL)
            end = time.monotonic() + 5
            while process.pid_alive(pid) and time.monotonic() < end:
                self._reap()
                time.sleep(0.05)
        self.untrack(pid)

    def run(self, cmd: Sequence[str], ids: tuple[int, int] | None = None, timeout: float = 300,
            **kw: Any) -> subprocess.CompletedProcess[str]:
        """A short command with a timeout bounded by the drill's deadline."""
        try:
            return process.run(cmd, ids, timeout=self.step_timeout(timeout), **kw)
        except subprocess.TimeoutExpired as exc:
            raise DrillTimeout(f"{self.kind}: {Path(cmd[0]).name} did not finish in {exc.timeout:.0f} s") from exc

    def leftovers(self) -> dict[str, Any]:
        """What this run left behind (for tests): live PIDs and whether the directory exists."""
        return {"pids_alive": [p for p in self.all_pids if process.pid_alive(p)],
                "dir_exists": self.dir.exists()}


def postmaster_pid(data_dir: Path) -> int | None:
    """The postmaster PID from ``postmaster.pid`` (first line), or None."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((data_dir / "postmaster.pid").read_text().splitlines()[0])
    return None


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.monotonic()
    value = fn()
    return time.monotonic() - t0, value


def ratio(measured: float, predicted: float) -> float | None:
    return round(measured / predicted, 3) if predicted > 0 else None


def processes_mentioning(text: str) -> list[int]:
    """PIDs whose command line contains ``text`` (read-only check used by tests and reports)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if text in cmd and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def host_load() -> dict[str, Any]:
    """Load on this host (other work competes for the same disk and cores during a measurement)."""
    out: dict[str, Any] = {"loadavg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    with contextlib.suppress(OSError, ValueError, IndexError):
        line = Path("/proc/pressure/io").read_text().splitlines()[0]
        out["io_pressure_some_avg10"] = float(line.split()[1].split("=")[1])
    return out


def evict_cache(path: Path) -> int:
    """Drop this run's own files under ``path`` from the page cache (after ``os.sync()``), so two
    restores from the same repository both read it cold. Touches no other file on the host."""
    n = 0
    for f in path.rglob("*"):
        if f.is_file():
            with contextlib.suppress(OSError):
                fd = os.open(f, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    n += 1
                finally:
                    os.close(fd)
    return n


PREDICTION_TOLERANCE = 0.25  # a prediction holds when measured RTO is within ±25% of it


def prediction_verdict(result: dict[str, Any], tolerance: float = PREDICTION_TOLERANCE) -> dict[str, Any]:
    """Judge the RTO prediction apart from pass/fail on data: 'within' or 'outside' the tolerance.

    A drill passes on data (0 acknowledged commits lost, 0 rows after the target); whether the
    plan's prediction held is a separate result, so a correct restore that took twice the
    predicted time is reported as such instead of as a quiet pass. Failover drills predict a
    best…worst range: measured inside [best × (1 − tol), worst × (1 + tol)] holds."""
    pred = result.get("predicted") or {}
    meas = result.get("measured") or {}
    p = pred.get("rto_s")
    m = meas.get("rto_s") if meas else result.get("rto_s")
    if m is None:
        m = result.get("rto_max_s")
    if not p or m is None:
        return {"verdict": "not predicted", "tolerance": tolerance}
    lo = float(pred.get("best_s", p)) * (1 - tolerance)
    hi = float(pred.get("worst_s", p)) * (1 + tolerance)
    within = lo <= float(m) <= hi
    return {"verdict": "within" if within else "outside", "tolerance": tolerance, "predicted_s": float(p),
            "measured_s": float(m), "ratio": round(float(m) / float(p), 3), "bounds_s": [round(lo, 3), round(hi, 3)],
            "rule": f"measured RTO within [best × (1 − {tolerance:g}), worst × (1 + {tolerance:g})] of the prediction"}
