"""Commands of the 'drills' area: ``dbwright drill KIND`` and ``dbwright drill-history``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from dbwright import api
from dbwright.cli.common import EXIT_FINDINGS, console, emit_json, guarded, out, progress
from dbwright.model import DbwrightError

KIND_HELP = ("pitr (PostgreSQL + pgBackRest restore to a time), disaster (kill -9 + lost data dir, "
             "archive-only vs synchronous WAL streaming), failover (3-node Patroni + etcd + HAProxy), "
             "mariadb-pitr (mariabackup + binlog replay)")


def _phases_table(title: str, predicted: dict[str, Any], measured: dict[str, Any]) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("phase")
    t.add_column("predicted s", justify="right")
    t.add_column("measured s", justify="right")
    names = list(dict.fromkeys([*predicted.get("phases", {}), *measured.get("phases", {})]))
    for n in names:
        p, m = predicted.get("phases", {}).get(n), measured.get("phases", {}).get(n)
        p = p.get("expected") if isinstance(p, dict) else p
        t.add_row(n, "" if p is None else f"{p:.2f}", "" if m is None else f"{m:.2f}")
    t.add_row("RTO", f"{predicted.get('rto_s', 0):.2f}", "" if measured.get("rto_s") is None
              else f"{measured['rto_s']:.2f}")
    return t


def _print_human(r: dict[str, Any]) -> None:
    kind = r["kind"]
    if kind == "failover":
        t = Table(title=f"failover: {r['topology']}", title_justify="left")
        for col in ("kill", "settings/mode", "ttl/loop/retry", "old→new", "detect s", "promoted s",
                    "first write s", "predicted s", "acked", "lost"):
            t.add_column(col, justify="right" if col[0] in "dpfa" or col == "kill" else "left")
        for k in r["kills"]:
            d = k["dcs"]
            t.add_row(str(k["kill"]), f"{k['settings']}/{k['mode']}",
                      f"{d['ttl']}/{d['loop_wait']}/{d['retry_timeout']}", f"{k['old_leader']}→{k['new_leader']}",
                      _f(k["detection_s"]), _f(k["promotion_s"]), _f(k["first_write_s"]),
                      f"{k['predicted']['best_s']:.1f}…{k['predicted']['worst_s']:.1f}",
                      str(k["acked_commits"]), str(k["acked_lost"]))
        out.print(t)
        for k in r["kills"]:
            if "stall" in k:
                st = k["stall"]
                out.print(f"kill {k['kill']} ({k['mode']}): replicas stalled {st['stalled_s']:.1f} s; "
                          f"{st['acked_during_stall']} commits acknowledged meanwhile, predicted lost "
                          f"{st['predicted_lost']}, lost {k['acked_lost']} (window {st['lost_window_s']:.2f} s)",
                          markup=False)
        out.print(f"acked commits {r['acked_commits']}, lost {r['acked_lost']} (sync mode: {r['acked_lost_sync']})")
        out.print(r["note"], markup=False)
    else:
        for v in r.get("variants") or [r]:
            name = f"{kind} {v.get('variant', '')}".strip()
            out.print(_phases_table(f"{name}: restore time", v["predicted"], v["measured"]))
            line = f"acked commits {v['acked_commits']}, acked lost {v['acked_lost']}"
            if "rows_after_target" in v:
                line += f", rows after target {v['rows_after_target']} (target {v['target_time']})"
            if "rpo_s" in v:
                line += f", RPO {v['rpo_s']:.2f} s ({v['wal_protection']})"
            out.print(line, markup=False)
        if r.get("ratio_measured_to_predicted") is not None:
            out.print(f"measured / predicted RTO = {r['ratio_measured_to_predicted']}", markup=False)
        if r.get("measured_effective_throughput_bps"):
            out.print(f"effective restore throughput measured here: "
                      f"{r['measured_effective_throughput_bps'] / 1e6:.0f} MB/s (the plan's size term; for this "
                      f"host, set dr.restore_throughput: {r['measured_effective_throughput_bps'] / 1e6:.0f}MB)",
                      markup=False)
    pv = r.get("prediction") or {}
    if pv.get("verdict") in ("within", "outside"):
        out.print(f"prediction: {pv['verdict'].upper()} ±{pv['tolerance']:.0%} (measured {pv['measured_s']:.1f} s vs "
                  f"predicted {pv['predicted_s']:.1f} s, ratio {pv['ratio']}) — judged apart from the data checks",
                  markup=False)
    out.print(f"{'PASSED' if r.get('passed') else 'FAILED'} on data: drill {kind}, wall time "
              f"{r.get('drill_wall_s', 0):.1f} s" + (f"; kept {r['run_dir']}" if r.get("kept") else ""), markup=False)
    if r.get("timeline_svg"):
        console.print(f"timeline: {r['timeline_svg']}  history: {r['history_file']}")


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def register(app: typer.Typer) -> None:
    """Add ``drill`` and ``drill-history``."""

    @app.command("drill")
    @guarded
    def drill_cmd(kind: str = typer.Argument(..., help=KIND_HELP),
                  json_: bool = typer.Option(False, "--json", help="Print the result as JSON."),
                  kills: int = typer.Option(1, "--kills", min=1, help="failover: kills per settings × mode."),
                  mode: str | None = typer.Option(None, "--mode", help="failover/disaster: async or sync "
                                                  "(default: both)."),
                  settings: str | None = typer.Option(None, "--settings", help="failover: default (ttl 30, "
                                                      "loop_wait 10, retry_timeout 10) or tuned (10/2/4); "
                                                      "default: both."),
                  scale_mb: float | None = typer.Option(None, "--scale-mb", help="pitr/disaster/mariadb-pitr: "
                                                        "MB of less compressible data to load."),
                  stall: float = typer.Option(0.0, "--stall-replicas", min=0, help="failover: stop the leader's "
                                              "WAL senders this many seconds before each kill (replication "
                                              "lag on demand; async then loses what only the primary had)."),
                  keep: bool = typer.Option(False, "--keep", help="Keep the run directory (logs, configs); "
                                            "processes are stopped anyway."),
                  history: Path | None = typer.Option(None, "--history", help="History file (JSON lines) to "
                                                      "append to; the SVG timeline is written beside it."),
                  no_history: bool = typer.Option(False, "--no-history", help="Keep no history.")) -> None:
        """Run a recovery drill on throwaway loopback clusters and compare it with the prediction.

        Never touches an existing database. Exit 1 when the drill ran but a check failed
        (acknowledged commits lost where none may be, rows after the target).
        """
        if kind not in api.DRILL_KINDS:
            raise DbwrightError(f"unknown drill '{kind}'; choose one of: {', '.join(api.DRILL_KINDS)}")
        if mode is not None and mode not in ("async", "sync"):
            raise DbwrightError("--mode is async or sync")
        if settings is not None and settings not in ("default", "tuned"):
            raise DbwrightError("--settings is default or tuned")
        opts: dict[str, Any] = {"keep": keep, "scale_mb": scale_mb}
        if kind == "failover":
            opts.update(kills=kills, mode=mode, settings=settings, scale_mb=None, stall_s=stall or None)
        elif kind == "disaster":
            opts["mode"] = mode
        with progress(f"drill {kind} running on throwaway clusters"):
            result = api.drill(kind, history=False if no_history else history, **opts)
        if json_:
            emit_json(result)
        else:
            _print_human(result)
        if not result.get("passed"):
            raise typer.Exit(EXIT_FINDINGS)

    @app.command("drill-history")
    @guarded
    def history_cmd(history: Path | None = typer.Option(None, "--history", help="History file to read."),
                    svg: Path | None = typer.Option(None, "--svg", help="Write the history timeline (SVG) here."),
                    json_: bool = typer.Option(False, "--json", help="Print the history as JSON.")) -> None:
        """Show past drill results: measured vs predicted RTO and acknowledged commits lost."""
        entries = api.drill_history(history)
        if svg is not None:
            svg.write_text(api.drill_history_svg(history))
            console.print(f"wrote {svg}")
        if json_:
            emit_json(entries)
            return
        t = Table(title="drill history", title_justify="left")
        for col in ("started (UTC)", "kind", "pred. RTO s", "meas. RTO s", "acked", "lost", "passed"):
            t.add_column(col, no_wrap=True)
        for e in entries:
            t.add_row(str(e.get("started", ""))[:16].replace("T", " "), e.get("kind", ""), _f(e.get("predicted", {}).get("rto_s")),
                      _f(e.get("measured", {}).get("rto_s")), str(e.get("acked_commits")), str(e.get("acked_lost")),
                      str(e.get("passed")))
        out.print(t)
