"""``disaster`` drill: kill -9 the primary, lose its data directory, restore the latest point.

Two variants, each on its own throwaway cluster (recipe: DRILL-RECIPES §5.2):

- ``async`` — archive only (``archive_command`` + ``archive_timeout``): the WAL of the current
  segment dies with the data directory, so acknowledged commits since the last archived segment
  are lost (RPO up to ``archive_timeout``).
- ``sync`` — plus ``pg_receivewal --synchronous`` on a replication slot, named in
  ``synchronous_standby_names``: a commit is acknowledged only once the WAL is flushed outside
  the data directory; the restore reads the archive, then the streamed WAL (``.partial`` renamed).

RPO is measured as acknowledged commits missing after the restore (and the seconds between the
last acknowledged commit and the last one recovered); RTO phase by phase beside the prediction.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from typing import Any

from dbwright.drills.common import DrillError, DrillRun, iso, now, ratio
from dbwright.drills.pgsetup import (
    Repo,
    Restored,
    Writer,
    archive_settings,
    create_writer_table,
    kill9_postmaster,
    load_filler,
    new_cluster,
    present_ids,
    real_bindir,
    start_cluster,
    wal_bytes_written,
)
from dbwright.engines import process
from dbwright.theory import recovery
from dbwright.theory.recovery import predict_restore

VARIANTS = ("async", "sync")


def _variant(run: DrillRun, variant: str, scale_mb: float, write_s: float, archive_timeout: int,
             throughput: float) -> dict[str, Any]:
    cluster = new_cluster(run, name=f"pg-{variant}")
    repo = Repo(run, cluster, name=f"pgbackrest-{variant}")
    cluster.settings.update(archive_settings(repo.archive_command, archive_timeout))
    start_cluster(run, cluster)
    repo.cmd("stanza-create", timeout=120)
    repo.cmd("check", timeout=120)
    load_filler(run, cluster, scale_mb)
    create_writer_table(cluster)
    stream_dir = run.dir / f"walstream-{variant}"
    receiver = None
    if variant == "sync":
        stream_dir.mkdir()
        process.chown_tree(stream_dir, cluster.ids)
        cluster.execute("select pg_create_physical_replication_slot('drslot', true)")
        receiver = run.spawn([str(real_bindir(cluster.bindir) / "pg_receivewal"), "-D", str(stream_dir), "-S", "drslot",
                              "--synchronous", "-n", "-d", cluster.dsn()], f"pg_receivewal-{variant}.log",
                             ids=cluster.ids)
        cluster.execute("alter system set synchronous_standby_names = 'pg_receivewal'")
        cluster.execute("select pg_reload_conf()")
        run.wait_for(lambda: cluster.scalar("select count(*) from pg_stat_replication where "
                                            "application_name = 'pg_receivewal' and sync_state = 'sync'"),
                     30, "pg_receivewal to become the synchronous standby")
    wal0 = wal_bytes_written(cluster)
    t = time.monotonic()
    repo.cmd("--type=full", "backup", timeout=run.remaining())
    backup_s = time.monotonic() - t
    chosen = repo.backups()[-1]
    size = float(chosen["info"]["size"])

    writer = Writer(run, f"writer-{variant}", dsn=cluster.dsn(), connect_timeout=1)
    writer.wait_acked(5)
    time.sleep(write_s)
    wal_at_kill = wal_bytes_written(cluster)
    t_kill, pm = kill9_postmaster(run, cluster.data)
    time.sleep(0.3)
    wlog = writer.stop()
    if receiver is not None:
        run.stop_pid(receiver.pid)
    # The primary's data directory is lost.
    shutil.rmtree(cluster.data, ignore_errors=True)
    prediction = predict_restore(size, restore_throughput_bps=throughput,
                                 wal_bytes_to_replay=max(0, wal_at_kill - wal0),
                                 startup_s=recovery.STARTUP_S)

    restored = Restored(run, cluster.ids, cluster.bindir, name=f"restore-{variant}")
    phases: dict[str, float] = {}
    t = time.monotonic()
    restored.provision()
    phases["provision"] = time.monotonic() - t
    t = time.monotonic()
    opts = [f"--pg1-path={restored.data}", "--type=default"]
    if variant == "sync":
        for partial in stream_dir.glob("*.partial"):
            partial.rename(partial.with_suffix(""))
        opts.append(f"--recovery-option=restore_command={repo.archive_get(restored.data)} || "
                    f"cp {stream_dir}/%f \"%p\"")
    repo.cmd(*opts, "restore", timeout=run.remaining())
    restored.configure()
    phases["copy"] = time.monotonic() - t
    t = time.monotonic()
    restored.start_promoted()
    phases["replay"] = time.monotonic() - t
    t = time.monotonic()
    try:
        present, _ = present_ids(restored.dsn())
    except Exception as exc:
        if "does not exist" not in str(exc):
            raise
        present = set()  # the table itself was created after the last archived segment
    phases["verify"] = time.monotonic() - t
    phases["redirect"] = 0.0
    restored.stop()

    acked = wlog.acked
    lost = sorted(set(acked) - present)
    kept_acks = [a for i, (_s, a) in acked.items() if i in present]
    last_ack = wlog.last_ack()
    rpo_s = 0.0
    if lost and last_ack is not None:
        rpo_s = last_ack - (max(kept_acks) if kept_acks else min(a for _s, a in acked.values()))
    measured_total = sum(phases.values())
    return {
        "variant": variant,
        "wal_protection": (f"archive_command only, archive_timeout={archive_timeout}s" if variant == "async"
                           else "archive_command + pg_receivewal --synchronous (slot drslot)"),
        "killed_postmaster_pid": pm,
        "kill_time": iso(t_kill),
        "acked_commits": len(acked),
        "acked_lost": len(lost),
        "acked_lost_ids": lost[:50],
        "last_ack_before_kill_s": round(t_kill - last_ack, 3) if last_ack else None,
        "unacked_present": len(present - set(acked)),
        "rpo_s": round(rpo_s, 3),
        "predicted_rpo_s": float(archive_timeout) if variant == "async" else 0.0,
        "backup_s": round(backup_s, 3),
        "predicted": {"rto_s": round(prediction.total_s, 3),
                      "phases": {k: round(v, 3) for k, v in prediction.phases.items()},
                      "formula": prediction.formula, "inputs": prediction.inputs},
        "measured": {"rto_s": round(measured_total, 3), "phases": {k: round(v, 3) for k, v in phases.items()}},
        "ratio_measured_to_predicted": ratio(measured_total, prediction.total_s),
        "restored_log_tail": restored.log_tail(600) if lost and variant == "sync" else "",
    }


def run_disaster(mode: str | None = None, scale_mb: float = 16, write_s: float = 3.0, archive_timeout: int = 60,
                 keep: bool = False, timeout_s: float = 600, restore_throughput_bps: float | None = None,
                 on_run: Any = None) -> dict[str, Any]:
    """Run the ``async`` and/or ``sync`` variants (``mode``) and return the result dict."""
    variants = VARIANTS if mode is None else (mode,)
    if any(v not in VARIANTS for v in variants):
        raise DrillError(f"disaster mode is one of {', '.join(VARIANTS)}")
    throughput = restore_throughput_bps or recovery.RESTORE_THROUGHPUT_BPS
    with DrillRun("disaster", timeout_s=timeout_s, keep=keep) as run:
        if on_run:
            on_run(run)
        results = [_variant(run, v, scale_mb, write_s, archive_timeout, throughput) for v in variants]
        with contextlib.suppress(Exception):
            run.kill_all()
        pids = list(run.all_pids)
        run_dir = str(run.dir)
    by = {r["variant"]: r for r in results}
    main = by.get("sync") or results[0]
    out: dict[str, Any] = {
        "kind": "disaster",
        "started": iso(run.started),
        "variants": results,
        "acked_commits": sum(r["acked_commits"] for r in results),
        "acked_lost": sum(r["acked_lost"] for r in results),
        "acked_lost_by_variant": {r["variant"]: r["acked_lost"] for r in results},
        "predicted": main["predicted"],
        "measured": main["measured"],
        "throughput_source": recovery.RESTORE_THROUGHPUT_SOURCE if restore_throughput_bps is None else "given",
        "run_dir": run_dir,
        "kept": keep,
        "pids": pids,
        "drill_wall_s": round(now() - run.started, 3),
    }
    out["passed"] = ("sync" not in by or by["sync"]["acked_lost"] == 0) and all(
        r["acked_commits"] > 0 for r in results)
    return out
