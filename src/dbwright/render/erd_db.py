"""ERDs of an existing database: one per schema, split by foreign-key communities when too large.

The database becomes a SQLAlchemy MetaData (the database's own names, declared and inferred
foreign keys — inferred ones drawn dashed) so :func:`dbwright.render.mermaid.diagram` draws it like
a design. A schema whose diagram exceeds Mermaid's 50,000-character ``maxTextSize`` is split into
communities of its FK graph (networkx Louvain, seeded, so the split is stable), recursively, and a
community that is still too large is drawn without attributes, then cut into chunks.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from dbwright.model.database import Database
from dbwright.render.mermaid import MERMAID_MAX_TEXT, diagram, own_name

_TYPE_WORD = re.compile(r"[^A-Za-z0-9_]")


def _mtype(typ: str) -> str:
    base = typ.split("(")[0].strip().replace(" ", "_") or "unknown"
    return _TYPE_WORD.sub("", base) or "unknown"


def to_metadata(db: Database, relations: list[Any] | None = None) -> sa.MetaData:
    md = sa.MetaData()
    tables: dict[str, sa.Table] = {}
    for t in db.tables.values():
        if t.is_view:
            continue
        cols = [sa.Column(c.name, sa.types.NullType(), nullable=c.nullable, primary_key=c.name in t.primary_key,
                          info={"logical": _mtype(c.type)}) for c in t.columns]
        cons: list[Any] = [sa.UniqueConstraint(*u.columns) for u in t.uniques if all(t.column(x) for x in u.columns)]
        tables[t.key] = sa.Table(t.name, md, *cols, *cons, schema=t.schema, info={"schema": t.schema})
    rels = relations if relations is not None else []
    seen = set()
    for t in db.tables.values():
        for fk in t.foreign_keys:
            seen.add((t.key, tuple(fk.columns)))
            _add_fk(tables, t.key, fk.columns, fk.ref_key, fk.ref_columns, False)
    for r in rels:
        if not r.declared and (r.table, tuple(r.columns)) not in seen:
            _add_fk(tables, r.table, r.columns, r.ref_table, r.ref_columns, True)
    return md


def _add_fk(tables: dict[str, sa.Table], child: str, cols: list[str], parent: str, pcols: list[str],
            inferred: bool) -> None:
    c, p = tables.get(child), tables.get(parent)
    if c is None or p is None or not all(x in c.c for x in cols) or not all(x in p.c for x in pcols):
        return
    c.append_constraint(sa.ForeignKeyConstraint([c.c[x] for x in cols], [p.c[x] for x in pcols],
                                                info={"inferred": inferred}))


def _namer(multi_schema: bool) -> Any:
    def name(t: sa.Table) -> str:
        return own_name(f"{t.schema}.{t.name}" if multi_schema and t.schema else t.name)
    return name


def render_db_erds(db: Database, relations: list[Any] | None = None,
                   limit: int = MERMAID_MAX_TEXT) -> dict[str, str]:
    """{'overview' (when it fits), '<schema>' or '<schema>-<n>': diagram}; every text ≤ ``limit``."""
    md = to_metadata(db, relations)
    schemas = sorted({t.schema for t in md.tables.values() if t.schema})
    name = _namer(len(schemas) > 1)
    out: dict[str, str] = {}
    everything = list(md.tables.values())
    if len(schemas) > 1:
        ov = diagram(everything, attributes=False, title="overview", name=name)
        if len(ov) <= limit:
            out["overview"] = ov
    for schema in schemas:
        tables = [t for t in everything if t.schema == schema]
        text = diagram(tables, title=schema, name=name)
        if len(text) <= limit:
            out[schema] = text
            continue
        for i, part in enumerate(_split(tables, name, limit), start=1):
            out[f"{schema}-{i}"] = part
    return out


def _split(tables: list[sa.Table], name: Any, limit: int) -> list[str]:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(t.key for t in tables)
    by_key = {t.key: t for t in tables}
    for t in tables:
        for fk in t.foreign_key_constraints:
            if fk.referred_table.key in by_key and fk.referred_table.key != t.key:
                g.add_edge(t.key, fk.referred_table.key)
    parts: list[str] = []
    queue = [sorted(c) for c in nx.community.louvain_communities(g, seed=7)]
    queue.sort(key=lambda c: (-len(c), c[0]))
    pending: list[list[str]] = []
    while queue:
        group = queue.pop(0)
        text = diagram([by_key[k] for k in group], title=f"{len(parts) + 1}", name=name)
        if len(text) <= limit:
            pending.append(group)
            continue
        if len(group) > 1:
            sub = g.subgraph(group)
            comms = [sorted(c) for c in nx.community.louvain_communities(sub, seed=7)]
            if len(comms) > 1:
                queue = comms + queue
                continue
            half = len(group) // 2
            queue = [group[:half], group[half:], *queue]
            continue
        pending.append(group)  # one table larger than the cap: drawn without attributes below
    # merge small communities while they fit, so a schema is a handful of diagrams, not dozens
    merged: list[list[str]] = []
    for group in pending:
        if merged and len(diagram([by_key[k] for k in merged[-1] + group], title="x", name=name)) <= limit * 0.9:
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    for i, group in enumerate(merged, start=1):
        ts = [by_key[k] for k in group]
        text = diagram(ts, title=f"{ts[0].schema} ({i})", name=name)
        if len(text) > limit:
            text = diagram(ts, attributes=False, title=f"{ts[0].schema} ({i})", name=name)
        parts.append(text)
    return parts
