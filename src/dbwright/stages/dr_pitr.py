"""Point-in-time recovery: archiving settings and runbooks per target type; MariaDB equivalent.

The runbooks carry the pitfalls measured on these machines (shared/FIELD-NOTES.md): pick the
backup set older than the target (``--set``) because pgBackRest silently recovers to the end when
the latest backup is newer than the target time; switch ``archive_mode`` off in the restored copy
so it cannot push a new timeline into the production repository; never use ``--target-action``
with ``--type=default``.
"""

from __future__ import annotations

from typing import Any

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_duration
from dbwright.stages.dr_common import DrInputs, cited, evidence_of, q

# Measured: archive-only with archive_timeout=60 lost 51.2 s of acknowledged commits after kill -9
# (DRILL-RECIPES §5.2); the bound is archive_timeout plus the time to push the segment.
ARCHIVE_TIMEOUT_DEFAULT_S = 60.0
ARCHIVE_PUSH_S = 1.0  # assumption: one 16 MB segment pushed (compressed) to the repository
MIN_ARCHIVE_TIMEOUT_S = 30.0  # below this, forced 16 MB segments mostly hold padding
DRILL_SOURCE = "measured on Debian 12, PostgreSQL 15.18, pgBackRest 2.45 (shared/DRILL-RECIPES.md)"

TARGET_TYPES = ("time", "xid", "lsn", "name")


def archive_rpo(archive_timeout: float) -> dict[str, Any]:
    return q(archive_timeout + ARCHIVE_PUSH_S, "s",
             "archive-only RPO ≤ archive_timeout + push time (the open WAL segment is lost with the host)",
             archive_timeout_s=archive_timeout, push_s=ARCHIVE_PUSH_S)


def choose_archive_timeout(spec: Spec, inputs: DrInputs) -> tuple[Decision, dict[str, Any]]:
    if spec.dr.archive_timeout is not None:
        at = float(spec.dr.archive_timeout)
        why = "given in dr.archive_timeout"
    else:
        at = max(MIN_ARCHIVE_TIMEOUT_S, min(ARCHIVE_TIMEOUT_DEFAULT_S, inputs.rpo_s("logical") / 2))
        why = ("min(60 s, logical RPO / 2), not below 30 s: bounds the WAL not yet in the repository "
               "without filling it with near-empty forced segments")
    rpo = archive_rpo(at)
    measured = cited(51.2, "s", "archive-only, archive_timeout=60: 51.2 s of acknowledged commits lost "
                     "after kill -9", DRILL_SOURCE)
    dec = Decision(
        topic="Continuous WAL archiving",
        choice=f"archive_mode=on, archive_command=pgbackrest archive-push (async), archive_timeout={at:.0f}s",
        rationale=f"{why}. Archive-only RPO is then {rpo['display']} (measured 51.2 s with 60 s); an RPO "
                  "below that needs WAL streaming (a standby, or pg_receivewal as a synchronous standby).",
        trade_offs=["each forced switch ships a 16 MB segment (compresses to little when mostly empty)",
                    "archive-push async (archive-async=y) hides repository latency but adds a spool queue "
                    "to monitor"],
        alternatives=[Alternative("archive_timeout=0 (only full segments)",
                                  "an idle database could leave hours of commits unarchived"),
                      Alternative("pg_receivewal --synchronous into the repository host",
                                  "gives RPO 0 (measured 0 lost) but every commit waits for it; used "
                                  "only when no synchronous standby exists")],
        evidence=[evidence_of(rpo), evidence_of(measured)],
    )
    return dec, {"archive_timeout_s": at, "archive_rpo": rpo, "measured_archive_only_rpo": measured}


def _pg_runbook(kind: str, stanza: str) -> list[str]:
    target = {"time": "'2026-01-31 14:05:00+00'", "xid": "<xid>", "lsn": "<lsn e.g. 0/5A000060>",
              "name": "<restore point name>"}[kind]
    pick = {
        "time": "Pick the newest backup whose `timestamp.stop` is BEFORE the target time",
        "xid": "Find the bad transaction's xid (server log with log_line_prefix %x, or pg_waldump "
               "on the archived WAL) and its commit time; pick the newest backup that stopped before it",
        "lsn": "Pick the newest backup whose `lsn.stop` is below the target LSN",
        "name": "Find the restore point (created with `SELECT pg_create_restore_point('<name>')`) in the "
                "server log or `pg_waldump`; pick the newest backup that stopped before it",
    }[kind]
    exclusive = " --target-exclusive" if kind in ("xid", "lsn") else ""
    return [
        "Keep production running; restore into a NEW host or data directory (never over the primary).",
        f"`pgbackrest --stanza={stanza} info --output=json` — list backup sets with their start/stop times "
        "and LSNs.",
        f"{pick}. Pass it with `--set=<label>`: if the newest backup is newer than the target, "
        "pgBackRest silently ignores the target and recovers to the end of WAL.",
        f"`pgbackrest --stanza={stanza} --set=<label> --pg1-path=/var/lib/postgresql/restore "
        f"--type={kind} --target={target}{exclusive} --target-action=pause restore`",
        "Append to the restored `postgresql.auto.conf`: `archive_mode = off` and another `port` — the "
        "copy inherits archive_command and would push a new timeline into the production repository.",
        "`pg_ctl -D /var/lib/postgresql/restore start`; wait (with a timeout) for the log line "
        "`recovery stopping before …` and `pg_is_in_recovery() = t` with replay paused.",
        "Check the data at the target (row counts, the rows the incident touched). Too early or too late: "
        "stop, delete the directory and restore again with another target.",
        "`SELECT pg_wal_replay_resume();` (promotes, new timeline). Then either copy the lost rows back "
        "into production (pg_dump -t …), or switch traffic to this copy (see the failover runbook) and "
        "re-enable archiving with a new stanza.",
    ]


def pitr_runbooks(stanza: str) -> dict[str, list[str]]:
    return {k: _pg_runbook(k, stanza) for k in TARGET_TYPES}


def mariadb_plan(spec: Spec, inputs: DrInputs, restore: dict[str, Any]) -> tuple[Decision, dict[str, Any]]:
    pitr = spec.dr.pitr_window or 7 * 86400.0
    binlog_keep = pitr + 7 * 86400.0
    runbook = [
        "Restore on a NEW instance (own --defaults-file with another datadir, socket, port, server_id, "
        "skip-log-bin) — always pass --defaults-file first, or /etc/mysql/my.cnf is read.",
        "Pick the newest full backup (and its incrementals) that finished BEFORE the target.",
        "`cp -a full/ rest/` — --prepare works in place and one way; keep the original.",
        "`mariabackup --prepare --target-dir=rest`, then for each incremental in order "
        "`mariabackup --prepare --target-dir=rest --incremental-dir=incN`.",
        "Read the binlog file and position from `rest/mariadb_backup_binlog_info` (10.11: "
        "`xtrabackup_binlog_info`) — after the incrementals it holds the LAST incremental's position; "
        "the full's position gives ERROR 1062 duplicate key.",
        "`mariabackup --defaults-file=new.cnf --copy-back --target-dir=rest` (empty datadir), "
        "`chown -R mysql:mysql <datadir>`, start mariadbd with the new cnf.",
        "`mysqlbinlog --start-position=<pos> --stop-datetime='<target>' <first file> <later files…> | "
        "mariadb --defaults-file=new.cnf` — start-position applies to the first file only; stop-datetime "
        "is whole seconds in mysqlbinlog's time zone (use --stop-position or GTID for exact cuts).",
        "Verify (CHECKSUM TABLE, row counts at the target), then copy rows back or switch traffic.",
    ]
    settings = {"log_bin": "mysql-bin", "binlog_format": "ROW", "sync_binlog": 1,
                "innodb_flush_log_at_trx_commit": 1, "binlog_expire_logs_seconds": int(binlog_keep),
                "gtid_strict_mode": 1}
    dec = Decision(
        topic="MariaDB backups and PITR",
        choice="mariabackup full weekly + incremental daily; binlogs streamed off-host with "
               "`mysqlbinlog --read-from-remote-server --raw --stop-never`; PITR by binlog replay",
        rationale=f"Same RPO/RTO logic as PostgreSQL: the binlog stream plays WAL archiving's role; binlogs "
                  f"are kept {fmt_duration(binlog_keep)} (PITR window + one backup cycle). Predicted restore "
                  f"{restore['display']}.",
        trade_offs=["--prepare is CPU/IO heavy and runs at restore time for every incremental",
                    "mysqlbinlog replay is single-threaded SQL apply"],
        alternatives=[Alternative("logical dumps (mariadb-dump)", "restore of a large database takes hours "
                                  "(rebuilds every index)")],
        evidence=[evidence_of(restore),
                  Evidence.cited("mariabackup full+incremental+binlog PITR proven: restore matched the source "
                                 "exactly, 0 rows after target", DRILL_SOURCE)],
    )
    return dec, {"settings": settings, "runbook": runbook, "restore": restore,
                 "binlog_retention": q(binlog_keep, "s", "binlog retention = pitr_window + 7 days",
                                       pitr_window_s=pitr)}
