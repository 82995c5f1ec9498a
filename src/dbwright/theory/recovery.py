"""Recovery-time math: restore from backup and automatic failover, each term shown.

Pure functions (no I/O). Each returns a frozen dataclass holding the value, the per-phase
breakdown, the formula as text and the inputs, so a plan, a drill and a benchmark can all show
*how* a number was obtained and put a measurement beside it.

Default rates are named constants with the place each comes from; the plan says which default it
used, and a measured value from the spec (``dr.restore_throughput``) or a drill replaces them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# --- restore defaults -----------------------------------------------------------------------
# pgBackRest 2.45 restore on pgbench data, measured on these machines (shared/DRILL-RECIPES.md):
# 2.25 GB restored in 12.9 s with process-max=2 -> 174 MB/s; 21.8 s with process-max=1 -> 103 MB/s.
# pgbench data compresses 10-20x, so these overstate real restores; kept for reference.
RESTORE_THROUGHPUT_PGBENCH_BPS: float = 2.25e9 / 12.9
RESTORE_THROUGHPUT_PER_PROCESS_BPS: float = 2.25e9 / 21.8
# Default: *effective* restore throughput on data that compresses like real tables (``load_filler``:
# half random bytes, half hex text; 1.4x in the repository), pgBackRest 2.45, process-max=2, zst,
# repository and data dir on one local disk of a 2-core Debian 12 VM shared with other work.
# "Effective" = size / (pgbackrest restore + start until promoted - STARTUP_S): the formula has one
# size term, and PostgreSQL fsyncs the whole restored data directory when recovery starts
# (recovery_init_sync_method), so that fsync is inside this rate. Every measured restore follows one
# protocol: os.sync() first and the repository evicted from the page cache (cold read).
# Calibration run, not one of the compared runs (bench/dr/restore_bench.py --sizes-mb 1000,
# 2026-11-25 22:56 UTC): 991 MB, drill restore 4.00 s, raw restore of the same set 5.95 s; mean
# 4.98 s -> 991 MB / (4.98 - 0.3) s = 212 MB/s. The plan (stages.dr_backup) and the drills use this
# one constant. Run-to-run spread on this shared host is the limit of its accuracy (bench/dr/README.md).
RESTORE_THROUGHPUT_BPS: float = 212e6
RESTORE_THROUGHPUT_SOURCE = ("measured on this machine class (2-core Debian 12 VM, 2026-11-25): calibration "
                             "run bench/dr/restore_bench.py --sizes-mb 1000 (not a compared run), 991 MB of "
                             "load_filler data, pgBackRest 2.45 process-max=2 zst, synced + cold repository; "
                             "mean of the drill and the raw restore = 4.98 s → effective 212 MB/s")
# WAL replay is single-threaded. pgsql-general "Is there a way to speed up WAL replay?" (2018,
# https://postgrespro.com/list/id/CAEepm=0_QgthfHxmCuCtDtLVorn86sxH5=UZBfSz_Mwr73mcZw@mail.gmail.com):
# "replays about 3-4 WAL files per second" of 16 MB -> 48-64 MB/s; the lower end is used.
REPLAY_RATE_BPS: float = 3 * 16 * 2**20
# Start of the restored cluster + end of recovery + promotion, fixed part: 0.27, 0.28, 0.34 s in three
# 39 MB restores (pitr and disaster drills at --scale-mb 16, 2026-11-25); the size-dependent fsync of
# the data directory at recovery start is inside RESTORE_THROUGHPUT_BPS. (A 307 MB restore showed
# 0.64 s in DRILL-RECIPES §5.1, fsync included.)
STARTUP_S: float = 0.3
STARTUP_SOURCE = "pitr/disaster drills at 39 MB on this machine class: 0.27, 0.28, 0.34 s (2026-11-25)"
# Restore into a new directory on a host that already exists (drills, pre-provisioned standby host).
PROVISION_EXISTING_HOST_S: float = 0.0
# Assumption, not measured here: launching a cloud VM with a disk and the database packages takes
# minutes (boot 1-2 min + packages/config); 5 min is used for "provision a new host".
PROVISION_NEW_HOST_S: float = 300.0
# Assumption: smoke queries + row counts on key tables before reopening to traffic.
VERIFY_S: float = 120.0
# Assumption: DNS/endpoint switch with a 60 s TTL (clients re-resolve within one TTL).
REDIRECT_DNS_S: float = 60.0

# --- failover defaults ----------------------------------------------------------------------
# Patroni 3.0.2 drill (shared/FIELD-NOTES.md, DRILL-RECIPES Drill 1): a replica takes the expired
# leader lock within 0.01-0.2 s and promotes; the first write through HAProxy came 0.3-1.0 s after
# the lock changed hands (HAProxy inter 1 s, fall 2, rise 1). 0.5 s is used for promotion.
PROMOTE_S: float = 0.5
# Patroni defaults (Patroni docs, "Dynamic configuration settings"; measured in FIELD-NOTES).
PATRONI_DEFAULT_TTL: float = 30.0
PATRONI_DEFAULT_LOOP_WAIT: float = 10.0
PATRONI_DEFAULT_RETRY_TIMEOUT: float = 10.0
PATRONI_DEFAULT_PRIMARY_START_TIMEOUT: float = 300.0
# Defaults measured in the drill: new leader 21.3 / 24.7 s, first write 21.6 / 25.4 s.
MEASURED_DEFAULT_FAILOVER_S: tuple[float, ...] = (21.6, 25.4)
MEASURED_TUNED_20_5_5_FAILOVER_S: tuple[float, ...] = (17.9, 20.4, 18.3)


@dataclass(frozen=True)
class RestorePrediction:
    """Predicted time to restore from backup: provision + copy + replay + verify + redirect."""

    total_s: float
    phases: dict[str, float]
    formula: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"total_s": self.total_s, "phases": dict(self.phases), "formula": self.formula,
                "inputs": dict(self.inputs)}


RESTORE_FORMULA = ("total = provision + size / restore_throughput + (wal_bytes / replay_rate + startup)"
                   " + verify + redirect")


def predict_restore(size_bytes: float, restore_throughput_bps: float = RESTORE_THROUGHPUT_BPS,
                    wal_bytes_to_replay: float = 0.0, replay_rate_bps: float = REPLAY_RATE_BPS,
                    provision_s: float = PROVISION_EXISTING_HOST_S, verify_s: float = 0.0,
                    redirect_s: float = 0.0, startup_s: float = STARTUP_S) -> RestorePrediction:
    """Predict a restore from a physical backup plus WAL (or binlog) replay.

    Phases: ``provision`` (get a host/dir), ``copy`` (size / restore throughput), ``replay``
    (WAL since the backup / replay rate, plus starting and promoting the cluster), ``verify``,
    ``redirect`` (point clients at it). ``verify`` and ``redirect`` default to 0, as in a drill.

    >>> round(predict_restore(2.25e9, RESTORE_THROUGHPUT_PGBENCH_BPS).phases["copy"], 1)
    12.9
    """
    if size_bytes < 0 or wal_bytes_to_replay < 0:
        raise ValueError("sizes must be >= 0")
    if restore_throughput_bps <= 0 or replay_rate_bps <= 0:
        raise ValueError("throughput and replay rate must be > 0")
    phases = {
        "provision": float(provision_s),
        "copy": size_bytes / restore_throughput_bps,
        "replay": wal_bytes_to_replay / replay_rate_bps + startup_s,
        "verify": float(verify_s),
        "redirect": float(redirect_s),
    }
    inputs = {"size_bytes": size_bytes, "restore_throughput_bps": restore_throughput_bps,
              "wal_bytes_to_replay": wal_bytes_to_replay, "replay_rate_bps": replay_rate_bps,
              "startup_s": startup_s, "provision_s": provision_s, "verify_s": verify_s,
              "redirect_s": redirect_s}
    return RestorePrediction(sum(phases.values()), phases, RESTORE_FORMULA, inputs)


# MariaDB (mariabackup) drill, ~100 MB InnoDB (FIELD-NOTES, DRILL-RECIPES Drill 2): backup dir 278 MB;
# prepare 0.76 + 0.61 s, copy-back 0.7 s, start 0.24 s. Rates derived from that small run — weak.
MARIABACKUP_COPY_BACK_BPS: float = 278e6 / 0.66
MARIABACKUP_PREPARE_BPS: float = 278e6 / 0.76
MARIADB_STARTUP_S: float = 0.24
# Binlog replay through the client is single-threaded SQL apply; assumption: 20 MB/s of ROW binlog.
BINLOG_APPLY_BPS: float = 20e6

MARIADB_RESTORE_FORMULA = ("total = provision + size / prepare_rate + size / copy_back_rate"
                           " + (binlog_bytes / binlog_apply_rate + startup) + verify + redirect")


def predict_mariadb_restore(size_bytes: float, binlog_bytes_to_replay: float = 0.0,
                            prepare_bps: float = MARIABACKUP_PREPARE_BPS,
                            copy_back_bps: float = MARIABACKUP_COPY_BACK_BPS,
                            binlog_apply_bps: float = BINLOG_APPLY_BPS,
                            provision_s: float = PROVISION_EXISTING_HOST_S, verify_s: float = 0.0,
                            redirect_s: float = 0.0,
                            startup_s: float = MARIADB_STARTUP_S) -> RestorePrediction:
    """Predict a mariabackup restore (prepare + copy-back) plus binlog replay.

    The same five phases as :func:`predict_restore`: ``copy`` holds prepare + copy-back.
    """
    if min(size_bytes, binlog_bytes_to_replay) < 0:
        raise ValueError("sizes must be >= 0")
    if min(prepare_bps, copy_back_bps, binlog_apply_bps) <= 0:
        raise ValueError("rates must be > 0")
    phases = {
        "provision": float(provision_s),
        "copy": size_bytes / prepare_bps + size_bytes / copy_back_bps,
        "replay": binlog_bytes_to_replay / binlog_apply_bps + startup_s,
        "verify": float(verify_s),
        "redirect": float(redirect_s),
    }
    inputs = {"size_bytes": size_bytes, "prepare_bps": prepare_bps, "copy_back_bps": copy_back_bps,
              "binlog_bytes_to_replay": binlog_bytes_to_replay, "binlog_apply_bps": binlog_apply_bps,
              "startup_s": startup_s, "provision_s": provision_s, "verify_s": verify_s,
              "redirect_s": redirect_s}
    return RestorePrediction(sum(phases.values()), phases, MARIADB_RESTORE_FORMULA, inputs)


@dataclass(frozen=True)
class FailoverPrediction:
    """Predicted automatic failover time (kill of the leader node → first write via the router)."""

    best_s: float
    worst_s: float
    expected_s: float
    phases: dict[str, dict[str, float]]  # phase -> {"best", "worst", "expected"}
    formula: str
    inputs: dict[str, Any]
    timing_rule_ok: bool  # Patroni: loop_wait + 2·retry_timeout <= ttl
    timing_rule: str
    scenario: str = "node_loss"

    def to_dict(self) -> dict[str, Any]:
        return {"best_s": self.best_s, "worst_s": self.worst_s, "expected_s": self.expected_s,
                "phases": {k: dict(v) for k, v in self.phases.items()}, "formula": self.formula,
                "inputs": dict(self.inputs), "timing_rule_ok": self.timing_rule_ok,
                "timing_rule": self.timing_rule, "scenario": self.scenario}


PATRONI_TIMING_RULE = "loop_wait + 2·retry_timeout ≤ ttl"


def patroni_timing_ok(ttl: float, loop_wait: float, retry_timeout: float) -> bool:
    """Patroni's documented constraint; otherwise a DCS hiccup can demote a healthy leader."""
    return loop_wait + 2 * retry_timeout <= ttl


FAILOVER_FORMULA = ("detection: lease expiry, ttl − loop_wait … ttl after the leader dies (its last "
                    "refresh was within one loop_wait); promotion: promote_s; router switch: 0 … "
                    "inter·fall health checks. best = (ttl − loop_wait) + promote; "
                    "worst = ttl + promote + inter·fall; expected = midpoints")
CRASH_FORMULA = ("postgres crash with Patroni alive: Patroni restarts it in place and only gives up the "
                 "lock after primary_start_timeout; detection = primary_start_timeout … "
                 "primary_start_timeout + 2·loop_wait, then promotion and router switch as for node loss")


def predict_patroni_failover(ttl: float = PATRONI_DEFAULT_TTL,
                             loop_wait: float = PATRONI_DEFAULT_LOOP_WAIT,
                             retry_timeout: float = PATRONI_DEFAULT_RETRY_TIMEOUT,
                             health_check_interval_s: float = 1.0, health_fall: int = 2,
                             promote_s: float = PROMOTE_S, scenario: str = "node_loss",
                             primary_start_timeout: float = PATRONI_DEFAULT_PRIMARY_START_TIMEOUT,
                             ) -> FailoverPrediction:
    """Predict Patroni + HAProxy failover time from the DCS timings and health checks.

    ``scenario="node_loss"`` (leader host, Patroni and PostgreSQL gone — the drill's kill -9 of
    both): the leader key expires ``ttl − loop_wait … ttl`` after the kill; measured 21.3–25.4 s
    with defaults (prediction 20.5–32.5 s).
    ``scenario="postgres_crash"``: PostgreSQL dies, Patroni lives and restarts it in place first.

    >>> p = predict_patroni_failover()
    >>> (p.best_s, p.worst_s, p.timing_rule_ok)
    (20.5, 32.5, True)
    """
    if min(ttl, loop_wait, retry_timeout, health_check_interval_s, promote_s) < 0 or health_fall < 1:
        raise ValueError("timings must be >= 0 and health_fall >= 1")
    if scenario == "node_loss":
        det = {"best": ttl - loop_wait, "worst": ttl}
        formula = FAILOVER_FORMULA
    elif scenario == "postgres_crash":
        det = {"best": primary_start_timeout, "worst": primary_start_timeout + 2 * loop_wait}
        formula = CRASH_FORMULA
    else:
        raise ValueError("scenario is 'node_loss' or 'postgres_crash'")
    det["expected"] = (det["best"] + det["worst"]) / 2
    router_worst = health_check_interval_s * health_fall
    phases = {
        "detection": det,
        "promotion": {"best": promote_s, "worst": promote_s, "expected": promote_s},
        "router_switch": {"best": 0.0, "worst": router_worst, "expected": router_worst / 2},
    }
    best = sum(p["best"] for p in phases.values())
    worst = sum(p["worst"] for p in phases.values())
    expected = sum(p["expected"] for p in phases.values())
    inputs: dict[str, Any] = {"ttl": ttl, "loop_wait": loop_wait, "retry_timeout": retry_timeout,
                              "health_check_interval_s": health_check_interval_s,
                              "health_fall": health_fall, "promote_s": promote_s}
    if scenario == "postgres_crash":
        inputs["primary_start_timeout"] = primary_start_timeout
    return FailoverPrediction(best, worst, expected, phases, formula, inputs,
                              patroni_timing_ok(ttl, loop_wait, retry_timeout), PATRONI_TIMING_RULE,
                              scenario)


def tune_patroni_for_rto(rto_s: float, health_check_interval_s: float = 1.0, health_fall: int = 2,
                         promote_s: float = PROMOTE_S) -> dict[str, float] | None:
    """The largest (least chatty) Patroni timings whose worst-case failover fits ``rto_s``.

    Keeps the ratio of the tuned drill (ttl 20, loop_wait 5, retry_timeout 5 = 4 : 1 : 1, which
    satisfies the timing rule with margin) and never goes below ttl 10 s (DCS hiccups would cause
    false failovers). Measured with 20/5/5: first write 17.9, 20.4 and 18.3 s after the kill.
    Returns None when even ttl 10 s cannot meet the RTO.
    """
    budget = rto_s - promote_s - health_check_interval_s * health_fall
    ttl = min(PATRONI_DEFAULT_TTL, float(int(budget)))
    if ttl < 10:
        return None
    quarter = float(math.floor(ttl / 4))  # Patroni requires whole seconds
    return {"ttl": ttl, "loop_wait": quarter, "retry_timeout": quarter}


def lsn_to_int(lsn: str) -> int:
    """PostgreSQL LSN text ``X/Y`` (hex) → byte position."""
    hi, _, lo = lsn.partition("/")
    return (int(hi, 16) << 32) + int(lo, 16)


def choose_backup_set(backups: list[dict[str, Any]], target_time: float | None = None,
                      target_lsn: str | None = None) -> str | None:
    """Label of the newest backup that ended before the target (pgBackRest ``info --output=json``).

    pgBackRest silently ignores a time target older than the backup it restores and recovers to the
    end of WAL, so a PITR must pass ``--set`` with a backup that stopped before the target
    (FIELD-NOTES). ``backups`` is the stanza's ``backup`` list: ``label``, ``timestamp.stop`` (epoch
    seconds), ``lsn.stop``. Returns None when no backup is old enough.

    >>> b = [{"label": "F1", "timestamp": {"stop": 100}, "lsn": {"stop": "0/3000100"}},
    ...      {"label": "F1_D2", "timestamp": {"stop": 200}, "lsn": {"stop": "0/5000100"}}]
    >>> choose_backup_set(b, target_time=150), choose_backup_set(b, target_lsn="0/6000000")
    ('F1', 'F1_D2')
    """
    if target_time is None and target_lsn is None:
        raise ValueError("give target_time or target_lsn")
    best: tuple[float, str] | None = None
    for b in backups:
        stop = float(b["timestamp"]["stop"])
        if target_time is not None and stop >= target_time:
            continue
        if target_lsn is not None and lsn_to_int(b["lsn"]["stop"]) >= lsn_to_int(target_lsn):
            continue
        if best is None or stop > best[0]:
            best = (stop, str(b["label"]))
    return best[1] if best else None


# MariaDB MaxScale mariadbmon defaults: monitor_interval 2000 ms, failcount 5 (MaxScale docs,
# https://mariadb.com/kb/en/mariadb-maxscale-2302-mariadb-monitor/). Not drilled here: an estimate.
MAXSCALE_MONITOR_INTERVAL_S: float = 2.0
MAXSCALE_FAILCOUNT: int = 5
MAXSCALE_PROMOTE_S: float = 1.0  # assumption: STOP SLAVE / RESET SLAVE ALL / read_only=0 on the new primary

MAXSCALE_FORMULA = ("detection: failcount consecutive failed monitor passes, (failcount − 1)·interval … "
                    "failcount·interval; promotion: promote_s (MaxScale routes to the new primary itself)")


def predict_maxscale_failover(monitor_interval_s: float = MAXSCALE_MONITOR_INTERVAL_S,
                              failcount: int = MAXSCALE_FAILCOUNT,
                              promote_s: float = MAXSCALE_PROMOTE_S) -> FailoverPrediction:
    """Predict MariaDB MaxScale (mariadbmon auto_failover) failover time.

    >>> p = predict_maxscale_failover()
    >>> (p.best_s, p.worst_s)
    (9.0, 11.0)
    """
    if monitor_interval_s <= 0 or failcount < 1 or promote_s < 0:
        raise ValueError("monitor_interval_s > 0, failcount >= 1, promote_s >= 0")
    det = {"best": (failcount - 1) * monitor_interval_s, "worst": failcount * monitor_interval_s}
    det["expected"] = (det["best"] + det["worst"]) / 2
    phases = {"detection": det, "promotion": {"best": promote_s, "worst": promote_s, "expected": promote_s},
              "router_switch": {"best": 0.0, "worst": 0.0, "expected": 0.0}}
    best = sum(p["best"] for p in phases.values())
    worst = sum(p["worst"] for p in phases.values())
    expected = sum(p["expected"] for p in phases.values())
    inputs: dict[str, Any] = {"monitor_interval_s": monitor_interval_s, "failcount": failcount,
                              "promote_s": promote_s}
    return FailoverPrediction(best, worst, expected, phases, MAXSCALE_FORMULA, inputs, True,
                              "no DCS timing rule (MaxScale monitor)", "node_loss")
