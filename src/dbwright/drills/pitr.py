"""``pitr`` drill: PostgreSQL + pgBackRest point-in-time recovery, checked commit by commit.

A writer logs every acknowledged commit while full → differential → incremental backups run; the
writer pauses around the target time so no commit is in flight at it; the cluster is restored to
the target into a new data directory and started on its own port with archiving off. Checks:
every commit acknowledged before the target is present (``acked_lost`` = 0), none sent after it
is (``rows_after_target`` = 0). Each RTO phase is measured beside ``theory.recovery.predict_restore``
fed with the same inputs the plan uses: database size, restore throughput, WAL to replay.
"""

from __future__ import annotations

import os
import time
from typing import Any

from dbwright.drills.common import DrillError, DrillRun, evict_cache, host_load, iso, now, ratio
from dbwright.drills.pgsetup import (
    Repo,
    Restored,
    Writer,
    archive_settings,
    churn_filler,
    create_writer_table,
    load_filler,
    new_cluster,
    present_ids,
    start_cluster,
    wait_archived,
    wal_bytes_written,
)
from dbwright.theory import recovery
from dbwright.theory.recovery import REPLAY_RATE_BPS, predict_restore


def run_pitr(scale_mb: float = 300, keep: bool = False, timeout_s: float = 900, gap_s: float = 1.0,
             process_max: int = 2, restore_throughput_bps: float | None = None,
             compare_raw: bool = False, on_run: Any = None) -> dict[str, Any]:
    """Run the drill; returns the result dict (see module doc). ``on_run(run)`` sees the DrillRun."""
    throughput = restore_throughput_bps or recovery.RESTORE_THROUGHPUT_BPS
    events: list[dict[str, Any]] = []

    def mark(name: str, t0: float, t1: float | None = None) -> None:
        events.append({"name": name, "start": t0, "end": t1 if t1 is not None else now()})

    with DrillRun("pitr", timeout_s=timeout_s, keep=keep) as run:
        if on_run:
            on_run(run)
        cluster = new_cluster(run)
        repo = Repo(run, cluster, process_max=process_max)
        cluster.settings.update(archive_settings(repo.archive_command))
        t = now()
        start_cluster(run, cluster)
        repo.cmd("stanza-create", timeout=120)
        repo.cmd("check", timeout=120)
        mark("source_up", t)
        t = now()
        load = load_filler(run, cluster, scale_mb)
        mark("load", t)
        create_writer_table(cluster)
        writer = Writer(run, "writer", dsn=cluster.dsn())
        writer.wait_acked(5)
        backup_times: dict[str, float] = {}
        wal_at_backup: dict[str, int] = {}
        for i, kind in enumerate(("full", "diff", "incr")):
            if i:
                churn_filler(cluster, i)
            wal_at_backup[kind] = wal_bytes_written(cluster)
            t = now()
            repo.cmd(f"--type={kind}", "backup", timeout=run.remaining())
            backup_times[kind] = round(now() - t, 3)
            mark(f"backup_{kind}", t)
            time.sleep(gap_s)
        # The target: a moment with no commit in flight (the writer is paused around it).
        paused_at = writer.pause()
        time.sleep(0.2)
        target = now()
        wal_at_target = wal_bytes_written(cluster)
        time.sleep(0.2)
        writer.resume()
        mark("target", target, target)
        time.sleep(gap_s)
        wlog = writer.stop()
        wait_archived(run, cluster)

        # Backup set: the newest one that finished before the target (pgBackRest ignores a target
        # older than the chosen backup and recovers to the end instead).
        backups = repo.backups()
        usable = [b for b in backups if b["timestamp"]["stop"] < target]
        if not usable:
            raise DrillError("no backup finished before the target time")
        chosen = usable[-1]
        size = float(chosen["info"]["size"])
        repo_size = float(chosen["info"]["repository"]["size"])
        # WAL replayed = WAL written from the chosen backup's start to the target.
        wal_bytes = max(0, wal_at_target - wal_at_backup[chosen["type"]])
        prediction = predict_restore(size, restore_throughput_bps=throughput, wal_bytes_to_replay=wal_bytes,
                                     replay_rate_bps=REPLAY_RATE_BPS,
                                     startup_s=recovery.STARTUP_S)

        # --- the restore, phase by phase ---
        # The backups just wrote GBs to the same disk; flush them so the restore is timed alone (a
        # real restore reads a repository on another host), and read the repository cold.
        t = time.monotonic()
        os.sync()
        evict_cache(repo.dir)
        sync_s = time.monotonic() - t
        load_before = host_load()
        restored = Restored(run, cluster.ids, cluster.bindir)
        phases: dict[str, float] = {}
        t_restore = now()
        t = time.monotonic()
        restored.provision()
        phases["provision"] = time.monotonic() - t
        t = time.monotonic()
        repo.cmd(f"--pg1-path={restored.data}", f"--set={chosen['label']}", "--type=time",
                 f"--target={iso(target)}", "--target-action=promote", "restore", timeout=run.remaining())
        restored.configure()
        phases["copy"] = time.monotonic() - t
        mark("restore_copy", t_restore)
        t = time.monotonic()
        t_replay = now()
        restored.start_promoted()
        phases["replay"] = time.monotonic() - t
        mark("restore_replay_promote", t_replay)
        t = time.monotonic()
        t_verify = now()
        present, with_ts = present_ids(restored.dsn())
        phases["verify"] = time.monotonic() - t
        phases["redirect"] = 0.0
        mark("verify", t_verify)

        restored.stop()
        raw_s = None
        if compare_raw:
            # The same restore by hand: pgbackrest restore + pg_ctl start until promoted, no checks.
            raw = Restored(run, cluster.ids, cluster.bindir, name="raw")
            os.sync()
            evict_cache(repo.dir)
            t = time.monotonic()
            raw.provision()
            repo.cmd(f"--pg1-path={raw.data}", f"--set={chosen['label']}", "--type=time",
                     f"--target={iso(target)}", "--target-action=promote", "restore", timeout=run.remaining())
            raw.configure()
            raw.start()
            raw.wait_promoted()
            raw_s = round(time.monotonic() - t, 3)
            raw.stop()

        checks = wlog.target_check(target, present, with_ts)
        log_text = restored.log_tail(20000)
        measured_total = sum(phases.values())
        result: dict[str, Any] = {
            "kind": "pitr",
            "engine": f"PostgreSQL {cluster.version}",
            "tool": "pgBackRest 2.45",
            "started": iso(run.started),
            "target_time": iso(target),
            "writer_paused_at": iso(paused_at),
            **checks,
            "recovery_stopped_at_target": "recovery stopping before commit" in log_text,
            "backup_set": chosen["label"],
            "backups": [{"label": b["label"], "type": b["type"], "size_bytes": b["info"]["size"],
                         "repo_bytes": b["info"]["repository"]["delta"],
                         "seconds": backup_times.get(b["type"])} for b in backups],
            "data": {**load, "backup_db_bytes": size, "repo_bytes": repo_size,
                     "compression_ratio": round(size / repo_size, 2) if repo_size else None,
                     "wal_bytes_to_replay": wal_bytes},
            "predicted": {"rto_s": round(prediction.total_s, 3),
                          "phases": {k: round(v, 3) for k, v in prediction.phases.items()},
                          "formula": prediction.formula, "inputs": prediction.inputs,
                          "startup_source": recovery.STARTUP_SOURCE,
                          "throughput_source": (recovery.RESTORE_THROUGHPUT_SOURCE
                                                if restore_throughput_bps is None else "given")},
            "measured": {"rto_s": round(measured_total, 3),
                         "phases": {k: round(v, 3) for k, v in phases.items()}},
            "sync_before_restore_s": round(sync_s, 3),
            "host_load": {"before_restore": load_before, "after_restore": host_load()},
            "raw_restore_s": raw_s,
            "drill_overhead_ratio": ratio(measured_total, raw_s) if raw_s else None,
            "drill_wall_s": round(now() - run.started, 3),
            "ratio_measured_to_predicted": ratio(measured_total, prediction.total_s),
            # The plan's one size term, measured here: feed it back as dr.restore_throughput.
            "measured_effective_throughput_bps": round(
                size / max(phases["copy"] + phases["replay"] - recovery.STARTUP_S
                           - wal_bytes / REPLAY_RATE_BPS, 0.05)),
            "within_25pct": abs(measured_total / prediction.total_s - 1) <= 0.25 if prediction.total_s else None,
            "events": events,
            "run_dir": str(run.dir),
            "kept": keep,
        }
        result["passed"] = (result["acked_lost"] == 0 and result["rows_after_target"] == 0
                            and result["acked_before_target"] > 0 and result["acked_after_target"] > 0)
        result["pids"] = list(run.all_pids)
    return result
