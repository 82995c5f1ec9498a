"""Physical variants as transformations of the schema stage's model, never parallel copies.

``copy_model`` copies a MetaData with every table's constraints, indexes, identity, comments, info
and DDL events (row-level security, extensions). ``partition`` turns one table of such a copy into a
PostgreSQL partitioned table and keeps every rule it declared:

- the primary key is widened with the partition key (PostgreSQL requires it);
- a UNIQUE constraint or unique index that does not contain the partition key cannot be declared on
  a partitioned table ("unique constraint on partitioned table must include all partitioning
  columns"); so can the original primary key, now widened, and a foreign key that referenced it.
  Each such key is kept by a *key table* holding exactly those columns as its primary key, written by
  a row trigger in the same transaction as the row: a duplicate is refused by the key table's
  primary key, and foreign keys that referenced the table reference its key table instead (with the
  same ON DELETE; the trigger deletes the key row with its row, so CASCADE and RESTRICT still apply).

The rendered variant and the base schema go through the same emitter (``ddl.emit``) and the same
rule proof (``verify.rule_proof``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from dbwright.ddl import order
from dbwright.stages.schema_naming import constraint_name

PG_LIMITS = "https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-LIMITATIONS"


@dataclass
class KeptKey:
    """A key the partitioned table cannot declare, kept by a trigger-written key table."""

    rule: str  # "primary key" | "unique" | "unique index"
    columns: list[str]  # column names or expressions (lower(email))
    key_table: str
    referenced_by: list[str] = field(default_factory=list)  # FK names redirected to the key table


@dataclass
class Partitioned:
    table: str
    key: str
    method: str
    primary_key: list[str]
    kept: list[KeptKey] = field(default_factory=list)


def _columns(expr: Any) -> list[sa.Column[Any]]:
    return [c for c in sa.sql.visitors.iterate(expr) if isinstance(c, sa.Column)]


def _copy_events(src: Any, dst: Any, names: tuple[str, ...]) -> None:
    for name in names:
        for fn in getattr(src.dispatch, name):
            sa.event.listen(dst, name, fn)


def copy_model(md: sa.MetaData) -> sa.MetaData:
    """A deep copy of the schema stage's model: tables with every constraint, index, identity,
    comment and info, and the DDL events of tables and metadata."""
    out = sa.MetaData()
    out.info.update(md.info)
    for t in md.sorted_tables:
        copy = t.to_metadata(out)
        copy.info.update(t.info)
        # to_metadata copies constraints in set order: give the copies their originals' declaration
        # order so CREATE TABLE lists them the same way every run
        by_name = {str(c.name): c for c in t.constraints if c.name}
        for c in copy.constraints:
            src = by_name.get(str(c.name)) if c.name else (t.primary_key if c is copy.primary_key else None)
            if src is not None:
                c._creation_order = src._creation_order
        _copy_events(t, copy, ("before_create", "after_create"))
    _copy_events(md, out, ("before_create", "after_create"))
    return out


def _drop_fk(table: sa.Table, fk: sa.ForeignKeyConstraint) -> None:
    table.constraints.discard(fk)
    for element in fk.elements:
        table.foreign_keys.discard(element)
        element.parent.foreign_keys.discard(element)


def _quote(name: str) -> str:
    return str(pg.dialect().identifier_preparer.quote(name))  # type: ignore[no-untyped-call]


def _expr_sql(expr: Any, table: sa.Table, row: str) -> str:
    """``lower(email)`` → ``lower(NEW.email)``: an index expression evaluated on the trigger's row."""
    if isinstance(expr, sa.Column):
        return f"{row}.{_quote(expr.name)}"
    text = str(expr.compile(dialect=pg.dialect(), compile_kwargs={"literal_binds": True}))  # type: ignore[no-untyped-call]
    for c in table.columns:
        text = text.replace(f"{_quote(table.name)}.{_quote(c.name)}", f"{row}.{_quote(c.name)}")
    return text


def _key_type(expr: Any) -> sa.types.TypeEngine[Any]:
    t = getattr(expr, "type", None)
    return t.copy() if isinstance(t, sa.types.TypeEngine) and not isinstance(t, sa.types.NullType) else sa.Text()


def partition(md: sa.MetaData, tname: str, key: str, method: str) -> Partitioned:
    """Make ``tname`` in ``md`` (a :func:`copy_model`) partitioned by ``method`` on ``key``."""
    t = md.tables[tname]
    old_pk = [c.name for c in t.primary_key.columns]
    new_pk = old_pk + ([key] if key not in old_pk else [])
    info = Partitioned(table=tname, key=key, method=method, primary_key=new_pk)
    t.c[key].nullable = False
    # keys the partitioned table cannot declare: (rule, exprs, constraint or index to remove)
    lost: list[tuple[str, list[Any], Any]] = []
    if key not in old_pk:
        lost.append(("primary key", [t.c[c] for c in old_pk], None))
    for con in order.constraints(t):
        if isinstance(con, sa.UniqueConstraint) and key not in {c.name for c in con.columns}:
            lost.append(("unique", list(con.columns), con))
    for ix in order.indexes(t):
        if ix.unique and key not in {c.name for e in ix.expressions for c in _columns(e)}:
            lost.append(("unique index", list(ix.expressions), ix))
    pk_name = t.primary_key.name
    t.primary_key.name = None
    t.c[key].primary_key = True
    t.append_constraint(sa.PrimaryKeyConstraint(*new_pk, name=str(pk_name or constraint_name("pk", tname))))
    t.dialect_options["postgresql"]["partition_by"] = f"{method.upper()} ({_quote(key)})"
    blocks: list[str] = []
    for rule, exprs, obj in lost:
        names = [e.name if isinstance(e, sa.Column) else _expr_sql(e, t, "").strip(".") for e in exprs]
        labels = [e.name if isinstance(e, sa.Column) else f"{c.name}_{getattr(e, 'name', 'expr')}"
                  for e in exprs for c in ([e] if isinstance(e, sa.Column) else
                                           _columns(e)[:1])]
        kname = constraint_name("key", tname, *labels)
        key_cols = [sa.Column(lab, _key_type(e), nullable=False, autoincrement=False)
                    for lab, e in zip(labels, exprs, strict=True)]
        sa.Table(kname, md, *key_cols, sa.PrimaryKeyConstraint(*labels, name=constraint_name("pk", kname)),
                 comment=f"keeps {rule} ({', '.join(names)}) of partitioned table {tname}; written by trigger "
                         f"{tname}_keys", info={"kind": "key", "keeps": {"table": tname, "rule": rule,
                                                                          "columns": labels}})
        kept = KeptKey(rule=rule, columns=names, key_table=kname)
        if obj is not None and isinstance(obj, sa.UniqueConstraint):
            t.constraints.discard(obj)
        elif obj is not None:
            t.indexes.discard(obj)
        if rule == "primary key":
            # foreign keys that referenced the old key now reference the key table (same columns)
            for other in md.sorted_tables:
                for fk in order.foreign_keys(other):
                    if fk.referred_table is t and [e.column.name for e in fk.elements] == old_pk:
                        local = [c.name for c in fk.columns]
                        _drop_fk(other, fk)
                        other.append_constraint(sa.ForeignKeyConstraint(
                            local, [f"{kname}.{c}" for c in labels], ondelete=fk.ondelete, name=fk.name))
                        kept.referenced_by.append(str(fk.name))
        info.kept.append(kept)
        new = ", ".join(_expr_sql(e, t, "NEW") for e in exprs)
        old = ", ".join(_expr_sql(e, t, "OLD") for e in exprs)
        cols = ", ".join(_quote(c) for c in labels)
        changed = f"(TG_OP = 'UPDATE' AND ({old}) IS DISTINCT FROM ({new}))"
        not_null = " AND ".join(f"({_expr_sql(e, t, 'NEW')}) IS NOT NULL" for e in exprs)
        blocks.append(
            f"  IF TG_OP = 'DELETE' OR {changed} THEN\n"
            f"    DELETE FROM {_quote(kname)} WHERE ({cols}) = ({old});\n  END IF;\n"
            f"  IF (TG_OP = 'INSERT' OR {changed}) AND {not_null} THEN\n"
            f"    INSERT INTO {_quote(kname)} ({cols}) VALUES ({new});\n  END IF;")
    if blocks:
        fn = _quote(f"{tname}_keys")
        body = "\n".join(blocks)
        function = (f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\n"
                    "  RETURN NULL;\nEND\n$$")
        trigger = (f"CREATE TRIGGER {fn} AFTER INSERT OR UPDATE OR DELETE ON {_quote(tname)} "
                   f"FOR EACH ROW EXECUTE FUNCTION {fn}()")
        t.info["key_triggers"] = [function, trigger]
        # the key tables must exist first: run once every table is created
        for stmt in (function, trigger):
            sa.event.listen(md, "after_create", sa.DDL(stmt.replace("%", "%%"))  # type: ignore[no-untyped-call]
                            .execute_if(dialect="postgresql"))
    t.info["partitioned"] = {"key": key, "method": method, "primary_key": new_pk,
                             "kept": [k.__dict__ for k in info.kept]}
    return info


def _concerns(stmt: str, names: set[str]) -> bool:
    head = stmt.lstrip()
    for n in names:
        q = re.escape(_quote(n))
        if re.match(rf"(CREATE TABLE|ALTER TABLE|COMMENT ON TABLE|COMMENT ON COLUMN|CREATE (UNIQUE )?INDEX \S+ ON|"
                    rf"CREATE POLICY \S+ ON|CREATE TRIGGER \S+ [^;]*? ON) {q}[\s.(]", head + " "):
            return True
        if head.startswith(f"CREATE FUNCTION {_quote(n + '_keys')}("):
            return True
    return False


def partition_script(model: sa.MetaData, info: Partitioned, base: sa.MetaData, extra: list[str] | None = None) -> str:
    """SQL that turns ``info.table`` of a new database created from the base schema into its
    partitioned form, keeping every rule: applied after ``schema.postgresql.sql`` (and the index
    file), in one transaction. It refuses to run on a table that has rows (that is a migration)."""
    from dbwright.ddl.emit import ddl_statements

    t = _quote(info.table)
    names = {info.table} | {k.key_table for k in info.kept}
    body = [s for s in ddl_statements(model, "postgresql") if _concerns(s, names)]
    # key tables are created IF NOT EXISTS, by their own script and by any script whose table
    # references one, so the scripts apply in any order
    keyed = {k.key_table for k in info.kept}
    body = [re.sub(rf"^CREATE TABLE ({re.escape(_quote(k))}) ", r"CREATE TABLE IF NOT EXISTS \1 ", x)
            for x in body for k in [next((k for k in keyed if x.startswith(f"CREATE TABLE {_quote(k)} ")), "")]]
    foreign = sorted({fk.referred_table.name for fk in order.foreign_keys(model.tables[info.table])
                      if fk.referred_table.info.get("kind") == "key" and fk.referred_table.name not in keyed})
    body = [str(sa.schema.CreateTable(model.tables[k], if_not_exists=True).compile(dialect=pg.dialect())).strip()  # type: ignore[no-untyped-call]
            for k in foreign] + body
    redirected = {fk for k in info.kept for fk in k.referenced_by}
    drops, adds = [], []
    for other in base.sorted_tables:
        for fk in order.foreign_keys(other):
            if fk.referred_table.name == info.table and fk.name in redirected:
                drops.append(f"ALTER TABLE {_quote(other.name)} DROP CONSTRAINT {_quote(str(fk.name))}")
                new = next(f for f in order.foreign_keys(model.tables[other.name]) if f.name == fk.name)
                rule = getattr(new, "_create_rule", None)
                adds.append(str(sa.schema.AddConstraint(new).compile(dialect=pg.dialect())).strip())  # type: ignore[no-untyped-call]
                new._create_rule = rule  # AddConstraint marks it "not inline": CREATE TABLE would drop it
    guard = (f"DO $$ BEGIN IF EXISTS (SELECT FROM {t}) THEN RAISE EXCEPTION "
             f"'{info.table} has rows: partition it with a migration (dbwright migrate plan), not this script'; "
             "END IF; END $$")
    stmts = ["BEGIN", f"LOCK TABLE {t} IN ACCESS EXCLUSIVE MODE", guard, *drops, f"DROP TABLE {t}", *body, *(extra or []),
             *adds, "COMMIT"]
    return "\n\n".join(x.rstrip(";") + ";" for x in stmts) + "\n"


__all__ = ["PG_LIMITS", "KeptKey", "Partitioned", "copy_model", "partition", "partition_script"]
