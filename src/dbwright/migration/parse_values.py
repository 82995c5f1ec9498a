# mypy: disable-error-code="union-attr,arg-type"
"""What option values and expressions mean to PostgreSQL, read from pglast nodes.

Option values follow ``defGetBoolean`` (``VACUUM (FULL 0)`` is not FULL, ``REINDEX (CONCURRENTLY
false)`` is not concurrent); a NOT NULL proof follows ``NotNullImpliedByRelConstraints`` (a validated
CHECK whose top-level AND has ``col IS NOT NULL``); a WHERE clause names the key columns it pins to
constants (``id = 1``, ``id IN (1, 2)``, ``id = ANY('{…}')``).
"""

from __future__ import annotations

from typing import Any

# parse_bool_with_len: every unique prefix of true/false/yes/no, on/off (two letters at least), 1/0
_TRUE = {"t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"}
_FALSE = {"f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"}


def pg_bool(arg: Any) -> bool:
    """The boolean an option's value means (no value: true). An unusable value counts as true —
    PostgreSQL rejects the statement, so the lint's worst case is the strong reading."""
    from pglast import ast

    if arg is None:
        return True
    if isinstance(arg, ast.Integer):
        return bool(arg.ival)
    if isinstance(arg, ast.Boolean):
        return bool(arg.boolval)
    text = str(getattr(arg, "sval", None) or getattr(arg, "fval", None) or "").strip().lower()
    return text not in _FALSE


def option_on(options: Any, name: str) -> bool:
    """Whether DefElem option ``name`` is present and true."""
    for p in options or ():
        if getattr(p, "defname", None) == name:
            return pg_bool(p.arg)
    return False


def _conjuncts(expr: Any) -> list[Any]:
    from pglast import ast, enums

    if isinstance(expr, ast.BoolExpr) and expr.boolop == enums.BoolExprType.AND_EXPR:
        return [x for a in expr.args or () for x in _conjuncts(a)]
    return [expr]


def _colname(node: Any) -> str | None:
    from pglast import ast

    if isinstance(node, ast.ColumnRef) and node.fields and isinstance(node.fields[-1], ast.String):
        return str(node.fields[-1].sval).lower()
    return None


def not_null_columns(expr: Any) -> list[str]:
    """Columns a (validated) CHECK proves NOT NULL: ``col IS NOT NULL`` as a top-level conjunct
    (weak implication: a CHECK is only known to be not false)."""
    from pglast import ast, enums

    out = []
    for c in _conjuncts(expr):
        if isinstance(c, ast.NullTest) and c.nulltesttype == enums.NullTestType.IS_NOT_NULL:
            name = _colname(c.arg)
            if name:
                out.append(name)
    return out


def _constant(node: Any) -> bool:
    from pglast import ast

    if isinstance(node, ast.TypeCast):
        return _constant(node.arg)
    return isinstance(node, ast.A_Const | ast.ParamRef)


def pinned_columns(where: Any) -> set[str]:
    """Columns a WHERE clause fixes to constants in a top-level conjunct (``=``, ``IN (…)``,
    ``= ANY(const)``): together with a key, the statement touches at most a few rows."""
    from pglast import ast, enums

    out: set[str] = set()
    for c in _conjuncts(where):
        if not isinstance(c, ast.A_Expr):
            continue
        op = c.name[-1].sval if c.name else ""
        left: Any = c.lexpr
        right: Any = c.rexpr
        if _colname(right) and not _colname(left):
            left, right = right, left
        col = _colname(left)
        if col is None:
            continue
        scalar = c.kind in (enums.A_Expr_Kind.AEXPR_OP, enums.A_Expr_Kind.AEXPR_OP_ANY) and _constant(right)
        listed = c.kind == enums.A_Expr_Kind.AEXPR_IN and isinstance(right, tuple | list) and all(
            _constant(x) for x in right)
        if op == "=" and (scalar or listed):
            out.add(col)
    return out


def query_sources(query: Any, own: str | None) -> list[str]:
    """Relations a query reads (every RangeVar in it), its own name left out."""
    from pglast import ast
    from pglast.visitors import Visitor

    found: list[str] = []

    class _V(Visitor):
        def visit_RangeVar(self, _ancestors: Any, node: Any) -> None:
            name = str(node.relname).lower()
            if name != own and name not in found:
                found.append(name)

    if isinstance(query, ast.Node):
        _V()(query)
    return found
