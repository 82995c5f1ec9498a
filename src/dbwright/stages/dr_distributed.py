"""DR/HA for the distributed-SQL family (CockroachDB, YugabyteDB, TiDB, Spanner).

Consensus replication replaces streaming standbys: the replication factor and the survival goal
decide which failure loses no acknowledged commit (RPO 0 within the survival goal), the
leader-lease takeover decides the RTO, replica placement decides the commit latency (a write waits
for a majority), and backups/PITR are the engine's own. None of these engines runs on this host,
so the plan says "not verified here" with the reason.
"""

from __future__ import annotations

import math
from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding
from dbwright.rules.dr.facts import DrFacts
from dbwright.spec import Positions, Spec
from dbwright.stages.dr_common import cited, derive_inputs, evidence_of, q
from dbwright.stages.dr_geo import GP3_USD_GB_MONTH, NODE_USD_MONTH, S3_USD_GB_MONTH, region_rtt
from dbwright.theory import availability, recovery

DISTRIBUTED = ("cockroachdb", "yugabytedb", "tidb", "spanner")
# Leader/lease takeover after a node dies, with default settings, and where it is documented.
TAKEOVER = {
    "cockroachdb": (9.0, "CockroachDB docs, Replication Layer (epoch-based leases expire with node liveness, "
                    "~9 s): https://www.cockroachlabs.com/docs/stable/architecture/replication-layer"),
    "yugabytedb": (3.0, "YugabyteDB docs, Raft: leader_failure_max_missed_heartbeat_periods 6 × "
                   "raft_heartbeat_interval_ms 500 = 3 s: https://docs.yugabyte.com/preview/architecture/docdb-replication/raft/"),
    "tidb": (10.0, "TiKV docs, raft-base-tick-interval 1 s × raft-election-timeout-ticks 10: "
             "https://docs.pingcap.com/tidb/stable/tikv-configuration-file"),
    "spanner": (10.0, "Google Cloud Spanner, replication (managed; Paxos leader failover in seconds, "
                "99.999% multi-region SLA): https://cloud.google.com/spanner/docs/replication"),
}
BACKUP = {
    "cockroachdb": ("CREATE SCHEDULE … FOR BACKUP INTO 's3://…' WITH revision_history (full daily, incremental "
                    "hourly); PITR = RESTORE … AS OF SYSTEM TIME within the revision history",
                    "https://www.cockroachlabs.com/docs/stable/take-backups-with-revision-history-and-restore-from-a-point-in-time"),
    "yugabytedb": ("yb-admin create_snapshot_schedule (PITR within the retention) + distributed backups to S3 "
                   "(yb_backup / YugabyteDB Anywhere)",
                   "https://docs.yugabyte.com/preview/manage/backup-restore/point-in-time-recovery/"),
    "tidb": ("br backup full (daily) + br log start (PITR log backup) to S3; br restore point --restored-ts",
             "https://docs.pingcap.com/tidb/stable/br-pitr-guide"),
    "spanner": ("managed backups (daily) + version_retention_period up to 7 d for PITR (stale reads / export)",
                "https://cloud.google.com/spanner/docs/pitr"),
}
NOT_HERE = ("{engine} is not installed on this host (no Debian package in the test image): the plan is "
            "computed and cited, not verified on the engine here")


def is_distributed(engine: str | None) -> bool:
    return engine in DISTRIBUTED


def _regions(spec: Spec) -> list[str]:
    names = [r.name for r in spec.regions.list_]
    for n in (spec.regions.primary, spec.regions.dr, spec.regions.witness):
        if n and n not in names:
            names.append(n)
    return names


def build_distributed(spec: Spec, positions: Positions | None, engine: str, shards: int = 1) -> Section:
    inputs = derive_inputs(spec, "postgresql", shards)  # sizes, rates and targets (engine-neutral)
    inputs.assumptions = [a for a in inputs.assumptions if "technology stage chose" not in a]
    inputs.engine = engine
    regions = _regions(spec)
    survive_region = inputs.rpo_s("region") == 0 or inputs.rto_s("region") < 3600
    goal = "region" if survive_region and len(regions) >= 3 else "zone"
    rf = 5 if goal == "region" else 3
    placement = ({regions[0]: 2, regions[1]: 2, regions[2]: 1} if goal == "region"
                 else {regions[0] if regions else "primary": 3})
    # A write commits when a majority has it: with the leaseholder in regions[0], the nearest remote
    # region closes the majority (2 local + 1 remote of 5).
    rtts = [r for r in (region_rtt(spec, regions[0], o) for o in regions[1:3]) if r] if goal == "region" else []
    commit = (min(rtts, key=lambda r: r["value"]) if rtts else
              cited(1.0, "ms", "majority within the region: one inter-zone round trip", "AWS fault isolation "
                    "boundaries whitepaper (single-digit ms between AZs)"))
    take_s, take_src = TAKEOVER[engine]
    rto = cited(take_s, "s", f"{engine} leader/lease takeover after a node or region loss (default settings)", take_src)
    node_a = availability.NODE_AVAILABILITY
    majority = rf // 2 + 1
    a_v = sum(math.comb(rf, k) * node_a ** k * (1 - node_a) ** (rf - k) for k in range(majority, rf + 1))
    avail = q(a_v, "fraction", "A = P(at least a majority of RF replicas up) = Σₖ₌ₘᵃʲ C(RF,k)·a^k·(1−a)^(RF−k)",
              rf=rf, node_availability=node_a, majority=majority)
    nodes = rf * max(1, shards)
    size_gb = inputs.size_b / 1e9
    cost_v = nodes * (NODE_USD_MONTH + size_gb / max(1, shards) * 1.2 * GP3_USD_GB_MONTH) \
        + size_gb * 0.35 * 2 * S3_USD_GB_MONTH
    cost = q(cost_v, "USD/month", "cost = nodes (RF × ranges' node groups) × (instance + gp3) + backup storage "
             "(approximate AWS on-demand prices, licences excluded)", nodes=nodes, rf=rf,
             node_usd_month=round(NODE_USD_MONTH, 2), size_gb=round(size_gb, 1))
    restore = recovery.predict_restore(inputs.size_b, recovery.RESTORE_THROUGHPUT_BPS * rf, 0.0,
                                       provision_s=recovery.PROVISION_EXISTING_HOST_S, verify_s=recovery.VERIFY_S)
    restore_q = q(restore.total_s, "s", "restore = size / (per-node restore throughput × nodes restoring in "
                  "parallel) + verify", **restore.inputs, nodes=rf)
    backup_how, backup_src = BACKUP[engine]
    decisions = [
        Decision(topic="Replication factor and survival goal",
                 choice=f"RF {rf}, survive {goal} failure: {' + '.join(f'{n} {k}' for k, n in placement.items())}",
                 rationale=(f"Raft/Paxos commits on a majority ({majority} of {rf}), so losing a {goal} loses no "
                            f"acknowledged write (RPO 0) and the survivors elect a new leader in ≈ {take_s:g} s. "
                            f"Region RPO {inputs.rpo['region']['display']}, RTO {inputs.rto['region']['display']}."),
                 trade_offs=[f"every write waits for the majority: +{commit['display']} per commit",
                             f"{rf} copies of the data"],
                 alternatives=[Alternative("RF 3 in one region (survive zone)", "a region loss takes the majority")
                               if goal == "region" else
                               Alternative("RF 5 over 3 regions (survive region)", "+RTT per commit for a target "
                                           "the spec does not set")],
                 evidence=[evidence_of(commit), evidence_of(rto), evidence_of(avail)]),
        Decision(topic="Backups and PITR (native)", choice=backup_how,
                 rationale=f"The engine's own distributed backup; restore ≈ {restore_q['display']} in parallel.",
                 trade_offs=["backups go to object storage in another region (off-site)"],
                 alternatives=[Alternative("pgBackRest/mariabackup", f"do not apply to {engine}")],
                 evidence=[Evidence.cited(backup_how, backup_src), evidence_of(restore_q)]),
    ]
    budget_ms = spec.availability.commit_latency * 1000 if spec.availability.commit_latency is not None else None
    facts = DrFacts(
        rpo_s={k: inputs.rpo_s(k) for k in inputs.rpo}, rto_s={k: inputs.rto_s(k) for k in inputs.rto},
        rpo_mechanism={"logical": "archive", "host": "sync", "zone": "sync",
                       "region": "sync" if goal == "region" else "archive"},
        rto_mechanism={"logical": "restore", "host": "failover", "zone": "failover",
                       "region": "failover" if goal == "region" else "restore"},
        archive_rpo_s=0.0, predicted_restore_s=restore.total_s, failover_worst_s=take_s, off_site=spec.dr.off_site,
        primary_region=regions[0] if regions else None, repo_regions=regions[1:2] or ["off-site"],
        sync_rtt_ms=float(commit["value"]), commit_latency_budget_ms=budget_ms, availability=a_v,
        availability_target=inputs.target, availability_max=a_v, cost_usd_month=cost_v,
        budget_usd_month=spec.budget.monthly_usd, residency=list(spec.regions.residency),
        pitr_window_s=spec.dr.pitr_window, backup_retention_s=spec.dr.backup_retention or spec.dr.pitr_window,
        compliance_retention_s=spec.dr.compliance_retention, longest_retention_s=spec.dr.compliance_retention)
    facts.options = {
        "DR017": [f"survive zone only (RF 3 in {regions[0] if regions else 'the primary region'}): +1 ms per commit, "
                  "region RPO = the backup interval", "raise availability.commit_latency to ≥ "
                  f"{commit['value']:.1f} ms", "global tables / follower reads for read latency (writes still pay)"],
        "DR007": [f"raise the RTO to ≥ {take_s:g} s (the {engine} takeover)",
                  "lower the lease/heartbeat settings (more false elections under load)"],
        "DR015": [f"raise budget.monthly_usd to ≥ {cost_v:,.0f}",
                  f"RF 3 instead of {rf}: ≈ ${cost_v * 3 / rf:,.0f}/month, survives a zone only"],
    }
    from dbwright.stages.dr_ha import check  # the same DR rules judge every family

    findings: list[Finding] = check(facts, positions)
    targets = [{"disruption": k, "rpo_target": inputs.rpo[k], "rto_target": inputs.rto[k],
                "rpo_predicted": q(0.0, "s", "majority commit", rf=rf) if facts.rpo_mechanism[k] == "sync"
                else q(0.0, "s", "native PITR restores to any time inside its MVCC/snapshot history",
                       engine=engine) if k == "logical"
                else q(3600.0, "s", "backup interval (hourly incremental)", rf=rf),
                "rto_predicted": rto if facts.rto_mechanism[k] == "failover" else restore_q,
                "meets": (facts.rpo_mechanism[k] == "sync" or k == "logical" or inputs.rpo_s(k) >= 3600)
                and (take_s if facts.rto_mechanism[k] == "failover" else restore.total_s) <= inputs.rto_s(k)}
               for k in ("host", "zone", "region", "logical")]
    settings = {"project": spec.project, "engine": engine, "rf": rf, "goal": goal, "placement": placement,
                "regions": regions}
    data = {"family": "distributed", "engine": engine, "shard_nodes": shards, "rf": rf, "survival_goal": goal,
            "placement": placement, "commit_latency_added": commit, "takeover": rto, "availability": avail,
            "restore": restore_q, "cost": {"monthly": cost, "budget_usd_month": spec.budget.monthly_usd},
            "inputs": {"size": inputs.size, "wal_rate": inputs.wal_rate, "rpo": inputs.rpo, "rto": inputs.rto,
                       "assumptions": inputs.assumptions},
            "targets": targets, "facts": facts.__dict__, "settings": settings,
            "verification": {"verified": False, "reason": NOT_HERE.format(engine=engine)}}
    summary = (f"{engine}: RF {rf}, survive {goal} failure, +{commit['display']} per commit, takeover ≈ "
               f"{take_s:g} s, availability {avail['display']}; native backups ({engine} not verified here).")
    return Section(name="dr_ha", title="Disaster recovery & high availability", summary=summary,
                   decisions=decisions, findings=findings, data=data)


def distributed_files(data: dict[str, Any]) -> dict[str, str]:
    """Placement/survival config and runbooks for the chosen distributed engine."""
    s = data["settings"]
    eng, rf, regions = s["engine"], s["rf"], s["regions"]
    files: dict[str, str] = {}
    if eng == "cockroachdb":
        db = s["project"].replace("-", "_")
        lines = [f"-- CockroachDB multi-region placement for {db} (dbwright dr plan; not verified here).",
                 f'ALTER DATABASE {db} SET PRIMARY REGION "{regions[0]}";' if regions else ""]
        lines += [f'ALTER DATABASE {db} ADD REGION "{r}";' for r in regions[1:]]
        lines.append(f"ALTER DATABASE {db} SURVIVE {'REGION' if s['goal'] == 'region' else 'ZONE'} FAILURE;")
        lines.append(f"ALTER DATABASE {db} CONFIGURE ZONE USING num_replicas = {rf};")
        files["cockroachdb/placement.sql"] = "\n".join(x for x in lines if x) + "\n"
        files["cockroachdb/backup-schedule.sql"] = (
            f"CREATE SCHEDULE {db}_backup FOR BACKUP INTO 's3://CHANGE-ME/{db}?AUTH=implicit' "
            "WITH revision_history RECURRING '@hourly' FULL BACKUP '@daily' WITH SCHEDULE OPTIONS first_run = 'now';\n")
    elif eng == "yugabytedb":
        zones = ",".join(f"aws.{r}.{r}a:{n}" for r, n in s["placement"].items())
        files["yugabytedb/placement.sh"] = (
            "#!/bin/sh\n# YugabyteDB placement (dbwright dr plan; not verified here).\nset -eu\n"
            f"yb-admin --master_addresses \"$YB_MASTERS\" modify_placement_info {zones} {rf}\n"
            + (f"yb-admin --master_addresses \"$YB_MASTERS\" set_preferred_zones aws.{regions[0]}.{regions[0]}a\n"
               if regions else ""))
        files["yugabytedb/snapshot-schedule.sh"] = (
            "#!/bin/sh\n# PITR: snapshot every hour, kept 7 days (dbwright dr plan; not verified here).\nset -eu\n"
            f"yb-admin --master_addresses \"$YB_MASTERS\" create_snapshot_schedule 60 10080 ysql.{s['project']}\n")
    elif eng == "tidb":
        files["tidb/placement.sql"] = (
            f"CREATE PLACEMENT POLICY dbw_{s['goal']} PRIMARY_REGION=\"{regions[0] if regions else 'primary'}\" "
            f"REGIONS=\"{','.join(regions) or 'primary'}\" FOLLOWERS={rf - 1};\n")
        files["tidb/backup.sh"] = ("#!/bin/sh\nset -eu\nbr backup full --pd \"$PD\" --storage s3://CHANGE-ME/full\n"
                                   "br log start --task-name=pitr --pd \"$PD\" --storage s3://CHANGE-ME/log\n")
    else:
        files["spanner/instance-config.txt"] = (f"Spanner: a multi-region instance configuration covering "
                                               f"{', '.join(regions) or 'the chosen regions'}; "
                                               "version_retention_period = '7d' for PITR.\n")
    files["runbooks/region-failover.md"] = (
        f"# Region failover ({eng}, RF {rf}, survive {s['goal']})\n\n"
        f"1. Confirm the surviving replicas hold a majority of every range (the {eng} console / "
        "under-replicated ranges metric = 0 unavailable).\n"
        "2. Do nothing to promote: leaders move by consensus. Check that leaseholders/leaders moved out of the lost "
        "region and p99 write latency settled at the new majority's round trip.\n"
        "3. Drain application traffic from the lost region at the global load balancer.\n"
        "4. When the region returns, let the nodes rejoin and up-replicate; watch under-replicated ranges fall "
        "to 0 before declaring recovery.\n")
    return files
