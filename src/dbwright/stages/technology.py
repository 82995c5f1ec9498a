"""Stage 'technology': a ranked engine recommendation from the spec's needs.

Each dimension's importance is derived from the spec (rates, volumes, consistency, regions,
skills; see :mod:`dbwright.stages.technology_score`), every catalogue engine is scored, and the
result is a Decision with per-dimension reasons, cited facts, the runner-up and the weight at
which it would win, plus a polyglot decision when some access patterns need a specialised store.
"""

from __future__ import annotations

from typing import Any

from dbwright.catalog import Catalog, Engine, load_catalog
from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Location, Severity
from dbwright.spec.models import Spec
from dbwright.stages import workload_profile as wp
from dbwright.stages.context import DesignContext
from dbwright.stages.technology_score import (
    ALL_DIMENSIONS,
    TIE_RULE,
    EngineScore,
    Need,
    flip_weight,
    needs,
    rank,
    rating,
    score_engine,
    tie_key,
)

NEITHER_MARGIN = 4.0  # points by which an unlisted engine must beat the listed ones
CLOSE_CALL = 2.0
POLYGLOT_ROLES = {"aggregate": "analytics", "time_window": "analytics", "full_text": "search",
                  "similarity": "vector"}
FLOW = {
    "analytics": "rows flow from the primary by change data capture (logical replication / Debezium) "
                 "or from the ingestion pipeline (Kafka) in batches; dashboards read the analytics store",
    "search": "an outbox table or CDC publishes changes to Kafka; an indexer updates the search index "
              "(seconds of lag); the primary stays the source of truth",
    "vector": "embeddings are computed on write and stored beside the row or pushed to the vector store "
              "by the outbox consumer",
}


def _cite(engine: Engine, dims: list[str], limit: int = 6) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[str] = set()
    for dim in dims:
        for fact in engine.facts_for(dim):
            if fact.claim not in seen and len(out) < limit:
                seen.add(fact.claim)
                out.append(Evidence.cited(f"{engine.name}: {fact.claim}", fact.source))
    return out


def _score_evidence(s: EngineScore, need: dict[str, Need]) -> Evidence:
    return Evidence.formula(
        f"weighted score of {s.engine.name} = 100 × Σ importance·rating/5 / Σ importance"
        + (f" × 0.75^{len(s.gates)} (gates)" if s.gates else "") + (f" + {s.bonus:g} (preferred)" if s.bonus else ""),
        round(s.score, 1),
        **{d: {"importance": round(n.importance, 2), "rating": s.ratings[d]} for d, n in need.items()})


def _top_dims(s: EngineScore, need: dict[str, Need], n: int = 4) -> list[str]:
    return sorted(need, key=lambda d: -s.contributions[d])[:n]


def _weak_dims(s: EngineScore, need: dict[str, Need]) -> list[str]:
    return [d for d, n in need.items() if (n.importance >= 0.3 and s.ratings[d] <= 2)
            or (n.importance >= 0.8 and s.ratings[d] <= 3)]


def _why_not(alt: EngineScore, winner: EngineScore, need: dict[str, Need]) -> str:
    losses = sorted(need, key=lambda d: -(need[d].importance * (winner.ratings[d] - alt.ratings[d])))[:3]
    parts = [f"{d} {alt.ratings[d]:g} vs {winner.ratings[d]:g}" for d in losses
             if winner.ratings[d] > alt.ratings[d]]
    text = f"scores {alt.score:.1f} vs {winner.score:.1f}"
    if parts:
        text += "; weaker on " + ", ".join(parts)
    if alt.gates:
        text += "; gated: " + "; ".join(alt.gates)
    return text


def _managed_choice(spec: Spec, engine: Engine) -> str:
    if not spec.technology.managed or not engine.managed:
        return ""
    return " — managed: " + "; ".join(f"{m.name} ({m.provider})" for m in engine.managed[:4])


def technology_decision(spec: Spec, ranking: list[EngineScore], need: dict[str, Need]) -> Decision:
    win, run = ranking[0], ranking[1]
    top = _top_dims(win, need)
    reasons = [f"{d} ({ALL_DIMENSIONS[d]}): needed at {need[d].importance:.2f} because {need[d].reason}; "
               f"{win.engine.name} rates {win.ratings[d]:g}/5" for d in top]
    flip = flip_weight(spec, win.engine, run.engine, need)
    if flip:
        changed = dict(need)
        changed[flip[0]] = Need(need[flip[0]].importance * flip[1], need[flip[0]].reason)
        leader = rank(spec, load_catalog(), need=changed)[0].engine
        when = (f"{run.engine.name} would overtake {win.engine.name} if '{flip[0]}' weighed {flip[1]:g}× more "
                f"(technology.weights: {{{flip[0]}: {flip[1]:g}}})"
                + ("" if leader.id == run.engine.id else f"; at that weight {leader.name} would lead the ranking"))
    else:
        when = f"{run.engine.name} does not overtake {win.engine.name} by re-weighting any single dimension up to 16×"
    trade = [f"{d}: {win.engine.name} rates {win.ratings[d]:g}/5 while needed at {need[d].importance:.2f} "
             f"({need[d].reason})" for d in _weak_dims(win, need)]
    trade.append(f"runner-up {run.engine.name} ({run.score:.1f}): {when}")
    alts = [Alternative(s.engine.name, _why_not(s, win, need)) for s in ranking[1:5]]
    evidence = [_score_evidence(win, need), _score_evidence(run, need)]
    evidence += [Evidence.formula(f"importance of {d}: {n.reason}", round(n.importance, 2), **n.inputs)
                 for d, n in need.items() if n.inputs]
    evidence += _cite(win.engine, top)
    if flip:
        evidence += _cite(run.engine, [flip[0]], limit=2)
    return Decision(
        topic="technology",
        choice=f"{win.engine.name} as the primary store{_managed_choice(spec, win.engine)}",
        rationale=f"Highest weighted score {win.score:.1f}/100 over {len(ranking)} engines. "
                  + (f"A close call: {run.engine.name} is within {win.score - run.score:.1f} points, so the "
                     "trade-offs below decide as much as the score. " if win.score - run.score < CLOSE_CALL else "")
                  + (f"{win.engine.name} and {run.engine.name} tie at {win.score:.1f}: {TIE_RULE}. "
                     if round(win.score, 1) == round(run.score, 1) else "")
                  + " ".join(r + "." for r in reasons),
        trade_offs=trade, alternatives=alts, evidence=evidence)


def polyglot(spec: Spec, winner: EngineScore, need: dict[str, Need], catalog: Catalog,
             listed: list[EngineScore] | None = None) -> list[dict[str, Any]]:
    """Dimensions the primary (or every listed engine) serves poorly while a specialised store
    serves them well: each becomes a secondary store with a role and a data flow."""
    out: list[dict[str, Any]] = []
    base = listed or [winner]
    for dim, role in POLYGLOT_ROLES.items():
        n = need.get(dim)
        if n is None or n.importance < 0.7:
            continue
        if max(s.ratings[dim] for s in base) > 3:
            continue
        family = {s.engine.skills[0] for s in base if s.engine.skills}
        # the specialist is judged on what its role needs, not on the whole spec
        sub = {d: need[d] for d in (dim, "latency", "write_scale", "volume", "cost", "operations", "team")
               if d in need}
        specialists = [score_engine(spec, e, sub) for e in catalog.by_role(role)
                       if e.score(dim) >= 5 and (not e.skills or e.skills[0] not in family)
                       and not any(catalog.resolve(x) == e.id for x in spec.technology.excluded)]
        if not specialists:
            continue
        best = max(specialists, key=lambda s: s.score)
        patterns = [p.name for p in spec.access_patterns if wp.pattern_dimension(p) == dim]
        out.append({"dimension": dim, "role": role, "engine": best.engine.id, "name": best.engine.name,
                    "rating": best.engine.score(dim), "primary_rating": max(s.ratings[dim] for s in base),
                    "patterns": patterns, "flow": FLOW[role], "importance": round(n.importance, 2),
                    "team": rating(spec, best.engine, "team")})
    return out


def polyglot_decision(spec: Spec, primary: Engine, stores: list[dict[str, Any]], catalog: Catalog) -> Decision:
    roles = "; ".join(f"{s['name']} for {s['role']} ({', '.join(s['patterns'])}): rates {s['rating']}/5 "
                      f"on {s['dimension']} vs {s['primary_rating']:g}/5 for the primary" for s in stores)
    ev: list[Evidence] = [Evidence.formula(f"{s['dimension']} importance vs primary rating", s["importance"],
                                           primary_rating=s["primary_rating"], specialist_rating=s["rating"])
                          for s in stores]
    for s in stores:
        ev += _cite(catalog.get(s["engine"]), [s["dimension"]], limit=2)
    trade = ["two stores to operate, secure, back up and monitor", "the secondary store lags the primary "
             "(eventual consistency for the patterns it serves)"]
    trade += [f"team skill with {s['name']}: {s['team']:g}/5" for s in stores if s["team"] < 3]
    return Decision(
        topic="polyglot persistence",
        choice=f"{primary.name} as system of record + " + ", ".join(f"{s['name']} ({s['role']})" for s in stores),
        rationale=f"Access patterns diverge: {roles}. Data flow: "
                  + " ".join(f"{s['role']}: {s['flow']}." for s in stores),
        trade_offs=trade,
        alternatives=[Alternative(f"{primary.name} alone", "serves the patterns above with a "
                                  f"{'/'.join(str(s['primary_rating']) for s in stores)}/5 rating: "
                                  "possible at today's volume, the first thing to outgrow")],
        evidence=ev)


def compare(spec: Spec, names: list[str], catalog: Catalog | None = None) -> dict[str, Any]:
    """Score the named engines for a spec and give an honest verdict, including 'neither'."""
    catalog = catalog or load_catalog()
    engines = [catalog.get(n) for n in names]
    need = needs(spec)
    listed = sorted((score_engine(spec, e, need) for e in engines), key=lambda s: tie_key(spec, s))
    overall = rank(spec, catalog, need=need)
    best_listed = listed[0]
    best_other = next((s for s in overall if s.engine.id not in {e.id for e in engines}), None)
    stores = polyglot(spec, best_listed, need, catalog, listed=listed)
    if best_other is not None and best_other.score - best_listed.score >= NEITHER_MARGIN:
        head = (f"{best_listed.engine.name} over {listed[1].engine.name} ({best_listed.score:.1f} vs "
                f"{listed[1].score:.1f}), but " if len(listed) > 1 else "")
        verdict = (f"{head}neither — consider {best_other.engine.name} ({best_other.score:.1f} vs "
                   f"{best_listed.engine.name} {best_listed.score:.1f})")
    else:
        verdict = f"{best_listed.engine.name}"
        if len(listed) > 1:
            verdict += f" over {listed[1].engine.name} ({best_listed.score:.1f} vs {listed[1].score:.1f})"
        if stores:
            verdict += " as the system of record, but neither alone"
        if best_other is not None and best_other.score - best_listed.score >= CLOSE_CALL:
            verdict += f" (the catalogue's best overall: {best_other.engine.name}, {best_other.score:.1f})"
    if stores:
        verdict += "; for " + ", ".join(f"{s['dimension']} ({', '.join(s['patterns'])}) no listed engine "
                                        f"rates above {s['primary_rating']:g}/5 — consider {s['name']} "
                                        f"({s['rating']}/5) beside it" for s in stores)
    dims = {d: {"importance": round(n.importance, 2), "reason": n.reason} for d, n in need.items()}
    return {"verdict": verdict, "listed": [s.to_dict() for s in listed], "needs": dims,
            "best_overall": [s.to_dict() for s in overall[:5]], "polyglot": stores,
            "reasons": {s.engine.id: _per_dim(s, need) for s in [*listed, *overall[:1]]}}


def _per_dim(s: EngineScore, need: dict[str, Need]) -> list[str]:
    out = []
    for d in sorted(need, key=lambda d: -need[d].importance):
        facts = s.engine.facts_for(d) if d != "team" else []
        cite = f" — {facts[0].claim} [{facts[0].source}]" if facts else ""
        out.append(f"{d}: {s.ratings[d]:g}/5 (needed {need[d].importance:.2f}){cite}")
    return out


def run(ctx: DesignContext) -> Section | None:
    spec = ctx.spec
    catalog = load_catalog()
    findings: list[Finding] = []
    for dim in spec.technology.weights:
        if dim not in ALL_DIMENSIONS:
            findings.append(Finding("TECH001", Severity.WARNING, f"unknown technology weight '{dim}'",
                                    Location(path=f"technology.weights.{dim}"),
                                    remediation="use one of: " + ", ".join(ALL_DIMENSIONS)))
    for name in [*spec.technology.candidates, *spec.technology.preferred, *spec.technology.excluded]:
        if catalog.resolve(name) is None:
            findings.append(Finding("TECH002", Severity.WARNING, f"engine '{name}' is not in the catalogue",
                                    Location(path="technology"),
                                    remediation="known: " + ", ".join(e.id for e in catalog.engines)))
    need = needs(spec)
    ranking = rank(spec, catalog, need=need)
    decisions = [technology_decision(spec, ranking, need)]
    stores = polyglot(spec, ranking[0], need, catalog)
    if stores:
        decisions.append(polyglot_decision(spec, ranking[0].engine, stores, catalog))
    cands = [c for c in spec.technology.candidates if catalog.resolve(c)]
    comparison = compare(spec, cands, catalog) if len(cands) >= 1 else None
    winner = ranking[0].engine
    if spec.technology.preferred and not any(catalog.resolve(p) == winner.id for p in spec.technology.preferred):
        findings.append(Finding("TECH003", Severity.INFO, f"preferred {', '.join(spec.technology.preferred)} "
                                f"is not the top-scoring engine ({winner.name})", Location(path="technology.preferred"),
                                rationale="the preference added its bonus and still lost on the scored needs"))
    summary = f"{winner.name} ({ranking[0].score:.1f}/100); runner-up {ranking[1].engine.name} ({ranking[1].score:.1f})"
    if stores:
        summary += "; plus " + ", ".join(f"{s['name']} for {s['role']}" for s in stores)
    if comparison:
        summary += f". Candidates: {comparison['verdict']}"
    data = {"recommended": winner.id, "recommended_name": winner.name, "category": winner.category,
            "runner_up": ranking[1].engine.id,
            "needs": {d: {"importance": round(n.importance, 2), "reason": n.reason} for d, n in need.items()},
            "ranking": [s.to_dict() for s in ranking[:10]], "polyglot": stores, "comparison": comparison,
            "managed": [{"provider": m.provider, "name": m.name, "source": m.source} for m in winner.managed]}
    return Section(name="technology", title="Technology selection", summary=summary, decisions=decisions,
                   findings=findings, data=data)
