"""The index advisor on a live planner: candidates, HypoPG costs, selection under the budget.

``advise_on_connection`` is what ``dbwright indexes``, ``dbwright design`` and the benchmark run:
one connection to a database that has the schema and its statistics (synthetic or the user's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dbwright.stages.index.candidates import CandidateOptions, workload_candidates
from dbwright.stages.index.model import IndexDef, Query
from dbwright.stages.index.select import Selection, SelectOptions, select_indexes
from dbwright.verify.whatif import WhatIf


def catalog(conn: Any, schema: str = "public") -> tuple[dict[str, list[str]], dict[str, float]]:
    """Tables with their columns, and planner row estimates, read from the catalog."""
    cols: dict[str, list[str]] = {}
    for t, c in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
            "ORDER BY table_name, ordinal_position", (schema,)).fetchall():
        cols.setdefault(str(t), []).append(str(c))
    rows = {str(t): float(n) for t, n in conn.execute(
        "SELECT c.relname, greatest(c.reltuples, 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = %s", (schema,)).fetchall()}
    return cols, rows


def existing_indexes(conn: Any, schema: str = "public") -> dict[str, tuple[IndexDef, bool, int]]:
    """Plain-column B-tree indexes that exist: name -> (definition, unique-or-primary, scans so far)."""
    out: dict[str, tuple[IndexDef, bool, int]] = {}
    rows = conn.execute(
        "SELECT i.relname, t.relname, ix.indisunique OR ix.indisprimary, "
        "       array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n) "
        "             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), "
        "       ix.indnkeyatts, ix.indpred IS NOT NULL, 0 = ANY(ix.indkey::int2[]), "
        "       coalesce(s.idx_scan, 0) "
        "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam "
        "LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = ix.indexrelid "
        "WHERE n.nspname = %s AND am.amname = 'btree'", (schema,)).fetchall()
    for name, table, unique, attnames, nkey, partial, has_expr, scans in rows:
        if partial or has_expr:
            continue
        names = [str(a) for a in attnames]
        out[str(name)] = (IndexDef(str(table), tuple(names[:nkey]), include=tuple(names[nkey:])),
                          bool(unique), int(scans))
    return out


def advise_on_connection(conn: Any, queries: Sequence[Query], rows: Mapping[str, float],
                         opt: SelectOptions | None = None, existing: Sequence[IndexDef] = (),
                         candidates: CandidateOptions | None = None) -> tuple[Selection, WhatIf]:
    """Choose indexes for ``queries`` under ``opt`` with the planner of ``conn`` (HypoPG)."""
    cands = workload_candidates(queries, rows, candidates or CandidateOptions())
    oracle = WhatIf(conn, [q for q in queries if q.qid in cands])
    sel = select_indexes(queries, cands, oracle, opt or SelectOptions(), existing=existing)
    return sel, oracle
