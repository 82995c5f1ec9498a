"""Mermaid ``erDiagram`` with cardinalities, split by subject area so no diagram exceeds
Mermaid's default ``maxTextSize`` of 50,000 characters."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from dbwright.ddl import order

MERMAID_MAX_TEXT = 50_000  # mermaid's default maxTextSize
_SAFE = str.maketrans({"(": "", ")": "", ",": "_", " ": "_", '"': ""})


def _ename(table: str) -> str:
    return table.upper()


def own_name(table: str) -> str:
    """An entity id that keeps a database's own name; other names get a quoted alias."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table):
        return table
    return re.sub(r"[^A-Za-z0-9_]", "_", table) + f'["{table}"]'


def _id(label: str) -> str:
    return label.split("[", 1)[0]


def _mtype(col: sa.Column[Any]) -> str:
    logical = col.info.get("logical")
    if logical and logical not in ("ref",):
        return str(logical)
    return type(col.type).__name__.lower().translate(_SAFE)


def _area(table: sa.Table, spec_areas: dict[str, str | None]) -> str:
    ent = table.info.get("entity")
    if ent:
        return spec_areas.get(ent) or "main"
    between = table.info.get("between") or []
    return (spec_areas.get(between[0]) if between else None) or "main"


def _entity_block(table: sa.Table, attributes: bool, name: Callable[[sa.Table], str] = lambda t: _ename(t.name)
                  ) -> list[str]:
    if not attributes:
        return [f"    {name(table)} {{", "    }"]
    pk = {c.name for c in table.primary_key.columns}
    fk = {c.name for f in order.foreign_keys(table) for c in f.columns}
    uq = {c.name for u in order.constraints(table) if isinstance(u, sa.UniqueConstraint) for c in u.columns}
    lines = [f"    {name(table)} {{"]
    for c in table.columns:
        keys = [k for k, on in (("PK", c.name in pk), ("FK", c.name in fk), ("UK", c.name in uq and c.name not in pk))
                if on]
        lines.append(f"        {_mtype(c)} {c.name}" + (f" {','.join(keys)}" if keys else ""))
    lines.append("    }")
    return lines


def _relation(table: sa.Table, fk: sa.ForeignKeyConstraint,
              name: Callable[[sa.Table], str] = lambda t: _ename(t.name)) -> str:
    cols = [c for c in fk.columns if c.name != "tenant_id"] or list(fk.columns)
    optional = all(c.nullable for c in cols)
    one_to_one = any({c.name for c in u.columns} == {c.name for c in fk.columns}
                     for u in order.constraints(table) if isinstance(u, sa.UniqueConstraint))
    left = "|o" if optional else "||"
    right = "o|" if one_to_one else "o{"
    label = "_".join(c.name for c in cols)
    line = ".." if fk.info.get("inferred") else "--"  # dashed: inferred, not declared
    if fk.info.get("inferred"):
        label += "_inferred"
    return f"    {_id(name(fk.referred_table))} {left}{line}{right} {_id(name(table))} : {label}"


def diagram(tables: list[sa.Table], attributes: bool = True, title: str | None = None,
            name: Callable[[sa.Table], str] = lambda t: _ename(t.name)) -> str:
    """``name`` gives each table's entity id (default: the upper-cased table name of a design)."""
    names = {t.name for t in tables}
    lines = ["---", f"title: {title}", "---"] if title else []
    lines.append("erDiagram")
    stubs: dict[str, sa.Table] = {}
    rels = []
    inside = {t.key for t in tables}
    for t in tables:
        for fk in order.foreign_keys(t):
            if fk.referred_table.name == "tenant" and t.name != "tenant" and "tenant" not in names:
                continue  # every tenant-scoped table refers to tenant: shown once, in its own area
            rels.append(_relation(t, fk, name))
            if fk.referred_table.key not in inside:
                stubs[fk.referred_table.key] = fk.referred_table
    for t in tables:
        lines += _entity_block(t, attributes, name)
    for key in sorted(stubs):
        lines.append(f"    {name(stubs[key])} {{")
        lines.append("    }")
    lines += rels
    return "\n".join(lines) + "\n"


def render_erd(md: sa.MetaData, areas: dict[str, str | None], include_history: bool = False) -> dict[str, str]:
    """{'all': overview diagram or '', '<area>': diagram, ...}; each within Mermaid's limit."""
    tables = [t for t in md.sorted_tables if include_history or t.info.get("kind") != "history"]
    by_area: dict[str, list[sa.Table]] = defaultdict(list)
    for t in tables:
        by_area[_area(t, areas)].append(t)
    out: dict[str, str] = {}
    full = diagram(tables)
    out["all"] = full if len(full) <= MERMAID_MAX_TEXT else diagram(tables, attributes=False)
    if len(out["all"]) > MERMAID_MAX_TEXT:
        out["all"] = ""
    if len(by_area) > 1 or not out["all"]:
        for area, ts in sorted(by_area.items()):
            text = diagram(ts, title=area)
            if len(text) > MERMAID_MAX_TEXT:
                # still too large: split the area into chunks of tables
                chunk: list[sa.Table] = []
                part = 1
                for t in ts:
                    if chunk and len(diagram([*chunk, t], title=area)) > MERMAID_MAX_TEXT:
                        out[f"{area}-{part}"] = diagram(chunk, title=f"{area} ({part})")
                        chunk, part = [], part + 1
                    chunk.append(t)
                if chunk:
                    out[f"{area}-{part}"] = diagram(chunk, title=f"{area} ({part})")
            else:
                out[area] = text
    return out
