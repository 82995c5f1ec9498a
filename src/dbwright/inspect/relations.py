"""Relations between tables, declared or inferred, each with its evidence and a confidence.

Evidence kinds, strongest first:

- ``declared``: a FOREIGN KEY constraint (confidence 1);
- ``comment``: a column comment that names the target (``references customer(id)``, ``FK to customer``);
- ``naming``: the column names the target — the parent's key column itself (``artist_id`` in both
  tables), ``<entity>_id`` / ``<Entity>Id`` / ``id_<entity>`` with singular/plural forms, the
  entity as the last words of a role (``billing_address_id`` → ``address``), or a self-reference
  word (``parent_id``, ``reports_to``, ``manager_id``) to the table's own key;
- ``type``: the column's type is in the family of the parent key's type (a mismatch rules it out);
- ``inclusion``: with sampled data, every value of the column is a value of the parent key — an
  inclusion dependency found by Desbordante's SPIDER; a value outside the key rules it out.

The score adds the evidence weights (below); a relation with a score ≥ ``THRESHOLD`` is
reported as inferred, labelled high (≥ 0.8), medium (≥ 0.65) or low. Inclusion alone (no name
evidence) is reported only when exactly one parent key contains the values: small integer columns
are included in many unrelated keys.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.model.database import Column, Database, ForeignKey, Table

WEIGHTS = {"declared": 1.0, "comment": 0.6, "same_name_as_key": 0.6, "entity_name": 0.55, "role_suffix": 0.45,
           "self_reference_word": 0.45, "type_match": 0.15, "inclusion": 0.3, "inclusion_only": 0.45}
THRESHOLD = 0.6
ID_SUFFIXES = ("id", "key", "fk", "ref", "no", "num", "code", "uuid")
SELF_WORDS = {"parent", "manager", "reports_to", "reportsto", "supervisor", "boss", "mentor", "predecessor",
              "successor", "replaced_by", "superseded_by", "parent_id", "manager_id", "reports_to_id"}
IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "datum",
             "indices": "index", "statuses": "status", "addresses": "address", "analyses": "analysis"}
TABLE_PREFIXES = ("tbl_", "tb_", "t_", "tab_")


@dataclass
class Relation:
    table: str  # child "schema.table"
    columns: list[str]
    ref_table: str  # parent "schema.table"
    ref_columns: list[str]
    evidence: list[dict[str, Any]] = field(default_factory=list)  # {kind, detail, weight}
    score: float = 0.0
    declared: bool = False
    name: str | None = None
    on_delete: str | None = None

    @property
    def confidence(self) -> str:
        if self.declared:
            return "declared"
        return "high" if self.score >= 0.8 else "medium" if self.score >= 0.65 else "low"

    @property
    def kinds(self) -> list[str]:
        return sorted({e["kind"] for e in self.evidence})

    def signature(self) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
        return (self.table, tuple(self.columns), self.ref_table, tuple(self.ref_columns))

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "columns": self.columns, "references": self.ref_table,
                "referenced_columns": self.ref_columns, "declared": self.declared, "name": self.name,
                "score": round(self.score, 3), "confidence": self.confidence, "evidence": self.evidence}


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def singular(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2:
        return word[:-1]
    return word


def entity_forms(table: str) -> set[str]:
    """Names a column may use for ``table``: its words joined, singular and plural of the last."""
    name = table
    for p in TABLE_PREFIXES:
        if name.lower().startswith(p) and len(name) > len(p) + 1:
            name = name[len(p):]
    w = words(name)
    if not w:
        return set()
    base = w[:-1]
    forms = {"_".join([*base, w[-1]]), "_".join([*base, singular(w[-1])])}
    return forms | {f.replace("_", "") for f in forms}


def type_family(t: str) -> str:
    s = t.lower()
    if re.search(r"\b(small|big|tiny|medium)?int(eger)?\d*\b|\bserial|\bint\(", s) or s.startswith("int"):
        return "int"
    if "uuid" in s or "uniqueidentifier" in s:
        return "uuid"
    if re.search(r"char|text|string|clob|citext", s):
        return "text"
    if re.search(r"numeric|decimal|number", s):
        return "numeric"
    if re.search(r"date|time", s):
        return "time"
    return s.split("(")[0].strip()


_COMMENT = re.compile(r"(?:references?|refers to|fk(?: to)?|foreign key(?: to)?|->|→)\s*[`\"]?"
                      r"([A-Za-z_][\w$]*)(?:[`\"]?\.[`\"]?([A-Za-z_][\w$]*))?(?:[`\"]?\s*\(\s*[`\"]?(\w+))?",
                      re.IGNORECASE)


def _key_of(t: Table) -> list[str] | None:
    if len(t.primary_key) == 1:
        return list(t.primary_key)
    singles = [u for u in t.unique_sets() if len(u) == 1]
    return singles[0] if singles else None


def declared_relations(db: Database) -> list[Relation]:
    out = []
    for t in db.tables.values():
        for fk in t.foreign_keys:
            out.append(Relation(t.key, list(fk.columns), fk.ref_key, list(fk.ref_columns),
                                [{"kind": "declared", "detail": f"FOREIGN KEY {fk.name}", "weight": 1.0}],
                                1.0, True, fk.name, fk.on_delete))
    return out


def infer_relations(db: Database, use_data: bool = True, kinds: set[str] | None = None) -> list[Relation]:
    """Every declared relation plus inferred ones for single columns that are not yet FK columns.
    ``kinds`` limits the evidence used (benchmarks); ``use_data`` enables inclusion dependencies."""
    allowed = kinds or {"comment", "naming", "type", "inclusion"}
    declared = declared_relations(db)
    covered = {(r.table, c) for r in declared for c in r.columns}
    tables = [t for t in db.tables.values() if not t.is_view]
    keys = {t.key: k for t in tables if (k := _key_of(t))}
    by_form: dict[str, list[Table]] = {}
    for t in tables:
        if t.key in keys:
            for f in entity_forms(t.name):
                by_form.setdefault(f, []).append(t)
    candidates: dict[tuple[str, str, str], Relation] = {}

    def add(child: Table, col: Column, parent: Table, kind: str, detail: str, weight: float) -> None:
        pk = keys[parent.key]
        k = (child.key, col.name, parent.key)
        rel = candidates.get(k)
        if rel is None:
            rel = Relation(child.key, [col.name], parent.key, list(pk))
            candidates[k] = rel
        if not any(e["kind"] == kind for e in rel.evidence):
            rel.evidence.append({"kind": kind, "detail": detail, "weight": weight})

    for t in tables:
        own_pk = set(t.primary_key)
        for col in t.columns:
            if (t.key, col.name) in covered:
                continue
            if "comment" in allowed and col.comment:
                m = _COMMENT.search(col.comment)
                if m:
                    sch, name = (m.group(1), m.group(2)) if m.group(2) else (None, m.group(1))
                    parent = _find(tables, name, sch or t.schema)
                    if parent is not None and parent.key in keys:
                        add(t, col, parent, "comment", f"comment: {col.comment.strip()[:60]}", WEIGHTS["comment"])
            if "naming" in allowed:
                for parent, why, w in _by_name(t, col, tables, keys, by_form, own_pk):
                    if parent.key not in t.inherits and parent.key != t.partition_of:
                        add(t, col, parent, "naming", why, w)
    if use_data and "inclusion" in allowed and db.extra.get("samples"):
        _inclusion(db, tables, keys, candidates, covered)
    out = list(declared)
    for rel in candidates.values():
        child, parent = db.tables[rel.table], db.tables[rel.ref_table]
        ccol, pcol = child.column(rel.columns[0]), parent.column(rel.ref_columns[0])
        if ccol is None or pcol is None:
            continue
        if "type" in allowed:
            fc, fp = type_family(ccol.type), type_family(pcol.type)
            if fc != fp:
                continue  # a text column cannot hold integer keys as such: not a relation
            rel.evidence.append({"kind": "type", "detail": f"{ccol.type} ~ {pcol.type}", "weight": WEIGHTS["type_match"]})
        if child.schema == parent.schema and len(db.schemas) > 1:
            # same-named tables in several schemas: a reference usually stays in its own schema
            rel.evidence.append({"kind": "naming", "detail": f"same schema ({child.schema})", "weight": 0.05})
        rel.score = min(0.99, sum(e["weight"] for e in rel.evidence))
        if any(e["kind"] == "inclusion" and e["weight"] < 0 for e in rel.evidence):
            continue
        if rel.score >= THRESHOLD:
            out.append(rel)
    return _best_per_column(out)


def _find(tables: list[Table], name: str, schema: str) -> Table | None:
    same = [t for t in tables if t.name.lower() == name.lower()]
    return next((t for t in same if t.schema == schema), same[0] if same else None)


def _by_name(t: Table, col: Column, tables: list[Table], keys: dict[str, list[str]],
             by_form: dict[str, list[Table]], own_pk: set[str]) -> list[tuple[Table, str, float]]:
    out: list[tuple[Table, str, float]] = []
    lname = col.name.lower()
    whole_pk = own_pk == {col.name}
    w = words(col.name)
    if len(w) >= 2 and w[-1] in ID_SUFFIXES:
        ent = w[:-1]
    elif len(w) >= 2 and w[0] == "id":
        ent = w[1:]
    else:
        ent = []
    ent_name = "_".join(ent)
    if whole_pk and ent and ent_name in entity_forms(t.name):
        return []  # a table's own key, named after the table: not a reference
    # 1. the column is another table's single key column, by name (Sakila, Chinook: actor_id in actor);
    #    stronger when the name is also the parent's entity (film_id → film rather than film_text)
    for p in tables:
        k = keys.get(p.key)
        if p is not t and k and k[0].lower() == lname and lname not in ("id", "uuid", "key", "code"):
            named = bool(ent) and ent_name in entity_forms(p.name)
            out.append((p, f"same name as the key of {p.key}" + (" and names it" if named else ""),
                        WEIGHTS["same_name_as_key"] + (0.1 if named else 0.0)))
    if ent:
        # 2. <entity>_id; then role prefixes: billing_address_id → address
        for i in range(len(ent)):
            form = "_".join(ent[i:])
            for p in by_form.get(form, []) + by_form.get(singular(form), []):
                if p is t and whole_pk:
                    continue
                if any(q is p for q, _, _ in out):
                    continue
                if i == 0:
                    out.append((p, f"'{col.name}' names {p.name}", WEIGHTS["entity_name"]))
                else:
                    out.append((p, f"'{col.name}' ends with {p.name} (role '{'_'.join(ent[:i])}')",
                                WEIGHTS["role_suffix"]))
            if out:
                break
    if not out and lname in SELF_WORDS | {f"{x}_id" for x in SELF_WORDS} and t.key in keys and not whole_pk:
        out.append((t, f"'{col.name}' names a parent row of the same table", WEIGHTS["self_reference_word"]))
    return out


def _best_per_column(rels: list[Relation]) -> list[Relation]:
    """Keep one inferred parent per column: the best score; ties are dropped as ambiguous."""
    declared = [r for r in rels if r.declared]
    best: dict[tuple[str, str], list[Relation]] = {}
    for r in rels:
        if not r.declared:
            best.setdefault((r.table, r.columns[0]), []).append(r)
    out = list(declared)
    for group in best.values():
        group.sort(key=lambda r: -r.score)
        if len(group) > 1 and abs(group[0].score - group[1].score) < 1e-9:
            continue
        out.append(group[0])
    return out


def _inclusion(db: Database, tables: list[Table], keys: dict[str, list[str]],
               candidates: dict[tuple[str, str, str], Any], covered: set[tuple[str, str]]) -> None:
    """Inclusion dependencies of sampled columns in complete key columns (Desbordante SPIDER)."""
    samples: dict[str, Any] = db.extra["samples"]
    key_values: dict[str, list[str]] = db.extra.get("key_values", {})
    parents: list[tuple[Table, str, list[str]]] = []
    for t in tables:
        k = keys.get(t.key)
        s = samples.get(t.key)
        if not k or s is None:
            continue
        vals = key_values.get(f"{t.key}.{k[0]}") or (s["columns"].get(k[0]) if k[0] in s["complete"] else None)
        if vals:
            parents.append((t, k[0], vals))
    children: list[tuple[Table, str, list[str]]] = []
    for t in tables:
        s = samples.get(t.key)
        if s is None:
            continue
        for c, vals in s["columns"].items():
            col = t.column(c)
            if (t.key, c) in covered or col is None or not vals:
                continue
            if type_family(col.type) not in ("int", "text", "uuid", "numeric"):
                continue
            children.append((t, c, vals))
    if not parents or not children:
        return
    included = _spider(children, parents)
    for ci, (t, c, vals) in enumerate(children):
        col = t.column(c)
        assert col is not None
        hits = [parents[pi] for pi in included.get(ci, [])]
        hits = [h for h in hits if not (h[0] is t and h[1] == c)]
        named = [rel for (tk, cn, _pk), rel in candidates.items() if tk == t.key and cn == c]
        for rel in named:
            if any(h[0].key == rel.ref_table for h in hits):
                rel.evidence.append({"kind": "inclusion", "detail": f"{len(set(vals))} distinct sampled value(s) "
                                     f"all in {rel.ref_table}.{rel.ref_columns[0]} (SPIDER)",
                                     "weight": WEIGHTS["inclusion"]})
            elif hits or any(h for h in parents if h[0].key == rel.ref_table):
                rel.evidence.append({"kind": "inclusion", "detail": f"sampled values not all in {rel.ref_table}",
                                     "weight": -1.0})
        if named or len(hits) != 1 or len(set(vals)) < 2 or t.primary_key == [c]:
            continue  # a table's own key included in another key is usually a coincidence of ranges
        parent, pcol, _ = hits[0]
        pc = parent.column(pcol)
        if pc is None or type_family(col.type) != type_family(pc.type):
            continue
        candidates[(t.key, c, parent.key)] = Relation(t.key, [c], parent.key, [pcol], [{
            "kind": "inclusion", "detail": f"values included only in {parent.key}.{pcol} (SPIDER)",
            "weight": WEIGHTS["inclusion_only"]}])


def _spider(children: list[tuple[Table, str, list[str]]],
            parents: list[tuple[Table, str, list[str]]]) -> dict[int, list[int]]:
    """{child index: [parent index]} of unary inclusion dependencies child ⊆ parent."""
    try:
        import desbordante as d
    except ImportError:  # pragma: no cover - a dependency; the set check is the same relation
        out: dict[int, list[int]] = {}
        psets = [set(v) for _, _, v in parents]
        for ci, (_, _, vals) in enumerate(children):
            out[ci] = [pi for pi, ps in enumerate(psets) if set(vals) <= ps]
        return out
    with tempfile.TemporaryDirectory(prefix="dbwright-ind-") as tmp:
        paths = []
        cols = [("c", i, v) for i, (_, _, v) in enumerate(children)] + [("p", i, v) for i, (_, _, v) in enumerate(parents)]
        for n, (_side, _i, vals) in enumerate(cols):
            path = Path(tmp) / f"col{n}.csv"
            with path.open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["v"])
                w.writerows([v] for v in sorted(set(vals)))
            paths.append((str(path), ",", True))
        sp = d.ind.algorithms.Spider()
        sp.load_data(tables=paths)
        sp.execute()
        res: dict[int, list[int]] = {}
        for ind in sp.get_inds():
            li, ri = ind.get_lhs().table_index, ind.get_rhs().table_index
            if cols[li][0] == "c" and cols[ri][0] == "p":
                res.setdefault(cols[li][1], []).append(cols[ri][1])
        return res


def implied_foreign_keys(db: Database, rels: list[Relation]) -> list[ForeignKey]:
    """Inferred relations as ForeignKey objects (for ERDs and specs), named like PostgreSQL would."""
    out = []
    for r in rels:
        if r.declared:
            continue
        sch, _, name = r.ref_table.partition(".")
        out.append(ForeignKey(f"{db.tables[r.table].name}_{'_'.join(r.columns)}_fkey", list(r.columns), sch, name,
                              list(r.ref_columns)))
    return out
