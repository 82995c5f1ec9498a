"""Phased zero-downtime plans: expand → backfill → switch → contract.

The diff gives direct operations; the planner replaces each one that would hold ACCESS EXCLUSIVE
for more than a catalog update with an online sequence:

- column rename → new column + sync trigger (dual write) + batched backfill; readers switch; the old
  column and trigger go in contract;
- rewriting type change (int → bigint) → shadow column + sync trigger + backfill + indexes built
  CONCURRENTLY + NOT NULL proven by a validated CHECK; the switch is one short transaction of
  catalog updates (rename, primary key swap USING INDEX, default/sequence move);
- SET NOT NULL → CHECK … NOT VALID, VALIDATE (SHARE UPDATE EXCLUSIVE), then SET NOT NULL without scan;
- FOREIGN KEY / CHECK → NOT VALID then VALIDATE; UNIQUE/PRIMARY KEY → unique index CONCURRENTLY
  then ADD CONSTRAINT … USING INDEX; indexes CONCURRENTLY;
- drops → contract, marked lossy in the rollback.

Each step carries its statements, the static lock facts (locks on every table touched, rewrite,
scan), timeouts, retry policy, transaction mode, pre-checks, verification queries and its rollback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dbwright.migration import ops as o
from dbwright.migration.catalog import Schema, Table
from dbwright.migration.diff import DiffResult

PHASES = ("expand", "backfill", "switch", "contract")
PHASE_TITLES = {"expand": "Expand — additive, old code keeps working",
                "backfill": "Backfill — batched data copy, then online index builds and validations",
                "switch": "Switch — short catalog-only transaction; deploy code that reads/writes the new shape",
                "contract": "Contract — remove what no deployed code uses any more"}
CATALOG_ONLY = "catalog update"


@dataclass
class Step:
    phase: str
    title: str
    sql: list[str]
    transactional: bool = True
    lock_timeout: str = "2s"
    statement_timeout: str = "15s"
    retry: str = "on lock_timeout (SQLSTATE 55P03): retry up to 5 times, backoff 1 s, 2 s, 4 s, 8 s, 16 s"
    prechecks: list[str] = field(default_factory=list)
    verify: list[str] = field(default_factory=list)
    rollback: list[str] = field(default_factory=list)
    lossy: bool = False
    backfill: o.Backfill | None = None
    note: str = ""
    rollback_note: str = ""
    # filled by annotate_steps from the static lock model
    locks: list[dict[str, Any]] = field(default_factory=list)
    rewrite: bool = False
    scan: bool = False
    access_exclusive: bool = False

    online_scan: bool = False

    @property
    def cost(self) -> str:
        if self.rewrite:
            return "rewrites the table"
        if self.scan:
            return "scans the table under its lock"
        if self.backfill is not None:
            return "batched row updates (row locks only)"
        if self.online_scan:
            return "reads the table online"
        return CATALOG_ONLY if self.sql else "—"

    def to_dict(self) -> dict[str, Any]:
        return {"phase": self.phase, "title": self.title, "sql": self.sql, "transactional": self.transactional,
                "lock_timeout": self.lock_timeout, "statement_timeout": self.statement_timeout,
                "retry": self.retry, "prechecks": self.prechecks, "verify": self.verify,
                "rollback": self.rollback, "lossy_rollback": self.lossy, "locks": self.locks,
                "rewrite": self.rewrite, "scan": self.scan, "access_exclusive": self.access_exclusive,
                "cost": self.cost, "note": self.note, "rollback_note": self.rollback_note}


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    pg_major: int = 15
    batch_size: int = 5000

    def phase(self, name: str) -> list[Step]:
        return [s for s in self.steps if s.phase == name]

    def blocking_steps(self) -> list[Step]:
        """Steps holding ACCESS EXCLUSIVE for more than a catalog update (the plan's goal is none)."""
        return [s for s in self.steps if s.access_exclusive and (s.rewrite or s.scan)]

    def to_dict(self) -> dict[str, Any]:
        return {"pg_major": self.pg_major, "prompts": self.prompts, "unsupported": self.unsupported,
                "blocking_steps": [s.title for s in self.blocking_steps()],
                "phases": {p: [s.to_dict() for s in self.phase(p)] for p in PHASES}}


# -- helpers -------------------------------------------------------------------------------------

def _q(name: str) -> str:
    return o.quote(name)


def _t(table: Table) -> str:
    return o.qname(table.schema, table.name)


def _index_columns(indexdef: str) -> list[str]:
    m = re.search(r"USING \w+ \((.*)\)", indexdef)
    return [c.strip().strip('"') for c in m.group(1).split(",")] if m else []


def _step_for_op(op: o.Op, phase: str, **kw: Any) -> Step:
    rev = op.reverse()
    return Step(phase, op.describe(), op.sql(), transactional=op.transactional,
                rollback=rev.sql() if rev else [], lossy=bool(op.lossy_reverse), **kw)


def _long_step(step: Step) -> Step:
    step.statement_timeout = "0 (unbounded: online, SHARE UPDATE EXCLUSIVE)"
    step.retry = ("on failure: DROP INDEX CONCURRENTLY IF EXISTS the INVALID index (if any), then re-run; "
                  "on lock_timeout: retry with backoff")
    return step


class Planner:
    def __init__(self, diff: DiffResult, pg_major: int = 15, batch_size: int = 1000,
                 backfills: dict[str, str] | None = None):
        self.diff = diff
        self.old: Schema = diff.old or Schema()
        self.new: Schema = diff.new or Schema()
        self.major = pg_major
        self.batch = batch_size
        self.backfills = backfills or {}
        self.plan = Plan(prompts=list(diff.prompts), unsupported=list(diff.unsupported), pg_major=pg_major,
                         batch_size=batch_size)
        self.handled: set[int] = set()
        self.swaps: dict[tuple[str, str], str] = {}  # (table, column) -> shadow column
        self.swapped: set[tuple[str, str, str]] = set()  # (schema, table, column) changing type by a swap
        self.swap_views: list[str] = []  # views over swapped columns: re-created inside the swap
        self.swap_steps: list[Step] = []

    def add(self, step: Step) -> Step:
        self.plan.steps.append(step)
        return step

    def table(self, name: str, schema: str | None = None) -> Table | None:
        return self.old.tables.get(f"{schema or 'public'}.{name}")

    def new_table(self, name: str, schema: str | None = None) -> Table | None:
        return self.new.tables.get(f"{schema or 'public'}.{name}")

    # -- main ------------------------------------------------------------------------------------
    def build(self) -> Plan:
        ops = self.diff.ops
        for i, op in enumerate(ops):
            if isinstance(op, o.RenameColumn) and self.table(op.table, op.schema):
                self.rename_column(op)
                self.handled.add(i)
        from dbwright.migration.locks import type_change_rewrites

        for op in ops:  # a column swapped to a new type gets its target default in the swap
            if isinstance(op, o.AlterColumnType) and self.table(op.table, op.schema) is not None and \
                    type_change_rewrites(_split_type(op.old_type), _split_type(op.new_type)):
                self.swapped.add((op.schema or "public", op.table, op.column))
                self.swap_views += [d.name for d in self.old.dependents(f"{op.schema or 'public'}.{op.table}",
                                                                        op.column) if d.kind == "view"]
        for i, op in enumerate(ops):
            if i in self.handled:
                continue
            if isinstance(op, o.SetDefault) and (op.schema or "public", op.table, op.column) in self.swapped:
                continue
            if isinstance(op, o.RawSQL) and any(op.note in (f"drop view {k}", f"create view {k}")
                                                for k in self.swap_views):
                continue  # the swap transaction re-creates these views on the new column
            self.place(op)
        from dbwright.migration.plan_swap import recreate_views

        recreate_views(self)
        self._order()
        return self.plan

    def place(self, op: o.Op) -> None:
        existing = isinstance(op, o.AddColumn | o.AlterColumnType | o.SetNullable | o.AddConstraint |
                              o.ValidateConstraint | o.SetDefault | o.DropColumn) and \
            self.table(getattr(op, "table", ""), getattr(op, "schema", None)) is not None
        if isinstance(op, o.AlterColumnType) and existing:
            from dbwright.migration.locks import type_change_rewrites

            old_n, old_m = _split_type(op.old_type)
            new_n, new_m = _split_type(op.new_type)
            if type_change_rewrites((old_n, old_m), (new_n, new_m)):
                self.swap_type(op)
                return
            self.add(_step_for_op(op, "expand", note="binary-compatible: catalog update only"))
            return
        if isinstance(op, o.SetNullable) and not op.nullable and existing:
            self.not_null(op.table, op.column, op.schema)
            return
        if isinstance(op, o.AddColumn) and existing:
            self.add_column(op)
            return
        if isinstance(op, o.AddConstraint) and existing:
            self.add_constraint(op)
            return
        if isinstance(op, o.ValidateConstraint):
            self.add(_long_step(_step_for_op(op, "backfill", verify=[
                f"SELECT convalidated FROM pg_constraint WHERE conname = {o.literal(op.name)}  -- expect true"])))
            return
        if isinstance(op, o.CreateIndex) and op.concurrently:
            self.add(_long_step(_step_for_op(op, "backfill", lock_timeout="2s", verify=[
                f"SELECT indisvalid FROM pg_index WHERE indexrelid = {o.literal(op.name)}::regclass  -- expect true"])))
            return
        if isinstance(op, o.DropColumn | o.DropTable | o.DropIndex):
            self.add(_step_for_op(op, "contract", note="lossy: the rollback recreates the structure, not the data"
                                  if op.lossy_reverse else ""))
            return
        if isinstance(op, o.DropConstraint):
            self.add(_step_for_op(op, "contract"))
            return
        if isinstance(op, o.RawSQL):
            note = op.note.lower()
            dropping = note.startswith("drop") and not any(
                note == f"drop view {k}" for k in self.new.views)
            rev = op.reverse()
            self.add(Step("contract" if dropping else "expand", op.describe(), op.sql(),
                          transactional=op.in_transaction, rollback=rev.sql() if rev else [], lossy=op.lossy))
            return
        self.add(_step_for_op(op, "expand"))

    # -- strategies ------------------------------------------------------------------------------
    def add_column(self, op: o.AddColumn) -> None:
        from dbwright.migration.parse import is_volatile

        volatile = False
        if op.default:
            import pglast

            try:
                stmt: Any = pglast.parse_sql(f"SELECT {op.default}")[0].stmt
                volatile = is_volatile(stmt.targetList[0].val)
            except Exception:
                volatile = True
        if (op.nullable or op.default) and not volatile and self.major >= 11:
            self.add(_step_for_op(op, "expand", note="constant default: stored in the catalog, no rewrite"
                                  if op.default else "nullable, no default: catalog update only",
                                  verify=[f"SELECT count(*) FROM information_schema.columns WHERE table_name = "
                                          f"{o.literal(op.table)} AND column_name = {o.literal(op.column)}  -- expect 1"]))
            return
        plain = o.AddColumn(op.table, op.column, op.type, True, None, op.schema)
        self.add(_step_for_op(plain, "expand", note="added nullable and without a default: catalog update only"))
        expr = op.default if volatile else self.backfills.get(f"{op.table}.{op.column}")
        if op.default:
            self.add(_step_for_op(o.SetDefault(op.table, op.column, op.default, None, op.schema), "expand",
                                  note="new rows get the default from now on"))
        t = self.table(op.table, op.schema)
        if expr and t is not None:
            self.backfill(t, {op.column: expr}, f"{_q(op.column)} IS NULL")
        elif not op.nullable:
            self.plan.prompts.append(f"{op.table}.{op.column} is NOT NULL without a default: give the value for "
                                     f"existing rows with --backfill {op.table}.{op.column}=<SQL expression>")
        if not op.nullable:
            self.not_null(op.table, op.column, op.schema)

    def add_constraint(self, op: o.AddConstraint) -> None:
        t = self.table(op.table, op.schema)
        d = op.definition
        if t is not None and re.match(r"(PRIMARY KEY|UNIQUE)\s*\(", d):
            cols = d[d.index("(") + 1:d.index(")")]
            idx = op.name
            create = o.CreateIndex(idx, op.table, f"CREATE UNIQUE INDEX {_q(idx)} ON {_t(t)} USING btree ({cols})",
                                   True, op.schema)
            self.add(_long_step(_step_for_op(create, "backfill", prechecks=[
                f"SELECT {cols}, count(*) FROM {_t(t)} GROUP BY {cols} HAVING count(*) > 1 LIMIT 10  -- expect no rows"],
                verify=[f"SELECT indisvalid FROM pg_index WHERE indexrelid = {o.literal(idx)}::regclass  -- expect true"])))
            kind = "PRIMARY KEY" if d.startswith("PRIMARY") else "UNIQUE"
            if kind == "PRIMARY KEY":
                for c in (x.strip().strip('"') for x in cols.split(",")):
                    if not t.columns[c].not_null:
                        self.not_null(op.table, c, op.schema)
            self.add(Step("switch", f"attach {idx} as {kind} (catalog update)",
                          [f"ALTER TABLE {_t(t)} ADD CONSTRAINT {_q(op.name)} {kind} USING INDEX {_q(idx)}"],
                          rollback=[f"ALTER TABLE {_t(t)} DROP CONSTRAINT IF EXISTS {_q(op.name)}"]))
            return
        if op.not_valid or not re.match(r"(FOREIGN KEY|CHECK)", d):
            pre = []
            m = re.match(r"FOREIGN KEY \((.*?)\) REFERENCES (\S+?)\((.*?)\)", d)
            if m and t is not None:
                pre.append(f"SELECT count(*) FROM {_t(t)} c WHERE ({m.group(1)}) IS NOT NULL AND NOT EXISTS "
                           f"(SELECT 1 FROM {m.group(2)} p WHERE ({', '.join('p.' + x.strip() for x in m.group(3).split(','))}) = "
                           f"({', '.join('c.' + x.strip() for x in m.group(1).split(','))}))  -- orphans; expect 0")
            self.add(_step_for_op(op, "expand", prechecks=pre))
            return
        self.add(_step_for_op(o.AddConstraint(op.table, op.name, d, True, op.schema), "expand"))
        self.add(_long_step(_step_for_op(o.ValidateConstraint(op.table, op.name, op.schema), "backfill")))

    def not_null(self, table: str, column: str, schema: str | None = None) -> None:
        t = self.table(table, schema) or self.new_table(table, schema)
        tq = o.qname(schema or "public", table)
        check = f"{table}_{column}_not_null"[:63]
        if self.major < 12:
            self.add(Step("switch", f"SET NOT NULL on {table}.{column} (scans: PostgreSQL < 12 cannot use a CHECK)",
                          [f"ALTER TABLE {tq} ALTER COLUMN {_q(column)} SET NOT NULL"],
                          rollback=[f"ALTER TABLE {tq} ALTER COLUMN {_q(column)} DROP NOT NULL"]))
            return
        self.add(Step("backfill", f"prove {table}.{column} has no NULLs: CHECK NOT VALID (catalog update)",
                      [f"ALTER TABLE {tq} ADD CONSTRAINT {_q(check)} CHECK ({_q(column)} IS NOT NULL) NOT VALID"],
                      prechecks=[f"SELECT count(*) FROM {tq} WHERE {_q(column)} IS NULL  -- expect 0"],
                      rollback=[f"ALTER TABLE {tq} DROP CONSTRAINT IF EXISTS {_q(check)}"]))
        self.add(_long_step(Step("backfill", f"validate {check} (SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                                 [f"ALTER TABLE {tq} VALIDATE CONSTRAINT {_q(check)}"])))
        self.add(Step("switch", f"SET NOT NULL on {table}.{column} (no scan: the validated CHECK proves it)",
                      [f"ALTER TABLE {tq} ALTER COLUMN {_q(column)} SET NOT NULL",
                       f"ALTER TABLE {tq} DROP CONSTRAINT IF EXISTS {_q(check)}"],
                      rollback=[f"ALTER TABLE {tq} ALTER COLUMN {_q(column)} DROP NOT NULL"]))
        _ = t

    def backfill(self, t: Table, assignments: dict[str, str], pending: str) -> None:
        pk = t.pk_columns()
        integer = len(pk) == 1 and _split_type(t.columns[pk[0]].type)[0] in ("int2", "int4", "int8")
        if not integer:
            self.plan.prompts.append(f"{t.name}: no single integer primary key to range over; the backfill "
                                     f"takes the next {self.batch} pending rows per batch (by ctid) until none is left")
        bf = o.Backfill(t.name, pk[0] if integer else "", assignments, pending, self.batch,
                        None if t.schema == "public" else t.schema)
        cols = ", ".join(assignments)
        self.add(Step("backfill", f"backfill {t.name}.{cols} in keyset batches of {self.batch}", bf.sql(),
                      transactional=False, statement_timeout="30s per batch",
                      retry="resumable: progress is stored per batch in dbwright_backfill_progress; re-run "
                            "continues after the last finished key; a failed batch is retried 5 times",
                      verify=[f"SELECT count(*) FROM {_t(t)} WHERE {pending}  -- expect 0"],
                      backfill=bf, note="throttled (pg_sleep between batches) and paused while any replica "
                                        "lags more than 10 s"))

    def _sync_trigger(self, t: Table, name: str, body: str) -> None:
        fn = f"{t.name}_{name}_sync"[:63]
        tq = _t(t)
        self.add(Step("expand", f"dual write: trigger {fn} keeps both columns equal",
                      [f"CREATE OR REPLACE FUNCTION {_q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $f$\nBEGIN\n"
                       f"{body}\n  RETURN NEW;\nEND\n$f$",
                       f"CREATE OR REPLACE TRIGGER {_q(fn)} BEFORE INSERT OR UPDATE ON {tq} FOR EACH ROW "
                       f"EXECUTE FUNCTION {_q(fn)}()" if self.major >= 14 else
                       f"CREATE TRIGGER {_q(fn)} BEFORE INSERT OR UPDATE ON {tq} FOR EACH ROW "
                       f"EXECUTE FUNCTION {_q(fn)}()"],
                      rollback=[f"DROP TRIGGER IF EXISTS {_q(fn)} ON {tq}", f"DROP FUNCTION IF EXISTS {_q(fn)}()"],
                      note="CREATE TRIGGER takes SHARE ROW EXCLUSIVE briefly"))

    def _drop_sync(self, t: Table, name: str, phase: str = "contract") -> None:
        fn = f"{t.name}_{name}_sync"[:63]
        self.add(Step(phase, f"stop dual write on {t.name} ({name})",
                      [f"DROP TRIGGER IF EXISTS {_q(fn)} ON {_t(t)}", f"DROP FUNCTION IF EXISTS {_q(fn)}()"]))

    def rename_column(self, op: o.RenameColumn) -> None:
        t = self.table(op.table, op.schema)
        assert t is not None
        old_c = t.columns[op.old]
        tq = _t(t)
        self.add(_step_for_op(o.AddColumn(op.table, op.new, old_c.type, True, None, op.schema), "expand",
                              note=f"expand/contract rename {op.old} → {op.new}: the new name appears alongside"))
        o_, n_ = _q(op.old), _q(op.new)
        self._sync_trigger(t, f"{op.old}_{op.new}", (
            f"  IF TG_OP = 'INSERT' THEN\n    NEW.{n_} := COALESCE(NEW.{n_}, NEW.{o_});\n"
            f"    NEW.{o_} := COALESCE(NEW.{o_}, NEW.{n_});\n"
            f"  ELSIF NEW.{n_} IS DISTINCT FROM OLD.{n_} THEN\n    NEW.{o_} := NEW.{n_};\n"
            f"  ELSE\n    NEW.{n_} := NEW.{o_};\n  END IF;"))
        self.backfill(t, {op.new: o_}, f"{n_} IS DISTINCT FROM {o_}")
        if old_c.default:
            self.add(_step_for_op(o.SetDefault(op.table, op.new, old_c.default, None, op.schema), "expand"))
        for iname, idef in t.indexes.items():
            if op.old in _index_columns(idef):
                new_name = iname.replace(op.old, op.new) if op.old in iname else f"{iname}_{op.new}"
                new_def = re.sub(rf"\b{re.escape(op.old)}\b", op.new, idef.replace(iname, new_name, 1), count=0)
                self.add(_long_step(_step_for_op(o.CreateIndex(new_name, op.table, new_def, True, op.schema),
                                                 "backfill")))
        if old_c.not_null:
            self.not_null(op.table, op.new, op.schema)
        self.add(Step("switch", f"deploy code that reads and writes {op.table}.{op.new}", [],
                      note=f"the old name {op.old} stays in sync until contract, so old instances keep working"))
        self._drop_sync(t, f"{op.old}_{op.new}")
        self.add(Step("contract", f"drop the old column {op.table}.{op.old}",
                      [f"ALTER TABLE {tq} DROP COLUMN IF EXISTS {o_}"],
                      rollback=[f"ALTER TABLE {tq} ADD COLUMN IF NOT EXISTS {o_} {old_c.type}",
                                f"UPDATE {tq} SET {o_} = {n_}  -- restores the values from the new column"],
                      lossy=False, note="values survive in the new column; the rollback copies them back"))

    def swap_type(self, op: o.AlterColumnType) -> None:
        from dbwright.migration.plan_swap import swap_type

        swap_type(self, op)

    def _order(self) -> None:
        if any(s.backfill is not None for s in self.plan.steps):
            self.add(Step("contract", "drop the backfill progress table",
                          ["DROP TABLE IF EXISTS dbwright_backfill_progress"]))
        order = {p: i for i, p in enumerate(PHASES)}
        self.plan.steps.sort(key=lambda s: order[s.phase])


def _split_type(spec: str) -> tuple[str, tuple[int, ...]]:
    from dbwright.migration.parse import normalize_type

    m = re.match(r"([^(]+)(?:\((.*)\))?", spec.strip())
    name = normalize_type(m.group(1).strip()) if m else spec
    mods = tuple(int(x) for x in (m.group(2) or "").split(",") if x.strip().isdigit()) if m else ()
    return name, mods


def annotate_steps(plan: Plan, context_sql: str | None) -> None:
    """Static lock facts per step, reading the whole plan in order (so a CHECK validated earlier
    proves the later SET NOT NULL needs no scan)."""
    from dbwright.migration.facts import LOCK_MODES
    from dbwright.migration.parse import parse_script

    texts: list[str] = []
    owners: list[Step] = []
    for s in plan.steps:
        for sql in s.sql:
            texts.append(sql.replace(":last_key", "0") if s.backfill is None else
                         s.backfill.batch_sql().replace("%(last)s", "0").replace("%(batch)s", str(plan.batch_size)))
            owners.append(s)
    if not texts:
        return
    script = parse_script(";\n".join(t.rstrip().rstrip(";") for t in texts) + ";", version=(plan.pg_major,),
                          context_sql=context_sql)
    stmts = [st for st in script.stmts]
    if len(stmts) != len(owners):  # a statement split differently: annotate by order, best effort
        owners = owners[:len(stmts)] + [owners[-1]] * max(0, len(stmts) - len(owners))
    for st, step in zip(stmts, owners, strict=False):
        for lk in st.locks:
            if lk.mode not in LOCK_MODES:
                continue
            cur = next((x for x in step.locks if x["relation"] == lk.relation and x["kind"] == lk.kind), None)
            if cur is None:
                step.locks.append({"relation": lk.relation, "mode": lk.mode, "kind": lk.kind})
            elif LOCK_MODES.index(lk.mode) > LOCK_MODES.index(cur["mode"]):
                cur["mode"] = lk.mode
        # LOCK TABLE … ACCESS EXCLUSIVE in a switch step is the intended short hold
        step.rewrite = step.rewrite or st.rewrite
        online = st.kind in ("update", "create_index", "reindex") or (st.kind == "alter_table" and all(
            a.kind == "validate_constraint" for a in st.actions))
        step.scan = step.scan or (st.scan and not online)
        step.online_scan = step.online_scan or (st.scan and online)
        if st.table_lock == "AccessExclusiveLock":
            step.access_exclusive = True


def naive_plan(diff: DiffResult, pg_major: int = 15, context_sql: str | None = None) -> Plan:
    """The diff's direct operations as single steps (what a plain schema-diff tool would run);
    used as the baseline a rehearsal compares the phased plan against."""
    plan = Plan(pg_major=pg_major)
    for op in diff.ops:
        rev = op.reverse()
        plan.steps.append(Step("expand", op.describe(), op.sql(), transactional=op.transactional,
                               statement_timeout="0", lock_timeout="30s",
                               rollback=rev.sql() if rev else []))
    annotate_steps(plan, context_sql)
    return plan


def plan_from_diff(diff: DiffResult, pg_major: int = 15, batch_size: int = 1000,
                   backfills: dict[str, str] | None = None, context_sql: str | None = None) -> Plan:
    plan = Planner(diff, pg_major, batch_size, backfills).build()
    annotate_steps(plan, context_sql)
    return plan
