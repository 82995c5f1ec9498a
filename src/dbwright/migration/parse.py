# mypy: disable-error-code="union-attr,arg-type,index,var-annotated"
# (pglast types every node field as Optional; the parser guarantees the ones read here.)
"""Parse a migration script into :class:`Stmt` facts.

PostgreSQL goes through pglast (the real PostgreSQL parser); MySQL/MariaDB through sqlglot plus a
small clause reader for what sqlglot does not structure (ALGORITHM=, LOCK=, column positions).
A statement a parser cannot structure is reported in ``Script.unparsed``, never dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from dbwright.migration.facts import Action, Script, Stmt
from dbwright.migration.parse_values import not_null_columns, option_on, pinned_columns, query_sources

# Functions whose value is fixed for the statement (STABLE/IMMUTABLE): a default using only these
# is evaluated once, so PostgreSQL ≥ 11 stores it in the catalog instead of rewriting the table.
NON_VOLATILE_FUNCS = {
    "now": 0, "transaction_timestamp": 0, "statement_timestamp": 0, "current_timestamp": 0,
    "localtimestamp": 0, "current_date": 0, "lower": 1, "upper": 1, "abs": 1, "round": None,
    "length": 1, "char_length": 1, "concat": None, "jsonb_build_object": None, "json_build_object": None,
    "jsonb_build_array": None, "json_build_array": None, "to_jsonb": 1, "make_interval": None,
    "array_length": 2, "coalesce": None, "greatest": None, "least": None,
}
VOLATILE_FUNCS = {"random", "gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "clock_timestamp",
                  "timeofday", "nextval", "uuid", "setseed", "txid_current"}

_TYPE_ALIASES = {
    "integer": "int4", "int": "int4", "int4": "int4", "bigint": "int8", "int8": "int8", "smallint": "int2",
    "int2": "int2", "serial": "serial4", "serial4": "serial4", "bigserial": "serial8", "serial8": "serial8",
    "smallserial": "serial2", "serial2": "serial2", "character varying": "varchar", "varchar": "varchar",
    "character": "bpchar", "char": "bpchar", "bpchar": "bpchar", "text": "text", "boolean": "bool",
    "bool": "bool", "real": "float4", "float4": "float4", "double precision": "float8", "float8": "float8",
    "numeric": "numeric", "decimal": "numeric", "timestamp": "timestamp", "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
    "time": "time", "timetz": "timetz", "date": "date", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "bytea": "bytea", "citext": "citext", "inet": "inet", "cidr": "cidr", "interval": "interval",
}


def normalize_type(name: str) -> str:
    n = name.strip().strip('"').lower()
    n = n.removeprefix("pg_catalog.")
    return _TYPE_ALIASES.get(n, n)


def parse_script(sql: str, engine: str = "postgresql", version: tuple[int, ...] | None = None,
                 assume_in_transaction: bool = False, file: str | None = None,
                 context_sql: str | None = None) -> Script:
    """Parse and annotate ``sql``; ``context_sql`` is the schema it runs on (types, FKs, indexes)."""
    engine = engine.lower()
    if engine not in ("postgresql", "mariadb", "mysql"):
        from dbwright.model import DbwrightError

        raise DbwrightError(f"unknown engine {engine!r}: choose postgresql, mariadb or mysql")
    default_version = {"postgresql": (15,), "mariadb": (10, 11), "mysql": (8, 0, 36)}[engine]
    script = Script([], engine=engine, version=version or default_version,
                    assume_in_transaction=assume_in_transaction, file=file, source=sql)
    if re.search(r"--\s*(squawk-disable-assume-in-transaction|dbwright:\s*no-assume-in-transaction)", sql):
        script.disabled_assume = True
        script.assume_in_transaction = False
    if engine == "postgresql":
        _parse_pg(script)
    else:
        from dbwright.migration.parse_mysql import parse_mysql

        parse_mysql(script)
    _session_state(script)
    from dbwright.migration.locks import annotate

    context = None
    if context_sql:
        context = Script([], engine=engine, version=script.version, source=context_sql)
        if engine == "postgresql":
            _parse_pg(context)
        else:
            from dbwright.migration.parse_mysql import parse_mysql

            parse_mysql(context)
    annotate(script, context)
    return script


def line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


# -- PostgreSQL --------------------------------------------------------------------------------

def _parse_pg(script: Script) -> None:
    import pglast

    src = script.source
    try:
        slices = pglast.split(src, with_parser=False, only_slices=True)
    except Exception as exc:  # the scanner rejects only unterminated strings/comments
        script.unparsed.append((1, f"could not split the script: {exc}"))
        return
    for sl in slices:
        text = src[sl]
        start = sl.start + _first_token_offset(text)
        text = text.strip()
        if not text:
            continue
        line = line_of(src, start)
        try:
            raws = pglast.parse_sql(text)
        except Exception as exc:
            script.unparsed.append((line, f"PostgreSQL parser rejected: {str(exc).splitlines()[0]}"))
            continue
        long_idents = _long_identifiers(text)
        for raw in raws:
            st = Stmt(index=len(script.stmts), sql=text, line=line, kind="other", node=raw.stmt)
            st.detail["long_identifiers"] = long_idents
            try:
                _classify_pg(st, raw.stmt)
            except Exception as exc:  # keep the statement, say what could not be structured
                st.kind = "other"
                script.unparsed.append((line, f"could not structure {type(raw.stmt).__name__}: {exc}"))
            script.stmts.append(st)


def _first_token_offset(text: str) -> int:
    """Character offset of the first real token (after whitespace and comments)."""
    from pglast.parser import scan

    try:
        toks = scan(text)
    except Exception:
        return len(text) - len(text.lstrip())
    toks = [t for t in toks if t.name not in ("SQL_COMMENT", "C_COMMENT")]
    if not toks:
        return len(text) - len(text.lstrip())
    return int(toks[0].start)  # the scanner reports character offsets


def _long_identifiers(text: str, limit: int = 63) -> list[str]:
    """Identifiers over NAMEDATALEN-1 bytes as written (the parser already truncated them)."""
    from pglast.parser import scan

    raw = text
    out = []
    try:
        tokens = scan(text)
    except Exception:
        return out
    for tok in tokens:
        if tok.name == "IDENT":
            ident = raw[tok.start:tok.end + 1].strip('"')
            if len(ident.encode()) > limit:
                out.append(ident)
    return out


def _rv(rv: Any) -> tuple[str | None, str | None]:
    if rv is None:
        return None, None
    return (rv.relname.lower() if rv.relname else None), (rv.schemaname.lower() if rv.schemaname else None)


def _deparse(node: Any) -> str:
    from pglast.stream import RawStream

    try:
        return str(RawStream()(node))
    except Exception:
        return "<expression>"


def type_of(tn: Any) -> tuple[str, tuple[int, ...], bool]:
    names = [n.sval for n in tn.names]
    name = ".".join(names[1:] if names[0] == "pg_catalog" and len(names) > 1 else names)
    mods: list[int] = []
    for m in tn.typmods or ():
        val = getattr(m, "val", None)
        if val is not None and hasattr(val, "ival"):
            mods.append(int(val.ival))
    is_array = bool(tn.arrayBounds)
    norm = normalize_type(name)
    if norm == "bpchar" and not mods and names[0] != "pg_catalog":
        mods = [1]
    return norm, tuple(mods), is_array


def is_volatile(expr: Any) -> bool:
    """Conservative: an unknown function is volatile (as PostgreSQL would have to assume)."""
    from pglast import ast

    if expr is None:
        return False
    if isinstance(expr, ast.A_Const | ast.SQLValueFunction):
        return False
    if isinstance(expr, ast.TypeCast):
        return is_volatile(expr.arg)
    if isinstance(expr, ast.A_Expr):
        return is_volatile(expr.lexpr) or is_volatile(expr.rexpr)
    if isinstance(expr, ast.BoolExpr | ast.CoalesceExpr | ast.MinMaxExpr):
        return any(is_volatile(a) for a in expr.args or ())
    if isinstance(expr, ast.A_ArrayExpr):
        return any(is_volatile(a) for a in expr.elements or ())
    if isinstance(expr, ast.FuncCall):
        name = expr.funcname[-1].sval.lower()
        if name in VOLATILE_FUNCS or name not in NON_VOLATILE_FUNCS:
            return True
        nargs = NON_VOLATILE_FUNCS[name]
        args = list(expr.args or ())
        if nargs is not None and len(args) != nargs:
            return True
        return any(is_volatile(a) for a in args)
    return True


def _column_action(kind: str, cd: Any) -> Action:
    from pglast import enums

    act = Action(kind=kind, column=cd.colname.lower() if cd.colname else None)
    if cd.typeName is not None:
        act.type_name, act.typmods, act.is_array = type_of(cd.typeName)
        act.serial = act.type_name in ("serial2", "serial4", "serial8")
    for c in cd.constraints or ():
        ct = c.contype
        if ct == enums.ConstrType.CONSTR_DEFAULT:
            act.default_sql = _deparse(c.raw_expr)
            act.default_volatile = is_volatile(c.raw_expr)
        elif ct == enums.ConstrType.CONSTR_NOTNULL:
            act.not_null = True
        elif ct == enums.ConstrType.CONSTR_IDENTITY:
            act.identity = True
            act.not_null = True
        elif ct == enums.ConstrType.CONSTR_GENERATED:
            if getattr(c, "generated_kind", "s") == "v":
                act.generated_virtual = True
            else:
                act.generated_stored = True
        elif ct in (enums.ConstrType.CONSTR_PRIMARY, enums.ConstrType.CONSTR_UNIQUE):
            act.constraint = "primary" if ct == enums.ConstrType.CONSTR_PRIMARY else "unique"
            act.constraint_name = c.conname
            act.not_null = act.not_null or ct == enums.ConstrType.CONSTR_PRIMARY
        elif ct == enums.ConstrType.CONSTR_FOREIGN:
            act.constraint, act.ref_table = "foreign", _rv(c.pktable)[0]
            act.not_valid = bool(c.skip_validation)
            act.extra["ref_columns"] = [x.sval.lower() for x in c.pk_attrs or ()]
        elif ct == enums.ConstrType.CONSTR_CHECK:
            act.constraint = act.constraint or "check"
            act.not_valid = bool(c.skip_validation)
            act.extra["not_null_cols"] = not_null_columns(c.raw_expr)
    if cd.raw_default is not None and kind == "alter_type":
        act.using_expr = _deparse(cd.raw_default)
    return act


def _constraint_action(c: Any) -> Action:
    from pglast import enums

    kinds = {enums.ConstrType.CONSTR_PRIMARY: "primary", enums.ConstrType.CONSTR_UNIQUE: "unique",
             enums.ConstrType.CONSTR_FOREIGN: "foreign", enums.ConstrType.CONSTR_CHECK: "check",
             enums.ConstrType.CONSTR_EXCLUSION: "exclusion", enums.ConstrType.CONSTR_NOTNULL: "not_null"}
    act = Action(kind="add_constraint", constraint=kinds.get(c.contype, "other"),
                 constraint_name=c.conname, not_valid=bool(c.skip_validation),
                 using_index=bool(getattr(c, "indexname", None)))
    if c.contype == enums.ConstrType.CONSTR_FOREIGN:
        act.ref_table = _rv(c.pktable)[0]
        act.extra["columns"] = [s.sval.lower() for s in c.fk_attrs or ()]
        act.extra["ref_columns"] = [s.sval.lower() for s in c.pk_attrs or ()]
    if c.contype == enums.ConstrType.CONSTR_CHECK and c.raw_expr is not None:
        act.extra["expr"] = _deparse(c.raw_expr)
        act.extra["not_null_cols"] = not_null_columns(c.raw_expr)
    if c.keys:
        act.extra["columns"] = [s.sval.lower() for s in c.keys]
    return act


_AT_KINDS = {
    "AT_AddColumn": "add_column", "AT_DropColumn": "drop_column", "AT_AlterColumnType": "alter_type",
    "AT_SetNotNull": "set_not_null", "AT_DropNotNull": "drop_not_null", "AT_ColumnDefault": "set_default",
    "AT_AddConstraint": "add_constraint", "AT_ValidateConstraint": "validate_constraint",
    "AT_DropConstraint": "drop_constraint", "AT_AttachPartition": "attach_partition",
    "AT_DetachPartition": "detach_partition", "AT_DetachPartitionFinalize": "detach_partition_finalize",
    "AT_AddIdentity": "add_identity", "AT_DropIdentity": "drop_identity", "AT_SetIdentity": "set_identity",
    "AT_EnableRowSecurity": "enable_rls", "AT_DisableRowSecurity": "disable_rls",
    "AT_SetStatistics": "set_statistics", "AT_SetLogged": "set_logged", "AT_SetUnLogged": "set_unlogged",
    "AT_SetTableSpace": "set_tablespace", "AT_SetRelOptions": "set_reloptions", "AT_ClusterOn": "cluster_on",
    "AT_EnableTrig": "enable_trigger", "AT_DisableTrig": "disable_trigger", "AT_ReplicaIdentity":
    "replica_identity", "AT_AddInherit": "add_inherit", "AT_DropInherit": "drop_inherit",
    "AT_SetStorage": "set_storage", "AT_ChangeOwner": "change_owner", "AT_DropExpression": "drop_expression",
    "AT_SetAccessMethod": "set_access_method", "AT_AlterConstraint": "alter_constraint",
    "AT_ResetRelOptions": "set_reloptions", "AT_ReplaceRelOptions": "set_reloptions",
    "AT_SetOptions": "set_column_options", "AT_ResetOptions": "set_column_options",
    "AT_DropCluster": "drop_cluster", "AT_EnableAlwaysTrig": "enable_trigger",
    "AT_EnableReplicaTrig": "enable_trigger", "AT_EnableTrigAll": "enable_trigger",
    "AT_EnableTrigUser": "enable_trigger", "AT_DisableTrigAll": "disable_trigger",
    "AT_DisableTrigUser": "disable_trigger", "AT_SetCompression": "set_compression",
    "AT_EnableRule": "enable_rule", "AT_EnableAlwaysRule": "enable_rule", "AT_EnableReplicaRule": "enable_rule",
    "AT_DisableRule": "disable_rule",
}


def _classify_pg(st: Stmt, node: Any) -> None:
    from pglast import ast, enums

    name = type(node).__name__
    if isinstance(node, ast.CreateStmt):
        st.kind = "create_table"
        st.table, st.schema = _rv(node.relation)
        st.missing_ok = bool(node.if_not_exists)
        st.temporary = node.relation.relpersistence == "t"
        st.names.append(st.table or "")
        for parent in node.inhRelations or ():
            st.refs.append(_rv(parent)[0] or "")
        st.detail["partition_of"] = bool(node.partbound)
        st.detail["partitioned"] = node.partspec is not None
        for el in node.tableElts or ():
            if isinstance(el, ast.ColumnDef):
                act = _column_action("column", el)
                st.actions.append(act)
                st.names.append(act.column or "")
                if act.ref_table:
                    st.refs.append(act.ref_table)
            elif isinstance(el, ast.Constraint):
                act = _constraint_action(el)
                st.actions.append(act)
                if act.ref_table:
                    st.refs.append(act.ref_table)
    elif isinstance(node, ast.CreateTableAsStmt):
        st.kind = "create_table_as"
        st.table, st.schema = _rv(node.into.rel)
        st.detail["matview"] = node.objtype == enums.ObjectType.OBJECT_MATVIEW
        st.refs.extend(query_sources(node.query, st.table))
        st.temporary = node.into.rel.relpersistence == "t"
        st.missing_ok = bool(node.if_not_exists)
    elif isinstance(node, ast.IndexStmt):
        st.kind = "create_index"
        st.table, st.schema = _rv(node.relation)
        st.concurrent = bool(node.concurrent)
        st.missing_ok = bool(node.if_not_exists)
        st.detail["only"] = node.relation.inh is False
        st.names.append(node.idxname or "")
        st.detail.update(unique=bool(node.unique), primary=bool(node.primary), index=node.idxname,
                         method=node.accessMethod)
        if node.whereClause is None and all(p.name for p in node.indexParams or ()):
            st.detail["columns"] = [str(p.name).lower() for p in node.indexParams or ()]
    elif isinstance(node, ast.DropStmt):
        kinds = {enums.ObjectType.OBJECT_INDEX: "drop_index", enums.ObjectType.OBJECT_TABLE: "drop_table",
                 enums.ObjectType.OBJECT_TYPE: "drop_type", enums.ObjectType.OBJECT_VIEW: "drop_view",
                 enums.ObjectType.OBJECT_SEQUENCE: "drop_sequence", enums.ObjectType.OBJECT_SCHEMA: "drop_schema",
                 enums.ObjectType.OBJECT_TRIGGER: "drop_trigger", enums.ObjectType.OBJECT_DOMAIN: "drop_domain",
                 enums.ObjectType.OBJECT_FUNCTION: "drop_function",
                 enums.ObjectType.OBJECT_MATVIEW: "drop_matview"}
        st.kind = kinds.get(node.removeType, "drop_other")
        st.concurrent = bool(node.concurrent)
        st.missing_ok = bool(node.missing_ok)
        st.detail["cascade"] = node.behavior == enums.DropBehavior.DROP_CASCADE
        objs = []
        for o in node.objects or ():
            if isinstance(o, tuple | list):
                objs.append(".".join(getattr(x, "sval", "?") for x in o).lower())
            else:
                objs.append(str(getattr(o, "sval", o)).lower())
        st.detail["objects"] = objs
        if objs:
            st.table = objs[0].split(".")[-1]
            if st.kind == "drop_trigger" and len(objs[0].split(".")) > 1:
                st.table = objs[0].split(".")[-2]
    elif isinstance(node, ast.ReindexStmt):
        st.kind = "reindex"
        st.detail["object"] = enums.ReindexObjectType(node.kind).name.removeprefix("REINDEX_OBJECT_").lower()
        st.concurrent = option_on(node.params, "concurrently")
        if node.relation is not None:
            st.table, st.schema = _rv(node.relation)
        else:
            st.table = (node.name or "").lower() or None
    elif isinstance(node, ast.AlterTableStmt):
        st.kind = "alter_table" if node.objtype == enums.ObjectType.OBJECT_TABLE else "alter_other"
        st.detail["objtype"] = enums.ObjectType(node.objtype).name.removeprefix("OBJECT_").lower()
        st.table, st.schema = _rv(node.relation)
        st.missing_ok = bool(node.missing_ok)
        for cmd in node.cmds or ():
            st.actions.append(_alter_cmd(cmd, st))
    elif isinstance(node, ast.RenameStmt):
        rt = node.renameType
        st.table, st.schema = _rv(node.relation)
        st.missing_ok = bool(node.missing_ok)
        if rt == enums.ObjectType.OBJECT_COLUMN:
            st.kind = "rename_column"
            st.actions.append(Action("rename_column", column=node.subname.lower(), new_name=node.newname))
        elif rt == enums.ObjectType.OBJECT_TABLE:
            st.kind = "rename_table"
            st.actions.append(Action("rename_table", new_name=node.newname))
        elif rt == enums.ObjectType.OBJECT_TABCONSTRAINT:
            st.kind = "rename_constraint"
        elif rt == enums.ObjectType.OBJECT_INDEX:
            st.kind = "rename_index"
        else:
            st.kind = "rename_other"
            if rt in (enums.ObjectType.OBJECT_VIEW, enums.ObjectType.OBJECT_MATVIEW):
                st.detail["objtype"] = "view"
        st.names.append(node.newname or "")
    elif isinstance(node, ast.AlterEnumStmt):
        st.kind = "alter_enum"
        st.table = ".".join(s.sval for s in node.typeName).lower()
        st.missing_ok = bool(node.skipIfNewValExists)
        st.detail.update(new_value=node.newVal, neighbor=node.newValNeighbor, old_value=node.oldVal,
                         rename=bool(node.oldVal))
    elif isinstance(node, ast.CreateEnumStmt):
        st.kind = "create_enum"
        st.table = ".".join(s.sval for s in node.typeName).lower()
    elif isinstance(node, ast.CreateDomainStmt):
        st.kind = "create_domain"
        st.detail["constraints"] = len(node.constraints or ())
    elif isinstance(node, ast.AlterDomainStmt):
        st.kind = "alter_domain"
        st.detail["subtype"] = node.subtype  # 'C' add constraint, 'N'/'O' not null
    elif isinstance(node, ast.TruncateStmt):
        st.kind = "truncate"
        st.detail["cascade"] = node.behavior == enums.DropBehavior.DROP_CASCADE
        st.detail["tables"] = [_rv(r)[0] for r in node.relations]
        st.table = st.detail["tables"][0] if st.detail["tables"] else None
    elif isinstance(node, ast.UpdateStmt | ast.DeleteStmt | ast.InsertStmt | ast.MergeStmt):
        st.kind = {"UpdateStmt": "update", "DeleteStmt": "delete", "InsertStmt": "insert",
                   "MergeStmt": "merge"}[name]
        st.table, st.schema = _rv(node.relation)
        st.detail["where"] = getattr(node, "whereClause", None) is not None
        st.detail["pinned"] = sorted(pinned_columns(node.whereClause)) if st.detail["where"] else []
        st.detail["has_limit_keyset"] = _has_keyset(node)
    elif isinstance(node, ast.SelectStmt):
        st.kind = "select_into" if node.intoClause is not None else "select"
    elif isinstance(node, ast.VacuumStmt):
        full = option_on(node.options, "full")
        st.kind = ("vacuum_full" if full else "vacuum") if node.is_vacuumcmd else "analyze"
        rels = [_rv(r.relation)[0] for r in node.rels or ()]
        st.table = rels[0] if rels else None
    elif isinstance(node, ast.ClusterStmt):
        st.kind = "cluster"
        st.table = _rv(node.relation)[0] if node.relation is not None else None
    elif isinstance(node, ast.LockStmt):
        st.kind = "lock_table"
        st.table = _rv(node.relations[0])[0]
        st.detail["mode"] = node.mode
    elif isinstance(node, ast.VariableSetStmt):
        st.kind = "set"
        st.detail["name"] = (node.name or "").lower()
        st.detail["value"] = _deparse(node.args[0]) if node.args else None
        st.detail["reset"] = node.kind != enums.VariableSetKind.VAR_SET_VALUE
    elif isinstance(node, ast.TransactionStmt):
        k = enums.TransactionStmtKind(node.kind).name
        st.kind = {"TRANS_STMT_BEGIN": "begin", "TRANS_STMT_START": "begin", "TRANS_STMT_COMMIT": "commit",
                   "TRANS_STMT_ROLLBACK": "rollback"}.get(k, "transaction_other")
    elif isinstance(node, ast.ViewStmt):
        st.kind = "create_view"
        st.table = _rv(node.view)[0]
        st.detail["replace"] = bool(node.replace)
        st.detail["aliases"] = [a.sval for a in node.aliases or ()]
    elif isinstance(node, ast.CompositeTypeStmt):
        st.kind = "create_type"
    elif isinstance(node, ast.CommentStmt):
        st.kind = "comment"
        obj = node.object
        parts = [x.sval.lower() for x in obj] if isinstance(obj, tuple | list) else []
        if node.objtype == enums.ObjectType.OBJECT_TABLE and parts:
            st.table = parts[-1]
        elif node.objtype == enums.ObjectType.OBJECT_COLUMN and len(parts) >= 2:
            st.table = parts[-2]
    elif isinstance(node, ast.CreateFunctionStmt):
        st.kind = "create_function"
    elif isinstance(node, ast.CreateTrigStmt):
        st.kind = "create_trigger"
        st.table = _rv(node.relation)[0]
    elif isinstance(node, ast.CreateSeqStmt):
        st.kind = "create_sequence"
        st.table = _rv(node.sequence)[0]
        st.missing_ok = bool(node.if_not_exists)
    elif isinstance(node, ast.CreateExtensionStmt):
        st.kind = "create_extension"
        st.missing_ok = bool(node.if_not_exists)
    elif isinstance(node, ast.CreateSchemaStmt):
        st.kind = "create_schema"
        st.missing_ok = bool(node.if_not_exists)
    elif isinstance(node, ast.CreatedbStmt | ast.DropdbStmt):
        st.kind = "create_database" if name == "CreatedbStmt" else "drop_database"
    elif isinstance(node, ast.RefreshMatViewStmt):
        st.kind = "refresh_matview"
        st.table = _rv(node.relation)[0]
        st.concurrent = bool(node.concurrent)
    elif isinstance(node, ast.CreateForeignTableStmt):
        st.kind = "create_foreign_table"
        st.table = _rv(node.base.relation)[0]
    else:
        st.kind = "other"
    st.detail.setdefault("node_type", name)


def _has_keyset(node: Any) -> bool:
    text = _deparse(node).lower()
    return " limit " in text or " between " in text or ("where" in text and ("<" in text or ">" in text))


def _alter_cmd(cmd: Any, st: Stmt) -> Action:
    from pglast import ast, enums

    sub = enums.AlterTableType(cmd.subtype).name
    kind = _AT_KINDS.get(sub, sub.removeprefix("AT_").lower())
    col = cmd.name.lower() if cmd.name else None
    if kind == "add_column":
        act = _column_action("add_column", cmd.def_)
        act.missing_ok = bool(cmd.missing_ok)
        if act.ref_table:
            st.refs.append(act.ref_table)
        return act
    if kind == "alter_type":
        act = _column_action("alter_type", cmd.def_)
        act.column = col
        return act
    if kind == "add_constraint":
        act = _constraint_action(cmd.def_)
        if act.ref_table:
            st.refs.append(act.ref_table)
        return act
    if kind in ("attach_partition", "detach_partition", "detach_partition_finalize"):
        act = Action(kind, concurrent=bool(getattr(cmd.def_, "concurrent", False)))
        act.extra["partition"] = _rv(cmd.def_.name)[0]
        act.extra["default"] = bool(getattr(cmd.def_.bound, "is_default", False)) if cmd.def_.bound else False
        return act
    act = Action(kind, column=col, missing_ok=bool(cmd.missing_ok),
                 cascade=cmd.behavior == enums.DropBehavior.DROP_CASCADE)
    if kind == "set_default":
        act.default_sql = _deparse(cmd.def_) if cmd.def_ is not None else None
        act.default_volatile = is_volatile(cmd.def_) if cmd.def_ is not None else False
        if cmd.def_ is None:
            act.kind = "drop_default"
    if kind in ("validate_constraint", "drop_constraint"):
        act.constraint_name = cmd.name
    if kind == "set_reloptions":
        act.extra["options"] = [str(d.defname).lower() for d in cmd.def_ or ()]
    if kind == "add_identity":
        act.identity = True
    if isinstance(cmd.def_, ast.Constraint) and kind != "add_constraint":
        act.extra["constraint"] = True
    return act


# -- session state: transactions and timeouts ----------------------------------------------------

def _session_state(script: Script) -> None:
    in_tx = script.assume_in_transaction
    explicit = False
    lock_t = stmt_t = lock_wait = False
    created: set[str] = set()
    for st in script.stmts:
        if st.kind == "begin":
            if in_tx:
                script.tx_problems.append((st.line, "nesting",
                                           "BEGIN inside an open transaction does nothing but warn"
                                           + (" (the runner already wraps the file)" if
                                              script.assume_in_transaction and not explicit else "")))
            in_tx, explicit = True, True
        elif st.kind in ("commit", "rollback"):
            if not in_tx:
                script.tx_problems.append((st.line, "nesting", f"{st.kind.upper()} with no open transaction"))
            elif script.assume_in_transaction and not explicit:
                script.tx_problems.append((st.line, "nesting",
                                           f"{st.kind.upper()} ends the transaction the runner opened: what "
                                           "follows runs outside it and is not undone when the file fails"))
            in_tx, explicit = False, False
        st.in_transaction = in_tx
        st.explicit_transaction = explicit
        if st.kind == "set":
            name, val = st.detail.get("name"), (st.detail.get("value") or "").strip("'\" ")
            on = not st.detail.get("reset") and val not in ("0", "")
            if name == "lock_timeout":
                lock_t = on
            elif name == "statement_timeout":
                stmt_t = on
            elif name in ("lock_wait_timeout", "innodb_lock_wait_timeout", "max_statement_time",
                          "max_execution_time"):
                lock_wait = on if name == "lock_wait_timeout" else lock_wait
                if name in ("max_statement_time", "max_execution_time"):
                    stmt_t = on
        st.lock_timeout, st.statement_timeout, st.lock_wait_timeout = lock_t, stmt_t, lock_wait
        if st.table and st.table in created:
            st.created_in_script = True
        if st.kind in ("create_table", "create_table_as") and st.table:
            created.add(st.table)
    if in_tx and explicit:
        last = next((s for s in reversed(script.stmts) if s.kind == "begin"), None)
        script.tx_problems.append((last.line if last else 1, "uncommitted",
                                   "the script opens a transaction and never commits it"))
