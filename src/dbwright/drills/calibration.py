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
# ~1.47 s over the formula's fixed ``startup`` (0.64 s) grows with size: PostgreSQL fsyncs the whole
# restored data directory when recovery starts (recovery_init_sync_method=fsync). The formula has one
# size term, so the throughput below is *effective*: size / (restore + size-dependent startup)
# = 991.4 MB / (5.67 + 2.11 − 0.64) s = 139 MB/s. Predicted "copy" therefore includes that fsync.
RESTORE_THROUGHPUT_BPS: float = 139e6
RESTORE_THROUGHPUT_SOURCE = ("measured: dbwright drill pitr --scale-mb 1000 (calibration run, not the "
                             "compared runs), 991 MB of load_filler data, pgBackRest 2.45 process-max=2 "
                             "zst, 2-core Debian 12 VM, 2026-11-25; effective = size / (restore + "
                             "size-dependent startup fsync) = 139 MB/s")
