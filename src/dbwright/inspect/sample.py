"""Read a bounded sample of rows (read-only) for the checks that need values, not just statistics:
delimited lists in one column (1NF) and inclusion dependencies between columns (FK inference).

One query per table: up to ``n`` rows of its key-like and text columns. Single-column keys (the
side an inclusion dependency points at) are read whole up to ``KEY_CAP`` values, so a child value
missing from the sample of its parent is not mistaken for a broken reference.
"""

from __future__ import annotations

import re
from typing import Any

from dbwright.model.database import Column, Database, Table

KEY_CAP = 200_000
SAMPLE_KEEP = 200  # values kept on each Column for the rules
_SKIP_TYPES = re.compile(r"bytea|blob|binary|json|xml|geometry|geography|tsvector|\[\]|array|bool|float|double|real",
                         re.I)


def wanted(col: Column) -> bool:
    return not _SKIP_TYPES.search(col.type or "")


def _store(db: Database, t: Table, cols: list[str], rows: list[tuple[Any, ...]], full: set[str]) -> None:
    store = db.extra.setdefault("samples", {})
    values: dict[str, list[str]] = {}
    for i, c in enumerate(cols):
        vals = [str(r[i]) for r in rows if r[i] is not None]
        values[c] = vals
        col = t.column(c)
        if col is not None:
            col.samples = vals[:SAMPLE_KEEP]
    store[t.key] = {"columns": values, "rows": len(rows), "complete": sorted(full)}
    db.data_sampled = True


def _key_columns(t: Table) -> list[str]:
    return [u[0] for u in t.unique_sets() if len(u) == 1]


def _qi(name: str, q: str = '"') -> str:
    return q + name.replace(q, q + q) + q


def sample_postgres(conn: Any, db: Database, n: int) -> None:
    for t in db.base_tables():
        cols = [c.name for c in t.columns if wanted(c)]
        if not cols:
            continue
        rel = f"{_qi(t.schema)}.{_qi(t.name)}"
        sel = ", ".join(f"{_qi(c)}::text" for c in cols)
        rows = list(conn.execute(f"select {sel} from {rel} limit {int(n)}").fetchall())
        full: set[str] = set()
        if len(rows) >= n:
            for k in _key_columns(t):
                if k in cols:
                    vals = [r[0] for r in conn.execute(f"select {_qi(k)}::text from {rel} limit {KEY_CAP}")]
                    if len(vals) < KEY_CAP:
                        db.extra.setdefault("key_values", {})[f"{t.key}.{k}"] = vals
                        full.add(k)
        else:
            full = set(_key_columns(t))
        _store(db, t, cols, rows, full)
    db.notes.append(f"sampled up to {n} rows per table (read-only) for value checks and inclusion dependencies")


def sample_mysql(conn: Any, db: Database, n: int) -> None:
    for t in db.base_tables():
        cols = [c.name for c in t.columns if wanted(c)]
        if not cols:
            continue
        rel = f"{_qi(t.schema, '`')}.{_qi(t.name, '`')}"
        with conn.cursor() as cur:
            cur.execute(f"select {', '.join(_qi(c, '`') for c in cols)} from {rel} limit {int(n)}")
            rows = list(cur.fetchall())
        full = set(_key_columns(t)) if len(rows) < n else set()
        _store(db, t, cols, rows, full)
    db.notes.append(f"sampled up to {n} rows per table (read-only)")


def sample_sqlite(conn: Any, db: Database, n: int) -> None:
    for t in db.base_tables():
        cols = [c.name for c in t.columns if wanted(c)]
        if not cols:
            continue
        rows = list(conn.execute(f"select {', '.join(_qi(c) for c in cols)} from {_qi(t.name)} limit {int(n)}"))
        full = set(_key_columns(t)) if len(rows) < n else set()
        _store(db, t, cols, rows, full)
    db.notes.append(f"sampled up to {n} rows per table (read-only)")
