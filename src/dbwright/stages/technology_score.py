"""Technology scoring: the spec's needs per dimension (importance 0–1, with the reason and the
numbers behind it) against each catalogue engine's 0–5 rating. Pure.

score = 100 × Σ_d w_d·i_d·r_d/5 / Σ_d w_d·i_d, with i_d the importance the spec gives dimension d,
w_d the spec's weight multiplier (technology.weights, default 1) and r_d the engine's rating
(team: from the spec's team skills). An engine that rates ≤ 1 on a dimension the spec needs at
importance ≥ 0.7 is *gated*: its score is multiplied by 0.75 per gate and the gate is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.catalog import DIMENSIONS, Catalog, Engine
from dbwright.spec.models import Spec
from dbwright.spec.units import fmt_bytes
from dbwright.stages import workload_profile as wp
from dbwright.theory.capacity import grow

GATE_IMPORTANCE = 0.7
GATE_RATING = 1
GATE_FACTOR = 0.75
PREFERRED_BONUS = 3.0
SKILL = {"none": 0, "familiar": 2, "proficient": 4, "expert": 5}
ALL_DIMENSIONS = {**DIMENSIONS, "team": "the team's skills with the engine",
                  "migration": "closeness to the engine in use today (technology.current)"}


@dataclass
class Need:
    importance: float
    reason: str
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass
class EngineScore:
    engine: Engine
    score: float
    ratings: dict[str, float]
    contributions: dict[str, float]
    gates: list[str]
    bonus: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine.id, "name": self.engine.name, "category": self.engine.category,
                "score": round(self.score, 1), "gates": list(self.gates), "bonus": self.bonus,
                "ratings": dict(self.ratings),
                "contributions": {k: round(v, 2) for k, v in self.contributions.items()}}


def _step(value: float, steps: list[tuple[float, float]], top: float) -> float:
    for limit, imp in steps:
        if value < limit:
            return imp
    return top


def needs(spec: Spec) -> dict[str, Need]:
    """Importance of each dimension for this spec, with the reason and its inputs."""
    out: dict[str, Need] = {}
    r = wp.rates(spec)
    ents = spec.entities
    refs = sum(1 for e in ents.values() for a in e.attributes.values() if a.type == "ref")
    density = (refs + len(spec.relationships)) / max(1, len(ents))
    imp = min(1.0, 0.2 + 0.3 * density + (0.2 if spec.consistency.transactions else 0.0))
    out["relational"] = Need(imp, f"{refs} references and {len(spec.relationships)} many-to-many "
                             f"relationships over {len(ents)} entities ({density:.2f} per entity)",
                             {"references": refs, "many_to_many": len(spec.relationships), "entities": len(ents)})
    total_rate = sum(p.rate for p in spec.access_patterns) or 1.0
    by_dim: dict[str, list[str]] = {}
    dim_rate: dict[str, float] = {}
    for p in spec.access_patterns:
        dim = wp.pattern_dimension(p)
        if dim is None:
            continue
        by_dim.setdefault(dim, []).append(p.name)
        dim_rate[dim] = dim_rate.get(dim, 0.0) + p.rate
    big_rows = {n for n, e in ents.items() if (e.rows or 0) >= 100_000_000}
    for dim in ("point", "range", "aggregate", "full_text", "traversal", "time_window", "similarity"):
        if dim not in by_dim:
            continue
        share = dim_rate[dim] / total_rate
        imp = min(1.0, 0.35 + 2.0 * share)
        if dim in ("full_text", "similarity") and dim_rate[dim] >= 500:
            # relevance ranking and nearest-neighbour search are heavy per call: rate matters, not share
            imp = max(imp, 0.7)
        heavy = [p.name for p in spec.access_patterns if wp.pattern_dimension(p) == dim
                 and wp.pattern_entity(spec, p) in big_rows]
        heavy_rate = sum(p.rate for p in spec.access_patterns if p.name in heavy)
        if dim in ("aggregate", "time_window") and heavy:
            # scanning ≥100M rows often (dashboards) is what a row store struggles with
            imp = max(imp, 0.85 if heavy_rate >= 10 else 0.6)
        reason = f"{len(by_dim[dim])} pattern(s) ({', '.join(by_dim[dim])}) at {dim_rate[dim]:,.0f}/s, " \
                 f"{share:.0%} of all calls"
        if dim in ("aggregate", "time_window") and heavy:
            reason += f"; {', '.join(heavy)} scan tables of ≥100M rows"
        out[dim] = Need(imp, reason, {"patterns": by_dim[dim], "rate_per_s": dim_rate[dim], "share": share})
    series = [n for n, e in ents.items() if e.append_only and e.retention and (e.rows or 0) >= 100_000_000]
    if series:
        prev = out.get("time_window")
        queried = any(wp.pattern_entity(spec, p) in series and wp.pattern_dimension(p) in ("time_window", "aggregate")
                      for p in spec.access_patterns)
        imp = max(prev.importance if prev else 0.0, 0.8 if queried else 0.5)
        out["time_window"] = Need(imp, (prev.reason + "; " if prev else "") + f"append-only {', '.join(series)} "
                                  "with retention (time partitions, rollups)", {"entities": series})
    out["write_scale"] = Need(
        _step(r.peak_rows_written, [(2_000, 0.1), (20_000, 0.4), (100_000, 0.8)], 1.0),
        f"peak rows written {r.peak_rows_written:,.0f}/s (normal {r.rows_written:,.0f}/s × peak {r.peak_multiplier:g})",
        {"rows_written_per_s": r.rows_written, "peak_multiplier": r.peak_multiplier})
    out["read_scale"] = Need(
        _step(r.peak_reads, [(10_000, 0.2), (50_000, 0.5), (200_000, 0.8)], 1.0),
        f"peak reads {r.peak_reads:,.0f}/s (normal {r.reads:,.0f}/s × {r.peak_multiplier:g})",
        {"reads_per_s": r.reads, "peak_multiplier": r.peak_multiplier})
    vol = sum(grow((e.rows or 0) * wp.row_payload(spec, e), wp.monthly_growth(spec, e), 36)
              for e in ents.values())
    out["volume"] = Need(_step(vol, [(1e11, 0.1), (1e12, 0.4), (1e13, 0.7)], 1.0),
                         f"row payload in 3 years ≈ {fmt_bytes(vol)} (rows × row bytes × growth, before indexes)",
                         {"bytes_3y": vol})
    p99s = [p.p99 for p in spec.access_patterns if p.p99 is not None and not p.is_write]
    if p99s:
        low = min(p99s)
        out["latency"] = Need(_step(low, [(0.0101, 0.9), (0.0501, 0.6), (0.2001, 0.3)], 0.1),
                              f"tightest read p99 target {low * 1000:.0f} ms", {"p99_s": low})
    strong_rate = sum(p.rate for p in spec.access_patterns if _strong(spec, p))
    strong_share = strong_rate / total_rate
    imp = 0.2 + 0.5 * strong_share + (0.3 if spec.consistency.transactions else 0.0)
    out["consistency"] = Need(min(1.0, imp), f"{strong_share:.0%} of calls need strong consistency "
                              f"(default {spec.consistency.default}, per-entity overrides applied); "
                              f"{len(spec.consistency.transactions)} multi-entity transaction(s)",
                              {"strong_share": strong_share, "transactions": spec.consistency.transactions})
    jur = {x.jurisdiction for x in spec.regions.list_ if x.jurisdiction}
    if spec.regions.writes == "multi":
        out["multi_region"] = Need(1.0, "writes in several regions (regions.writes: multi)")
    elif len(jur) > 1 or (spec.regions.residency and len(spec.regions.list_) > 1):
        out["multi_region"] = Need(0.5, f"regions in {', '.join(sorted(jur))} with residency {', '.join(spec.regions.residency) or 'none'}")
    elif spec.regions.dr:
        out["multi_region"] = Need(0.2, f"a DR region ({spec.regions.dr}), single writer region")
    json_ents = [n for n, e in ents.items() if wp.has_json(e)]
    if json_ents:
        out["schema_flexibility"] = Need(min(0.8, 0.2 + 0.15 * len(json_ents)),
                                         f"semi-structured json attributes in {', '.join(json_ents)}")
    else:
        out["schema_flexibility"] = Need(0.1, "no json attributes: the schema is known up front")
    if spec.compliance:
        out["compliance"] = Need(min(1.0, 0.3 + 0.2 * len(spec.compliance)),
                                 f"compliance regimes: {', '.join(spec.compliance)}")
    managed = spec.technology.managed
    out["operations"] = Need(0.6 if managed else 0.4, "a managed service is wanted" if managed else
                             ("self-hosted (technology.managed: false)" if managed is False else
                              "operational effort always counts"))
    budget = spec.budget.monthly_usd
    out["cost"] = Need(0.5 if budget is not None else 0.3,
                       f"monthly budget ${budget:,.0f}" if budget is not None else "no budget given")
    if spec.team:
        out["team"] = Need(0.5, "team skills: " + ", ".join(f"{k} {v}" for k, v in spec.team.items()))
    decided = bool(spec.technology.preferred) and spec.technology.current not in spec.technology.preferred
    if spec.technology.current and not decided:
        # a move already decided (preferred names another engine) carries no staying bonus
        zero = spec.technology.migration_downtime == 0
        out["migration"] = Need(0.7 if zero else 0.5, f"moving off {spec.technology.current}"
                                + (" with zero downtime" if zero else ""),
                                {"current": spec.technology.current})
    for dim, w in spec.technology.weights.items():
        if dim in out:
            out[dim].importance = min(1.0, out[dim].importance * w) if w <= 1 else out[dim].importance * w
            out[dim].reason += f" (weight × {w:g} from the spec)"
    return out


def _strong(spec: Spec, p: Any) -> bool:
    if p.consistency is not None:
        return bool(p.consistency == "strong")
    entity = wp.pattern_entity(spec, p)
    level = spec.consistency.entities.get(entity or "", spec.consistency.default)
    return level == "strong"


def migration_rating(spec: Spec, engine: Engine) -> float:
    """5: the current engine or its extension (same first skill); 3: wire/dialect compatible; 1: a move."""
    from dbwright.catalog import load_catalog

    current = spec.technology.current or ""
    cur_id = load_catalog().resolve(current)
    cur = load_catalog().get(cur_id) if cur_id else None
    family = cur.skills[0] if cur and cur.skills else current.lower()
    if engine.id == cur_id or (engine.skills and engine.skills[0] == family):
        return 5.0
    if family in engine.skills:
        return 3.0
    return 1.0


def team_rating(spec: Spec, engine: Engine) -> float:
    levels = [SKILL[spec.team[s]] * (1.0 if i == 0 else 0.6)
              for i, s in enumerate(engine.skills) if s in spec.team]
    return round(max(levels), 1) if levels else 1.0


def rating(spec: Spec, engine: Engine, dim: str) -> float:
    if dim == "team":
        return team_rating(spec, engine)
    if dim == "migration":
        return migration_rating(spec, engine)
    value = float(engine.score(dim))
    if dim == "operations":
        if spec.technology.managed and not engine.managed and not engine.managed_only:
            value = min(value, 1.0)
        if spec.technology.managed is False and engine.managed_only:
            value = 0.0
    return value


def score_engine(spec: Spec, engine: Engine, need: dict[str, Need]) -> EngineScore:
    num = den = 0.0
    ratings: dict[str, float] = {}
    contrib: dict[str, float] = {}
    gates: list[str] = []
    for dim, n in need.items():
        r = rating(spec, engine, dim)
        ratings[dim] = r
        contrib[dim] = n.importance * r / 5
        num += n.importance * r / 5
        den += n.importance
        if n.importance >= GATE_IMPORTANCE and r <= GATE_RATING and dim not in ("team", "migration"):
            gates.append(f"{dim}: needed at {n.importance:.2f} ({n.reason}) but rated {r:g}/5")
    if spec.technology.managed is False and engine.managed_only:
        gates.append("operations: only available as a managed service, the spec wants self-hosting")
    score = 100 * num / den if den else 0.0
    score *= GATE_FACTOR ** len(gates)
    bonus = PREFERRED_BONUS if any(_same(engine.id, p) for p in spec.technology.preferred) else 0.0
    return EngineScore(engine, score + bonus, ratings, contrib, gates, bonus)


def _same(engine_id: str, name: str) -> bool:
    from dbwright.catalog import load_catalog

    return load_catalog().resolve(name) == engine_id


def rank(spec: Spec, catalog: Catalog, engines: list[Engine] | None = None,
         need: dict[str, Need] | None = None) -> list[EngineScore]:
    need = need if need is not None else needs(spec)
    pool = engines if engines is not None else [
        e for e in catalog.engines if {"primary", "analytics"} & set(e.roles)
        and not any(catalog.resolve(x) == e.id for x in spec.technology.excluded)]
    return sorted((score_engine(spec, e, need) for e in pool), key=lambda s: tie_key(spec, s))


# Scores equal at the precision the design shows them (0.1 point) are a tie, broken by this stated rule.
TIE_RULE = ("scores equal to 0.1 point are a tie, broken by the team's skill with the engine, then the "
            "operations rating, then the engine id (alphabetical) — never silently by list order")


def tie_key(spec: Spec, s: EngineScore) -> tuple[float, float, float, str]:
    """Sort key: higher score first; ties broken by TIE_RULE."""
    return (-round(s.score, 1), -team_rating(spec, s.engine), -float(s.ratings.get("operations", 0.0)),
            s.engine.id)


def flip_weight(spec: Spec, winner: Engine, other: Engine, need: dict[str, Need]) -> tuple[str, float] | None:
    """The dimension whose weight, raised alone, soonest makes ``other`` win; and that weight."""
    best: tuple[str, float] | None = None
    for dim, n in need.items():
        if rating(spec, other, dim) <= rating(spec, winner, dim):
            continue
        for w in (1.5, 2, 3, 4, 6, 8, 12, 16):
            changed = dict(need)
            changed[dim] = Need(n.importance * w, n.reason)
            if score_engine(spec, other, changed).score > score_engine(spec, winner, changed).score:
                if best is None or w < best[1]:
                    best = (dim, float(w))
                break
    return best


__all__ = ["ALL_DIMENSIONS", "TIE_RULE", "EngineScore", "Need", "flip_weight", "needs", "rank", "rating",
           "score_engine", "tie_key"]
