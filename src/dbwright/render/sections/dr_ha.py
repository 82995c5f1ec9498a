"""Render the 'dr_ha' section: Markdown for DESIGN.md, and the generated configs and runbooks."""

from __future__ import annotations

import json
from typing import Any

from dbwright.design import Section
from dbwright.render import gfm
from dbwright.stages.dr_configs import render_configs


def _cell(x: Any) -> str:
    if isinstance(x, dict) and "display" in x:
        return str(x["display"])
    if isinstance(x, bool):
        return "yes" if x else "**no**"
    return "–" if x is None else gfm.plain(x)


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return gfm.plain(v)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _formula(x: dict[str, Any]) -> str:
    ev = x.get("evidence", {})
    if ev.get("kind") == "formula":
        return f"`{ev['detail']}`"
    return f"{ev.get('detail', '')} ({ev.get('source', '')})"


def render_markdown(section: Section) -> str:
    """The section body in DESIGN.md (the design template adds the summary, decisions and findings)."""
    d = section.data
    if d.get("family") == "distributed":
        return _distributed_markdown(d)
    parts: list[str] = []
    parts += ["### Targets and predictions", "",
              _table(["disruption", "RPO target", "RPO predicted", "by", "RTO target", "RTO predicted", "by", "meets"],
                     [[r["disruption"], r["rpo_target"], r["rpo_predicted"], r["rpo_mechanism"], r["rto_target"],
                       r["rto_predicted"], r["rto_mechanism"], r["meets"]] for r in d["targets"]]), ""]
    inp = d["inputs"]
    parts += ["### Inputs", "",
              _table(["input", "value", "how"],
                     [[k, inp[k], _formula(inp[k])] for k in ("size", "growth", "change_rate", "wal_rate",
                                                               "restore_throughput")]), ""]
    if inp["assumptions"]:
        parts += ["Assumptions: " + "; ".join(inp["assumptions"]) + ".", ""]
    b = d["backups"]
    parts += ["### Backups", "",
              _table(["strategy", "restore (worst)", "PITR-tier storage now", "in 12 months", "daily window",
                      "meets logical RTO"],
                     [[("**" + s["name"] + "**") if s["key"] == b["chosen"] else s["name"], s["restore"],
                       s["footprint_now"], s["footprint_12_months"], s["backup_window"], s["meets_logical_rto"]]
                      for s in b["strategies"]]), ""]
    chosen = next(s for s in b["strategies"] if s["key"] == b["chosen"])
    parts += ["Predicted restore of the chosen schedule: " + _formula(chosen["restore"]) + " = "
              + " + ".join(f"{k} {v:.0f} s" for k, v in chosen["restore"]["phases"].items())
              + f" = **{chosen['restore']['display']}**.", ""]
    parts += ["Retention tiers (grandfather-father-son):", "",
              _table(["tier", "every", "kept", "PITR", "copies"],
                     [[t["tier"], f"{t['every_days']} d", f"{t['keep_days']:.0f} d", t["with_wal"], t["count"]]
                      for t in b["retention"]["tiers"]]), ""]
    parts += [f"Compliance copies: {b['compliance_storage']['bytes']['display']}, "
              f"≈ {b['compliance_storage']['monthly_cost']['display']} on Glacier Instant Retrieval.", ""]
    p = d["pitr"]
    parts += ["### Point-in-time recovery", "",
              f"archive_timeout {p['archive']['archive_timeout_s']:.0f} s → archive-only RPO "
              f"{p['archive']['archive_rpo']['display']}. Runbooks per target type: `runbooks/pitr-<type>.md`.", ""]
    ha = d["ha"]
    fo = ha["failover"]
    parts += ["### High availability", "",
              f"{ha['nodes']} nodes, {ha['manager']}, {ha['replication']} replication; {ha['dcs_voters']} DCS voters over "
              f"{ha['zones']} zone(s) ({'given' if ha['zones_given'] else 'assumed'}: "
              f"{gfm.plain(ha['zone_quorum']['placement'])}), zone loss "
              f"{'fails over automatically' if ha['zone_failover_automatic'] else 'needs a manual promotion'}. Failover "
              f"{fo['best']['display']} … {fo['display']} (expected {fo['expected']['display']}): "
              + _formula(fo) + ".", "",
              _table(["phase", "best", "worst", "expected"],
                     [[k, f"{v['best']:.1f} s", f"{v['worst']:.1f} s", f"{v['expected']:.1f} s"]
                      for k, v in fo["phases"].items()]), "",
              f"Availability {ha['availability']['display']} = {ha['availability']['downtime']['display']} "
              f"downtime ({_formula(ha['availability'])}). Durability: annual loss probability "
              f"{ha['durability']['display']} — {ha['durability']['caveat']}", ""]
    m = d["multi_region"]
    if "tiers" in m:
        parts += ["### Multi-region", "",
                  f"{m['primary']} ↔ {m['dr']}: RTT {_cell(m.get('rtt'))}"
                  + (f" ({_formula(m['rtt'])})" if m.get("rtt") else "") + ".", "",
                  _table(["mode", "commit latency added", "RPO"],
                         [[x["mode"], x["commit_latency_added"], x["rpo"]] for x in m["sync_vs_async"]]), "",
                  _table(["quorum placement", "voters", "survives any node", "survives any region",
                          "survives any two regions"],
                         [[k, v["placement"], v["survives_any_node"], v["survives_any_site"], v["survives_any_two_sites"]]
                          for k, v in m["quorum"]["placements"].items()]), "",
                  _table(["DR tier", "RPO", "RTO", "extra cost", "meets"],
                         [[("**" + t["tier"] + "**") if t["tier"] == m["tier"] else t["tier"], t["rpo"], t["rto"],
                           t["cost"], t["meets"]] for t in m["tiers"]]), "",
                  "Failover and failback runbook: `runbooks/region-failover.md`.", ""]
    elif m.get("note"):
        parts += ["### Multi-region", "", m["note"], ""]
    parts += _drills(d.get("drills") or [])
    parts += ["Generated files (under `dr/`): " + ", ".join(f"`{k}`" for k in sorted(dr_files(section))), ""]
    return "\n".join(parts)


def _drills(drills: list[dict[str, Any]]) -> list[str]:
    """Predicted vs measured, from drills run with the design (``dbwright design --drill KIND``)."""
    if not drills:
        return []
    rows = []
    for r in drills:
        if "skipped" in r:
            rows.append([r["kind"], "skipped", "–", "–", "–", "–", "–", r["skipped"]])
            continue
        size = (r.get("data") or {}).get("backup_db_bytes")
        rows.append([r["kind"], r.get("engine") or r.get("topology", ""),
                     f"{r['predicted']['rto_s']:.2f} s" if r["predicted"].get("rto_s") is not None else "–",
                     f"{r['measured']['rto_s']:.2f} s" if r["measured"].get("rto_s") is not None else "–",
                     r.get("ratio_measured_to_predicted", "–"), r.get("acked_commits"),
                     f"{r.get('acked_lost')} lost" + (f", {r['rows_after_target']} after target"
                                                      if "rows_after_target" in r else ""),
                     ("**passed**" if r.get("passed") else "**FAILED**")
                     + (f"; {size / 1e9:.2f} GB restored" if size else "")])
    parts = ["### Drill evidence", "",
             "Measured on throwaway loopback clusters of this host while the design ran: each drill checks "
             "the plan's formulas (restore = provision + size / throughput + WAL / replay rate + startup; "
             "failover from the manager's settings) at drill scale, with the same constants the plan uses "
             "at your scale.", "",
             _table(["drill", "engine", "predicted RTO", "measured RTO", "measured / predicted", "acked commits",
                     "lost", "result"], rows), ""]
    for r in drills:
        if r.get("timeline_mermaid"):
            parts += [f"Timeline of `{r['kind']}` (also `dr/drills/{r['kind']}.svg`):", "", "```mermaid",
                      r["timeline_mermaid"].rstrip(), "```", ""]
    return parts


def render_plan_markdown(section: Section) -> str:
    """A standalone DR plan (``dbwright dr plan``): summary, body, decisions with evidence, gaps."""
    parts = [f"# {section.title}", "", section.summary, "", render_markdown(section), "## Decisions", ""]
    for dec in section.decisions:
        parts.append(f"- **{dec.topic}**: {dec.choice}. {dec.rationale}")
        parts += [f"  - trade-off: {t}" for t in dec.trade_offs]
        parts += [f"  - not {a.name}: {a.why_not}" for a in dec.alternatives]
        for ev in dec.evidence:
            how = (f"`{ev.detail}` with {', '.join(f'{k}={_short(v)}' for k, v in ev.inputs.items())}"
                   if ev.kind == "formula" else f"{ev.detail} ({ev.source or ev.kind})")
            parts.append(f"  - evidence: {how}")
    if section.findings:
        parts += ["", "## Gaps", ""]
        parts += [f"- {f.severity.value} **{f.code}** {f.message} — fix: {f.remediation}" for f in section.findings]
    return "\n".join(parts) + "\n"


def _runbook(title: str, steps: list[str]) -> str:
    return f"# {title}\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1)) + "\n"


def render_files(section: Section) -> dict[str, str]:
    """Configs and runbooks under ``dr/`` of the design package."""
    files = {f"dr/{k}": v for k, v in dr_files(section).items()}
    for r in section.data.get("drills") or []:
        if "skipped" not in r:
            files[f"dr/drills/{r['kind']}.svg"] = r["timeline_svg"]
            files[f"dr/drills/{r['kind']}.json"] = json.dumps(
                {k: v for k, v in r.items() if k not in ("timeline_svg",)}, indent=2, default=str) + "\n"
    return files


def _distributed_markdown(d: dict[str, Any]) -> str:
    rows = [[r["disruption"], r["rpo_target"], r["rpo_predicted"], r["rto_target"], r["rto_predicted"], r["meets"]]
            for r in d["targets"]]
    parts = ["### Targets and predictions", "",
             _table(["disruption", "RPO target", "RPO predicted", "RTO target", "RTO predicted", "meets"], rows), "",
             "### Replication", "",
             _table(["engine", "RF", "survival goal", "placement", "commit latency added", "takeover", "availability"],
                    [[d["engine"], d["rf"], d["survival_goal"],
                      ", ".join(f"{k}: {n}" for k, n in d["placement"].items()), d["commit_latency_added"],
                      d["takeover"], d["availability"]]]), "",
             f"Verification: {d['verification']['reason']}.", ""]
    if d["inputs"]["assumptions"]:
        parts += ["Assumptions: " + "; ".join(d["inputs"]["assumptions"]) + ".", ""]
    return "\n".join(parts)


def dr_files(section: Section) -> dict[str, str]:
    """Configs and runbooks, paths relative to a DR directory."""
    d = section.data
    if d.get("family") == "distributed":
        from dbwright.stages.dr_distributed import distributed_files

        return distributed_files(d)
    files = render_configs(d["settings"])
    for kind, steps in (d["pitr"]["runbooks"].items() if d["engine"] == "postgresql" else ()):
        files[f"runbooks/pitr-{kind}.md"] = _runbook(f"Point-in-time recovery to a {kind} target (PostgreSQL)",
                                                     steps)
    if "mariadb" in d["pitr"]:
        files["runbooks/mariadb-pitr.md"] = _runbook("Point-in-time recovery (MariaDB)", d["pitr"]["mariadb"]["runbook"])
    rb = d["multi_region"].get("runbook")
    if rb:
        files["runbooks/region-failover.md"] = (_runbook(f"Region failover ({d['multi_region']['tier']})", rb["failover"])
                                                + "\n" + _runbook("Failback", rb["failback"]).replace("# ", "## ", 1))
    return files
