"""Stage 'caching': cache layers, strategy, invalidation and cache memory from the access skew.

For each read pattern that tolerates staleness, the key space and the Zipf skew give the LRU hit
ratio for a cache size (Che's approximation, :mod:`dbwright.theory.caching`), the memory needed
for the target hit ratio, and a seeded LRU simulation of the declared distribution that checks
the formula (shown as measured evidence). Layers follow from read/write mix and staleness.
"""

from __future__ import annotations

import math
import platform
import re
from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Location, Severity
from dbwright.spec.models import AccessPattern, Spec
from dbwright.spec.units import fmt_bytes, fmt_duration
from dbwright.stages import workload_profile as wp
from dbwright.stages.context import DesignContext
from dbwright.theory import caching as cm

DEFAULT_TARGET = 0.90
KEY_BYTES = 48
# Per-key overhead of a Redis/Valkey entry (dict entry, robj, SDS headers, expiry): ~60–90 bytes.
ENTRY_OVERHEAD = 80
OVERHEAD_SOURCE = "https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/memory-optimization/"
NODE_BYTES = 26.32 * 2**30  # cache.r6g.xlarge / r7g.xlarge memory (GiB → bytes)
NODE_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html"
USABLE = 0.75  # leave 25% for fragmentation, replication buffers and forks (reserved-memory-percent)
USABLE_SOURCE = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/redis-memory-management.html"
SHARED_CACHE_MIN_RATE = 300.0
MEMORY_CAP = 8 * 2**30       # per pattern below HOT_RATE calls/s: more memory saves too few reads
MEMORY_CAP_HOT = 64 * 2**30
HOT_RATE = 10_000.0
MIN_CACHE_RATE = 100.0       # below this a pattern is served by its index; no shared-cache entry
SIMULATE_MAX_ITEMS = 10_000  # larger caches need millions of requests to warm: not simulated in a design


def _staleness(spec: Spec, p: AccessPattern) -> float | None:
    """Seconds a result may be stale: the pattern's own, else its entity's eventual-<duration>."""
    if p.staleness is not None:
        return p.staleness
    entity = wp.pattern_entity(spec, p)
    level = spec.consistency.entities.get(entity or "", "")
    if level.startswith("eventual-"):
        from dbwright.spec.units import parse_duration

        try:
            return parse_duration(level.split("-", 1)[1])
        except ValueError:
            return None
    return None


_EQ = re.compile(r"\b([a-z_][a-z0-9_.]*)\s*=\s*:", re.I)


def _equals(p: AccessPattern) -> list[str]:
    """Equality-filtered columns: structured ``equals`` or ``col = :param`` in the SQL, most selective
    (non-tenant) first."""
    cols = list(p.equals)
    if p.sql:
        cols += [m.group(1).split(".")[-1] for m in _EQ.finditer(p.sql) if m.group(1).split(".")[-1] not in cols]
    return sorted(cols, key=lambda c: c == "tenant_id")


def _key_space(spec: Spec, p: AccessPattern) -> tuple[int, str]:
    """Distinct cache keys a pattern reads and how that number was found."""
    entity_name = wp.pattern_entity(spec, p)
    entity = spec.entities.get(entity_name or "")
    if entity is None:
        return 100_000, "entity unknown: 100k keys assumed"
    for col in _equals(p):
        base = col[:-3] if col.endswith("_id") else col
        attr = entity.attributes.get(base)
        if attr is None and p.sql:
            # a joined table's column (d.site_id): any entity's reference of that name
            attr = next((e.attributes[base] for e in spec.entities.values()
                         if base in e.attributes and e.attributes[base].type == "ref"), None)
        if attr is not None and attr.type == "ref" and attr.ref in spec.entities:
            rows = spec.entities[attr.ref].rows or 100_000
            if p.kind == "lookup" or p.limit == 1:
                break
            return max(1, rows), f"one key per {attr.ref} ({base} = :{base})"
        if col == "tenant_id" and spec.tenancy and len(p.equals) == 1:
            return max(1, spec.tenancy.tenants), "one key per tenant"
    rows = entity.rows or 100_000
    if wp.pattern_kind(p) in ("aggregate", "timeseries") and not _equals(p):
        return 1000, "aggregate without key: ~1000 distinct parameter sets assumed"
    return max(1, rows), f"one key per {entity_name} row"


def _skew(spec: Spec, p: AccessPattern) -> tuple[float, str]:
    entity = spec.entities.get(wp.pattern_entity(spec, p) or "")
    if entity is not None:
        for col in _equals(p):
            base = col[:-3] if col.endswith("_id") else col
            if base in entity.skew:
                return cm.parse_zipf(entity.skew[base]), f"{wp.pattern_entity(spec, p)}.skew.{base}"
    if spec.workload.access_skew:
        return cm.parse_zipf(spec.workload.access_skew), "workload.access_skew"
    return 1.0, "no skew declared: zipf(1.0) assumed"


def _value_bytes(spec: Spec, p: AccessPattern) -> float:
    entity = spec.entities.get(wp.pattern_entity(spec, p) or "")
    row = wp.row_payload(spec, entity) if entity else 200.0
    if p.kind == "lookup" or p.limit == 1:
        return row
    if wp.pattern_kind(p) in ("aggregate", "timeseries"):
        return 2048.0
    return row * min(p.limit or 20, 100)


def size_pattern(spec: Spec, p: AccessPattern, target: float) -> dict[str, Any]:
    n, n_why = _key_space(spec, p)
    s, s_why = _skew(spec, p)
    items = cm.items_for_hit_ratio(n, s, target) if n > 1 else 1
    per_item = _value_bytes(spec, p) + KEY_BYTES + ENTRY_OVERHEAD
    cap = MEMORY_CAP_HOT if p.rate >= HOT_RATE else MEMORY_CAP
    capped = items * per_item > cap
    if capped:
        # past the cap, memory buys little for this pattern's rate: take the hit ratio the cap gives
        items = max(1, int(cap // per_item))
    hit = cm.lru_hit_ratio(n, s, items)
    memory = items * per_item
    sim = cm.cheap_simulation(n, s, items, max_cache=SIMULATE_MAX_ITEMS)
    return {"pattern": p.name, "keys": n, "keys_basis": n_why, "skew": s, "skew_basis": s_why,
            "target_hit_ratio": target, "cache_items": items, "item_bytes": per_item, "memory_bytes": memory,
            "hit_ratio": hit, "simulated_hit_ratio": sim[0] if sim else None,
            "simulated_requests": sim[1] if sim else None,
            "rate": p.rate, "db_reads_saved": p.rate * hit, "staleness": _staleness(spec, p),
            "memory_capped": capped, "memory_cap": cap}


def _sizing_evidence(r: dict[str, Any]) -> list[Evidence]:
    return [
        Evidence.formula(f"{r['pattern']}: cache items for a {r['target_hit_ratio']:.0%} LRU hit ratio "
                         "(smallest c with Che-approximated hit(c) ≥ target over Zipf(s) on n keys)",
                         r["cache_items"], n=r["keys"], n_basis=r["keys_basis"], s=r["skew"],
                         s_basis=r["skew_basis"], target=r["target_hit_ratio"]),
        *([Evidence.formula(f"{r['pattern']}: memory capped at {r['memory_cap'] / 2**30:g} GiB (rate "
                            f"{r['rate']:g}/s); hit ratio at the cap", round(r["hit_ratio"], 4))]
          if r["memory_capped"] else []),
        Evidence.formula(f"{r['pattern']}: memory = items × (value + key {KEY_BYTES} B + entry overhead "
                         f"{ENTRY_OVERHEAD} B)", round(r["memory_bytes"]), items=r["cache_items"],
                         item_bytes=round(r["item_bytes"])),
        *([Evidence.measured(f"{r['pattern']}: LRU hit ratio simulated with {r['cache_items']:,} cached of "
                             f"{r['keys']:,} Zipf({r['skew']:g}) keys, {r['simulated_requests']:,} requests, seed 7",
                             round(r["simulated_hit_ratio"], 4), engine="dbwright LRU simulation (CPython)",
                             version=platform.python_version(), formula_hit_ratio=round(r["hit_ratio"], 4))]
          if r["simulated_hit_ratio"] is not None else []),
        Evidence.formula(f"{r['pattern']}: database reads saved = rate × hit ratio", round(r["db_reads_saved"], 1),
                         rate=r["rate"], hit_ratio=round(r["hit_ratio"], 4)),
    ]


def choose_target(spec: Spec, cacheable: list[AccessPattern], options: dict[str, Any]) -> tuple[float, Evidence]:
    """The spec's target, else the hit ratio at which cache misses fit half of one node's read
    capacity at peak (at least 90%, at most 99%)."""
    if spec.workload.cache_hit_target:
        return spec.workload.cache_hit_target, Evidence.formula("target hit ratio from workload.cache_hit_target",
                                                                spec.workload.cache_hit_target)
    from dbwright.stages.scaling import NODE_CORES, PLANNING, UTILISATION, node_capacity

    tp = options.get("throughput") or PLANNING
    node_reads = node_capacity(tp, int(options.get("node_cores", NODE_CORES)))["point_reads_per_s"]
    budget = node_reads * UTILISATION * 0.5
    peak = sum(p.rate for p in cacheable) * spec.workload.peak_multiplier
    target = DEFAULT_TARGET if peak <= 0 else min(0.99, max(DEFAULT_TARGET, 1 - budget / peak))
    return round(target, 3), Evidence.formula(
        "target hit ratio = clamp(1 − miss budget / peak cacheable reads, 0.90, 0.99); miss budget = half of one "
        "node's point reads at 60% utilisation", round(target, 3), peak_cacheable_reads=round(peak),
        miss_budget=round(budget), node_point_reads=round(node_reads),
        throughput="planning default" if tp.get("planning_default") else "measured")


def _writes_to(spec: Spec, entity: str | None) -> float:
    return sum(p.rate for p in spec.access_patterns if p.is_write and
               (wp.pattern_entity(spec, p) == entity or entity in p.writes))


def run(ctx: DesignContext) -> Section | None:
    spec = ctx.spec
    reads = [p for p in spec.access_patterns if not p.is_write]
    if not reads:
        return None
    r = wp.rates(spec)
    cacheable = [p for p in reads if (_staleness(spec, p) or 0) > 0 and p.consistency != "strong"]
    uncached = [p for p in reads if p not in cacheable]
    target, target_ev = choose_target(spec, cacheable, ctx.options)
    findings: list[Finding] = []
    decisions: list[Decision] = []
    # aggregates are cached too (a result cache keyed by their parameters), besides their rollups
    sized = [size_pattern(spec, p, target) for p in cacheable
             if p.rate >= MIN_CACHE_RATE or (p.p99 is not None and p.p99 <= 0.005)]
    low_rate = [p.name for p in cacheable if p.name not in {x["pattern"] for x in sized}]
    aggregates = [p for p in cacheable if wp.pattern_kind(p) == "aggregate"]
    shared_rate = sum(x["rate"] for x in sized)
    layers: list[dict[str, Any]] = []

    small_ref = [n for n, e in spec.entities.items() if (e.global_ or (e.rows or 0) <= 10_000)
                 and _writes_to(spec, n) < 1]
    if small_ref:
        layers.append({"layer": "application (in-process)", "serves": small_ref,
                       "why": "small, rarely written reference data: a per-process copy refreshed on a TTL "
                              "avoids a network hop"})
    if sized and shared_rate >= SHARED_CACHE_MIN_RATE:
        layers.append({"layer": "shared cache (Redis/Valkey)", "serves": [x["pattern"] for x in sized],
                       "why": f"{shared_rate:,.0f}/s of staleness-tolerant reads"})
    elif sized:
        layers.append({"layer": "none shared yet", "serves": [x["pattern"] for x in sized],
                       "why": f"only {shared_rate:,.0f}/s of cacheable reads (< {SHARED_CACHE_MIN_RATE:g}/s): "
                              "indexes and the buffer cache serve them; add a shared cache when this grows"})
    if aggregates:
        layers.append({"layer": "materialized views / rollups", "serves": [p.name for p in aggregates],
                       "why": "aggregates that tolerate staleness are precomputed and refreshed within it"})
    cdn = [p.name for p in cacheable if (_staleness(spec, p) or 0) >= 30 and
           spec.entities.get(wp.pattern_entity(spec, p) or "") is not None and
           spec.entities[wp.pattern_entity(spec, p) or ""].exposed and (p.kind == "lookup" or p.limit == 1)]
    if cdn:
        layers.append({"layer": "CDN / HTTP cache for API responses", "serves": cdn,
                       "why": "public lookups of exposed entities with ≥ 30 s staleness: Cache-Control max-age"})
    if uncached and r.peak_reads > 0:
        layers.append({"layer": "read replicas (sized in the scaling section)", "serves": [p.name for p in uncached],
                       "why": "reads that need fresh data go to the primary or to replicas with bounded lag"})

    total_mem = sum(x["memory_bytes"] for x in sized)
    nodes = max(1, math.ceil(total_mem / (NODE_BYTES * USABLE))) if sized else 0
    ev: list[Evidence] = [target_ev]
    for x in sized:
        ev += _sizing_evidence(x)
    if sized:
        ev.append(Evidence.formula("shared-cache nodes = ceil(total memory / (node memory × usable share))",
                                   nodes, total_memory=round(total_mem), node_bytes=NODE_BYTES, usable=USABLE))
        ev.append(Evidence.cited("Redis per-key memory overhead (dict entry, object and string headers)",
                                 OVERHEAD_SOURCE))
        ev.append(Evidence.cited("ElastiCache node types and memory (r6g/r7g.xlarge ≈ 26.32 GiB)", NODE_SOURCE))
        ev.append(Evidence.cited("Reserve ~25% of node memory for replication buffers and forks", USABLE_SOURCE))
    layer_text = "; ".join(f"{x['layer']} for {', '.join(x['serves'])} ({x['why']})" for x in layers)
    decisions.append(Decision(
        topic="caching",
        choice=" + ".join(x["layer"] for x in layers) if layers else "no cache",
        rationale=f"Read share {r.read_share:.0%}, {r.peak_reads:,.0f} reads/s at peak. Layers: {layer_text}. "
                  + (f"Shared cache sized for a {target:.0%} hit ratio: {fmt_bytes(total_mem)} in "
                     f"{nodes} node(s) (+1 replica each for failover)." if sized else ""),
        trade_offs=["cached reads are stale up to their TTL; strong reads bypass the cache",
                    "one more system to run; a cold cache after a flush sends full load to the database",
                    "hit ratio assumes independent requests with the declared Zipf skew; bursts of new "
                    "content (flash crowds) hit cold keys"],
        alternatives=[Alternative("no shared cache, replicas only", "each replica still pays query cost; "
                                  "hot keys repeat the same work thousands of times per second"),
                      Alternative("cache everything write-through", "strongly consistent patterns would still "
                                  "need invalidation on every write; write amplification for little gain")],
        evidence=ev))
    # strategy and invalidation per cached pattern
    rows: list[dict[str, Any]] = []
    for x in sized:
        p = next(q for q in cacheable if q.name == x["pattern"])
        entity = wp.pattern_entity(spec, p)
        w = _writes_to(spec, entity)
        ttl = x["staleness"]
        event_driven = w > 0 and (ttl or 0) < 300
        top_rate = p.rate / cm.harmonic(x["keys"], x["skew"])
        stampede = top_rate * 0.05 >= 1  # ≥ 1 concurrent miss during a 50 ms recompute
        rows.append({**x, "strategy": "cache-aside" if w < p.rate / 10 else "cache-aside + write-through",
                     "ttl_s": ttl, "invalidation": ("event-driven (outbox/CDC) + TTL" if event_driven else "TTL"),
                     "hottest_key_rate": top_rate, "stampede_protection": stampede,
                     "writes_per_s": w})
    if rows:
        text = "; ".join(f"{x['pattern']}: {x['strategy']}, TTL {fmt_duration(x['ttl_s'] or 0)}, "
                         f"{x['invalidation']}" + (", single-flight + early refresh" if x["stampede_protection"] else "")
                         for x in rows)
        decisions.append(Decision(
            topic="cache strategy and invalidation",
            choice="cache-aside with TTL = staleness tolerance; event-driven invalidation where writes exist",
            rationale=f"{text}. The TTL equals each pattern's staleness tolerance, so a missed invalidation "
                      "is bounded by what the spec allows; invalidation events come from a transactional "
                      "outbox or CDC so they are never lost with a committed write.",
            trade_offs=["refresh-ahead costs background reads for keys that may not be asked again",
                        "write-behind is not used: it risks losing acknowledged writes"],
            alternatives=[Alternative("write-behind", "acknowledges writes before they are durable in the database"),
                          Alternative("invalidation from application code only", "a crash between commit and "
                                      "delete leaves stale entries until the TTL; the outbox makes it reliable")],
            evidence=[Evidence.formula(f"{x['pattern']}: hottest key rate = rate / H(n, s)", round(x["hottest_key_rate"], 1),
                                       rate=x["rate"], n=x["keys"], s=x["skew"]) for x in rows]
            + [Evidence.cited("Probabilistic early expiration (XFetch) avoids cache stampedes",
                              "https://cseweb.ucsd.edu/~avattani/papers/cache_stampede.pdf")]))
    for p in uncached:
        if p.rate >= 1000 and p.staleness is None and p.consistency is None:
            findings.append(Finding("CACHE001", Severity.INFO, f"pattern '{p.name}' runs {p.rate:,.0f}/s with no "
                                    "staleness tolerance: it cannot be cached", Location(path=f"access_patterns.{p.name}"),
                                    remediation="declare 'staleness' if slightly old results are acceptable"))
    for x in rows:
        share = x["hottest_key_rate"] / x["rate"] if x["rate"] else 0.0
        if share >= 0.2:
            findings.append(Finding("CACHE003", Severity.INFO, f"{x['pattern']}: the declared skew zipf({x['skew']:g}) "
                                    f"puts {share:.0%} of its calls on a single key ({x['skew_basis']})",
                                    Location(path=f"access_patterns.{x['pattern']}"),
                                    rationale="a tiny cache then reaches the hit target; if real traffic is flatter "
                                    "the cache needs far more memory",
                                    remediation="check the skew against production access logs"))
    for x in sized:
        if x["simulated_hit_ratio"] is not None and abs(x["simulated_hit_ratio"] - x["hit_ratio"]) > 0.03:
            findings.append(Finding("CACHE002", Severity.WARNING, f"{x['pattern']}: simulated hit ratio "
                                    f"{x['simulated_hit_ratio']:.3f} differs from the formula {x['hit_ratio']:.3f}",
                                    Location(path=f"access_patterns.{x['pattern']}"),
                                    rationale="the scaled-down simulation and Che's approximation disagree"))
    summary = (f"{len(layers)} layer(s); shared cache {fmt_bytes(total_mem)} for a {target:.0%} hit ratio "
               f"({nodes} node(s)), saving {sum(x['db_reads_saved'] for x in sized):,.0f} reads/s"
               if sized else f"{len(layers)} layer(s); no pattern needs a shared cache")
    data = {"target_hit_ratio": target, "layers": layers, "patterns": rows, "total_memory_bytes": total_mem,
            "nodes": nodes, "uncached": [p.name for p in uncached], "low_rate": low_rate}
    return Section(name="caching", title="Caching", summary=summary, decisions=decisions, findings=findings,
                   data=data)
