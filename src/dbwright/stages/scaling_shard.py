"""Sharding: shard-key candidates scored by simulation on synthetic keys with the declared skew
(load balance max/mean, hot-spot risk), the share of access patterns that stay on one shard, a
resharding plan, and the timeline fan-out decision for follow graphs."""

from __future__ import annotations

import math
import re
from typing import Any

from dbwright.model import Alternative, Decision, Evidence, Finding, Location, Severity
from dbwright.spec.models import AccessPattern, Entity, Spec
from dbwright.spec.units import fmt_bytes
from dbwright.stages import workload_profile as wp
from dbwright.theory.caching import harmonic, parse_zipf
from dbwright.theory.sharding import HASH_SLOTS, moved_fraction, simulate_balance

SHARD_BYTES = 2e12          # target data per worker node
REFERENCE_MAX_ROWS = 1_000_000
MERGE_WEIGHT = 0.1  # a cached list read costs about a tenth of a durable, indexed row write (assumption)
CITUS_DOC = "https://docs.citusdata.com/en/stable/sharding/data_modeling.html"
REBALANCE_DOC = "https://docs.citusdata.com/en/stable/admin_guide/cluster_management.html"
VITESS_DOC = "https://vitess.io/docs/user-guides/configuration-advanced/resharding/"
REDIS_SLOTS_DOC = "https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/"
_EQ = re.compile(r"\b([a-z_][a-z0-9_]*)\s*=\s*:", re.I)


def _refs_to(e: Entity, root: str) -> list[str]:
    refs = [n for n, a in e.attributes.items() if a.type == "ref" and a.ref == root]
    return sorted(refs, key=lambda n: (not e.attributes[n].owned, n))


def routing(spec: Spec, root: str) -> dict[str, dict[str, Any]]:
    """How each entity reaches the shard key of ``root``: its own id, a direct reference, one hop
    through a parent (denormalise the key), a replicated reference table, or not at all."""
    out: dict[str, dict[str, Any]] = {}
    for name, e in spec.entities.items():
        if name == root:
            out[name] = {"how": "key", "column": "id"}
        elif _refs_to(e, root):
            out[name] = {"how": "ref", "column": f"{_refs_to(e, root)[0]}_id"}
        elif (e.rows or 0) <= REFERENCE_MAX_ROWS:
            out[name] = {"how": "reference", "column": None}
    for name, e in spec.entities.items():
        if name in out:
            continue
        parent = next((a for a in e.attributes.values() if a.type == "ref" and a.ref in out
                       and out[a.ref]["how"] in ("ref", "key")), None)
        if parent is not None:
            col = f"{root[0].lower() + re.sub(r'(?<!^)(?=[A-Z])', '_', root[1:]).lower()}_id"
            out[name] = {"how": "via", "column": col, "through": parent.ref}
        else:
            out[name] = {"how": "none", "column": None}
    return out


def _filters(p: AccessPattern) -> set[str]:
    cols = set(p.equals)
    if p.sql:
        cols |= {m.group(1).split(".")[-1] for m in _EQ.finditer(p.sql)}
    return cols


def classify(spec: Spec, route: dict[str, dict[str, Any]], p: AccessPattern) -> tuple[str, str]:
    entity = wp.pattern_entity(spec, p)
    if p.is_write:
        targets = list(p.writes) or [entity or ""]
        hows = [route.get(t, {"how": "none"})["how"] for t in targets]
        if all(h in ("key", "ref", "via") for h in hows):
            return "single", "written rows share the shard key"
        if all(h in ("key", "ref", "via", "reference") for h in hows):
            return "all", "writes a replicated reference table (every shard)"
        return "cross", "writes rows that are not co-located"
    r = route.get(entity or "", {"how": "none", "column": None})
    if r["how"] == "reference":
        return "single", "reference table replicated to every shard"
    cols = _filters(p)
    if r["column"] and (r["column"] in cols or r["column"].removesuffix("_id") in cols):
        return "single", f"filters on {r['column']}"
    if r["how"] == "key" and ("id" in cols or (p.limit == 1 and not cols)):
        return "single", "by primary key"
    return "fanout", "does not filter on the shard key: visits every shard"


def _skew_for(spec: Spec, root: str, route: dict[str, dict[str, Any]]) -> tuple[float, str]:
    """The declared skew of the shard key: on the biggest entity routed by a reference."""
    routed = sorted(((spec.entities[n].rows or 0, n) for n, r in route.items() if r["how"] == "ref"), reverse=True)
    if not routed:
        return 0.0, f"uniform: each {root} row is its own key (no entity references {root})"
    for _, n in routed:
        col = route[n]["column"].removesuffix("_id")
        if col in spec.entities[n].skew:
            return parse_zipf(spec.entities[n].skew[col]), f"{n}.skew.{col}"
    if spec.workload.access_skew:
        return parse_zipf(spec.workload.access_skew), "workload.access_skew"
    return 1.0, "none declared: zipf(1.0)"


def evaluate(spec: Spec, root: str, nodes: int, node_ops: float = 50_000.0) -> dict[str, Any]:
    route = routing(spec, root)
    total = sum(p.rate for p in spec.access_patterns) or 1.0
    per: list[dict[str, Any]] = []
    for p in spec.access_patterns:
        kind, why = classify(spec, route, p)
        per.append({"pattern": p.name, "rate": p.rate, "class": kind, "why": why})
    single = sum(x["rate"] for x in per if x["class"] in ("single", "all")) / total
    cross = sum(x["rate"] for x in per if x["class"] == "cross") / total
    fan = sum(x["rate"] for x in per if x["class"] == "fanout") / total
    keys = spec.entities[root].rows or 1
    tenant_share = spec.tenancy.largest_tenant_share if spec.tenancy and root == spec.tenancy.tenant_entity else 0.0
    s, s_basis = _skew_for(spec, root, route)
    bal = simulate_balance(keys, s, nodes)
    hottest = max(bal.hottest_key_share, tenant_share)
    r = wp.rates(spec)
    peak_ops = r.peak_reads + r.peak_rows_written
    hottest_load = hottest * peak_ops
    # a single key cannot be split across shards: compare its load with what one node serves
    risk = "high" if hottest_load > 0.5 * node_ops or bal.max_over_mean >= 2 else \
        ("medium" if hottest_load > 0.1 * node_ops or bal.max_over_mean >= 1.3 else "low")
    txn_local = all(all(route.get(t, {"how": "none"})["how"] in ("key", "ref", "via", "reference") for t in group)
                    for group in spec.consistency.transactions)
    by_count = sum(1 for x in per if x["class"] in ("single", "all")) / max(1, len(per))
    # half by call rate, half by pattern count: a rare fan-out query still costs every shard
    score = 0.5 * single + 0.5 * by_count - {"high": 0.3, "medium": 0.1, "low": 0.0}[risk] - (0.0 if txn_local else 0.2) \
        - (0.2 if keys < nodes * 50 else 0.0)
    remedies = []
    for x in per:
        if x["class"] != "fanout":
            continue
        p = next(q for q in spec.access_patterns if q.name == x["pattern"])
        ent = wp.pattern_entity(spec, p)
        e = spec.entities.get(ent or "")
        other = [c for c in _filters(p) if e is not None and c.removesuffix("_id") in e.attributes
                 and e.attributes[c.removesuffix("_id")].type == "ref"
                 and e.attributes[c.removesuffix("_id")].ref == root]
        if other:
            remedies.append(f"{x['pattern']}: keep a second copy of {ent} distributed by {other[0]} "
                            "(written in the same job as the first, or by CDC)")
        elif p.limit == 1 and e is not None:
            remedies.append(f"{x['pattern']}: a lookup table from {', '.join(sorted(_filters(p)))} to the shard key")
    return {"root": root, "key": f"{root}.id", "columns": {n: r["column"] for n, r in route.items()},
            "single_shard_patterns": by_count,
            "routing": route, "patterns": per, "single_shard_share": single, "cross_shard_share": cross,
            "fanout_share": fan, "nodes": nodes, "keys": keys, "skew": s, "skew_basis": s_basis,
            "max_over_mean": bal.max_over_mean, "hottest_key_share": hottest, "hot_spot": risk,
            "hottest_key_ops": hottest_load, "node_ops": node_ops,
            "transactions_local": txn_local, "score": score, "remedies": remedies,
            "events_simulated": bal.events, "keys_simulated": bal.keys_simulated}


def candidates(spec: Spec) -> list[str]:
    big = [n for n, e in spec.entities.items() if (e.rows or 0) >= 10_000_000]
    roots: set[str] = set()
    if spec.tenancy and spec.tenancy_model != "none" and spec.tenancy.tenant_entity in spec.entities:
        roots.add(spec.tenancy.tenant_entity)
    for n in big:
        roots.add(n)
        for a in spec.entities[n].attributes.values():
            if a.type == "ref" and a.ref in spec.entities and a.ref != n:
                roots.add(a.ref)
    return sorted(roots)


def _needed(proj: list[dict[str, Any]], cap: dict[str, Any], category: str | None,
            bytes_3y: float | None) -> tuple[bool, str]:
    y3 = cap["projections"][2]
    reasons = []
    if y3["write_headroom"] is not None and y3["write_headroom"] < 1:
        reasons.append(f"writes at year 3 need {y3['write_nodes']} nodes")
    size = bytes_3y if bytes_3y is not None else y3["total_bytes"]
    if size > 10e12:
        reasons.append(f"data reaches {fmt_bytes(size)} by year 3")
    if category in ("distributed-sql", "wide-column") and not reasons:
        reasons.append(f"the recommended engine ({category}) distributes data by key")
    return bool(reasons), "; ".join(reasons)


def shard_plan(spec: Spec, proj: list[dict[str, Any]], cap: dict[str, Any], engine: str | None,
               category: str | None, bytes_3y: float | None = None
               ) -> tuple[list[Decision], dict[str, Any], list[Finding]]:
    """``bytes_3y``: data at year 3 after compression of ingest tables (else the row-store projection)."""
    needed, why = _needed(proj, cap, category, bytes_3y)
    findings: list[Finding] = []
    decisions: list[Decision] = []
    fan = fanout_decision(spec, float(cap["node"]["write_rows_per_s"]))
    if fan:
        decisions.append(fan[0])
    if not needed:
        return decisions, {"needed": False, "fanout": fan[1] if fan else None}, findings
    y3 = cap["projections"][2]
    size = bytes_3y if bytes_3y is not None else y3["total_bytes"]
    nodes = max(2, y3["write_nodes"], math.ceil(size / SHARD_BYTES))
    shards = 2 ** math.ceil(math.log2(nodes * 8))
    node_ops = float(cap["node"]["point_reads_per_s"]) * 0.6
    results = sorted((evaluate(spec, r, nodes, node_ops) for r in candidates(spec)), key=lambda x: -x["score"])
    if not results:
        return decisions, {"needed": True, "why": why, "candidates": []}, findings
    best = results[0]
    ev = [Evidence.formula("worker nodes = max(2, write nodes at year 3, bytes at year 3 / 2 TB)", nodes,
                           write_nodes=y3["write_nodes"], bytes_3y=round(size)),
          Evidence.formula("shards = next power of two ≥ 8 per node (room to rebalance)", shards, nodes=nodes)]
    for r in results[:4]:
        ev.append(Evidence.measured(
            f"shard key {r['key']}: simulated {r['events_simulated']:,} accesses over {r['keys']:,} keys "
            f"(Zipf {r['skew']:g} from {r['skew_basis']}) hashed into {HASH_SLOTS} slots on {nodes} nodes",
            {"max_over_mean": round(r["max_over_mean"], 3), "hottest_key_share": round(r["hottest_key_share"], 5),
             "hot_spot": r["hot_spot"]}, engine="dbwright shard simulation (seeded)", version="1",
            hottest_key_ops=round(r["hottest_key_ops"]), node_ops=round(r["node_ops"]),
            rule="high if the hottest key needs > 50% of a node or max/mean ≥ 2; medium > 10% or ≥ 1.3"))
        ev.append(Evidence.formula(f"shard key {r['key']}: share of calls on one shard = Σ rate(single) / Σ rate",
                                   round(r["single_shard_share"], 4), cross=round(r["cross_shard_share"], 4),
                                   fanout=round(r["fanout_share"], 4)))
    ev.append(Evidence.cited("Citus: co-locate tables on the distribution column", CITUS_DOC))
    plan = resharding(engine, category, nodes, shards)
    ev += plan["evidence"]
    cols = ", ".join(f"{n}.{c}" for n, c in best["columns"].items() if c)
    alts = [Alternative(f"shard by {r['key']}", f"{r['single_shard_share']:.0%} single-shard calls, max/mean "
                        f"{r['max_over_mean']:.2f}, hot-spot {r['hot_spot']}"
                        + ("" if r["transactions_local"] else ", transactions cross shards")) for r in results[1:4]]
    decisions.append(Decision(
        topic="sharding",
        choice=f"shard by {best['key']} ({cols}) over {shards} shards on {nodes} nodes",
        rationale=(f"Sharding is needed: {why}. {best['key']} keeps {best['single_shard_share']:.0%} of calls on one "
                   f"shard ({best['fanout_share']:.0%} fan out, {best['cross_shard_share']:.0%} cross-shard writes); "
                   f"simulated load max/mean {best['max_over_mean']:.2f} with the hottest key at "
                   f"{best['hottest_key_share']:.2%} of traffic (hot-spot risk {best['hot_spot']}). "
                   + ("Multi-entity transactions stay on one shard. " if best["transactions_local"] else "")
                   + ("Fan-out remedies: " + "; ".join(best["remedies"]) + ". " if best["remedies"] else "")
                   + plan["text"]),
        trade_offs=[f"{best['fanout_share']:.0%} of calls fan out to all shards",
                    "cross-shard transactions need two-phase commit or a saga",
                    "resharding moves data online but needs capacity and monitoring while it runs"]
        + ([f"hot-spot risk {best['hot_spot']}: the hottest key takes {best['hottest_key_share']:.1%} of load; "
            "isolate it on its own shard (tenant isolation) or salt its key"] if best["hot_spot"] != "low" else []),
        alternatives=alts, evidence=ev))
    if best["hot_spot"] == "high":
        findings.append(Finding("SCALE001", Severity.WARNING, f"shard key {best['key']} has a high hot-spot risk "
                                f"(hottest key {best['hottest_key_share']:.1%} of load on {nodes} nodes)",
                                Location(path=f"entities.{best['root']}"),
                                remediation="isolate the largest keys on dedicated shards or salt them"))
    data = {"needed": True, "why": why, "nodes": nodes, "shards": shards,
            "chosen": {"key": best["key"], "shards": shards, "nodes": nodes},
            "candidates": [{k: v for k, v in r.items() if k != "routing"} for r in results],
            "resharding": {k: v for k, v in plan.items() if k != "evidence"}, "fanout": fan[1] if fan else None}
    return decisions, data, findings


def resharding(engine: str | None, category: str | None, nodes: int, shards: int) -> dict[str, Any]:
    moved_slots = moved_fraction(nodes, nodes * 2, "slots")
    moved_mod = moved_fraction(nodes, nodes * 2 + 1, "modulo")
    ev = [Evidence.formula("data moved when doubling nodes with fixed slots/shards = 1 − old/new", moved_slots,
                           old=nodes, new=nodes * 2),
          Evidence.formula("data moved with key mod N hashing (N → 2N+1)", round(moved_mod, 3), old=nodes,
                           new=nodes * 2 + 1)]
    if engine == "timescaledb":
        text = (f"Resharding: TimescaleDB has no multi-node since 2.14, so shard in the application: {HASH_SLOTS} "
                f"hash slots of the key mapped to {nodes} independent TimescaleDB primaries in a routing table the "
                f"ingest layer and the API read; adding nodes moves whole slots ({moved_slots:.0%} of data when "
                f"doubling, copied then switched per slot), never a rehash of every key ({moved_mod:.0%} with key mod N).")
        ev.append(Evidence.cited("TimescaleDB multi-node sunset (2.14)",
                                 "https://docs.timescale.com/self-hosted/latest/multinode-timescaledb/"))
        ev.append(Evidence.cited("Hash slots: only moved slots migrate", REDIS_SLOTS_DOC))
        tool = "application hash slots"
    elif engine in ("citus", "postgresql", None) or category == "relational":
        text = (f"Resharding: Citus with {shards} shards (citus.shard_count) — adding nodes moves whole shards "
                f"online with citus_rebalance_start(); doubling from {nodes} to {nodes * 2} nodes moves "
                f"{moved_slots:.0%} of data, never a rehash of every key ({moved_mod:.0%} with key mod N).")
        ev.append(Evidence.cited("Citus shard rebalancer", REBALANCE_DOC))
        tool = "citus"
    elif engine in ("mysql", "mariadb", "vitess"):
        text = (f"Resharding: Vitess keyspace with a hash vindex; Reshard workflows (VReplication) split "
                f"shards online; {moved_slots:.0%} of data moves when doubling.")
        ev.append(Evidence.cited("Vitess resharding", VITESS_DOC))
        tool = "vitess"
    else:
        text = (f"Resharding: the engine splits ranges/partitions automatically; keep the key high-cardinality "
                f"and unskewed. With hash slots ({HASH_SLOTS}) only {moved_slots:.0%} moves when doubling.")
        ev.append(Evidence.cited("Hash slots: only moved slots migrate", REDIS_SLOTS_DOC))
        tool = engine or "engine-native"
    return {"text": text, "tool": tool, "moved_when_doubling": moved_slots, "moved_modulo": moved_mod,
            "evidence": ev}


def _follow_graph(spec: Spec) -> tuple[str, str, str, str] | None:
    """(edge entity, user entity, follower column, followee column) of a follow graph, if any."""
    for name, e in spec.entities.items():
        by_target: dict[str, list[str]] = {}
        for attr, a in e.attributes.items():
            if a.type == "ref" and a.ref:
                by_target.setdefault(a.ref, []).append(attr)
        for target, cols in by_target.items():
            if len(cols) == 2 and target != name:
                followee = next((c for c in cols if c in e.skew and
                                 parse_zipf(e.skew[c]) == max(parse_zipf(e.skew.get(x, "zipf(0)")) for x in cols)),
                                next((c for c in cols if re.search(r"followee|followed|target|to", c)), cols[1]))
                follower = next(c for c in cols if c != followee)
                return name, target, follower, followee
    return None


def fanout_decision(spec: Spec, node_write_rate: float = 100_000.0,
                    thresholds: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
                    ) -> tuple[Decision, dict[str, Any]] | None:
    """Push vs pull vs hybrid timelines. A pushed row is a durable write; a read-time merge reads a
    celebrity's recent-posts list from cache (weighted MERGE_WEIGHT of a write). The threshold is
    capped so one post's push finishes within the fan-out pattern's p99 on one node."""
    graph = _follow_graph(spec)
    if graph is None:
        return None
    edge, user, follower, followee = graph
    users = spec.entities[user].rows or 0
    edges = spec.entities[edge].rows or 0
    if not users or not edges:
        return None
    posts_entity = next((n for n, e in spec.entities.items() if n != edge and _refs_to(e, user) and any(
        p.is_write and p.kind == "insert" and (wp.pattern_entity(spec, p) == n) for p in spec.access_patterns)
        and not re.search(r"timeline|feed", n, re.I) and re.search(r"post|tweet|status|message|event", n, re.I)),
        None)
    if posts_entity is None:
        return None
    post_rate = sum(p.rate for p in spec.access_patterns if p.is_write and p.kind == "insert"
                    and wp.pattern_entity(spec, p) == posts_entity)
    reads = sum(p.rate for p in spec.access_patterns if not p.is_write and
                (re.search(r"timeline|feed", p.name, re.I) or re.search(r"timeline|feed", wp.pattern_entity(spec, p) or "", re.I)))
    s = parse_zipf(spec.entities[edge].skew.get(followee)) if followee in spec.entities[edge].skew else 1.0
    h = harmonic(users, s)
    mean = edges / users
    top = min(users - 1, edges / h)
    rows = []
    for t in thresholds:
        k_t = int(min(users, (edges / (h * t)) ** (1 / s))) if s > 0 else (users if mean > t else 0)
        share = harmonic(k_t, s) / h if k_t else 0.0
        push = post_rate * mean * (1 - share)
        pull = reads * mean * share
        rows.append({"threshold": t, "celebrities": k_t, "celebrity_edge_share": share, "push_rows_per_s": push,
                     "pull_merges_per_s": pull, "total": push + pull})
    fan_p99 = max((p.p99 or 0 for p in spec.access_patterns if p.is_write and
                   re.search(r"timeline|feed", wp.pattern_entity(spec, p) or "", re.I)), default=0) or 2.0
    burst_limit = fan_p99 * node_write_rate
    for r in rows:
        r["total"] = r["push_rows_per_s"] + MERGE_WEIGHT * r["pull_merges_per_s"]
        r["within_burst"] = r["threshold"] <= burst_limit
    allowed = [r for r in rows if r["within_burst"]] or rows[:1]
    best = min(allowed, key=lambda r: r["total"])
    pure_push = post_rate * mean
    pure_pull = reads * mean
    ev = [Evidence.formula("mean followers = follow edges / users", round(mean, 1), edges=edges, users=users),
          Evidence.formula(f"largest account's followers = edges / H(users, s) (Zipf s={s:g} from {edge}.skew.{followee}), "
                           "capped at users", round(top), s=s),
          Evidence.formula("pure fan-out on write: rows/s = posts/s × mean followers", round(pure_push),
                           posts_per_s=post_rate, mean_followers=round(mean, 1)),
          Evidence.formula("pure fan-out on read: followee merges/s = timeline reads/s × mean followees", round(pure_pull),
                           timeline_reads_per_s=reads)]
    ev.append(Evidence.formula("largest push burst allowed = fan-out p99 × node write rows/s", round(burst_limit),
                               p99=fan_p99, node_write_rows_per_s=round(node_write_rate)))
    for r in rows:
        ev.append(Evidence.formula(
            f"hybrid at {r['threshold']:,} followers: celebrities k_T = (edges/(H·T))^(1/s); their edge share "
            f"H(k_T,s)/H(users,s); push = posts/s × mean × (1 − share); pull = reads/s × mean × share; "
            f"cost = push + {MERGE_WEIGHT:g} × pull", round(r["total"]), celebrities=r["celebrities"],
            edge_share=round(r["celebrity_edge_share"], 4), push=round(r["push_rows_per_s"]),
            pull=round(r["pull_merges_per_s"]), within_burst_limit=r["within_burst"]))
    choice = (f"hybrid fan-out: push to follower timelines for authors under {best['threshold']:,} followers, "
              f"merge the {best['celebrities']:,} larger accounts' posts at read time")
    decision = Decision(
        topic="timeline fan-out",
        choice=choice,
        rationale=(f"{users:,} users, {edges:,} follows (mean {mean:.0f} followers); the declared skew puts "
                   f"{best['celebrity_edge_share']:.0%} of edges on {best['celebrities']:,} accounts above "
                   f"{best['threshold']:,} followers, and the largest account at ≈ {top:,.0f} followers. Pure push "
                   f"writes {pure_push:,.0f} timeline rows/s and one post of the largest account alone writes "
                   f"{top:,.0f} rows; pure pull merges {pure_pull:,.0f} followee lists/s for {reads:,.0f} timeline "
                   f"reads/s. The hybrid costs {best['push_rows_per_s']:,.0f} pushed rows/s + "
                   f"{best['pull_merges_per_s']:,.0f} read-time merges/s from a cache of the {best['celebrities']:,} "
                   f"large accounts' recent posts — the lowest weighted cost among thresholds whose largest push "
                   f"({best['threshold']:,} rows) finishes within the fan-out p99 on one node "
                   f"(≤ {burst_limit:,.0f} rows)."),
        trade_offs=["two read paths to merge and rank", "celebrity posts appear at read time: their recency relies "
                    "on the author's post index (cache it)", "timeline rows are derived data: rebuildable, lag allowed"]
        + ([f"the declared skew (zipf {s:g}) gives the top account {edges / h:,.0f} followers, more than the "
            f"{users:,} users: the distribution is steeper than the graph allows; re-check {edge}.skew"]
           if edges / h > users else []),
        alternatives=[Alternative("fan-out on write for everyone", f"{pure_push:,.0f} rows/s and a {top:,.0f}-row "
                                  "write burst per celebrity post"),
                      Alternative("fan-out on read for everyone", f"{pure_pull:,.0f} merges/s; p99 grows with the "
                                  "number of followees")],
        evidence=ev)
    data = {"edge_entity": edge, "user_entity": user, "follower": follower, "followee": followee,
            "mean_followers": mean, "largest_account_followers": top, "skew": s, "posts_per_s": post_rate,
            "timeline_reads_per_s": reads, "pure_push_rows_per_s": pure_push, "pure_pull_merges_per_s": pure_pull,
            "thresholds": rows, "chosen_threshold": best["threshold"], "burst_limit_rows": burst_limit,
            "merge_weight": MERGE_WEIGHT}
    return decision, data


__all__ = ["candidates", "classify", "evaluate", "fanout_decision", "resharding", "routing", "shard_plan"]
