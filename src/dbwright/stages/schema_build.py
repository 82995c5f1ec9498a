"""Build the physical schema (a SQLAlchemy MetaData) for one dialect from the spec and decisions.

Each dialect gets its own MetaData so engine-specific features are declared, not patched in:
row-level security and lower(email) unique indexes on PostgreSQL, ltree paths on PostgreSQL,
AUTO_INCREMENT key rules on MariaDB, rowid keys on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dbwright.ddl import order
from dbwright.spec.attributes import AttributeSpec
from dbwright.spec.models import Spec
from dbwright.stages.schema_decide import Hierarchy, KeyChoice
from dbwright.stages.schema_naming import attribute_column, constraint_name, entity_table, snake
from dbwright.stages.schema_types import EMAIL_LENGTH, LTree, sa_type, timestamp_type, uuid_type

DIALECTS = ("postgresql", "mysql", "sqlite")


@dataclass
class SchemaChoices:
    tenancy: str
    keys: dict[str, KeyChoice]
    hierarchies: dict[str, Hierarchy] = field(default_factory=dict)
    fk_policies: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def scoped(spec: Spec, entity: str, tenancy: str) -> bool:
    ent = spec.entities[entity]
    return tenancy == "shared" and not ent.tenant and not ent.global_


def tenant_entity(spec: Spec) -> str | None:
    for name, ent in spec.entities.items():
        if ent.tenant:
            return name
    if spec.tenancy and spec.tenancy.tenant_entity in spec.entities:
        return spec.tenancy.tenant_entity
    return None


def _id_type(style: str, dialect: str, single_pk: bool) -> sa.types.TypeEngine[Any]:
    if style == "uuid":
        return uuid_type()
    if dialect == "sqlite" and single_pk:
        return sa.Integer()  # INTEGER PRIMARY KEY is SQLite's rowid: auto-assigned
    return sa.BigInteger()


def _ref_type(choices: SchemaChoices, spec: Spec, target: str) -> sa.types.TypeEngine[Any]:
    style = choices.keys[target].style
    if style == "natural":
        nk = spec.entities[target].natural_key or []
        return sa_type(spec.entities[target].attributes[nk[0]])
    return uuid_type() if style == "uuid" else sa.BigInteger()


def _checks(tname: str, col: str, attr: AttributeSpec) -> list[sa.CheckConstraint]:
    out = []
    if attr.type == "enum" and attr.values:
        vals = ", ".join("'" + v.replace("'", "''") + "'" for v in attr.values)
        out.append(sa.CheckConstraint(f"{col} IN ({vals})", name=constraint_name("ck", tname, col)))
    if attr.min is not None:
        out.append(sa.CheckConstraint(f"{col} >= {_num(attr.min)}", name=constraint_name("ck", tname, col, "min")))
    if attr.max is not None:
        out.append(sa.CheckConstraint(f"{col} <= {_num(attr.max)}", name=constraint_name("ck", tname, col, "max")))
    return out


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _comment(attr: AttributeSpec) -> str | None:
    parts = []
    if attr.sensitivity:
        parts.append("sensitivity: " + ",".join(attr.sensitivity))
    if attr.currency:
        parts.append(f"currency: {attr.currency}")
    if attr.description:
        parts.append(attr.description)
    return "; ".join(parts) or None


def build_metadata(spec: Spec, choices: SchemaChoices, dialect: str) -> sa.MetaData:
    md = sa.MetaData()
    md.info["dialect"] = dialect
    md.info["tenancy"] = choices.tenancy
    tenant = tenant_entity(spec)
    tenant_table = entity_table(spec, tenant) if tenant and choices.tenancy == "shared" else None
    choices.fk_policies.clear()

    for ename, ent in spec.entities.items():
        tname = entity_table(spec, ename)
        is_scoped = scoped(spec, ename, choices.tenancy) and tenant_table is not None
        key = choices.keys[ename]
        cols: list[sa.Column[Any]] = []
        cons: list[Any] = []
        pk_cols: list[str] = []
        if is_scoped:
            cols.append(sa.Column("tenant_id", _ref_type(choices, spec, tenant or ""), nullable=False,
                                  info={"role": "tenant"}))
            pk_cols.append("tenant_id")
        if key.style != "natural":
            single = not is_scoped
            kw: dict[str, Any] = {}
            if key.style == "bigint":
                # SQLite cannot auto-assign a member of a composite key: the application supplies ids.
                kw["autoincrement"] = single or dialect != "sqlite"
                if dialect == "postgresql":
                    cols.append(sa.Column("id", _id_type("bigint", dialect, single), sa.Identity(always=False),
                                          nullable=False, info={"role": "key", "style": "bigint"}))
                else:
                    cols.append(sa.Column("id", _id_type("bigint", dialect, single), nullable=False,
                                          info={"role": "key", "style": "bigint"}, **kw))
            else:
                cols.append(sa.Column("id", uuid_type(), nullable=False, autoincrement=False,
                                      comment="UUIDv7, generated by the application",
                                      info={"role": "key", "style": "uuid"}))
            pk_cols.append("id")
        else:
            pk_cols.extend(attribute_column(a, ent.attributes.get(a)) for a in ent.natural_key or [])

        for aname, attr in ent.attributes.items():
            if attr.type == "ref":
                target = attr.ref or ""
                col = attribute_column(aname, attr)
                nk = spec.entities[target].natural_key or [] if choices.keys[target].style == "natural" else []
                if len(nk) > 1:
                    # a reference to a composite natural key carries every key column: leg_flight_no, leg_flight_date
                    parts = _ref_parts(spec, aname, target)
                    for pc, a in zip(parts, nk, strict=True):
                        cols.append(sa.Column(pc, sa_type(spec.entities[target].attributes[a]),
                                              nullable=attr.nullable, comment=_comment(attr), autoincrement=False,
                                              info={"attribute": aname, "logical": "ref", "ref": target}))
                else:
                    parts = [col]
                    cols.append(sa.Column(col, _ref_type(choices, spec, target), nullable=attr.nullable,
                                          comment=_comment(attr), autoincrement=False,
                                          info={"attribute": aname, "logical": "ref", "ref": target}))
                tgt_scoped = scoped(spec, target, choices.tenancy) and tenant_table is not None
                composite = is_scoped and tgt_scoped
                if attr.owned:
                    ondelete, why = "CASCADE", "owned by its parent: deleted with it"
                elif attr.nullable and not composite:
                    ondelete, why = "SET NULL", "optional reference: the row outlives its target"
                else:
                    ondelete, why = "RESTRICT", ("required reference: deleting the target must be an explicit "
                                                 "decision" if not attr.nullable else
                                                 "optional, but part of a tenant-scoped composite key: "
                                                 "SET NULL would null tenant_id too")
                local = (["tenant_id"] if composite else []) + parts
                remote_tbl = entity_table(spec, target)
                tkey = choices.keys[target]
                remote_pk = (["tenant_id"] if composite else []) + (
                    ["id"] if tkey.style != "natural" else
                    [attribute_column(a, spec.entities[target].attributes.get(a))
                     for a in spec.entities[target].natural_key or []])
                cons.append(sa.ForeignKeyConstraint(local, [f"{remote_tbl}.{c}" for c in remote_pk],
                                                    ondelete=ondelete,
                                                    name=constraint_name("fk", tname, col)))
                choices.fk_policies.append({"table": tname, "columns": local, "references": remote_tbl,
                                            "on_delete": ondelete, "why": why})
                if attr.one_to_one or attr.unique or attr.unique_per_tenant:
                    # `seat: ref Seat unique`: a seat is sold once; identity keys are global, so within a
                    # tenant-scoped composite key (tenant_id, seat_id) states the same rule
                    cons.append(sa.UniqueConstraint(*local, name=constraint_name("uq", tname, col)))
                continue
            coltype = sa_type(attr)
            if attr.type == "email" and dialect == "postgresql":
                coltype = sa.String(EMAIL_LENGTH)
            default: Any = None
            if attr.default is not None and attr.type == "bool":
                default = sa.true() if str(attr.default).lower() in ("true", "1", "yes") else sa.false()
            elif attr.default is not None:
                default = sa.text(_literal(attr.default, attr))
            cname = attribute_column(aname, attr)
            # autoincrement=False: an attribute (even an integer natural key) is never a generated key;
            # SQLAlchemy would otherwise make a single integer primary-key column SERIAL
            cols.append(sa.Column(cname, coltype, nullable=attr.nullable, comment=_comment(attr),
                                  server_default=default, autoincrement=False,
                                  info={"attribute": aname, "logical": attr.type, "values": attr.values,
                                        "min": attr.min, "max": attr.max, "sensitivity": attr.sensitivity}))
            cons.extend(_checks(tname, cname, attr))
            if attr.unique or attr.unique_per_tenant:
                ucols = (["tenant_id"] if (attr.unique_per_tenant and is_scoped) else []) + [cname]
                if attr.type == "email" and dialect == "postgresql":
                    continue  # lower(email) unique index added below
                cons.append(sa.UniqueConstraint(*ucols, name=constraint_name("uq", tname, *ucols)))

        for group in ent.unique:
            ucols = [x for c in group if c not in ("tenant", "tenant_id") for x in _columns_of(spec, choices, ent, c)]
            if is_scoped:
                ucols = ["tenant_id", *ucols]
            cons.append(sa.UniqueConstraint(*ucols, name=constraint_name("uq", tname, *ucols)))

        hier = choices.hierarchies.get(ename)
        if hier and hier.style == "path":
            path_type: sa.types.TypeEngine[Any] = LTree() if dialect == "postgresql" else sa.String(512)
            cols.append(sa.Column("path", path_type, nullable=False,
                                  comment="materialized path of ancestor ids",
                                  info={"logical": "path"}))
        if ent.audit:
            cols += [c for c in [sa.Column("created_at", timestamp_type(), nullable=False, server_default=sa.func.now(),
                               info={"logical": "timestamp", "role": "audit"}),
                     sa.Column("updated_at", timestamp_type(), nullable=False, server_default=sa.func.now(),
                               info={"logical": "timestamp", "role": "audit"}),
                     sa.Column("created_by", sa.String(128), nullable=True, info={"logical": "text", "role": "audit"}),
                     sa.Column("updated_by", sa.String(128), nullable=True, info={"logical": "text", "role": "audit"})]
                     if c.name not in ent.attributes]
        if ent.soft_delete and "deleted_at" not in ent.attributes:
            cols.append(sa.Column("deleted_at", timestamp_type(), nullable=True,
                                  info={"logical": "timestamp", "role": "soft_delete"}))
        if is_scoped:
            cons.append(sa.ForeignKeyConstraint(["tenant_id"], [f"{tenant_table}.id"], ondelete="RESTRICT",
                                                name=constraint_name("fk", tname, "tenant_id")))
            choices.fk_policies.append({"table": tname, "columns": ["tenant_id"], "references": tenant_table,
                                        "on_delete": "RESTRICT",
                                        "why": "tenant offboarding is a deliberate job, never a cascade"})
        if key.style == "bigint" and dialect == "mysql" and is_scoped:
            # InnoDB needs the AUTO_INCREMENT column to lead a key declared inside CREATE TABLE;
            # identity values are globally unique anyway, so UNIQUE (id) states a fact.
            cons.append(sa.UniqueConstraint("id", name=constraint_name("uq", tname, "id")))
        table = sa.Table(tname, md, *cols, sa.PrimaryKeyConstraint(*pk_cols, name=constraint_name("pk", tname)),
                         *cons, comment=ent.description or None,
                         info={"entity": ename, "kind": "entity", "scoped": is_scoped, "key": key.style,
                               "rows": ent.rows, "skew": dict(ent.skew)})
        for aname, attr in ent.attributes.items():
            if attr.type == "email" and (attr.unique or attr.unique_per_tenant) and dialect == "postgresql":
                exprs: list[Any] = ([table.c.tenant_id] if (attr.unique_per_tenant and is_scoped) else [])
                exprs.append(sa.func.lower(table.c[attribute_column(aname, attr)]))
                sa.Index(constraint_name("uq", tname, aname, "lower"), *exprs, unique=True)
        if hier and hier.style == "path":
            if dialect == "postgresql":
                sa.Index(constraint_name("ix", tname, "path"), table.c.path, postgresql_using="gist")
            else:
                sa.Index(constraint_name("ix", tname, *(["tenant_id"] if is_scoped else []), "path"),
                         *([table.c.tenant_id] if is_scoped else []), table.c.path)
        if ent.history:
            _history_table(md, table, dialect)
        if hier and hier.style == "closure":
            _closure_table(md, table, is_scoped, choices)

    for rel in spec.relationships:
        _junction(md, spec, choices, rel.name, rel.between, rel.attributes, tenant_table, dialect)
    _cover_foreign_keys(md)
    if dialect == "postgresql" and any(isinstance(c.type, LTree) for t in md.tables.values() for c in t.columns):
        md.info["extensions"] = ["ltree"]
        sa.event.listen(md, "before_create", sa.DDL("CREATE EXTENSION IF NOT EXISTS ltree")  # type: ignore[no-untyped-call]
                        .execute_if(dialect="postgresql"))
    if dialect == "postgresql" and choices.tenancy == "shared":
        _row_level_security(md, choices, spec)
    return md


def _ref_parts(spec: Spec, aname: str, target: str) -> list[str]:
    tgt = spec.entities[target]
    return [f"{aname}_{attribute_column(a, tgt.attributes.get(a))}" for a in tgt.natural_key or []]


def _columns_of(spec: Spec, choices: SchemaChoices, ent: Any, aname: str) -> list[str]:
    """Physical columns of an attribute: one, or every key column of a composite natural reference."""
    attr = ent.attributes.get(aname)
    if attr is not None and attr.type == "ref" and choices.keys[attr.ref or ""].style == "natural" \
            and len(spec.entities[attr.ref or ""].natural_key or []) > 1:
        return _ref_parts(spec, aname, attr.ref or "")
    return [attribute_column(aname, attr)]


def _literal(value: Any, attr: AttributeSpec) -> str:
    if attr.type in ("int", "bigint", "smallint", "decimal", "money", "float"):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _history_table(md: sa.MetaData, table: sa.Table, dialect: str) -> None:
    name = f"{table.name}_history"
    cols: list[sa.Column[Any]] = [
        sa.Column("history_id", sa.Integer() if dialect == "sqlite" else sa.BigInteger(),
                  *([sa.Identity()] if dialect == "postgresql" else []), primary_key=True, autoincrement=True),
    ]
    for c in table.columns:
        t = c.type
        if isinstance(t, LTree):
            t = LTree()
        cols.append(sa.Column(c.name, t.copy() if hasattr(t, "copy") else t, nullable=True,
                              info=dict(c.info)))
    cols += [sa.Column("valid_from", timestamp_type(), nullable=False, server_default=sa.func.now()),
             sa.Column("valid_to", timestamp_type(), nullable=True),
             sa.Column("operation", sa.String(1), nullable=False),
             sa.Column("changed_by", sa.String(128), nullable=True)]
    hist = sa.Table(name, md, *cols,
                    sa.CheckConstraint("operation IN ('I', 'U', 'D')", name=constraint_name("ck", name, "operation")),
                    comment=f"every change of {table.name} (written by trigger or application)",
                    info={"entity": table.info["entity"], "kind": "history", "scoped": table.info["scoped"],
                          "rows": None, "skew": {}})
    key_cols = [c.name for c in table.primary_key.columns]
    sa.Index(constraint_name("ix", name, *key_cols, "valid_from"), *[hist.c[k] for k in key_cols], hist.c.valid_from)


def _closure_table(md: sa.MetaData, table: sa.Table, is_scoped: bool, choices: SchemaChoices) -> None:
    name = f"{table.name}_closure"
    idt = table.c.id.type
    cols: list[sa.Column[Any]] = []
    if is_scoped:
        cols.append(sa.Column("tenant_id", table.c.tenant_id.type, nullable=False))
    cols += [sa.Column("ancestor_id", idt, nullable=False), sa.Column("descendant_id", idt, nullable=False),
             sa.Column("depth", sa.Integer(), nullable=False)]
    pre = ["tenant_id"] if is_scoped else []
    sa.Table(name, md, *cols,
             sa.PrimaryKeyConstraint(*pre, "ancestor_id", "descendant_id", name=constraint_name("pk", name)),
             sa.ForeignKeyConstraint([*pre, "ancestor_id"], [f"{table.name}.{c}" for c in [*pre, "id"]],
                                     ondelete="CASCADE", name=constraint_name("fk", name, "ancestor_id")),
             sa.ForeignKeyConstraint([*pre, "descendant_id"], [f"{table.name}.{c}" for c in [*pre, "id"]],
                                     ondelete="CASCADE", name=constraint_name("fk", name, "descendant_id")),
             sa.CheckConstraint("depth >= 0", name=constraint_name("ck", name, "depth")),
             info={"entity": table.info["entity"], "kind": "closure", "scoped": is_scoped, "rows": None,
                   "skew": {}})
    for end in ("ancestor_id", "descendant_id"):
        choices.fk_policies.append({"table": name, "columns": [*pre, end], "references": table.name,
                                    "on_delete": "CASCADE", "why": "closure rows exist only for live nodes"})


def _junction(md: sa.MetaData, spec: Spec, choices: SchemaChoices, name: str | None, between: list[str],
              attributes: dict[str, AttributeSpec], tenant_table: str | None, dialect: str) -> None:
    a, b = between
    jname = name or f"{snake(a)}_{snake(b)}"
    is_scoped = (tenant_table is not None and scoped(spec, a, choices.tenancy)
                 and scoped(spec, b, choices.tenancy))
    ca, cb = f"{snake(a)}_id", f"{snake(b)}_id"
    if ca == cb:
        ca, cb = f"from_{ca}", f"to_{cb}"
    pre = ["tenant_id"] if is_scoped else []
    cols: list[sa.Column[Any]] = []
    if is_scoped:
        cols.append(sa.Column("tenant_id", _ref_type(choices, spec, tenant_entity(spec) or ""), nullable=False))
    cols += [sa.Column(ca, _ref_type(choices, spec, a), nullable=False, info={"logical": "ref", "ref": a}),
             sa.Column(cb, _ref_type(choices, spec, b), nullable=False, info={"logical": "ref", "ref": b})]
    cons: list[Any] = []
    for aname, attr in attributes.items():
        cols.append(sa.Column(aname, sa_type(attr), nullable=attr.nullable, comment=_comment(attr),
                              info={"attribute": aname, "logical": attr.type, "values": attr.values,
                                    "min": attr.min, "max": attr.max, "sensitivity": attr.sensitivity}))
        cons.extend(_checks(jname, aname, attr))
    for col, target in ((ca, a), (cb, b)):
        tgt_pk = ["id"]
        cons.append(sa.ForeignKeyConstraint([*pre, col], [f"{entity_table(spec, target)}.{c}" for c in [*pre, *tgt_pk]],
                                            ondelete="CASCADE", name=constraint_name("fk", jname, col)))
        choices.fk_policies.append({"table": jname, "columns": [*pre, col], "references": entity_table(spec, target),
                                    "on_delete": "CASCADE", "why": "a link row means nothing without both ends"})
    if is_scoped:
        cons.append(sa.ForeignKeyConstraint(["tenant_id"], [f"{tenant_table}.id"], ondelete="RESTRICT",
                                            name=constraint_name("fk", jname, "tenant_id")))
    sa.Table(jname, md, *cols, sa.PrimaryKeyConstraint(*pre, ca, cb, name=constraint_name("pk", jname)), *cons,
             info={"entity": None, "kind": "junction", "scoped": is_scoped, "between": [a, b], "rows": None,
                   "skew": {}})


def _leads(index_cols: list[str], fk_cols: list[str]) -> bool:
    return index_cols[: len(fk_cols)] == fk_cols


def _cover_foreign_keys(md: sa.MetaData) -> None:
    """Every foreign key gets an index that leads with its columns (unless one already does)."""
    for table in list(md.tables.values()):
        existing = [[c.name for c in table.primary_key.columns]]
        existing += [[c.name for c in u.columns] for u in order.constraints(table) if isinstance(u, sa.UniqueConstraint)]
        existing += [[getattr(e, "name", "") for e in ix.expressions] for ix in order.indexes(table)]
        for fk in order.foreign_keys(table):
            cols = [c.name for c in fk.columns]
            if any(_leads(e, cols) for e in existing):
                continue
            sa.Index(constraint_name("ix", table.name, *cols), *[table.c[c] for c in cols])
            existing.append(cols)
            table.info.setdefault("fk_indexes", []).append(cols)


def _row_level_security(md: sa.MetaData, choices: SchemaChoices, spec: Spec) -> None:
    tenant = tenant_entity(spec)
    cast = "uuid" if tenant and choices.keys[tenant].style == "uuid" else "bigint"
    for table in md.tables.values():
        if "tenant_id" not in table.c:
            continue
        stmts = [f'ALTER TABLE "{table.name}" ENABLE ROW LEVEL SECURITY',
                 f'ALTER TABLE "{table.name}" FORCE ROW LEVEL SECURITY',
                 f'CREATE POLICY tenant_isolation ON "{table.name}" USING '
                 f"(tenant_id = current_setting('app.tenant_id')::{cast}) "
                 f"WITH CHECK (tenant_id = current_setting('app.tenant_id')::{cast})"]
        table.info["rls"] = stmts
        for s in stmts:
            sa.event.listen(table, "after_create", sa.DDL(s).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]
