"""Migration operations: each knows its SQL per engine, its locks/rewrite/scan per engine version
(through the static lock model in :mod:`dbwright.migration.locks`, applied to the SQL it emits),
whether it may run in a transaction, and its ``reverse()`` — marked lossy when undoing it cannot
bring data back.

Column DDL is emitted by Alembic's DDL elements compiled for the dialect; index and constraint
definitions come verbatim from the engine's catalog (``pg_get_indexdef``/``pg_get_constraintdef``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sqlalchemy as sa
from alembic.ddl import base as ddl

from dbwright.migration.facts import Stmt


class _RawType(sa.types.UserDefinedType):  # type: ignore[type-arg]
    """A column type given as the engine spells it (``format_type`` output)."""

    cache_ok = True

    def __init__(self, spec: str):
        self.spec = spec

    def get_col_spec(self, **kw: Any) -> str:
        return self.spec


def _dialect(engine: str) -> Any:
    from sqlalchemy.dialects import mysql, postgresql

    return postgresql.dialect() if engine == "postgresql" else mysql.dialect()  # type: ignore[no-untyped-call]


def _compile(element: Any, engine: str) -> str:
    return str(element.compile(dialect=_dialect(engine))).strip()


def quote(name: str) -> str:
    from sqlalchemy.dialects import postgresql

    return str(postgresql.dialect().identifier_preparer.quote(name))  # type: ignore[no-untyped-call]


def qname(schema: str | None, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}" if schema and schema != "public" else quote(name)


def qkey(key: str) -> str:
    """A catalog key ``schema.name`` as a qualified name (``public`` left out)."""
    nsp, name = key.split(".", 1)
    return qname(nsp, name)


def literal(text: object) -> str:
    """A SQL string literal."""
    return "'" + str(text if text is not None else "").replace("'", "''") + "'"


@dataclass
class Op:
    """Base class. ``phase`` is where the planner puts it by default."""

    kind: ClassVar[str] = "op"
    transactional: ClassVar[bool] = True
    lossy_reverse: ClassVar[bool] = False

    def sql(self, engine: str = "postgresql") -> list[str]:
        raise NotImplementedError

    def reverse(self) -> Op | None:
        return None

    def describe(self) -> str:
        return self.kind.replace("_", " ")

    def facts(self, version: tuple[int, ...] = (15,), context_sql: str | None = None,
              engine: str = "postgresql") -> list[Stmt]:
        """The statements' static facts: locks (incl. other tables), rewrite, scan."""
        from dbwright.migration.parse import parse_script

        return parse_script(";\n".join(self.sql(engine)) + ";", engine=engine, version=version,
                            context_sql=context_sql).stmts

    def to_dict(self) -> dict[str, Any]:
        rev = self.reverse()
        return {"kind": self.kind, "description": self.describe(), "sql": self.sql(),
                "transactional": self.transactional,
                "reverse": rev.sql() if rev else None, "lossy_reverse": self.lossy_reverse}


@dataclass
class RawSQL(Op):
    statement: str = ""
    undo: str | None = None
    lossy: bool = False
    note: str = ""
    in_transaction: bool = True
    kind: ClassVar[str] = "sql"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [self.statement.strip().rstrip(";")]

    def reverse(self) -> Op | None:
        return RawSQL(self.undo, self.statement, note=f"undo: {self.note}") if self.undo else None

    def describe(self) -> str:
        return self.note or self.statement.split("\n")[0][:80]

    @property
    def lossy_reverse(self) -> bool:  # type: ignore[override]
        return self.lossy


@dataclass
class CreateTable(Op):
    schema: str | None
    name: str
    ddl: str
    kind: ClassVar[str] = "create_table"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [self.ddl.strip().rstrip(";")]

    def reverse(self) -> Op | None:
        return DropTable(self.schema, self.name, self.ddl)

    def describe(self) -> str:
        return f"create table {self.name}"


@dataclass
class DropTable(Op):
    schema: str | None
    name: str
    ddl: str = ""
    kind: ClassVar[str] = "drop_table"
    lossy_reverse: ClassVar[bool] = True

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [f"DROP TABLE IF EXISTS {qname(self.schema, self.name)}"]

    def reverse(self) -> Op | None:
        return CreateTable(self.schema, self.name, self.ddl) if self.ddl else None

    def describe(self) -> str:
        return f"drop table {self.name} (its rows are lost)"


@dataclass
class AddColumn(Op):
    table: str
    column: str
    type: str
    nullable: bool = True
    default: str | None = None
    schema: str | None = None
    kind: ClassVar[str] = "add_column"
    lossy_reverse: ClassVar[bool] = True

    def sql(self, engine: str = "postgresql") -> list[str]:
        col = sa.Column(self.column, _RawType(self.type), nullable=self.nullable,
                        server_default=sa.text(self.default) if self.default else None)
        return [_compile(ddl.AddColumn(self.table, col, schema=self.schema, if_not_exists=True), engine)]

    def reverse(self) -> Op | None:
        return DropColumn(self.table, self.column, self.type, self.nullable, self.default, self.schema)

    def describe(self) -> str:
        return f"add column {self.table}.{self.column} {self.type}" + ("" if self.nullable else " NOT NULL")


@dataclass
class DropColumn(Op):
    table: str
    column: str
    type: str = ""
    nullable: bool = True
    default: str | None = None
    schema: str | None = None
    kind: ClassVar[str] = "drop_column"
    lossy_reverse: ClassVar[bool] = True

    def sql(self, engine: str = "postgresql") -> list[str]:
        col = sa.Column(self.column, _RawType(self.type or "text"))
        return [_compile(ddl.DropColumn(self.table, col, schema=self.schema, if_exists=True), engine)]

    def reverse(self) -> Op | None:
        return AddColumn(self.table, self.column, self.type, True, self.default, self.schema)

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column} (its values are lost)"


@dataclass
class AlterColumnType(Op):
    table: str
    column: str
    old_type: str
    new_type: str
    using: str | None = None
    schema: str | None = None
    kind: ClassVar[str] = "alter_column_type"

    def sql(self, engine: str = "postgresql") -> list[str]:
        if engine == "postgresql":
            from alembic.ddl.postgresql import PostgresqlColumnType

            el: Any = PostgresqlColumnType(self.table, self.column, _RawType(self.new_type), schema=self.schema,
                                           using=self.using or None)
        else:
            el = ddl.ColumnType(self.table, self.column, _RawType(self.new_type), schema=self.schema)
        return [_compile(el, engine)]

    def reverse(self) -> Op | None:
        return AlterColumnType(self.table, self.column, self.new_type, self.old_type, None, self.schema)

    def describe(self) -> str:
        return f"change {self.table}.{self.column} from {self.old_type} to {self.new_type}"


@dataclass
class SetNullable(Op):
    table: str
    column: str
    nullable: bool
    schema: str | None = None
    kind: ClassVar[str] = "set_nullable"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [_compile(ddl.ColumnNullable(self.table, self.column, self.nullable, schema=self.schema), engine)]

    def reverse(self) -> Op | None:
        return SetNullable(self.table, self.column, not self.nullable, self.schema)

    def describe(self) -> str:
        return f"{'drop' if self.nullable else 'set'} NOT NULL on {self.table}.{self.column}"


@dataclass
class SetDefault(Op):
    table: str
    column: str
    default: str | None
    old_default: str | None = None
    schema: str | None = None
    kind: ClassVar[str] = "set_default"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [_compile(ddl.ColumnDefault(self.table, self.column,
                                           sa.text(self.default) if self.default else None, schema=self.schema),
                         engine)]

    def reverse(self) -> Op | None:
        return SetDefault(self.table, self.column, self.old_default, self.default, self.schema)

    def describe(self) -> str:
        return f"default of {self.table}.{self.column} → {self.default or 'none'}"


@dataclass
class RenameColumn(Op):
    table: str
    old: str
    new: str
    schema: str | None = None
    kind: ClassVar[str] = "rename_column"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [_compile(ddl.ColumnName(self.table, self.old, self.new, schema=self.schema), engine)]

    def reverse(self) -> Op | None:
        return RenameColumn(self.table, self.new, self.old, self.schema)

    def describe(self) -> str:
        return f"rename {self.table}.{self.old} → {self.new}"


@dataclass
class RenameTable(Op):
    old: str
    new: str
    schema: str | None = None
    kind: ClassVar[str] = "rename_table"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [_compile(ddl.RenameTable(self.old, self.new, schema=self.schema), engine)]

    def reverse(self) -> Op | None:
        return RenameTable(self.new, self.old, self.schema)

    def describe(self) -> str:
        return f"rename table {self.old} → {self.new}"


@dataclass
class AddConstraint(Op):
    table: str
    name: str
    definition: str  # pg_get_constraintdef text
    not_valid: bool = False
    schema: str | None = None
    kind: ClassVar[str] = "add_constraint"

    def sql(self, engine: str = "postgresql") -> list[str]:
        d = re.sub(r"\s+NOT VALID$", "", self.definition.strip())
        return [f"ALTER TABLE {qname(self.schema, self.table)} ADD CONSTRAINT {quote(self.name)} {d}"
                + (" NOT VALID" if self.not_valid else "")]

    def reverse(self) -> Op | None:
        return DropConstraint(self.table, self.name, self.definition, self.schema)

    def describe(self) -> str:
        return f"add constraint {self.name} on {self.table}" + (" (NOT VALID)" if self.not_valid else "")


@dataclass
class ValidateConstraint(Op):
    table: str
    name: str
    schema: str | None = None
    kind: ClassVar[str] = "validate_constraint"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [f"ALTER TABLE {qname(self.schema, self.table)} VALIDATE CONSTRAINT {quote(self.name)}"]

    def describe(self) -> str:
        return f"validate {self.name} on {self.table} (SHARE UPDATE EXCLUSIVE: reads and writes continue)"


@dataclass
class DropConstraint(Op):
    table: str
    name: str
    definition: str = ""
    schema: str | None = None
    kind: ClassVar[str] = "drop_constraint"

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [f"ALTER TABLE {qname(self.schema, self.table)} DROP CONSTRAINT IF EXISTS {quote(self.name)}"]

    def reverse(self) -> Op | None:
        return AddConstraint(self.table, self.name, self.definition, False, self.schema) if self.definition else None

    def describe(self) -> str:
        return f"drop constraint {self.name} on {self.table}"


@dataclass
class CreateIndex(Op):
    name: str
    table: str
    definition: str  # pg_get_indexdef text
    concurrently: bool = True
    schema: str | None = None
    kind: ClassVar[str] = "create_index"

    @property
    def transactional(self) -> bool:  # type: ignore[override]
        return not self.concurrently

    def sql(self, engine: str = "postgresql") -> list[str]:
        d = self.definition.strip()
        if self.concurrently:
            d = re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m.group(1) or ''}INDEX CONCURRENTLY "
                       "IF NOT EXISTS ", d, count=1)
        else:
            d = re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT EXISTS ", d,
                       count=1)
        return [d]

    def reverse(self) -> Op | None:
        return DropIndex(self.name, self.table, self.definition, self.concurrently, self.schema)

    def describe(self) -> str:
        return f"build index {self.name} on {self.table}" + (" CONCURRENTLY" if self.concurrently else "")


@dataclass
class CreatePartitionedIndex(CreateIndex):
    """An index on an existing partitioned table, online. PostgreSQL refuses CREATE INDEX
    CONCURRENTLY on a partitioned table, so: the parent's index ON ONLY (catalog only, INVALID),
    each partition's index CONCURRENTLY, then ATTACH PARTITION each — the parent's index becomes
    valid when every partition has attached its own (CREATE INDEX, "Building Indexes Concurrently")."""

    # (partition key, its index name, its CREATE INDEX definition, its own parts if it is partitioned)
    parts: list[tuple[str, str, str]] = field(default_factory=list)

    def sql(self, engine: str = "postgresql") -> list[str]:
        out = [re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT EXISTS ",
                      self.definition.strip(), count=1)]
        for _part, _iname, idef in self.parts:
            if " ON ONLY " in idef:  # a sub-partitioned partition: its parts were listed before it
                out.append(re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT "
                                  "EXISTS ", idef.strip(), count=1))
            else:
                out.append(re.sub(r"^CREATE (UNIQUE )?INDEX ", lambda m: f"CREATE {m.group(1) or ''}INDEX "
                                  "CONCURRENTLY IF NOT EXISTS ", idef.strip(), count=1))
        for part, iname, _idef in self.parts:
            parent = self.parent_of.get(iname, qname(self.schema, self.name))
            out.append(f"ALTER INDEX {parent} ATTACH PARTITION {qname(part.split('.', 1)[0], iname)}")
        return out

    parent_of: dict[str, str] = field(default_factory=dict)  # part index -> its parent index (qualified)

    def reverse(self) -> Op | None:
        return DropIndex(self.name, self.table, self.definition, False, self.schema)

    def describe(self) -> str:
        return (f"build index {self.name} on partitioned {self.table}: ON ONLY, then each of "
                f"{len(self.parts)} partitions CONCURRENTLY and ATTACH")


@dataclass
class DropIndex(Op):
    name: str
    table: str
    definition: str = ""
    concurrently: bool = True
    schema: str | None = None
    kind: ClassVar[str] = "drop_index"

    @property
    def transactional(self) -> bool:  # type: ignore[override]
        return not self.concurrently

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [f"DROP INDEX {'CONCURRENTLY ' if self.concurrently else ''}IF EXISTS {qname(self.schema, self.name)}"]

    def reverse(self) -> Op | None:
        return CreateIndex(self.name, self.table, self.definition, self.concurrently, self.schema) \
            if self.definition else None

    def describe(self) -> str:
        return f"drop index {self.name}"


@dataclass
class Backfill(Op):
    """Batched UPDATE by primary-key ranges; the runner loops, commits per batch, throttles and
    checks replication lag between batches, and can resume from the last key it stored."""

    table: str
    pk: str
    assignments: dict[str, str] = field(default_factory=dict)  # column -> expression
    where_pending: str = ""  # rows that still need work (makes a re-run skip done rows)
    batch_size: int = 5000
    schema: str | None = None
    kind: ClassVar[str] = "backfill"
    transactional: ClassVar[bool] = False

    def batch_sql(self) -> str:
        sets = ", ".join(f"{quote(c)} = {e}" for c, e in self.assignments.items())
        pend = f" AND ({self.where_pending})" if self.where_pending else ""
        t, pk = qname(self.schema, self.table), quote(self.pk)
        if not self.pk:  # no integer key to range over: the next batch is the next pending rows
            return (f"UPDATE {t} SET {sets} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {t} WHERE "
                    f"{self.where_pending or 'true'} LIMIT %(batch)s))")
        return (f"UPDATE {t} SET {sets} WHERE {pk} > %(last)s AND {pk} <= %(last)s + %(batch)s{pend}")

    def sql(self, engine: str = "postgresql") -> list[str]:
        return [self.batch_sql().replace("%(last)s", ":last_key").replace("%(batch)s", str(self.batch_size))]

    def describe(self) -> str:
        return f"backfill {self.table} ({', '.join(self.assignments)}) in batches of {self.batch_size} by {self.pk}"

    def facts(self, version: tuple[int, ...] = (15,), context_sql: str | None = None,
              engine: str = "postgresql") -> list[Stmt]:
        from dbwright.migration.parse import parse_script

        sql = self.batch_sql().replace("%(last)s", "0").replace("%(batch)s", str(self.batch_size))
        return parse_script(sql + ";", engine=engine, version=version, context_sql=context_sql).stmts
