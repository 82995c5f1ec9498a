"""The index advisor on a live planner: candidates, HypoPG costs, selection under the budget.

``advise_on_connection`` is what ``dbwright indexes``, ``dbwright design`` and the benchmark run:
one connection to a database that has the schema and its statistics (synthetic or the user's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dbwright.stages.index.candidates import CandidateOptions, workload_candidates
from dbwright.stages.index.model import IndexDef, Query
from dbwright.stages.index.plan import Existing
from dbwright.stages.index.select import Selection, SelectOptions, select_indexes
from dbwright.verify.whatif import WhatIf

_SYSTEM = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_%%'"


def _key(schema: str, table: str) -> str:
    """How the advisor names a table: bare in ``public``, ``schema.table`` elsewhere."""
    return table if schema == "public" else f"{schema}.{table}"


def _where(schemas: Sequence[str] | None) -> tuple[str, tuple[Any, ...]]:
    if schemas:
        return "n.nspname = ANY(%s)", (list(schemas),)
    return _SYSTEM, ()


def catalog(conn: Any, schemas: Sequence[str] | None = None) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Tables of every user schema (or of ``schemas``) with their columns, and planner row estimates."""
    cond, args = _where(schemas)
    cols: dict[str, list[str]] = {}
    rows: dict[str, float] = {}
    for nsp, t, n, c in conn.execute(
            "SELECT n.nspname, c.relname, greatest(c.reltuples, 0), "
            "       array(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 "
            "             AND NOT a.attisdropped ORDER BY a.attnum) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE c.relkind IN ('r', 'p') AND {cond} ORDER BY 1, 2", args).fetchall():
        key = _key(str(nsp), str(t))
        cols[key] = [str(a) for a in c]
        rows[key] = float(n)
    return cols, rows


def existing_detail(conn: Any, schemas: Sequence[str] | None = None) -> list[Existing]:
    """Every plain-column index (B-tree, hash, GIN, GiST, ...), with what it must be kept for:
    a primary key, unique or exclusion constraint, the key a foreign key references, or the
    leading columns of a foreign key on its table (cascades and joins need them)."""
    cond, args = _where(schemas)
    rows = conn.execute(
        "SELECT i.relname, n.nspname, t.relname, ix.indisunique OR ix.indisprimary, am.amname, "
        "       array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n) "
        "             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), "
        "       ix.indnkeyatts, ix.indpred IS NOT NULL, 0 = ANY(ix.indkey::int2[]), coalesce(s.idx_scan, 0), "
        "       (SELECT string_agg(CASE c.contype WHEN 'p' THEN 'primary key ' WHEN 'u' THEN 'unique constraint ' "
        "                WHEN 'x' THEN 'exclusion constraint ' ELSE 'the key referenced by foreign key ' END "
        "                || c.conname, ', ') FROM pg_constraint c WHERE c.conindid = ix.indexrelid), "
        "       (SELECT string_agg(f.conname, ', ') FROM pg_constraint f WHERE f.contype = 'f' "
        "          AND f.conrelid = t.oid AND (ix.indkey::int2[])[0:cardinality(f.conkey) - 1] @> f.conkey "
        "          AND (ix.indkey::int2[])[0:cardinality(f.conkey) - 1] <@ f.conkey) "
        "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam "
        f"LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = ix.indexrelid WHERE {cond} ORDER BY 2, 3, 1",
        args).fetchall()
    out: list[Existing] = []
    for name, nsp, table, unique, am, attnames, nkey, partial, has_expr, scans, backs, fks in rows:
        if partial or has_expr:
            continue
        names = [str(a) for a in attnames]
        keeps = [str(backs)] if backs else []
        if fks:
            keeps.append(f"the columns of foreign key {fks}")
        qname = str(name) if nsp == "public" else f"{nsp}.{name}"
        out.append(Existing(qname, IndexDef(_key(str(nsp), str(table)), tuple(names[:nkey]),
                                            include=tuple(names[nkey:]), method=str(am)),
                            bool(unique), int(scans), keeps="; ".join(keeps) or None))
    return out


def existing_indexes(conn: Any, schemas: Sequence[str] | None = None) -> dict[str, tuple[IndexDef, bool, int]]:
    """Plain-column B-tree indexes that exist: name -> (definition, unique-or-primary, scans so far)."""
    return {e.name: (e.index, e.unique, e.scans or 0) for e in existing_detail(conn, schemas)
            if e.index.method == "btree"}


def statistics_age(conn: Any) -> tuple[float | None, str]:
    """Days since this database's statistics were reset (None when never: their age is unknown),
    and the evidence in words."""
    row = conn.execute("SELECT stats_reset, extract(epoch FROM now() - stats_reset) / 86400 FROM pg_stat_database "
                       "WHERE datname = current_database()").fetchone()
    if not row or row[0] is None:
        return None, "pg_stat_database.stats_reset is NULL: the counters' age is unknown"
    return float(row[1]), f"statistics reset {row[0]:%Y-%m-%d %H:%M} ({float(row[1]):.1f} days ago)"


def advise_on_connection(conn: Any, queries: Sequence[Query], rows: Mapping[str, float],
                         opt: SelectOptions | None = None, existing: Sequence[IndexDef] = (),
                         candidates: CandidateOptions | None = None) -> tuple[Selection, WhatIf]:
    """Choose indexes for ``queries`` under ``opt`` with the planner of ``conn`` (HypoPG)."""
    cands = workload_candidates(queries, rows, candidates or CandidateOptions())
    oracle = WhatIf(conn, [q for q in queries if q.qid in cands])
    sel = select_indexes(queries, cands, oracle, opt or SelectOptions(), existing=existing)
    return sel, oracle
