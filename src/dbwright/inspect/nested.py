"""Nested documents (JSON lines, e.g. a MongoDB export) → flat tables ready for normalization.

- nested objects become prefixed columns (``customer.address.city`` → ``customer_address_city``);
- arrays become child tables keyed by the parent key plus ``position``, with a foreign key to the
  parent (arrays of scalars get one value column named after the array);
- a field whose values have different JSON types across documents (an object here, a string
  there) is flagged as polymorphic;
- repeated sub-objects (the same customer embedded in many orders) are not deduplicated here:
  FD discovery on each flat table finds ``customer_id -> customer_name, …`` and the normalizer
  extracts them as entity tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dbwright.inspect.profile import TableData, to_text
from dbwright.model import DbwrightError


@dataclass
class FlatTable:
    """One flat table from the documents: the root, or an array at ``path``."""

    name: str
    path: str
    key: list[str]
    parent: str | None
    parent_key: list[str]
    columns: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def table_data(self, source: str) -> TableData:
        rows = [tuple(to_text(r.get(c)) for c in self.columns) for r in self.records]
        return TableData(self.name, list(self.columns), rows, len(rows), f"{source} {self.path or '(root)'}")


@dataclass
class Flattened:
    root: str
    tables: list[FlatTable]
    polymorphic: list[dict[str, Any]]
    key_source: str


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def is_nested(docs: Sequence[dict[str, Any]]) -> bool:
    """Do any documents hold arrays or objects (beyond flat key/value pairs)?"""
    return any(isinstance(v, (dict, list)) for d in docs for v in d.values())


def _kind(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


class _Walker:
    def __init__(self, root: str):
        self.root = root
        self.tables: dict[str, FlatTable] = {}
        self.kinds: dict[str, dict[str, int]] = {}
        self.examples: dict[str, dict[str, Any]] = {}

    def table(self, name: str, path: str, key: list[str], parent: str | None, parent_key: list[str]) -> FlatTable:
        if name not in self.tables:
            self.tables[name] = FlatTable(name, path, key, parent, parent_key, list(key))
        return self.tables[name]

    def note(self, path: str, v: Any) -> None:
        k = _kind(v)
        if k is None:
            return
        self.kinds.setdefault(path, {}).setdefault(k, 0)
        self.kinds[path][k] += 1
        self.examples.setdefault(path, {}).setdefault(k, v if k not in ("object", "array") else k)

    def walk(self, obj: dict[str, Any], table: FlatTable, record: dict[str, Any], prefix: str,
             path: str, key_values: dict[str, Any], entity: str) -> None:
        for k, v in obj.items():
            p = f"{path}.{k}" if path else k
            self.note(p, v)
            col = f"{prefix}{k}"
            if isinstance(v, dict):
                self.walk(v, table, record, col + "_", p, key_values, entity)
            elif isinstance(v, list):
                child_entity = singular(k)
                pos = f"{child_entity}_position"
                parent_key = list(key_values)
                child = self.table(f"{entity}_{k}", p, [*parent_key, pos], table.name, parent_key)
                for i, item in enumerate(v, start=1):
                    self.note(p + "[]", item)
                    keys = {**key_values, pos: i}
                    rec = dict(keys)
                    if isinstance(item, dict):
                        self.walk(item, child, rec, f"{child_entity}_", p + "[]", keys, f"{entity}_{child_entity}")
                    else:
                        rec[child_entity] = item
                        _add_col(child, child_entity)
                    child.records.append(rec)
            else:
                record[col] = v
                _add_col(table, col)


def _add_col(t: FlatTable, col: str) -> None:
    if col not in t.columns:
        t.columns.append(col)


def flatten_documents(docs: Sequence[dict[str, Any]], root: str) -> Flattened:
    """Flatten documents into a root table and one child table per array path."""
    if not docs:
        raise DbwrightError("no documents to flatten")
    entity = singular(root)
    key_col = f"{entity}_id"
    ids = [d.get("_id", d.get("id")) for d in docs]
    usable = all(i is not None and not isinstance(i, (dict, list)) for i in ids) and len(set(map(str, ids))) == len(ids)
    key_source = ("_id" if "_id" in docs[0] else "id") if usable else "generated (document position)"
    w = _Walker(root)
    top = w.table(root, "", [key_col], None, [])
    for n, d in enumerate(docs, start=1):
        kid = ids[n - 1] if usable else n
        body = {k: v for k, v in d.items() if not (usable and k == ("_id" if "_id" in d else "id"))}
        rec: dict[str, Any] = {key_col: kid}
        w.walk(body, top, rec, "", "", {key_col: kid}, entity)
        top.records.append(rec)
    poly = [{"path": p, "types": sorted(kinds), "counts": kinds, "examples": w.examples.get(p, {})}
            for p, kinds in sorted(w.kinds.items()) if len(kinds) > 1]
    tables = list(w.tables.values())
    return Flattened(root, tables, poly, key_source)
