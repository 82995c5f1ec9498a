"""Schema decisions that shape every table: tenancy model, key style, hierarchy representation.

Each function is pure and returns the choice plus a Decision with rationale, trade-offs,
alternatives and the evidence (formula and inputs) behind any number it uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from dbwright.model import Alternative, Decision, Evidence
from dbwright.spec.models import Entity, Spec

# PostgreSQL keeps one pg_class row per table, index, sequence and TOAST table. Past ~10^5
# relations catalog caches, pg_dump and every migration (run once per schema) slow down markedly.
CATALOG_RELATIONS_LIMIT = 100_000
CATALOG_SOURCE = "https://www.postgresql.org/docs/current/catalog-pg-class.html"
OBJECTS_PER_TABLE = 3  # heap + primary key index + TOAST, a floor before secondary indexes
DEDICATED_DB_LIMIT = 200  # beyond this, per-tenant databases need fleet automation
NOISY_TENANT_SHARE = 0.20


@dataclass(frozen=True)
class Tenancy:
    model: str  # shared | schema | database | none
    decision: Decision | None


def decide_tenancy(spec: Spec) -> Tenancy:
    t = spec.tenancy
    if t is None or t.model == "none":
        return Tenancy("none", None)
    tables = len(spec.entities) + len(spec.relationships)
    relations = t.tenants * tables * OBJECTS_PER_TABLE
    ev = [Evidence.formula("catalog relations if each tenant had its own schema = tenants × tables × "
                           f"{OBJECTS_PER_TABLE}", relations, tenants=t.tenants, tables=tables,
                           objects_per_table=OBJECTS_PER_TABLE),
          Evidence.cited(f"catalog size stays manageable below ~{CATALOG_RELATIONS_LIMIT:,} relations",
                         CATALOG_SOURCE)]
    strict_compliance = any(c in ("hipaa", "pci-dss", "fedramp") for c in spec.compliance)
    if t.model != "decide":
        model = t.model
        why = f"tenancy.model is '{model}' in the spec"
    elif t.isolation == "dedicated":
        model = "database" if t.tenants <= DEDICATED_DB_LIMIT else "schema"
        why = (f"isolation 'dedicated' with {t.tenants} tenants: "
               + ("a database per tenant is operable at this count" if model == "database"
                  else f"more than {DEDICATED_DB_LIMIT} databases needs fleet tooling; schema per tenant instead"))
    elif relations > CATALOG_RELATIONS_LIMIT:
        model = "shared"
        why = (f"{t.tenants} tenants × {tables} tables would create ~{relations:,} relations as "
               f"schema-per-tenant, above ~{CATALOG_RELATIONS_LIMIT:,}: shared schema with tenant_id "
               "leading every key, enforced by row-level security")
    else:
        model = "shared"
        why = (f"{t.tenants} tenants fit a shared schema; tenant_id leads every key and row-level "
               "security enforces isolation in the database")
    trade = ["one noisy tenant shares I/O and caches with all others" if model == "shared" else
             "every migration runs once per tenant schema/database",
             "row-level security policies must be kept on every new table" if model == "shared" else
             "cross-tenant reporting needs a fan-out query"]
    if model == "shared" and t.largest_tenant_share > NOISY_TENANT_SHARE:
        trade.append(f"the largest tenant holds {t.largest_tenant_share:.0%} of rows: plan to move it to "
                     "dedicated storage (hybrid)")
    if model == "shared" and (t.isolation == "strict" or strict_compliance):
        trade.append("compliance asks for strong isolation: RLS is FORCEd, and the app role has no BYPASSRLS")
    alts = [Alternative("shared schema + tenant_id + RLS",
                        "chosen" if model == "shared" else "isolation needs demand separate storage"),
            Alternative("schema per tenant",
                        "chosen" if model == "schema" else
                        f"~{relations:,} relations and per-schema migrations"),
            Alternative("database per tenant",
                        "chosen" if model == "database" else
                        "connection pools and backups per database do not scale to this tenant count")]
    alts = [a for a in alts if a.why_not != "chosen"]
    dec = Decision(topic="tenancy", choice={"shared": "shared schema, tenant_id leading keys, row-level security",
                                            "schema": "schema per tenant",
                                            "database": "database per tenant"}[model],
                   rationale=why, trade_offs=trade, alternatives=alts, evidence=ev)
    return Tenancy(model, dec)


@dataclass(frozen=True)
class KeyChoice:
    style: str  # bigint | uuid | natural
    reason: str


def decide_key(spec: Spec, name: str, ent: Entity, tenancy: str) -> KeyChoice:
    if ent.key == "natural":
        return KeyChoice("natural", "natural key declared in the spec")
    if ent.key in ("bigint", "uuid"):
        return KeyChoice(ent.key, f"key: {ent.key} in the spec")
    if spec.regions.writes == "multi":
        return KeyChoice("uuid", "writes in several regions: keys must be generated without coordination")
    if tenancy in ("database", "schema"):
        return KeyChoice("uuid", "per-tenant storage: rows may be merged or moved between tenants' stores")
    if ent.exposed:
        return KeyChoice("uuid", "ids are exposed in URLs/APIs: sequential ids leak volumes and invite enumeration")
    return KeyChoice("bigint", "internal ids: 8-byte identity keys are the smallest and fastest to index")


def keys_decision(choices: dict[str, KeyChoice], spec: Spec) -> Decision:
    uuid_ents = [n for n, c in choices.items() if c.style == "uuid"]
    big = [n for n, c in choices.items() if c.style == "bigint"]
    rows_uuid = sum(spec.entities[n].rows or 0 for n in uuid_ents)
    rows_big = sum(spec.entities[n].rows or 0 for n in big)
    extra = rows_big * 8  # bytes more per key and per referencing index entry had these been UUIDs
    parts = []
    if big:
        parts.append(f"bigint identity for {', '.join(big)}")
    if uuid_ents:
        parts.append(f"time-ordered UUIDv7 for {', '.join(uuid_ents)}")
    nat = [n for n, c in choices.items() if c.style == "natural"]
    if nat:
        parts.append(f"natural keys for {', '.join(nat)}")
    return Decision(
        topic="keys",
        choice="; ".join(parts),
        rationale="; ".join(sorted({f"{n}: {c.reason}" for n, c in choices.items()})),
        trade_offs=["UUIDs are 16 bytes vs 8: larger indexes and foreign keys",
                    "time-ordered UUIDv7 keeps inserts at the right edge of the B-tree (random v4 would "
                    "scatter them and bloat the index)",
                    "bigint identities reveal creation order and volume when exposed"],
        alternatives=[Alternative("random UUIDv4", "random insert positions fragment B-tree indexes"),
                      Alternative("natural keys everywhere", "natural values change (emails, SKUs); "
                                  "changes would cascade through every foreign key")],
        evidence=[Evidence.formula("extra key bytes had bigint keys been UUIDs = rows × (16 − 8)", extra,
                                   bigint_rows=rows_big),
                  Evidence.formula("key bytes for UUID-keyed rows = rows × 16", rows_uuid * 16,
                                   uuid_rows=rows_uuid)],
    )


@dataclass(frozen=True)
class Hierarchy:
    entity: str
    attribute: str
    style: str  # adjacency | path | closure
    decision: Decision


def decide_hierarchy(spec: Spec, entity: str, attribute: str) -> Hierarchy:
    reads = sum(ap.rate for ap in spec.access_patterns
                if ap.entity == entity and ap.kind in ("subtree", "ancestors"))
    moves = sum(ap.rate for ap in spec.access_patterns if ap.entity == entity and ap.kind == "update")
    ratio = moves / reads if reads else None
    if reads == 0:
        style, why = "adjacency", "no subtree/ancestor reads: a parent reference is enough"
    elif moves <= 0.01 * reads:
        style, why = "path", (f"subtree/ancestor reads ({reads:g}/s) dominate moves ({moves:g}/s): a "
                              "materialized path answers a subtree with one index range scan")
    else:
        style, why = "closure", (f"moves ({moves:g}/s) are frequent relative to reads ({reads:g}/s): a "
                                 "closure table updates only the moved subtree's rows and reads by join")
    names = {"adjacency": "adjacency list (parent_id)",
             "path": "materialized path (ltree on PostgreSQL, text path elsewhere) + parent_id",
             "closure": "closure table (ancestor_id, descendant_id, depth) + parent_id"}
    dec = Decision(
        topic=f"hierarchy.{entity}",
        choice=names[style],
        rationale=why,
        trade_offs={"adjacency": ["subtree reads need recursive queries (WITH RECURSIVE)"],
                    "path": ["moving a subtree rewrites the path of every descendant",
                             "the path must be maintained by the application or a trigger"],
                    "closure": ["O(depth) rows per node", "inserts write one row per ancestor"]}[style],
        alternatives=[Alternative(v, "see rationale") for k, v in names.items() if k != style],
        evidence=[Evidence.formula("moves per subtree read = Σ update rate ÷ Σ subtree/ancestor read rate",
                                   ratio, subtree_reads_per_s=reads, moves_per_s=moves, path_threshold=0.01)],
    )
    return Hierarchy(entity, attribute, style, dec)
