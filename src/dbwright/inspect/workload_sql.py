# mypy: disable-error-code="union-attr,attr-defined"
# (pglast types node fields as Optional; the parser guarantees the ones read here.)
"""pg_stat_statements text → access-pattern SQL for a spec (pglast).

Statements are kept only when PostgreSQL's parser reads them, they are one SELECT/INSERT/UPDATE/
DELETE, and every table they name is one of the inspected tables. Schema qualifiers are dropped
(the spec's tables are unqualified) and ``$n`` placeholders become ``:pn`` named parameters.
"""

from __future__ import annotations

import re


def to_spec_sql(query: str, tables: set[str]) -> str | None:
    import pglast
    from pglast import ast
    from pglast.stream import RawStream
    from pglast.visitors import Visitor

    try:
        stmts = pglast.parse_sql(query)
    except Exception:
        return None
    if len(stmts) != 1 or not isinstance(stmts[0].stmt, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt,
                                                          ast.DeleteStmt)):
        return None
    seen: list[str] = []

    class Tables(Visitor):
        def visit_RangeVar(self, _ancestors: object, node: ast.RangeVar) -> None:
            seen.append(str(node.relname).lower())
            node.schemaname = None

    Tables()(stmts[0])
    ctes = set()
    if isinstance(stmts[0].stmt, ast.SelectStmt) and stmts[0].stmt.withClause:
        ctes = {str(c.ctename).lower() for c in stmts[0].stmt.withClause.ctes or ()}
    if not seen or any(t not in tables and t not in ctes for t in seen):
        return None
    text = RawStream()(stmts[0])
    return re.sub(r"\$(\d+)", r":p\1", text)
