"""Drills: measure recovery on throwaway loopback clusters (never on a user's database).

``drill(kind, **options) -> dict`` runs one drill and returns its result: at least ``predicted``
and ``measured`` RTO seconds with phases, ``acked_commits``, ``acked_lost`` and, for point-in-time
drills, ``rows_after_target``; failover adds one entry per kill under ``kills``. Each result is
appended to the JSON history and drawn as an SVG timeline beside it (``history=False`` skips both).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dbwright.drills import history as _history
from dbwright.drills.common import DrillError, prediction_verdict
from dbwright.model import DbwrightError

KINDS = ("pitr", "disaster", "failover", "mariadb-pitr")
DRILL_KINDS = KINDS


def _runner(kind: str) -> Callable[..., dict[str, Any]]:
    if kind == "pitr":
        from dbwright.drills.pitr import run_pitr

        return run_pitr
    if kind == "disaster":
        from dbwright.drills.disaster import run_disaster

        return run_disaster
    if kind == "failover":
        from dbwright.drills.failover import run_failover

        return run_failover
    if kind == "mariadb-pitr":
        from dbwright.drills.mariadb_pitr import run_mariadb_pitr

        return run_mariadb_pitr
    raise DbwrightError(f"unknown drill '{kind}'; choose one of: {', '.join(KINDS)}")


OPTIONS = {  # the options each drill takes
    "pitr": {"scale_mb", "keep", "timeout_s", "gap_s", "process_max", "restore_throughput_bps", "compare_raw",
             "on_run"},
    "disaster": {"mode", "scale_mb", "write_s", "archive_timeout", "keep", "timeout_s", "restore_throughput_bps",
                 "on_run"},
    "failover": {"mode", "settings", "kills", "keep", "timeout_s", "pre_write_s", "stall_s", "on_run"},
    "mariadb-pitr": {"scale_mb", "keep", "timeout_s", "gap_s", "on_run"},
}


def check_kinds(kinds: tuple[str, ...] | list[str]) -> None:
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise DbwrightError(f"unknown drill {', '.join(unknown)}; choose one of: {', '.join(KINDS)}")


def drill(kind: str, history: Path | str | bool | None = None, **options: Any) -> dict[str, Any]:
    """Run the drill ``kind`` with ``options`` (unset ones keep the drill's defaults).

    ``history``: a JSON-lines file to append to (default ``$DBWRIGHT_DRILL_HISTORY`` or
    ``~/.local/share/dbwright/drill-history.jsonl``); ``False`` keeps no history.
    """
    run = _runner(kind)
    opts = {k: v for k, v in options.items() if v is not None}
    unknown = set(opts) - OPTIONS[kind]
    if unknown:
        raise DbwrightError(f"drill {kind} does not take {', '.join(sorted(unknown))}")
    try:
        result = run(**opts)
    except DrillError as exc:
        raise DbwrightError(f"drill {kind} failed: {exc}") from exc
    result["prediction"] = prediction_verdict(result)
    if history is not False:
        path = _history.append(result, None if history in (None, True) else Path(str(history)))
        svg = path.parent / f"{kind}-{result.get('started', '')[:19].replace(':', '')}.svg"
        svg.write_text(_history.timeline_svg(result))
        result["history_file"] = str(path)
        result["timeline_svg"] = str(svg)
    result["timeline_mermaid"] = _history.mermaid_gantt(result)
    return result


def drill_history(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Every result recorded in the drill history (oldest first)."""
    return _history.load(Path(path) if path else None)


def drill_history_svg(path: Path | str | None = None) -> str:
    return _history.history_svg(drill_history(path))
