"""Helpers the migration rules share (duck-typed on ``dbwright.migration.facts``; rules stay below
the migration package in the layers)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dbwright.model import Location

# Statement kinds that only read or set session state: they never need lock/statement timeouts.
NON_DDL = {"select", "set", "begin", "commit", "rollback", "transaction_other", "insert", "update", "delete",
           "merge", "other", "comment"}


def loc(script: Any, st: Any) -> Location:
    return Location(file=script.file, line=st.line)


def existing(st: Any) -> bool:
    """The statement targets a table that existed before the script (so it may be large and busy)."""
    return not st.created_in_script and not st.temporary


def pg(script: Any) -> bool:
    return bool(script.engine == "postgresql")


def mysql(script: Any) -> bool:
    return bool(script.engine in ("mysql", "mariadb"))


def phase(script: Any) -> str | None:
    m = re.search(r"dbwright:\s*phase\s*=\s*(\w+)", script.source or "")
    return m.group(1).lower() if m else None


def stmts(script: Any, *kinds: str) -> Iterator[Any]:
    """The script's statements, only those of ``kinds`` when any are given."""
    return (st for st in script.stmts if not kinds or st.kind in kinds)


def first_ddl(script: Any, lacking: str) -> Any | None:
    """The first statement that takes DDL locks (kind not in NON_DDL, table not temporary) without the session
    setting ``lacking`` (a Stmt flag such as ``"statement_timeout"``) in force, or None."""
    return next((st for st in script.stmts if st.kind not in NON_DDL and not st.temporary
                 and not getattr(st, lacking)), None)


def tx_problems(script: Any, kind: str) -> Iterator[tuple[Location, str]]:
    """(location, message) of each of the script's transaction-structure problems of ``kind``."""
    for line, k, message in script.tx_problems:
        if k == kind:
            yield Location(file=script.file, line=line), message


def pg_stmts(script: Any, *kinds: str) -> Iterator[Any]:
    """:func:`stmts` of a PostgreSQL script; none for other engines."""
    return stmts(script, *kinds) if pg(script) else iter(())


def mysql_stmts(script: Any, *kinds: str) -> Iterator[Any]:
    """:func:`stmts` of a MySQL/MariaDB script; none for other engines."""
    return stmts(script, *kinds) if mysql(script) else iter(())


def actions(script: Any, *kinds: str, existing_only: bool = False) -> Iterator[tuple[Any, Any]]:
    """(statement, action) for each action of ``kinds``; with ``existing_only`` just those on tables that
    existed before the script."""
    for st in script.stmts:
        if existing_only and not existing(st):
            continue
        for a in st.actions:
            if a.kind in kinds:
                yield st, a


def pg_actions(script: Any, *kinds: str, existing_only: bool = False) -> Iterator[tuple[Any, Any]]:
    """:func:`actions` of a PostgreSQL script; none for other engines."""
    return actions(script, *kinds, existing_only=existing_only) if pg(script) else iter(())


def mysql_verdicts(script: Any) -> Iterator[tuple[Any, Any]]:
    """(statement, verdict) for each online-DDL verdict the MySQL/MariaDB model gave a statement; none for
    other engines."""
    for st in mysql_stmts(script):
        for v in st.detail.get("verdicts", []):
            yield st, v


def per_row_value(a: Any) -> bool:
    """The added column computes a value for each row (identity, serial, STORED generated)."""
    return bool(a.identity or a.serial or a.generated_stored)


def column_defs(script: Any) -> Iterator[tuple[Any, Any]]:
    """Column definitions a script introduces: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN TYPE."""
    for st in script.stmts:
        if st.kind in ("create_table", "create_foreign_table") or st.kind == "alter_table":
            for a in st.actions:
                if a.kind in ("column", "add_column", "alter_type") and a.type_name:
                    yield st, a


def pg_columns(script: Any, *types: str) -> Iterator[tuple[Any, Any]]:
    """:func:`column_defs` of a PostgreSQL script, only columns of ``types`` when any are given; none for other
    engines."""
    if pg(script):
        yield from ((st, a) for st, a in column_defs(script) if not types or a.type_name in types)


def transaction_ids(script: Any) -> list[int]:
    """A number per statement: statements sharing a number run in one transaction."""
    ids, tx, in_tx = [], 0, script.assume_in_transaction
    for st in script.stmts:
        if st.kind == "begin" and not in_tx:
            tx += 1
        if not st.in_transaction:
            tx += 1
        ids.append(tx)
        if st.kind in ("commit", "rollback"):
            tx += 1
        in_tx = st.in_transaction and st.kind not in ("commit", "rollback")
    return ids


def stmts_with_tx(script: Any) -> list[tuple[Any, int]]:
    """Each statement with its :func:`transaction_ids` number."""
    return list(zip(script.stmts, transaction_ids(script), strict=True))


def not_valid_findings(rule: Any, script: Any, kind: str) -> Iterator[Any]:
    """Shared by MIG006 (foreign keys) and MIG007 (CHECKs); PostgreSQL scripts only."""
    if not pg(script):
        return
    pending: dict[str, int] = {}
    for st, tx in stmts_with_tx(script):
        if st.kind != "alter_table":
            continue
        for a in st.actions:
            is_kind = (a.constraint == kind and a.kind == "add_constraint") or (
                kind == "foreign" and a.kind == "add_column" and a.ref_table)
            if is_kind and a.not_valid and a.constraint_name:
                pending[a.constraint_name] = tx
            elif is_kind and existing(st):
                what = "FOREIGN KEY" if kind == "foreign" else "CHECK"
                lock = ("SHARE ROW EXCLUSIVE on both tables" if kind == "foreign" else "ACCESS EXCLUSIVE")
                yield rule.finding(f"{what} on {st.table} is validated while holding {lock}", loc(script, st),
                                   "add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction")
            if a.kind == "validate_constraint" and pending.get(a.constraint_name or "") == tx:
                yield rule.finding(f"VALIDATE CONSTRAINT {a.constraint_name} runs in the transaction that added "
                                   "it NOT VALID, so the add's lock is held through the scan", loc(script, st),
                                   "commit between the NOT VALID add and the VALIDATE")


def robustness_problem(st: Any, dropped: set[str]) -> str | None:
    """Why re-running ``st`` after a partial failure would fail, or None."""
    k = st.kind
    if k in ("create_table", "create_index", "create_sequence", "create_schema", "create_extension",
             "create_table_as") and not st.missing_ok:
        if k == "create_index" and not st.detail.get("index"):
            return None  # an unnamed index gets a fresh name each time
        return f"{k.replace('_', ' ').upper()} without IF NOT EXISTS fails when re-run"
    if k.startswith("drop_") and k != "drop_database" and not st.missing_ok:
        return f"{k.replace('_', ' ').upper()} without IF EXISTS fails when re-run"
    if k in ("create_enum", "create_type", "create_domain"):
        return "CREATE TYPE/DOMAIN fails when re-run (no IF NOT EXISTS)"
    if k in ("rename_column", "rename_table"):
        return "a rename fails when re-run"
    if k == "alter_enum" and not st.missing_ok and not st.detail.get("rename"):
        return "ADD VALUE without IF NOT EXISTS fails when re-run"
    if k == "alter_table":
        for a in st.actions:
            if a.kind == "add_column" and not a.missing_ok:
                return f"ADD COLUMN {a.column} without IF NOT EXISTS fails when re-run"
            if a.kind in ("drop_column", "drop_constraint") and not a.missing_ok:
                return f"{a.kind.replace('_', ' ').upper()} without IF EXISTS fails when re-run"
            if a.kind == "add_constraint" and a.constraint_name:
                if a.constraint_name in dropped:
                    dropped.discard(a.constraint_name)
                else:
                    return (f"ADD CONSTRAINT {a.constraint_name} fails when re-run (precede it with DROP "
                            "CONSTRAINT IF EXISTS)")
    return None


def _target_key(res: Any) -> str:
    ind = getattr(res, "indirection", None) or ()
    parts = [res.name or ""]
    for i in ind:
        parts.append(getattr(i, "sval", None) or repr(i))
    return ".".join(parts)


def _output_name(res: Any) -> str:
    if res.name:
        return str(res.name)
    val = res.val
    t = type(val).__name__
    if t == "ColumnRef":
        last = val.fields[-1]
        return str(getattr(last, "sval", "*"))
    if t == "FuncCall":
        return str(val.funcname[-1].sval)
    return "?column?"


def _dups(keys: list[str]) -> str | None:
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            return k
        seen.add(k)
    return None


def duplicate_target(node: Any) -> str | None:
    """A column assigned/defined twice in a pglast statement node, or None."""
    if node is None:
        return None
    t = type(node).__name__
    if t == "UpdateStmt":
        return _dups([_target_key(r) for r in node.targetList or ()])
    if t == "InsertStmt":
        d = _dups([_target_key(r) for r in node.cols or ()])
        if d:
            return d
        occ = node.onConflictClause
        if occ is not None and occ.targetList:
            return _dups([_target_key(r) for r in occ.targetList])
        return None
    if t == "MergeStmt":
        for w in node.mergeWhenClauses or ():
            d = _dups([_target_key(r) for r in w.targetList or ()])
            if d:
                return d
        return None
    if t == "CreateStmt":
        return _dups([el.colname for el in node.tableElts or () if type(el).__name__ == "ColumnDef"])
    if t == "CreateForeignTableStmt":
        return duplicate_target(node.base)
    if t == "ViewStmt":
        if node.aliases:
            return _dups([a.sval for a in node.aliases])
        return _dups([_output_name(r) for r in getattr(node.query, "targetList", None) or ()])
    if t == "SelectStmt":
        if node.intoClause is None:
            return None
        return _dups([_output_name(r) for r in node.targetList or ()])
    if t == "CreateTableAsStmt":
        q = node.query
        return _dups([_output_name(r) for r in getattr(q, "targetList", None) or ()])
    return None
