"""Read what a query does to each table, from PostgreSQL's own parser (pglast).

Column references are resolved against the schema (table -> columns): qualified references through
the aliases of the statement, unqualified ones to the one table in the statement that has the
column. Predicates become equality, range, join, order and group uses; what cannot be resolved is
reported on the query, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dbwright.stages.index.model import Query, TableUse

_RANGE_OPS = {"<", ">", "<=", ">="}


def _walk(node: Any) -> Iterator[Any]:
    from pglast import ast

    if isinstance(node, list | tuple):
        for n in node:
            yield from _walk(n)
        return
    if not isinstance(node, ast.Node):
        return
    yield node
    for attr in node:
        yield from _walk(getattr(node, attr))


class _Resolver:
    def __init__(self, stmt: Any, schema: Mapping[str, Sequence[str]]):
        from pglast import ast

        self.schema = {t.lower(): [c.lower() for c in cols] for t, cols in schema.items()}
        self.aliases: dict[str, str] = {}
        self.present: list[str] = []
        ctes: set[str] = set()
        for n in _walk(stmt):
            if isinstance(n, ast.CommonTableExpr):
                ctes.add(str(n.ctename).lower())
        for n in _walk(stmt):
            if isinstance(n, ast.RangeVar):
                rel = self._table(n, ctes)
                if rel is None:
                    continue
                if rel not in self.present:
                    self.present.append(rel)
                self.aliases[rel] = rel
                self.aliases[str(n.relname).lower()] = rel
                if n.alias is not None:
                    self.aliases[str(n.alias.aliasname).lower()] = rel
        self.unresolved: list[str] = []

    def _table(self, n: Any, ctes: set[str]) -> str | None:
        """The schema's key of a table reference: ``schema.table`` outside ``public``; an
        unqualified name is ``public``'s table, else the one schema's table of that name."""
        rel = str(n.relname).lower()
        if n.schemaname:
            key = rel if str(n.schemaname).lower() == "public" else f"{str(n.schemaname).lower()}.{rel}"
            return key if key in self.schema else None
        if rel in ctes:
            return None
        if rel in self.schema:
            return rel
        owners = [t for t in self.schema if t.endswith("." + rel)]
        return owners[0] if len(owners) == 1 else None

    def column(self, node: Any) -> tuple[str, str] | None:
        from pglast import ast

        if isinstance(node, ast.TypeCast):
            return self.column(node.arg)
        if not isinstance(node, ast.ColumnRef):
            return None
        parts = [getattr(f, "sval", None) for f in node.fields or ()]
        if any(p is None for p in parts):
            return None  # a.* or *
        names = [str(p).lower() for p in parts]
        col = names[-1]
        if len(names) >= 2:
            table = self.aliases.get(names[-2])
            if table and col in self.schema[table]:
                return table, col
            return None
        owners = [t for t in self.present if col in self.schema[t]]
        if len(owners) == 1:
            return owners[0], col
        if len(owners) > 1:
            self.unresolved.append(col)
        return None


def _is_constant(node: Any) -> bool:
    from pglast import ast

    if isinstance(node, ast.A_Const | ast.ParamRef):
        return True
    if isinstance(node, ast.TypeCast):
        return _is_constant(node.arg)
    if isinstance(node, ast.FuncCall):
        return all(_is_constant(a) for a in (node.args or ()))
    if isinstance(node, ast.A_Expr):
        return _is_constant(node.lexpr) and _is_constant(node.rexpr)
    return isinstance(node, ast.SQLValueFunction)


def _param_number(node: Any) -> int | None:
    from pglast import ast

    if isinstance(node, ast.TypeCast):
        return _param_number(node.arg)
    return int(node.number or 0) if isinstance(node, ast.ParamRef) else None


def _literal(node: Any) -> str | None:
    from pglast import ast
    from pglast.stream import RawStream

    if isinstance(node, ast.A_Const | ast.TypeCast) and not isinstance(node, ast.ParamRef):
        try:
            return str(RawStream()(node))
        except Exception:
            return None
    return None


def parse_query(qid: str, sql: str, schema: Mapping[str, Sequence[str]], weight: float = 1.0) -> Query:
    """Parse one statement into a :class:`Query` with per-table column uses."""
    from pglast import ast, enums, parse_sql

    q = Query(qid=qid, sql=sql.strip().rstrip(";"), weight=weight)
    try:
        stmts = parse_sql(q.sql)
    except Exception as exc:  # pglast.parser.ParseError
        q.kind, q.problem = "other", f"not parsed by the PostgreSQL parser: {exc}"
        return q
    if len(stmts) != 1:
        q.kind, q.problem = "other", "one statement per query expected"
        return q
    stmt = stmts[0].stmt
    r = _Resolver(stmt, schema)
    if isinstance(stmt, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt):
        q.kind = ("insert" if isinstance(stmt, ast.InsertStmt)
                  else "update" if isinstance(stmt, ast.UpdateStmt) else "delete")
        q.write_table = str(getattr(stmt.relation, "relname", "")).lower()
    elif not isinstance(stmt, ast.SelectStmt):
        q.kind = "other"
    for t in r.present:
        q.use(t)
    for n in _walk(stmt):
        if isinstance(n, ast.A_Expr):
            _classify(n, r, q)
        elif isinstance(n, ast.SubLink) and n.subLinkType == enums.SubLinkType.ANY_SUBLINK:
            tc = r.column(n.testexpr)
            if tc:
                q.use(tc[0]).add("join", tc[1])
        elif isinstance(n, ast.NullTest):
            tc = r.column(n.arg)
            if tc:
                q.use(tc[0]).add("equality", tc[1])
        elif isinstance(n, ast.SelectStmt):
            for s in n.sortClause or ():
                tc = r.column(s.node)
                if tc and tc[1] not in [c for c, _ in q.use(tc[0]).order]:
                    q.use(tc[0]).order.append((tc[1], s.sortby_dir == enums.SortByDir.SORTBY_DESC))
            for g in n.groupClause or ():
                tc = r.column(g)
                if tc:
                    q.use(tc[0]).add("group", tc[1])
            if n.limitCount is not None and isinstance(n.limitCount, ast.A_Const):
                q.limit = getattr(n.limitCount.val, "ival", None)
        elif isinstance(n, ast.ColumnRef):
            tc = r.column(n)
            if tc:
                q.use(tc[0]).add("referenced", tc[1])
    if r.unresolved:
        q.problem = f"ambiguous column(s) {', '.join(sorted(set(r.unresolved)))}: qualify them"
    if not q.tables and q.kind == "select" and q.problem is None:
        q.problem = "no known table in the statement"
    return q


def _classify(n: Any, r: _Resolver, q: Query) -> None:
    from pglast import enums

    op = n.name[-1].sval if n.name else ""
    left, right = r.column(n.lexpr), None
    if n.kind == enums.A_Expr_Kind.AEXPR_OP:
        right = r.column(n.rexpr)
        if left and right and left[0] != right[0] and op == "=":
            q.use(left[0]).add("join", left[1])
            q.use(right[0]).add("join", right[1])
            return
        if left is None and right is not None:  # constant op column
            left, other = right, n.lexpr
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        else:
            other = n.rexpr
        if left is None or not _is_constant(other):
            return
        pnum = _param_number(other)
        if pnum is not None:
            q.params.setdefault(pnum, left)
        if op == "=":
            use = q.use(left[0])
            use.add("equality", left[1])
            lit = _literal(other)
            if lit is not None:
                use.constants.setdefault(left[1], lit)
        elif op in _RANGE_OPS:
            q.use(left[0]).add("range", left[1])
    elif left is not None and n.kind == enums.A_Expr_Kind.AEXPR_IN:
        q.use(left[0]).add("equality", left[1])
    elif left is not None and n.kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_LIKE):
        if n.kind == enums.A_Expr_Kind.AEXPR_LIKE:
            pat = getattr(getattr(n.rexpr, "val", None), "sval", "") or ""
            if op != "~~" or not pat or pat[0] in "%_":
                return  # only a constant prefix can use a B-tree (with C collation / pattern ops)
        q.use(left[0]).add("range", left[1])


def table_uses(queries: Sequence[Query]) -> dict[str, TableUse]:
    """Union of the uses of every query, per table (for rule-based hints)."""
    out: dict[str, TableUse] = {}
    for q in queries:
        for t, u in q.tables.items():
            acc = out.setdefault(t, TableUse())
            for kind in ("equality", "range", "join", "group", "referenced"):
                for c in getattr(u, kind):
                    acc.add(kind, c)
    return out
