"""SQLAlchemy 2.0 typed models (``models.py``) for the PostgreSQL physical schema.

The generated module, imported and created with ``Base.metadata.create_all``, produces the same
schema as ``schema.postgresql.sql`` (a test applies both and compares them by reflection).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from dbwright.stages.schema_types import LTree

_PY = [
    (sa.Boolean, "bool"), (sa.Integer, "int"), (sa.Numeric, "decimal.Decimal"), (sa.DateTime, "datetime.datetime"),
    (sa.Date, "datetime.date"), (sa.Time, "datetime.time"), (sa.Uuid, "uuid.UUID"), (sa.JSON, "Any"),
    (sa.LargeBinary, "bytes"), (sa.String, "str"), (LTree, "str"),
]


def _pytype(t: sa.types.TypeEngine[Any]) -> str:
    if isinstance(t, sa.Double | sa.Float):
        return "float"
    for cls, name in _PY:
        if isinstance(t, cls):
            return name
    return "Any"


def _class_name(table: sa.Table) -> str:
    ent = table.info.get("entity") if table.info.get("kind") == "entity" else None
    return ent or "".join(p.capitalize() for p in table.name.split("_"))


class _Imports:
    def __init__(self) -> None:
        self.sa: set[str] = set()
        self.pg: set[str] = set()

    def type_expr(self, t: sa.types.TypeEngine[Any]) -> str:
        base = getattr(t, "_variant_mapping", {}).get("postgresql", t)
        if isinstance(base, LTree):
            return "LTree()"
        text = repr(base)
        cls = type(base)
        if cls.__module__.startswith("sqlalchemy.dialects.postgresql"):
            self.pg.add(cls.__name__)
        else:
            self.sa.add(cls.__name__)
        return text


def _lit(v: Any) -> str:
    return repr(v)


def render_models(md: sa.MetaData, project: str) -> str:
    imp = _Imports()
    imp.sa |= {"ForeignKeyConstraint", "UniqueConstraint", "CheckConstraint", "Index", "Identity", "DDL", "event",
               "func", "text"}
    classes: list[str] = []
    after: list[str] = []
    needs_ltree = False
    for t in md.sorted_tables:
        cname = _class_name(t)
        lines = [f"class {cname}(Base):"]
        if t.comment:
            lines.append(f'    """{t.comment}"""')
            lines.append("")
        lines.append(f"    __tablename__ = {t.name!r}")
        args: list[str] = []
        for fk in sorted(t.foreign_key_constraints, key=lambda f: str(f.name or "")):
            local = [c.name for c in fk.columns]
            remote = [f"{fk.referred_table.name}.{e.column.name}" for e in fk.elements]
            od = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
            args.append(f"ForeignKeyConstraint({local!r}, {remote!r}{od}, name={fk.name!r})")
        for uc in sorted((c for c in t.constraints if isinstance(c, sa.UniqueConstraint)),
                         key=lambda c: str(c.name or "")):
            cols = ", ".join(repr(x.name) for x in uc.columns)
            args.append(f"UniqueConstraint({cols}, name={uc.name!r})")
        for ck in sorted((c for c in t.constraints if isinstance(c, sa.CheckConstraint)),
                         key=lambda c: str(c.name or "")):
            args.append(f"CheckConstraint({str(ck.sqltext)!r}, name={ck.name!r})")
        if t.primary_key.name:
            imp.sa.add("PrimaryKeyConstraint")
            pkcols = ", ".join(repr(c.name) for c in t.primary_key.columns)
            args.append(f"PrimaryKeyConstraint({pkcols}, name={t.primary_key.name!r})")
        extra = {"comment": t.comment} if t.comment else {}
        if args or extra:
            lines.append("    __table_args__ = (")
            lines += [f"        {a}," for a in args]
            if extra:
                lines.append(f"        {extra!r},")
            lines.append("    )")
        lines.append("")
        for col in t.columns:
            if isinstance(col.type, LTree):
                needs_ltree = True
            py = _pytype(col.type)
            ann = f"Mapped[{py} | None]" if col.nullable and not col.primary_key else f"Mapped[{py}]"
            parts = [imp.type_expr(col.type)]
            if col.identity is not None:
                parts.append("Identity()")
            if col.primary_key:
                parts.append("primary_key=True")
            if not col.primary_key:
                parts.append(f"nullable={bool(col.nullable)}")
            if col.primary_key and col.autoincrement is not True and col.identity is None:
                parts.append("autoincrement=False")
            if col.server_default is not None and col.identity is None:
                arg = getattr(col.server_default, "arg", None)
                parts.append(f"server_default={_server_default(arg)}")
            if col.comment:
                parts.append(f"comment={col.comment!r}")
            attr = col.name if col.name.isidentifier() and col.name not in ("metadata", "registry") else f"{col.name}_"
            key = "" if attr == col.name else f"{col.name!r}, "
            lines.append(f"    {attr}: {ann} = mapped_column({key}{', '.join(parts)})")
        classes.append("\n".join(lines))
        for ix in sorted(t.indexes, key=lambda i: i.name or ""):
            exprs = []
            for e in ix.expressions:
                if isinstance(e, sa.Column):
                    exprs.append(f"{cname}.{e.name}")
                elif isinstance(e, sa.ColumnElement):
                    compiled = str(e.compile(compile_kwargs={"literal_binds": True}))
                    exprs.append("func." + re.sub(rf"\b{t.name}\.(\w+)", rf"{cname}.\1", compiled)
                                 .replace("(", "(", 1))
            kw = ", unique=True" if ix.unique else ""
            for k, v in ix.dialect_kwargs.items():
                kw += f", {k}={v!r}"
            after.append(f"Index({ix.name!r}, {', '.join(exprs)}{kw})")
        for stmt in t.info.get("rls", []):
            after.append(f"event.listen({cname}.__table__, 'after_create', DDL({stmt!r}))")
    head = [
        f'"""SQLAlchemy 2.0 models for {project}, generated by dbwright (PostgreSQL physical schema).',
        "",
        "Importing this module and calling Base.metadata.create_all(engine) creates the same schema as",
        'schema.postgresql.sql. Regenerate instead of editing by hand."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "import decimal",
        "import uuid",
        "from typing import Any",
        "",
        f"from sqlalchemy import {', '.join(sorted(imp.sa))}",
    ]
    if imp.pg:
        head.append(f"from sqlalchemy.dialects.postgresql import {', '.join(sorted(imp.pg))}")
    head += ["from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column"]
    if needs_ltree:
        head += ["from sqlalchemy.types import UserDefinedType"]
    head += ["", ""]
    if needs_ltree:
        head += ["class LTree(UserDefinedType[str]):", '    """PostgreSQL ltree (materialized paths)."""', "",
                 "    cache_ok = True", "", "    def get_col_spec(self, **kw: Any) -> str:",
                 '        return "LTREE"', "", "", ""]
    head += ["class Base(DeclarativeBase):", "    pass", "", "", ""]
    body = "\n\n\n".join(classes)
    tail = ["", ""]
    if needs_ltree:
        tail.append("event.listen(Base.metadata, 'before_create', DDL('CREATE EXTENSION IF NOT EXISTS ltree'))")
    tail += after
    return "\n".join(head) + body + "\n" + "\n".join(tail) + "\n"


def _server_default(arg: Any) -> str:
    if isinstance(arg, str):
        return repr(arg)
    if isinstance(arg, sa.sql.functions.FunctionElement):
        return f"func.{arg.name}()"
    return f"text({str(arg)!r})"
