"""MySQL/MariaDB schema diff and online plan.

Both sides are loaded into a throwaway MariaDB and reflected with SQLAlchemy; statements are
emitted by Alembic's MySQL DDL elements, then each is annotated by the online-DDL model
(:mod:`dbwright.migration.locks_mysql`) and gets an explicit ``ALGORITHM=… , LOCK=…`` so the
server refuses rather than silently copying. Steps that can only run as a table copy are flagged
with the online schema-change command (gh-ost) to run instead.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.ddl import base as ddl
from alembic.ddl.mysql import MySQLChangeColumn, MySQLModifyColumn
from sqlalchemy.dialects import mysql as my

from dbwright.migration.parse import parse_script
from dbwright.migration.parse_mysql import split_mysql
from dbwright.model import DbwrightError

_MY = my.dialect()


@dataclass
class MyStep:
    phase: str
    title: str
    sql: str
    algorithm: str = ""
    lock: str = ""
    rebuild: bool = False
    why: str = ""
    online_tool: str = ""

    @property
    def blocking(self) -> bool:
        return self.algorithm == "COPY" or self.lock not in ("", "NONE")

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "blocking": self.blocking}


@dataclass
class MyPlan:
    steps: list[MyStep] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    engine: str = "mariadb"
    version: tuple[int, ...] = (10, 11)

    def blocking_steps(self) -> list[MyStep]:
        return [s for s in self.steps if s.blocking]

    def sql(self, phase: str | None = None) -> str:
        return "".join(f"-- {s.title} [{s.algorithm}/{s.lock}]\n{s.sql};\n\n" for s in self.steps
                       if phase is None or s.phase == phase)

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "version": ".".join(map(str, self.version)), "prompts": self.prompts,
                "blocking_steps": [s.title for s in self.blocking_steps()], "steps": [s.to_dict() for s in self.steps]}


def _c(element: Any) -> str:
    return str(element.compile(dialect=_MY)).strip()


def _load(instance: Any, db: str, sql: str) -> None:
    instance.create_database(db)
    conn = instance.connect(db)
    try:
        with conn.cursor() as cur:
            for _line, stmt in split_mysql(sql):
                cur.execute(stmt)
    except Exception as exc:
        raise DbwrightError(f"could not load the schema into the sandbox MariaDB: {exc}") from None
    finally:
        conn.close()


def _reflect(instance: Any, db: str) -> sa.MetaData:
    engine = sa.create_engine(instance.url(db))
    try:
        md = sa.MetaData()
        md.reflect(engine)
        return md
    finally:
        engine.dispose()


def _default(col: sa.Column) -> Any:  # type: ignore[type-arg]
    return col.server_default.arg if col.server_default is not None else False  # type: ignore[attr-defined]


def _spec(col: sa.Column) -> str:  # type: ignore[type-arg]
    return str(col.type.compile(dialect=_MY))


def diff_mysql(instance: Any, old_sql: str, new_sql: str, renames: dict[str, str] | None = None,
               version: tuple[int, ...] | None = None, engine: str = "mariadb") -> MyPlan:
    renames = renames or {}
    a, b = "dbw_mydiff_a", "dbw_mydiff_b"
    try:
        _load(instance, a, old_sql)
        _load(instance, b, new_sql)
        old, new = _reflect(instance, a), _reflect(instance, b)
    finally:
        for db in (a, b):
            with contextlib.suppress(Exception):
                instance.execute(f"DROP DATABASE IF EXISTS `{db}`")
    if version is None:
        v = str(getattr(instance, "version", "10.11")).split("-")[0]
        version = tuple(int(x) for x in v.split(".")[:2])
    plan = MyPlan(engine=engine, version=version)
    raw: list[tuple[str, str, str]] = []  # (phase, title, sql)
    for name, t in new.tables.items():
        if name not in old.tables:
            raw.append(("expand", f"create table {name}", _c(sa.schema.CreateTable(t))))
            continue
        ot = old.tables[name]
        col_map = {c.name: renames.get(f"{name}.{c.name}", c.name) for c in ot.columns}
        for oc, nc in col_map.items():
            if nc != oc and nc in t.c:
                col = t.c[nc]
                raw.append(("switch", f"rename {name}.{oc} → {nc} (instant; deploy code using {nc} with it)",
                            _c(MySQLChangeColumn(name, oc, newname=nc, type_=col.type, nullable=col.nullable,
                                                 default=_default(col), comment=None))))
        added = [c for c in t.columns if c.name not in col_map.values()]
        dropped = [oc for oc, nc in col_map.items() if nc not in t.c]
        for d in dropped:
            for c in added:
                if _spec(ot.c[d]) == _spec(c):
                    plan.prompts.append(f"{name}: {d} dropped and {c.name} added with the same type — pass "
                                        f"--rename {name}.{d}={c.name} if it is a rename")
        for c in added:
            col = c._copy()
            raw.append(("expand", f"add column {name}.{c.name} {_spec(c)}", _c(ddl.AddColumn(name, col))))
        for oc, nc in col_map.items():
            if nc not in t.c:
                continue
            x, y = ot.c[oc], t.c[nc]
            if _spec(x) != _spec(y) or x.nullable != y.nullable:
                raw.append(("switch", f"modify {name}.{nc} {_spec(x)} → {_spec(y)}",
                            _c(MySQLModifyColumn(name, nc, type_=y.type, nullable=y.nullable,
                                                 default=_default(y), comment=None))))
        new_idx = {i.name: i for i in t.indexes}
        old_idx = {i.name: i for i in ot.indexes}
        for iname, ix in new_idx.items():
            if iname not in old_idx:
                raw.append(("expand", f"add index {iname} on {name}", _c(sa.schema.CreateIndex(ix))))
        for iname, ix in old_idx.items():
            if iname not in new_idx:
                raw.append(("contract", f"drop index {iname} on {name}", _c(sa.schema.DropIndex(ix))))
        new_fk = {fk.name: fk for fk in t.foreign_key_constraints}
        old_fk = {fk.name: fk for fk in ot.foreign_key_constraints}
        for fname, fk in new_fk.items():
            if fname not in old_fk:
                raw.append(("expand", f"add foreign key {fname} on {name}", _c(sa.schema.AddConstraint(fk))))
        for fname, fk in old_fk.items():
            if fname not in new_fk:
                raw.append(("contract", f"drop foreign key {fname} on {name}", _c(sa.schema.DropConstraint(fk))))
        for d in dropped:
            raw.append(("contract", f"drop column {name}.{d} (its values are lost)",
                        _c(ddl.DropColumn(name, ot.c[d]))))
    for name in old.tables:
        if name not in new.tables:
            raw.append(("contract", f"drop table {name} (its rows are lost)", f"DROP TABLE `{name}`"))
    order = {"expand": 0, "switch": 1, "contract": 2}
    raw.sort(key=lambda r: order[r[0]])
    script = parse_script(";\n".join(r[2] for r in raw) + ";", engine=engine, version=version, context_sql=old_sql)
    for (phase, title, sql), st in zip(raw, script.stmts, strict=False):
        algo, lock = st.detail.get("algorithm", ""), st.detail.get("lock", "")
        why = "; ".join(v["why"] for v in st.detail.get("verdicts", []))
        step = MyStep(phase, title, sql, algo, lock, st.rewrite, why)
        if algo and st.kind in ("alter_table", "create_index"):
            if not sql.upper().startswith("CREATE INDEX"):
                step.sql = f"{sql}, ALGORITHM={algo}, LOCK={lock}"
            else:
                step.sql = f"{sql} ALGORITHM={algo} LOCK={lock}"
        if step.blocking and st.table:
            alter = sql.split(f"ALTER TABLE {st.table} ", 1)[-1] if "ALTER TABLE" in sql else sql
            step.online_tool = (f"gh-ost --database=<db> --table={st.table} --alter=\"{alter}\" --execute  "
                                "# copies online, swaps with a brief lock")
        plan.steps.append(step)
    return plan
