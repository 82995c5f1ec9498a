"""Measured constants the drills feed into the plan's formulas, each with where it was measured.

The plan (``theory.recovery``) defaults to pgBackRest's throughput on pgbench data, which
compresses 10–20× and overstates real restore speed. The drills predict with constants measured
on data that compresses like real tables (``pgsetup.load_filler``: half random bytes, half hex
text), so the prediction is calibrated on a run *other* than the one it is compared with.
"""

from __future__ import annotations

# pgBackRest 2.45 restore, process-max=2, compress-type=zst, repository and data dir on the same
# local disk, 2-core Debian 12 VM (this project's CI machine class). Source: bench/dr/restore_bench.py
# calibration run at 1 GB of ``load_filler`` data, 2026-11-25; see bench/dr/README.md.
# Calibration run (pitr drill, --scale-mb 1000, compare_raw): 991.4 MB database (compresses 1.38×
# in the repository), ``pgbackrest restore`` 5.67 s (175 MB/s), start → promoted 2.11 s, of which
# all but ~0.3 s (see STARTUP_S) grows with size: PostgreSQL fsyncs the whole restored data
# directory when recovery starts (recovery_init_sync_method=fsync). The formula has one size term,
# so the throughput is *effective*: size / (restore + size-dependent startup)
# = 991.4 MB / (5.67 + 2.11 − 0.3) s = 132.5 MB/s. Cross-check: the disk's sustained write rate,
# ``dd if=/dev/urandom bs=1M count=1500; sync`` = 1.5 GB in 10.9 s = 137 MB/s — large restores are
# bound by it. Used: 135 MB/s. Predicted "copy" therefore includes that fsync.
RESTORE_THROUGHPUT_BPS: float = 135e6
RESTORE_THROUGHPUT_SOURCE = ("measured on this machine class (2-core Debian 12 VM, 2026-11-25): calibration "
                             "run dbwright drill pitr --scale-mb 1000 (not a compared run), 991 MB of "
                             "load_filler data, pgBackRest 2.45 process-max=2 zst: effective 132.5 MB/s "
                             "(restore + size-dependent startup fsync); disk sustained write (dd + sync) "
                             "137 MB/s; used 135 MB/s")
# Start of the restored cluster → promoted, fixed part: 0.27, 0.28, 0.34 s in three 39 MB restores
# (pitr and disaster drills at --scale-mb 16, 2026-11-25); the plan's default (0.64 s) came from a
# single 307 MB restore that included the size-dependent fsync.
STARTUP_S: float = 0.3
STARTUP_SOURCE = "pitr/disaster drills at 39 MB on this machine class: 0.27, 0.28, 0.34 s (2026-11-25)"
