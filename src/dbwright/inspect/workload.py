"""Workloads for the index advisor: a SQL file, or pg_stat_statements of a live database (read-only).

A SQL file holds statements separated by semicolons; a comment line ``-- weight: 25`` (or
``-- rate: 25/s``) before a statement sets its weight (default 1), ``-- name: q7`` its name.
``:name`` parameters become ``$n``. pg_stat_statements gives normalised statements (``$n``
parameters) weighted by their number of calls.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dbwright.model import DbwrightError

_META = re.compile(r"^\s*--\s*(weight|rate|name)\s*:\s*(\S+)", re.I | re.M)


def split_sql(text: str) -> list[str]:
    """Statements of a script (the PostgreSQL scanner splits; comments before a statement stay with it)."""
    from pglast import split

    try:
        return [s for s in split(text, with_parser=False) if s.strip()]
    except Exception as exc:
        raise DbwrightError(f"cannot split the workload into statements: {exc}") from None


def read_sql_file(path: str | Path) -> list[dict[str, Any]]:
    from dbwright.stages.index.workload import dollar_params

    p = Path(path)
    if not p.exists():
        raise DbwrightError(f"workload file {p} not found")
    text = p.read_text()
    # Keep each statement's preceding comments: split on ';' outside quotes by the scanner, then
    # re-find every statement's position to read the comment block above it.
    out: list[dict[str, Any]] = []
    pos = 0
    for n, stmt in enumerate(split_sql(text), 1):
        at = text.find(stmt, pos)
        head = text[pos:at] if at >= 0 else ""
        pos = at + len(stmt) if at >= 0 else pos
        meta = {k.lower(): v for k, v in _META.findall(head + "\n" + stmt)}
        weight = 1.0
        if "weight" in meta:
            weight = float(meta["weight"])
        elif "rate" in meta:
            from dbwright.spec.units import parse_rate

            weight = float(parse_rate(meta["rate"]))
        body = "\n".join(line for line in stmt.splitlines() if not line.strip().startswith("--")).strip()
        if body:
            out.append({"qid": meta.get("name", f"q{n}"), "sql": dollar_params(body), "weight": weight})
    if not out:
        raise DbwrightError(f"workload file {p} has no statements")
    return out


def from_pg_stat_statements(conn: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The top statements of the current database by total time, weighted by calls (read-only)."""
    has = conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'").fetchone()[0]
    if not has:
        raise DbwrightError("pg_stat_statements is not installed in this database; pass --workload FILE")
    rows = conn.execute(
        "SELECT queryid, query, calls FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND query ~* '^\\s*(select|with)' ORDER BY total_exec_time DESC LIMIT %s", (limit,)).fetchall()
    return [{"qid": f"pgss_{qid}", "sql": str(q), "weight": float(calls)} for qid, q, calls in rows]
