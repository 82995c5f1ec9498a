"""Backups: schedule and GFS rotation, restore prediction, footprint, window, alternatives.

pgBackRest diff/incr backups are *file-level*: a 1 GB segment file that changed at all is copied
whole. Under random updates nearly every segment of an updated table changes within a day, so a
"daily differential" is about as large as a full (measured: after 20 s of pgbench an incr was as
large as the full, shared/FIELD-NOTES.md). The model below keeps that: the share of the data in a
diff/incr is the heap share of updated tables plus the growth of append-only ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_bytes, fmt_duration
from dbwright.stages.dr_common import DrInputs, cited, evidence_of, q, row_widths, size_after
from dbwright.theory import recovery

DAY = 86400.0
# Measured: full backup of a 307 MB database in 3.16 s with process-max=2 (DRILL-RECIPES §5.1).
BACKUP_THROUGHPUT_BPS = 307e6 / 3.16
# Assumption: zstd level 3 on OLTP data stores ~35% of the raw size (pgbench data compresses 10–20×,
# real data with UUIDs and text much less; re-measure with `pgbackrest info`).
COMPRESSION_RATIO = 0.35
# AWS S3 pricing, eu-west-1, first 50 TB (https://aws.amazon.com/s3/pricing/): Standard
# $0.023/GB-month, Glacier Instant Retrieval $0.004/GB-month. Approximate; check the price list.
S3_STANDARD_USD_GB_MONTH = 0.023
S3_GLACIER_IR_USD_GB_MONTH = 0.004
PGBACKREST_SOURCE = "pgBackRest user guide, https://pgbackrest.org/user-guide.html"


@dataclass(frozen=True)
class Strategy:
    key: str
    name: str
    full_every_days: float
    diff_every_days: float | None
    incr_every_days: float | None

    @property
    def smallest_interval_days(self) -> float:
        return min(x for x in (self.full_every_days, self.diff_every_days, self.incr_every_days) if x)


STRATEGIES = (
    Strategy("daily-full", "Daily full + continuous WAL archiving", 1, None, None),
    Strategy("weekly-full-daily-diff", "Weekly full + daily differential + WAL", 7, 1, None),
    Strategy("weekly-full-daily-diff-6h-incr", "Weekly full + daily diff + 6-hourly incremental + WAL",
             7, 1, 0.25),
    Strategy("weekly-full", "Weekly full + WAL only", 7, None, None),
)


def touched_share(spec: Spec, inputs: DrInputs, days: float) -> dict[str, Any]:
    """Share of the data files a file-level diff/incr copies after ``days``."""
    widths = row_widths(spec)
    heap = {name: float(ent.rows or 0) * widths[name] for name, ent in spec.entities.items()}
    total = sum(heap.values()) or 1.0
    updated = sum(v for n, v in heap.items() if not spec.entities[n].append_only) / total
    growth = inputs.growth["value"]
    appended = sum(v for n, v in heap.items() if spec.entities[n].append_only) / total
    share = min(1.0, updated + appended * ((1 + growth) ** (days / 30) - 1))
    return q(share, "fraction", "touched = heap share of updated tables (every 1 GB segment changes under "
             "random updates) + append-only share × growth over the interval",
             updated_share=round(updated, 4), append_only_share=round(appended, 4),
             monthly_growth=growth, interval_days=days)


def retention_plan(spec: Spec) -> dict[str, Any]:
    """Grandfather-father-son tiers from the PITR window, backup retention and compliance retention."""
    dr = spec.dr
    pitr = dr.pitr_window or 7 * DAY
    keep = max(dr.backup_retention or 30 * DAY, pitr)
    compliance = dr.compliance_retention or 0.0
    tiers = [{"tier": "daily (son)", "every_days": 1, "keep_days": pitr / DAY, "with_wal": True,
              "count": q(pitr / DAY, "backups", "count = pitr_window / 1 day", pitr_window_s=pitr)}]
    if keep > pitr:
        tiers.append({"tier": "weekly (father)", "every_days": 7, "keep_days": keep / DAY, "with_wal": False,
                      "count": q(max(0.0, (keep - pitr) / (7 * DAY)), "backups",
                                 "count = (backup_retention − pitr_window) / 7 days",
                                 backup_retention_s=keep, pitr_window_s=pitr)})
    if compliance > keep:
        monthly_keep = min(compliance, 365 * DAY)
        tiers.append({"tier": "monthly (grandfather)", "every_days": 30, "keep_days": monthly_keep / DAY,
                      "with_wal": False,
                      "count": q(max(0.0, (monthly_keep - keep) / (30 * DAY)), "backups",
                                 "count = (min(compliance, 1 y) − backup_retention) / 30 days",
                                 compliance_retention_s=compliance, backup_retention_s=keep)})
        if compliance > 365 * DAY:
            tiers.append({"tier": "yearly", "every_days": 365, "keep_days": compliance / DAY, "with_wal": False,
                          "count": q(compliance / (365 * DAY) - 1, "backups",
                                     "count = compliance_retention / 1 y − 1 (the monthlies cover year 1)",
                                     compliance_retention_s=compliance)})
    return {"pitr_window_s": pitr, "backup_retention_s": keep, "compliance_retention_s": compliance,
            "tiers": tiers}


def _footprint(strategy: Strategy, inputs: DrInputs, share: float, pitr_s: float,
               months_ahead: float) -> tuple[float, dict[str, float]]:
    """Repository bytes for the PITR tier (backups + WAL over the window), ``months_ahead`` from now."""
    size = size_after(inputs.size_b, inputs.growth["value"], months_ahead * 30)
    days = pitr_s / DAY
    n_full = days / strategy.full_every_days + 1
    n_diff = days / strategy.diff_every_days - n_full + 1 if strategy.diff_every_days else 0.0
    n_incr = days / strategy.incr_every_days - days / (strategy.diff_every_days or
                                                       strategy.full_every_days) if strategy.incr_every_days else 0.0
    full_b = n_full * size
    diff_b = max(0.0, n_diff) * size * share
    incr_b = max(0.0, n_incr) * size * share
    wal_b = inputs.wal_per_day["value"] * (days + strategy.full_every_days)
    terms = {"fulls": full_b * COMPRESSION_RATIO, "diffs": diff_b * COMPRESSION_RATIO,
             "incrs": incr_b * COMPRESSION_RATIO, "wal": wal_b * COMPRESSION_RATIO}
    return sum(terms.values()), terms


def plan_backups(spec: Spec, inputs: DrInputs, provision_s: float, redirect_s: float,
                 restore_bps: dict[str, Any]) -> tuple[list[Decision], dict[str, Any]]:
    ret = retention_plan(spec)
    pitr_s = ret["pitr_window_s"]
    share_day = touched_share(spec, inputs, 1)
    rows: list[dict[str, Any]] = []
    rto_logical = inputs.rto_s("logical")
    for st in STRATEGIES:
        interval = st.smallest_interval_days * DAY
        wal_bytes = inputs.wal_rate["value"] * interval
        pred = recovery.predict_restore(inputs.size_b, restore_bps["value"], wal_bytes,
                                        provision_s=provision_s, verify_s=recovery.VERIFY_S,
                                        redirect_s=redirect_s)
        fp_now, terms = _footprint(st, inputs, share_day["value"], pitr_s, 0)
        fp_year, _ = _footprint(st, inputs, share_day["value"], pitr_s, 12)
        window_b = inputs.size_b if st.full_every_days == 1 else inputs.size_b * share_day["value"]
        window = window_b / BACKUP_THROUGHPUT_BPS
        full_window = inputs.size_b / BACKUP_THROUGHPUT_BPS
        rows.append({
            "key": st.key, "name": st.name,
            "schedule": {"full_every_days": st.full_every_days, "diff_every_days": st.diff_every_days,
                         "incr_every_days": st.incr_every_days},
            "restore": {**q(pred.total_s, "s", pred.formula, **pred.inputs), "phases": pred.phases},
            "worst_wal_to_replay": q(wal_bytes, "B", "wal = wal_rate × longest gap between backups",
                                     wal_rate_bps=inputs.wal_rate["value"], gap_s=interval),
            "footprint_now": q(fp_now, "B", "Σ backups in the PITR window × size × share copied × compression "
                               "+ WAL over the window × compression", **{k: round(v) for k, v in terms.items()},
                               compression_ratio=COMPRESSION_RATIO, diff_incr_share=share_day["value"],
                               pitr_window_s=pitr_s),
            "footprint_12_months": q(fp_year, "B", "footprint in 12 months: the same sum with size × (1 + monthly growth)^12",
                                     monthly_growth=inputs.growth["value"]),
            "backup_window": q(window, "s", "daily backup window = bytes copied per day / backup throughput",
                               bytes_copied=window_b, backup_throughput_bps=BACKUP_THROUGHPUT_BPS),
            "full_backup_window": q(full_window, "s", "full window = size / backup throughput",
                                    size_bytes=inputs.size_b, backup_throughput_bps=BACKUP_THROUGHPUT_BPS),
            "meets_logical_rto": pred.total_s <= rto_logical,
            "restore_chain": 1 + (1 if st.diff_every_days else 0) + (
                round(st.diff_every_days / st.incr_every_days) if st.incr_every_days and st.diff_every_days else 0),
        })
    meeting = [r for r in rows if r["meets_logical_rto"]]
    if meeting:
        # Cheapest footprint in a year; a shorter restore chain breaks near-ties (within 10%).
        best_fp = min(r["footprint_12_months"]["value"] for r in meeting)
        near = [r for r in meeting if r["footprint_12_months"]["value"] <= best_fp * 1.10]
        chosen = min(near, key=lambda r: (r["restore_chain"], r["restore"]["value"]))
    else:
        chosen = min(rows, key=lambda r: r["restore"]["value"])
    others = [r for r in rows if r is not chosen]
    dec = Decision(
        topic="Backup schedule",
        choice=chosen["name"],
        rationale=((f"Meets the logical-corruption RTO ({fmt_duration(rto_logical)}) with a predicted restore of "
                    if meeting else f"No schedule restores within the logical RTO ({fmt_duration(rto_logical)}); "
                    "this is the fastest, predicted ")
                   + f"{chosen['restore']['display']}; a year from now the PITR tier holds "
                   f"{chosen['footprint_12_months']['display']}. pgBackRest diff/incr are file-level: with "
                   f"{share_day['display']} of the data files touched per day they save little here, so "
                   "the shortest restore chain among the cheapest options wins."),
        trade_offs=[f"daily backup window {chosen['backup_window']['display']} of I/O on the backup source "
                    "(take it from a replica: backup-standby=y)",
                    "a longer restore chain (diff/incr) shrinks storage only for append-mostly data"],
        alternatives=[Alternative(r["name"], _why_not(r, chosen, rto_logical)) for r in others],
        evidence=[evidence_of(chosen["restore"]), evidence_of(chosen["footprint_12_months"]),
                  evidence_of(share_day), evidence_of(restore_bps)],
    )
    rot = Decision(
        topic="Retention (grandfather-father-son)",
        choice="; ".join(f"{t['tier']}: every {t['every_days']} d, keep {t['keep_days']:.0f} d"
                         + (" with WAL (PITR)" if t["with_wal"] else "") for t in ret["tiers"]),
        rationale=("Dailies with WAL cover the PITR window; weeklies cover the backup retention; monthlies and "
                   "yearlies (consistent snapshots, no WAL) cover the compliance retention on cold storage."),
        trade_offs=["only the daily tier can recover to any point; older tiers restore to the end of a backup",
                    "compliance copies must be immutable (S3 Object Lock) to count as retention"],
        alternatives=[Alternative("keep everything with WAL for the compliance period",
                                  "WAL for years costs far more storage and a restore would replay years of WAL")],
        evidence=[evidence_of(t["count"]) for t in ret["tiers"]]
        + [Evidence.cited("pgBackRest repo-retention-full-type=time and repo-retention-archive", PGBACKREST_SOURCE)],
    )
    cold = _cold_tier_bytes(ret, inputs)
    data = {"strategies": rows, "chosen": chosen["key"], "retention": ret, "diff_share_per_day": share_day,
            "compliance_storage": cold}
    return [dec, rot], data


def _cold_tier_bytes(ret: dict[str, Any], inputs: DrInputs) -> dict[str, Any]:
    count = sum(t["count"]["value"] for t in ret["tiers"] if not t["with_wal"])
    b = count * inputs.size_b * COMPRESSION_RATIO
    return {"bytes": q(b, "B", "Σ weekly/monthly/yearly copies × size × compression", copies=round(count, 1),
                       size_bytes=inputs.size_b, compression_ratio=COMPRESSION_RATIO),
            "monthly_cost": q(b / 1e9 * S3_GLACIER_IR_USD_GB_MONTH, "USD/month",
                              "cost = GB × Glacier Instant Retrieval price", gb=b / 1e9,
                              usd_per_gb_month=S3_GLACIER_IR_USD_GB_MONTH)}


def _why_not(r: dict[str, Any], chosen: dict[str, Any], rto: float) -> str:
    if not r["meets_logical_rto"]:
        return f"predicted restore {r['restore']['display']} exceeds the logical RTO {fmt_duration(rto)}"
    if r["footprint_12_months"]["value"] > chosen["footprint_12_months"]["value"] * 1.10:
        return (f"stores {r['footprint_12_months']['display']} vs {chosen['footprint_12_months']['display']} "
                "a year from now")
    return (f"restore chain of {r['restore_chain']} backups vs {chosen['restore_chain']} for about the same "
            f"storage ({fmt_bytes(r['footprint_12_months']['value'])})")


def restore_throughput(spec: Spec) -> dict[str, Any]:
    if spec.dr.restore_throughput:
        return cited(float(spec.dr.restore_throughput), "B/s", "restore throughput given in dr.restore_throughput",
                     "spec")
    return cited(recovery.RESTORE_THROUGHPUT_BPS, "B/s",
                 "pgBackRest 2.45 effective restore throughput (restore + startup fsync), process-max=2, zst, "
                 "on data that compresses like real tables; your hardware differs — give "
                 "dr.restore_throughput or measure it with `dbwright drill pitr`",
                 recovery.RESTORE_THROUGHPUT_SOURCE + " (theory/recovery.py, bench/dr)")


# Assumption: a logical error (bad deploy, DELETE without WHERE) is noticed within an hour.
DELAYED_REPLICA_DELAY_S = 3600.0


def plan_delayed_replica(inputs: DrInputs, restore_s: float) -> tuple[Decision, dict[str, Any]] | None:
    """A standby that applies WAL ``delay`` late: logical errors are undone by promoting it just before them.

    Proposed when no backup schedule restores within the logical RTO.
    """
    rto = inputs.rto_s("logical")
    if restore_s <= rto:
        return None
    delay = max(DELAYED_REPLICA_DELAY_S, inputs.rpo_s("logical"))
    wal = inputs.wal_rate["value"]
    replay = wal * delay / recovery.REPLAY_RATE_BPS
    keeps_up = wal < recovery.REPLAY_RATE_BPS
    total = replay + recovery.STARTUP_S + recovery.VERIFY_S + recovery.REDIRECT_DNS_S
    rto_q = q(total, "s", "delayed-replica RTO = delay × wal_rate / replay_rate (replay up to just before the error) "
              "+ promote + verify + redirect", delay_s=delay, wal_rate_bps=wal, replay_rate_bps=recovery.REPLAY_RATE_BPS,
              startup_s=recovery.STARTUP_S, verify_s=recovery.VERIFY_S, redirect_s=recovery.REDIRECT_DNS_S)
    meets = keeps_up and total <= rto
    dec = Decision(
        topic="Logical-error protection: delayed replica",
        choice=f"a standby with recovery_min_apply_delay = {fmt_duration(delay)} (plus PITR from backups)",
        rationale=(f"A restore takes {fmt_duration(restore_s)} > logical RTO {fmt_duration(rto)}. A delayed standby "
                   "holds the data as it was {delay} ago: pause replay (pg_wal_replay_pause), set "
                   "recovery_target_time just before the error, replay, promote — predicted "
                   f"{rto_q['display']}.".replace("{delay}", fmt_duration(delay))
                   + ("" if keeps_up else " BUT the WAL rate exceeds single-threaded replay: no standby keeps up.")),
        trade_offs=["one more full-size node", "errors noticed later than the delay still need a backup restore",
                    "the delayed standby must never be a failover candidate (Patroni tag nofailover: true)"],
        alternatives=[Alternative("storage snapshots every hour", "fast to restore but crash-consistent only and "
                                  "tied to one volume/region; no arbitrary point in time"),
                      Alternative("a longer logical RTO", "the spec's target")],
        evidence=[evidence_of(rto_q)],
    )
    return dec, {"delay_s": delay, "rto": rto_q, "meets": meets, "keeps_up": keeps_up}
