"""Stage 'normalization': normal form of entities with declared FDs, and denormalization advice.

- Each entity with ``functional_dependencies`` gets its keys, normal form, violations and the
  3NF synthesis / BCNF decomposition (with the dependencies a BCNF split would lose).
- Each hot read access pattern that joins gets a denormalization option — a derived column, a
  summary table or a materialized view — with its consistency cost computed from the spec's read
  and write rates; it is recommended only when the reads saved outweigh the extra work tenfold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence, Finding, Severity
from dbwright.spec.models import AccessPattern, Entity, Spec
from dbwright.stages.context import DesignContext
from dbwright.theory.decompose import bcnf_decompose, synthesize_3nf
from dbwright.theory.fd import FDError, canonical_cover, ordered, parse_fds
from dbwright.theory.normal_forms import analyze, is_bcnf_relation

HOT_READS_PER_S = 50.0
BENEFIT_RATIO = 10.0


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def entity_attributes(entity: Entity) -> list[str]:
    return list(entity.attributes)


def analyze_entity(name: str, entity: Entity) -> dict[str, Any]:
    """Keys, normal form, violations, 3NF synthesis and BCNF decomposition of one entity."""
    attrs = entity_attributes(entity)
    used = {a for fd in entity.functional_dependencies for side in fd.split("->") for a in
            (x.strip() for x in side.split(",")) if a}
    if "id" in used and "id" not in attrs:
        attrs.insert(0, "id")
    fds = parse_fds(entity.functional_dependencies, attrs)
    report = analyze(attrs, fds)
    synth = synthesize_3nf(attrs, fds)
    bcnf = bcnf_decompose(attrs, fds) if len(attrs) <= 22 else None
    synth_bcnf = all(len(r.attributes) <= 20 and is_bcnf_relation(r.attributes, fds) for r in synth.relations)
    chosen = bcnf if bcnf is not None and not bcnf.lost and not synth_bcnf else synth
    keys = [ordered(k, attrs) for k in report.keys]
    tables = propose_tables(snake(name), [(r.attributes, r.keys or [r.attributes], r.reason)
                                          for r in chosen.relations], keys)
    return {
        "proposed": {"target": "bcnf" if chosen is bcnf or synth_bcnf else "3nf", "tables": tables,
                     "types": entity_types(entity, attrs)},
        "entity": name, "attributes": attrs, "normal_form": report.normal_form,
        "candidate_keys": [ordered(k, attrs) for k in report.keys],
        "prime_attributes": ordered(report.prime, attrs),
        "minimal_cover": [fd.text(attrs) for fd in canonical_cover(fds)],
        "violations": [{"form": v.form, "dependency": v.fd.text(attrs) if v.fd else str(v.mvd), "reason": v.reason}
                       for v in report.violations],
        "synthesis_3nf": [{"attributes": r.attributes, "keys": r.keys, "reason": r.reason} for r in synth.relations],
        "synthesis_steps": synth.steps,
        "bcnf": None if bcnf is None else {
            "relations": [{"attributes": r.attributes, "keys": r.keys, "reason": r.reason} for r in bcnf.relations],
            "lost_dependencies": [fd.text(attrs) for fd in bcnf.lost], "steps": bcnf.steps},
    }


def _entity_decision(info: dict[str, Any]) -> Decision:
    nf = info["normal_form"]
    n3 = len(info["synthesis_3nf"])
    bcnf = info["bcnf"]
    lost = bcnf["lost_dependencies"] if bcnf else []
    prop = info["proposed"]
    names = ", ".join(t["name"] for t in prop["tables"])
    if nf == "BCNF":
        choice = f"{info['entity']}: keep as one table (BCNF)"
    elif lost and prop["target"] == "3nf":
        choice = (f"{info['entity']}: split into {n3} tables by 3NF synthesis ({names}); "
                  f"BCNF would lose {', '.join(lost)}")
    else:
        choice = f"{info['entity']}: split into {len(prop['tables'])} BCNF tables ({names}), dependency-preserving"
    first = info["violations"][:3]
    rationale = (f"keys {', '.join('(' + ', '.join(k) + ')' for k in info['candidate_keys'])}; normal form {nf}"
                 + ("; " + "; ".join(f"{v['dependency']} breaks {v['form']}: {v['reason']}" for v in first)
                    if first else ""))
    alts = []
    if nf != "BCNF":
        alts.append(Alternative("keep the flat table", "every non-key dependency is stored once per row: "
                                "update anomalies (one copy changed, the others not)"))
    if lost:
        alts.append(Alternative("BCNF decomposition", f"loses {', '.join(lost)}: only a cross-table check "
                                "(trigger) could enforce it"))
    return Decision(
        topic=f"normal form of {info['entity']}", choice=choice, rationale=rationale,
        trade_offs=["more tables mean joins on read paths that need the removed columns"] if nf != "BCNF" else [],
        alternatives=alts,
        evidence=[Evidence.formula("normal form from candidate keys and the declared FDs (closure, Lucchesi–Osborn "
                                   "keys, 3NF synthesis, BCNF split; lossless by the chase)", nf,
                                   fds=info["minimal_cover"])])


# --- proposed tables -----------------------------------------------------------------------------

ID_WORDS = {"id", "code", "sku", "key", "no", "number", "num", "uuid", "ref", "email", "handle", "slug", "login",
            "username"}


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return [w for w in re.split(r"[^a-z0-9]+", spaced) if w]


def plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def table_name(key: Sequence[str], fallback: str, used: set[str]) -> str:
    """Name a table after the non-identifier words of its key (customer_id → customers)."""
    found: list[str] = []
    for col in key:
        for w in words(col):
            if w not in ID_WORDS and w not in found:
                found.append(w)
    if len(found) > 4:  # a wide key: name after its first words only
        base = "_".join(found[:3]) + "_etc"
    else:
        base = "_".join([*found[:-1], plural(found[-1])]) if found else fallback
    name, n = base[:48], 2
    while name in used:
        name, n = f"{base[:44]}_{n}", n + 1
    used.add(name)
    return name


def pick_primary_key(keys: Sequence[Sequence[str]]) -> list[str]:
    """The shortest key, preferring identifier-like columns (ids, codes) over names or emails."""
    def rank(k: Sequence[str]) -> tuple[int, int]:
        idish = all(set(words(c)) & (ID_WORDS - {"email"}) for c in k)
        return (len(k), 0 if idish else 1)
    return list(sorted(keys, key=rank)[0])


def propose_tables(name: str, relations: Sequence[tuple[list[str], list[list[str]], str]],
                   whole_keys: Sequence[Sequence[str]], used: set[str] | None = None,
                   main_name: str | None = None) -> list[dict[str, Any]]:
    """Tables for the relations of a decomposition: names, primary key, unique keys, foreign keys.

    A relation references another when it holds that relation's primary key (and is not contained
    in it). ``main_name`` names the relation holding a key of the whole; ``used`` avoids clashes.
    """
    used = used if used is not None else set()
    used.add(name)
    whole = [set(k) for k in whole_keys]
    tables: list[dict[str, Any]] = []
    for attrs, keys, reason in relations:
        pk = pick_primary_key(keys)
        if main_name and main_name not in used and any(k <= set(attrs) for k in whole):
            tname = main_name
            used.add(main_name)
        else:
            tname = table_name(pk, f"{name}_{len(tables) + 1}", used)
        tables.append({"name": tname, "columns": list(attrs), "primary_key": pk,
                       "unique": [list(k) for k in keys if list(k) != pk], "reason": reason, "foreign_keys": []})
    for t in tables:
        for other in tables:
            if other is t or set(other["primary_key"]) == set(t["primary_key"]):
                continue
            if set(other["primary_key"]) <= set(t["columns"]) and not set(other["columns"]) <= set(t["columns"]):
                t["foreign_keys"].append({"columns": other["primary_key"], "references": other["name"],
                                          "referenced_columns": other["primary_key"]})
    return tables


SPEC_KINDS = {"int": "int", "bigint": "int", "smallint": "int", "decimal": "float", "money": "float",
              "float": "float", "bool": "bool", "date": "date", "timestamp": "timestamp", "datetime": "timestamp",
              "ref": "int"}


def entity_types(entity: Entity, attrs: Sequence[str]) -> dict[str, str]:
    return {a: SPEC_KINDS.get(entity.attributes[a].type, "text") if a in entity.attributes else "int"
            for a in attrs}


# --- denormalization ---------------------------------------------------------------------------

def _entities_in(ap: AccessPattern, spec: Spec) -> list[str]:
    if ap.sql is None:
        return [ap.entity] if ap.entity else []
    names = {snake(e): e for e in spec.entities}
    names.update({e.lower(): e for e in spec.entities})
    found: list[str] = []
    for m in re.finditer(r"\b(?:from|join)\s+\"?([A-Za-z_][A-Za-z0-9_]*)\"?", ap.sql, re.IGNORECASE):
        e = names.get(m.group(1).lower()) or names.get(m.group(1).lower().rstrip("s"))
        if e and e not in found:
            found.append(e)
    return found


def _write_rate(spec: Spec, entity: str) -> float:
    total = 0.0
    for ap in spec.access_patterns:
        if not ap.is_write:
            continue
        if ap.writes:
            total += ap.rate * ap.writes.get(entity, 0)
        elif ap.entity == entity or (ap.sql and re.search(rf"\b{snake(entity)}\b", ap.sql, re.IGNORECASE)):
            total += ap.rate
    return total


def _update_rate(spec: Spec, entity: str) -> float:
    return sum(ap.rate for ap in spec.access_patterns if ap.kind == "update"
               and (ap.entity == entity or (ap.sql and re.search(rf"\b{snake(entity)}\b", ap.sql, re.I))))


def denormalization_options(spec: Spec) -> list[dict[str, Any]]:
    """One option per hot read access pattern that joins two or more entities."""
    out: list[dict[str, Any]] = []
    for ap in spec.access_patterns:
        if ap.is_write or ap.sql is None or not re.search(r"\bjoin\b", ap.sql, re.IGNORECASE):
            continue
        ents = _entities_in(ap, spec)
        if len(ents) < 2:
            continue
        aggregate = bool(re.search(r"\bgroup\s+by\b|\bdistinct\s+on\b|\b(sum|count|avg|min|max)\s*\(",
                                   ap.sql, re.IGNORECASE))
        writes = {e: _write_rate(spec, e) for e in ents}
        updates = {e: _update_rate(spec, e) for e in ents}
        rows = {e: spec.entities[e].rows for e in ents}
        if aggregate:
            if ap.staleness:
                kind, cost = "materialized view", 1.0 / ap.staleness
                how = f"REFRESH MATERIALIZED VIEW CONCURRENTLY every {ap.staleness:g} s (allowed staleness)"
                cost_text = f"one full refresh per {ap.staleness:g} s; results up to {ap.staleness:g} s stale"
            else:
                kind, cost = "summary table", sum(writes.values())
                how = "a trigger on each write to the joined tables updates the summary row in the same transaction"
                cost_text = f"{cost:g} extra row updates/s; hot summary rows serialize concurrent writers"
        else:
            parent = min(ents, key=lambda e: rows[e] or 0)
            child = max(ents, key=lambda e: rows[e] or 0)
            fan_out = (rows[child] or 1) / max(1, rows[parent] or 1)
            kind = "derived column"
            cost = updates[parent] * fan_out + writes[child]
            how = (f"copy the needed {parent} columns into {child}; a trigger on {parent} updates "
                   f"~{fan_out:.0f} {child} rows per change, new {child} rows copy them on insert")
            cost_text = (f"{updates[parent]:g} {parent} updates/s × {fan_out:.1f} {child} rows rewritten each "
                         f"+ {writes[child]:g} {child} inserts/s each looking up {parent} "
                         f"= {cost:.1f} extra row operations/s")
        joins_saved = ap.rate * (len(ents) - 1)
        ratio = joins_saved / cost if cost > 0 else float("inf")
        recommend = ap.rate >= HOT_READS_PER_S and ratio >= BENEFIT_RATIO
        out.append({"access_pattern": ap.name, "entities": ents, "kind": kind, "how": how,
                    "read_rate": ap.rate, "joins_saved_per_s": joins_saved, "consistency_cost": cost_text,
                    "extra_work_per_s": cost, "benefit_ratio": None if ratio == float("inf") else round(ratio, 1),
                    "write_rates": writes, "recommended": recommend})
    return out


def _denorm_decision(o: dict[str, Any]) -> Decision:
    verdict = "recommended" if o["recommended"] else "not recommended: keep the normalized join"
    return Decision(
        topic=f"denormalization for {o['access_pattern']}", choice=f"{o['kind']} ({verdict})",
        rationale=(f"{o['read_rate']:g} reads/s join {', '.join(o['entities'])}; {o['how']}"),
        trade_offs=[o["consistency_cost"], "a second copy of the data that can drift if a write path bypasses it"],
        alternatives=[Alternative("keep the join", "costs one join per read" if o["recommended"]
                                  else "chosen: the reads do not justify the extra writes"),
                      Alternative("cache in the application", "invalidation is then the application's problem")],
        evidence=[Evidence.formula("benefit = joins saved per second / extra row work per second",
                                   o["benefit_ratio"], joins_saved_per_s=o["joins_saved_per_s"],
                                   extra_work_per_s=o["extra_work_per_s"], write_rates=o["write_rates"])])


def run(ctx: DesignContext) -> Section | None:
    spec = ctx.spec
    entities: list[dict[str, Any]] = []
    findings: list[Finding] = []
    decisions: list[Decision] = []
    for name, entity in spec.entities.items():
        if not entity.functional_dependencies:
            continue
        loc = ctx.positions.locate(("entities", name, "functional_dependencies"))
        try:
            info = analyze_entity(name, entity)
        except FDError as exc:
            findings.append(Finding("NORM020", Severity.ERROR, f"{name}: {exc}", loc,
                                    remediation="write each dependency as 'a, b -> c' over the entity's attributes"))
            continue
        entities.append(info)
        decisions.append(_entity_decision(info))
        if info["normal_form"] not in ("3NF", "BCNF"):
            findings.append(Finding(
                "NORM021", Severity.WARNING, f"{name} is only in {info['normal_form']}: "
                f"{len(info['synthesis_3nf'])} tables by 3NF synthesis remove its redundancy", loc,
                "; ".join(v["dependency"] + " (" + v["form"] + ")" for v in info["violations"][:4]),
                "run 'dbwright normalize' on the spec for the tables, DDL and fill SQL"))
    options = denormalization_options(spec)
    decisions.extend(_denorm_decision(o) for o in options)
    if not entities and not options:
        return None
    below = [e["entity"] for e in entities if e["normal_form"] not in ("3NF", "BCNF")]
    rec = [o for o in options if o["recommended"]]
    parts = []
    if entities:
        parts.append(f"{len(entities)} entit{'y' if len(entities) == 1 else 'ies'} with declared FDs"
                     + (f" ({', '.join(below)} below 3NF)" if below else " (all in 3NF or better)"))
    if options:
        parts.append(f"{len(rec)} of {len(options)} joining access patterns worth denormalizing")
    summary = "; ".join(parts)
    return Section("normalization", "Normalization and denormalization", summary, decisions, findings,
                   {"entities": entities, "denormalization": options})
