"""MySQL/MariaDB statements into :class:`Stmt` facts (sqlglot, plus a clause reader for what
sqlglot leaves unstructured: ALGORITHM=/LOCK=, CREATE INDEX options, ENUM members)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from dbwright.migration.facts import Action, Script, Stmt

_TYPE = {"INT": "int", "BIGINT": "bigint", "SMALLINT": "smallint", "TINYINT": "tinyint", "MEDIUMINT": "mediumint",
         "VARCHAR": "varchar", "CHAR": "char", "TEXT": "text", "MEDIUMTEXT": "mediumtext", "LONGTEXT": "longtext",
         "ENUM": "enum", "SET": "set", "DATETIME": "datetime", "TIMESTAMP": "timestamp", "DATE": "date",
         "DECIMAL": "decimal", "JSON": "json", "BLOB": "blob", "BOOLEAN": "tinyint", "UINT": "int unsigned",
         "UBIGINT": "bigint unsigned", "DOUBLE": "double", "FLOAT": "float"}


def split_mysql(src: str) -> list[tuple[int, str]]:
    """(line, text) per statement, splitting on ';' outside strings and comments."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    i, n, start = 0, len(src), 0
    quote: str | None = None
    while i < n:
        ch = src[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif src.startswith("--", i) or ch == "#":
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        elif ch == ";":
            buf.append(src[start:i])
            text = src[start:i]
            stripped = text.strip()
            if stripped:
                offset = start + len(text) - len(text.lstrip())
                out.append((src.count("\n", 0, offset) + 1, stripped))
            start = i + 1
        i += 1
    tail = src[start:].strip()
    if tail:
        offset = start + len(src[start:]) - len(src[start:].lstrip())
        out.append((src.count("\n", 0, offset) + 1, tail))
    return out


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return "\n".join(re.sub(r"(--\s|#).*$", "", ln) for ln in text.splitlines()).strip()


def parse_mysql(script: Script) -> None:
    import logging

    import sqlglot
    from sqlglot import exp

    logging.getLogger("sqlglot").setLevel(logging.ERROR)

    for line, raw in split_mysql(script.source):
        text = _strip_comments(raw)
        if not text:
            continue
        st = Stmt(index=len(script.stmts), sql=raw, line=line, kind="other")
        clauses = dict(re.findall(r"\b(ALGORITHM|LOCK)\s*=?\s*(\w+)", text, re.I)) if re.match(
            r"\s*(ALTER|CREATE|DROP)\b", text, re.I) else {}
        st.detail["requested"] = {k.upper(): v.upper() for k, v in clauses.items()}
        try:
            node = sqlglot.parse_one(re.sub(r",?\s*\b(ALGORITHM|LOCK)\s*=?\s*\w+", "", text, flags=re.I)
                                     if clauses else text, read="mysql")
        except Exception as exc:
            node = None
            if not _regex_classify(st, text):
                script.unparsed.append((line, f"sqlglot could not parse: {str(exc).splitlines()[0][:120]}"))
        if node is not None:
            st.node = node
            if isinstance(node, exp.Command) or not _classify(st, node, exp):
                _regex_classify(st, text)
        script.stmts.append(st)


def _name(node: Any) -> str | None:
    return node.name.lower() if node is not None and getattr(node, "name", None) else None


def _dtype(kind: Any) -> tuple[str, tuple[int, ...], list[str]]:
    if kind is None:
        return "", (), []
    t = kind.this.name if hasattr(kind.this, "name") else str(kind.this)
    name = _TYPE.get(t, t.lower())
    mods: list[int] = []
    members: list[str] = []
    for e in kind.expressions or ():
        lit = e.this if e.__class__.__name__ == "DataTypeParam" else e
        val = getattr(lit, "this", None)
        if getattr(lit, "is_string", False):
            members.append(str(val))
        else:
            with contextlib.suppress(ValueError):
                mods.append(int(str(val)))
    return name, tuple(mods), members


def _coldef(kind: str, cd: Any, exp: Any) -> Action:
    act = Action(kind=kind, column=_name(cd.this))
    act.type_name, act.typmods, members = _dtype(cd.args.get("kind"))
    if members:
        act.extra["members"] = members
    for c in cd.args.get("constraints") or ():
        k = c.args.get("kind")
        if isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null"):
            act.not_null = True
        elif isinstance(k, exp.DefaultColumnConstraint):
            act.default_sql = k.this.sql("mysql") if k.this is not None else None
        elif isinstance(k, exp.AutoIncrementColumnConstraint):
            act.identity = True
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            act.constraint = "primary"
        elif isinstance(k, exp.UniqueColumnConstraint):
            act.constraint = "unique"
        elif isinstance(k, exp.ComputedColumnConstraint):
            act.generated_stored = bool(k.args.get("persisted"))
            act.generated_virtual = not act.generated_stored
        elif isinstance(k, exp.CharacterSetColumnConstraint):
            act.extra["charset"] = k.this.name.lower() if k.this is not None else None
    pos = cd.args.get("position")
    if pos is not None:
        act.position = str(pos.args.get("position") or "FIRST").upper()
    return act


def _classify(st: Stmt, node: Any, exp: Any) -> bool:
    if isinstance(node, exp.Alter) and str(node.args.get("kind", "")).upper() == "TABLE":
        st.kind = "alter_table"
        st.table = _name(node.this)
        for a in node.args.get("actions") or ():
            st.actions.append(_alter_action(a, exp))
        return True
    if isinstance(node, exp.Create):
        kind = str(node.args.get("kind", "")).upper()
        if kind == "TABLE":
            st.kind = "create_table"
            schema = node.this
            st.table = _name(schema.this if isinstance(schema, exp.Schema) else schema)
            st.missing_ok = bool(node.args.get("exists"))
            if isinstance(schema, exp.Schema):
                for e in schema.expressions:
                    if isinstance(e, exp.ColumnDef):
                        st.actions.append(_coldef("column", e, exp))
            return True
        if kind == "INDEX":
            return False  # the clause reader handles FULLTEXT/SPATIAL/options uniformly
        return False
    if isinstance(node, exp.Drop):
        kind = str(node.args.get("kind", "")).upper()
        st.kind = {"TABLE": "drop_table", "INDEX": "drop_index", "DATABASE": "drop_database"}.get(kind, "drop_other")
        st.missing_ok = bool(node.args.get("exists"))
        st.table = _name(node.this)
        st.detail["objects"] = [st.table or ""]
        return True
    if isinstance(node, exp.Update | exp.Delete | exp.Insert):
        st.kind = type(node).__name__.lower()
        tbl = node.this
        st.table = _name(tbl.this if isinstance(tbl, exp.Schema) else tbl)
        st.detail["where"] = node.args.get("where") is not None
        st.detail["has_limit_keyset"] = node.args.get("limit") is not None
        return True
    if isinstance(node, exp.Set):
        st.kind = "set"
        item = node.expressions[0] if node.expressions else None
        eq = item.this if item is not None else None
        if isinstance(eq, exp.EQ):
            st.detail["name"] = eq.this.name.lower().removeprefix("@@session.").removeprefix("@@")
            st.detail["value"] = eq.expression.sql("mysql")
        return True
    if isinstance(node, exp.Transaction):
        st.kind = "begin"
        return True
    if isinstance(node, exp.Commit | exp.Rollback):
        st.kind = "commit" if isinstance(node, exp.Commit) else "rollback"
        return True
    if isinstance(node, exp.TruncateTable):
        st.kind = "truncate"
        st.table = _name(node.expressions[0]) if node.expressions else None
        return True
    if isinstance(node, exp.Select):
        st.kind = "select"
        return True
    return False


def _alter_action(a: Any, exp: Any) -> Action:
    if isinstance(a, exp.ColumnDef):
        return _coldef("add_column", a, exp)
    if isinstance(a, exp.ModifyColumn):
        act = _coldef("alter_type", a.this, exp)
        old = a.args.get("rename_from")
        if old is not None and _name(old) != act.column:
            act.extra["renamed_from"] = _name(old)
        return act
    if isinstance(a, exp.RenameColumn):
        return Action("rename_column", column=_name(a.this), new_name=_name(a.args.get("to")))
    if isinstance(a, exp.AlterRename):
        return Action("rename_table", new_name=_name(a.this))
    if isinstance(a, exp.Drop):
        kind = str(a.args.get("kind", "")).upper()
        k = {"COLUMN": "drop_column", "INDEX": "drop_index", "KEY": "drop_index", "PRIMARY KEY": "drop_primary",
             "FOREIGN KEY": "drop_constraint", "CONSTRAINT": "drop_constraint"}.get(kind, "drop_column")
        return Action(k, column=_name(a.this), missing_ok=bool(a.args.get("exists")))
    if isinstance(a, exp.AlterColumn):
        if a.args.get("drop"):
            return Action("drop_default", column=_name(a.this))
        if a.args.get("default") is not None:
            return Action("set_default", column=_name(a.this), default_sql=a.args["default"].sql("mysql"))
        return Action("alter_other", column=_name(a.this))
    if isinstance(a, exp.AddConstraint):
        for e in a.expressions:
            if isinstance(e, exp.IndexColumnConstraint):
                kind = str(e.args.get("kind") or "").upper()
                return Action("add_index", constraint=kind.lower() or "index", constraint_name=_name(e.this))
            if isinstance(e, exp.Constraint):
                inner = e.expressions[0] if e.expressions else None
                if isinstance(inner, exp.ForeignKey):
                    ref = inner.args.get("reference")
                    tbl = ref.this.this if ref is not None and isinstance(ref.this, exp.Schema) else (
                        ref.this if ref is not None else None)
                    return Action("add_constraint", constraint="foreign", constraint_name=_name(e.this),
                                  ref_table=_name(tbl))
                if isinstance(inner, exp.PrimaryKey):
                    return Action("add_index", constraint="primary")
                if isinstance(inner, exp.UniqueColumnConstraint):
                    return Action("add_index", constraint="unique", constraint_name=_name(e.this))
                return Action("add_constraint", constraint="check", constraint_name=_name(e.this))
            if isinstance(e, exp.ForeignKey):
                ref = e.args.get("reference")
                tbl = ref.this.this if ref is not None and isinstance(ref.this, exp.Schema) else None
                return Action("add_constraint", constraint="foreign", ref_table=_name(tbl))
            if isinstance(e, exp.PrimaryKey):
                return Action("add_index", constraint="primary")
        return Action("add_constraint", constraint="other")
    return Action("alter_other", extra={"sql": a.sql("mysql")})


_CREATE_INDEX = re.compile(r"CREATE\s+(?:(UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s+"
                           r"(?:USING\s+\w+\s+)?ON\s+`?(\w+)`?", re.I)
_DROP_INDEX = re.compile(r"DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?`?(\w+)`?\s+ON\s+`?(\w+)`?", re.I)
_RENAME = re.compile(r"RENAME\s+TABLES?\s+`?(\w+)`?\s+TO\s+`?(\w+)`?", re.I)


def _regex_classify(st: Stmt, text: str) -> bool:
    m = _CREATE_INDEX.match(text)
    if m:
        st.kind = "create_index"
        st.table = m.group(3).lower()
        st.detail.update(index=m.group(2), unique=(m.group(1) or "").upper() == "UNIQUE",
                         method=(m.group(1) or "btree").lower())
        st.missing_ok = " IF NOT EXISTS " in text.upper()
        return True
    m = _DROP_INDEX.match(text)
    if m:
        st.kind = "drop_index"
        st.table = m.group(2).lower()
        st.detail["objects"] = [m.group(1).lower()]
        return True
    m = _RENAME.match(text)
    if m:
        st.kind = "rename_table"
        st.table = m.group(1).lower()
        st.actions.append(Action("rename_table", new_name=m.group(2).lower()))
        return True
    return False
