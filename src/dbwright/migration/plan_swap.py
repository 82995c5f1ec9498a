"""A column type change that rewrites the table, online: shadow column, dual write, batched
backfill, then one short switch transaction that renames the columns and rebuilds everything that
referenced the old column (pg_depend: indexes, constraints on this table and foreign keys from
others, views, triggers, policies; column grants and comments), so the contract phase can drop it.

Narrowing changes (a shorter length, a smaller precision or scale, a smaller integer) are detected:
the shadow column is filled by assignment (no explicit cast, so an over-long value raises instead of
being cut) and every check compares with the original values in the original type — never through
the cast being applied.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dbwright.migration import ops as o
from dbwright.migration.catalog import Dependent, Table

if TYPE_CHECKING:
    from dbwright.migration.plan import Planner

_INT_RANK = {"int2": 2, "int4": 4, "int8": 8, "float4": 4, "float8": 8}


def narrowing(old: tuple[str, tuple[int, ...]], new: tuple[str, tuple[int, ...]]) -> str | None:
    """Why ``old`` → ``new`` can lose values (None when every old value fits)."""
    (ot, om), (nt, nm) = old, new
    strings = ("text", "varchar", "bpchar", "citext")
    if ot in strings and nt in ("varchar", "bpchar") and nm:
        if ot in ("text", "citext") or not om:
            return f"unbounded {ot} into {nt}({nm[0]}): longer values do not fit"
        if nm[0] < om[0]:
            return f"length {om[0]} → {nm[0]}"
    if nt == "numeric" and nm:
        if ot != "numeric" and ot not in _INT_RANK:
            return None
        if ot in _INT_RANK:
            digits = {"int2": 5, "int4": 10, "int8": 19}.get(ot, 309)
            whole = nm[0] - (nm[1] if len(nm) > 1 else 0)
            return f"{ot} into numeric({','.join(map(str, nm))}): {whole} integer digits" if whole < digits else None
        if not om:
            return f"unconstrained numeric into numeric({','.join(map(str, nm))})"
        o_scale, n_scale = (om[1] if len(om) > 1 else 0), (nm[1] if len(nm) > 1 else 0)
        if n_scale < o_scale:
            return f"scale {o_scale} → {n_scale}: digits are rounded away"
        if nm[0] - n_scale < om[0] - o_scale:
            return f"integer digits {om[0] - o_scale} → {nm[0] - n_scale}"
    if ot in _INT_RANK and nt in _INT_RANK and _INT_RANK[nt] < _INT_RANK[ot]:
        return f"{ot} → {nt}: a smaller range"
    if ot == "numeric" and nt in _INT_RANK:
        return f"numeric into {nt}: fractions are rounded and the range is smaller"
    if ot == nt and ot in ("timestamp", "timestamptz", "time", "interval") and nm and (not om or nm[0] < om[0]):
        return f"fractional seconds precision {om[0] if om else 6} → {nm[0]}"
    return None


def _swap_name(text: str, old: str, new: str) -> str:
    """``text`` with the column ``old`` renamed to ``new`` (bare or quoted identifier)."""
    return re.sub(rf'(?<![\w."])"?{re.escape(old)}"?(?![\w"])', o.quote(new), text)


def swap_type(p: Planner, op: o.AlterColumnType) -> None:
    from dbwright.migration.plan import Step, _long_step, _q, _split_type, _step_for_op, _t

    t = p.table(op.table, op.schema)
    assert t is not None
    nt = p.new_table(op.table, op.schema)
    col = t.columns[op.column]
    tmp, old_name = f"{op.column}_new", f"{op.column}_old"
    tq, cq, tmpq, oldq = _t(t), _q(op.column), _q(tmp), _q(old_name)
    p.swaps[(t.name, op.column)] = tmp
    why = narrowing(_split_type(op.old_type), _split_type(op.new_type))
    # narrowing: assignment (raises on a value that does not fit); otherwise the diff's conversion
    conv = cq if why else (op.using or f"{cq}::{op.new_type}")
    differs = f"({tmpq})::{op.old_type} IS DISTINCT FROM {cq}"  # compared in the original type
    if why:
        p.plan.prompts.append(
            f"{t.name}.{op.column}: {op.old_type} → {op.new_type} narrows ({why}). The plan never truncates: "
            f"the backfill assigns without a cast (a value that does not fit raises) and every check compares "
            f"with the original values; run the precheck first and fix or widen what it counts")
    p.add(_step_for_op(o.AddColumn(op.table, tmp, op.new_type, True, None, op.schema), "expand",
                       note=f"shadow column for {op.column} {op.old_type} → {op.new_type}"))
    p._sync_trigger(t, f"{op.column}_type", f"  NEW.{tmpq} := {conv.replace(cq, f'NEW.{cq}')};")
    step_pre = len(p.plan.steps)
    p.backfill(t, {tmp: conv}, f"{tmpq} IS NULL AND {cq} IS NOT NULL")
    bf_step = p.plan.steps[step_pre]
    bf_step.verify = [f"SELECT count(*) FROM {tq} WHERE {differs}  -- expect 0 (compared with the original values)"]
    if why:
        bf_step.prechecks.append(f"SELECT count(*) FROM {tq} WHERE ({cq}::{op.new_type})::{op.old_type} IS DISTINCT "
                                 f"FROM {cq}  -- values {op.new_type} cannot hold ({why}); expect 0")

    deps = (p.old.dependents(t.key, op.column))
    sw_pre: list[str] = []  # before the renames
    sw_post: list[str] = []  # after the renames
    after: list[Any] = []  # steps after the switch (re-validations)
    contract: list[str] = []
    refs: list[tuple[Table, str, str]] = []  # (other table, FK name, definition)
    rb_pre: list[str] = []
    rb_post: list[str] = []
    for d in deps:
        _rebuild(p, t, d, op.column, tmp, sw_pre, sw_post, refs, contract, rb_pre, rb_post)
    check = f"{t.name}_{tmp}_not_null"[:63]
    if col.not_null and p.major >= 12:
        p.add(Step("backfill", f"prove {t.name}.{tmp} has no NULLs: CHECK NOT VALID (catalog update)",
                   [f"ALTER TABLE {tq} ADD CONSTRAINT {_q(check)} CHECK ({tmpq} IS NOT NULL) NOT VALID"],
                   rollback=[f"ALTER TABLE {tq} DROP CONSTRAINT IF EXISTS {_q(check)}"]))
        p.add(_long_step(Step("backfill", f"validate {check} (reads and writes continue)",
                              [f"ALTER TABLE {tq} VALIDATE CONSTRAINT {_q(check)}"])))
    fn = f"{t.name}_{op.column}_type_sync"[:63]
    # referencing tables first: their writers lock them before the referenced table (FK checks)
    lock_list = ", ".join([*dict.fromkeys(_t(other) for other, _n, _d in refs), tq])
    sw = [f"LOCK TABLE {lock_list} IN ACCESS EXCLUSIVE MODE"]
    sw += [f"ALTER TABLE {_t(other)} DROP CONSTRAINT {_q(name)}" for other, name, _d in refs]
    sw += sw_pre
    if col.not_null:
        sw.append(f"ALTER TABLE {tq} ALTER COLUMN {tmpq} SET NOT NULL")
    if col.default and "nextval" in col.default:
        sw.append(f"ALTER TABLE {tq} ALTER COLUMN {cq} DROP DEFAULT")
    sw += [f"DROP TRIGGER {_q(fn)} ON {tq}", f"ALTER TABLE {tq} RENAME COLUMN {cq} TO {oldq}",
           f"ALTER TABLE {tq} RENAME COLUMN {tmpq} TO {cq}"]
    if col.not_null:
        sw.append(f"ALTER TABLE {tq} ALTER COLUMN {oldq} DROP NOT NULL")
    sw += sw_post
    target_default = nt.columns[op.column].default if nt is not None and op.column in nt.columns else col.default
    if target_default:
        sw.append(f"ALTER TABLE {tq} ALTER COLUMN {cq} SET DEFAULT {target_default}")
        m = re.search(r"nextval\('([^']+)'", target_default)
        if m:
            sw.append(f"ALTER SEQUENCE {m.group(1)} OWNED BY {tq}.{cq}")
    if col.not_null and p.major >= 12:
        sw.append(f"ALTER TABLE {tq} DROP CONSTRAINT IF EXISTS {_q(check)}")
    sw += _grants_and_comment(t, op.column)
    for other, name, definition in refs:
        sw.append(f"ALTER TABLE {_t(other)} ADD CONSTRAINT {_q(name)} {definition} NOT VALID")
        after.append(_long_step(Step("switch", f"re-validate {other.name}.{name} (SHARE UPDATE EXCLUSIVE)",
                                     [f"ALTER TABLE {_t(other)} VALIDATE CONSTRAINT {_q(name)}"])))
    rb = [f"LOCK TABLE {lock_list} IN ACCESS EXCLUSIVE MODE"]
    rb += [f"ALTER TABLE {_t(other)} DROP CONSTRAINT IF EXISTS {_q(name)}" for other, name, _d in refs]
    rb += rb_pre
    rb += [f"ALTER TABLE {tq} RENAME COLUMN {cq} TO {tmpq}", f"ALTER TABLE {tq} RENAME COLUMN {oldq} TO {cq}",
           f"UPDATE {tq} SET {cq} = ({tmpq})::{op.old_type} WHERE {cq} IS NULL AND {tmpq} IS NOT NULL"]
    if col.not_null:
        rb += [f"ALTER TABLE {tq} ALTER COLUMN {tmpq} DROP NOT NULL", f"ALTER TABLE {tq} ALTER COLUMN {cq} SET NOT NULL"]
    if col.default or target_default:
        rb += [f"ALTER TABLE {tq} ALTER COLUMN {tmpq} DROP DEFAULT"]
    if col.default:
        rb += [f"ALTER TABLE {tq} ALTER COLUMN {cq} SET DEFAULT {col.default}"]
        m2 = re.search(r"nextval\('([^']+)'", col.default)
        if m2:
            rb.append(f"ALTER SEQUENCE {m2.group(1)} OWNED BY {tq}.{cq}")
    rb += rb_post
    rb += [f"ALTER TABLE {_t(other)} ADD CONSTRAINT {_q(name)} {definition}" for other, name, definition in refs]
    rb.append(f"CREATE TRIGGER {_q(fn)} BEFORE INSERT OR UPDATE ON {tq} FOR EACH ROW EXECUTE FUNCTION {_q(fn)}()")
    p.swap_steps.append(p.add(Step(
        "switch", f"swap {t.name}.{op.column} to {op.new_type} in one short transaction (catalog updates; "
        f"{len(deps)} dependent object(s) rebuilt)", sw, rollback=rb, lock_timeout="1s", statement_timeout="5s",
        rollback_note="the rollback renames the columns back; objects rebuilt on the new column stay on it "
                      "(re-run the plan's expand to rebuild them on the old one)",
        prechecks=[f"SELECT count(*) FROM {tq} WHERE {differs}  -- expect 0 (backfill complete, no value changed)",
                   "SELECT pid, now() - xact_start FROM pg_stat_activity WHERE xact_start < now() - "
                   "interval '30 seconds' AND pid <> pg_backend_pid()  -- long transactions would make the "
                   "lock wait; expect none"],
        verify=[f"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                f"{o.literal(t.key)}::regclass AND attname = {o.literal(op.column)}  -- expect {op.new_type}"],
        note=("old code keeps working: same column name; narrower type — writes that do not fit now fail"
              if why else "old code keeps working: same column name, wider type"))))
    for s in after:
        p.add(s)
    p.add(Step("contract", f"drop the old {op.old_type} column {t.name}.{old_name}",
               [f"ALTER TABLE {tq} DROP COLUMN IF EXISTS {oldq}", f"DROP FUNCTION IF EXISTS {_q(fn)}()", *contract], transactional=not any("CONCURRENTLY" in c for c in contract), lossy=True,
               rollback=[f"ALTER TABLE {tq} ADD COLUMN IF NOT EXISTS {oldq} {op.old_type}"],
               note="lossy rollback: the old column comes back empty"))


def _rebuild(p: Planner, t: Table, d: Dependent, column: str, tmp: str, sw_pre: list[str], sw_post: list[str],
             refs: list[tuple[Table, str, str]], contract: list[str], rb_pre: list[str], rb_post: list[str]) -> None:
    """Rebuild one object that referenced ``column`` so it references the new column after the swap."""
    from dbwright.migration.plan import Step, _long_step, _q, _step_for_op, _t

    tq = _t(t)
    schema = None if t.schema == "public" else t.schema
    if d.kind == "index" and d.table == t.key and d.name in t.indexes:
        nn = f"{d.name}_new"[:63]
        ndef = _swap_name(t.indexes[d.name].replace(f"INDEX {d.name} ", f"INDEX {nn} ", 1), column, tmp)
        p.add(_long_step(_step_for_op(o.CreateIndex(nn, t.name, ndef, True, schema), "backfill")))
        sw_post += [f"ALTER INDEX {o.qname(t.schema, d.name)} RENAME TO {_q((d.name + '_old')[:63])}",
                    f"ALTER INDEX {o.qname(t.schema, nn)} RENAME TO {_q(d.name)}"]
        rb_pre += [f"ALTER INDEX {o.qname(t.schema, d.name)} RENAME TO {_q(nn)}",
                   f"ALTER INDEX {o.qname(t.schema, (d.name + '_old')[:63])} RENAME TO {_q(d.name)}"]
        contract.append(f"DROP INDEX CONCURRENTLY IF EXISTS {o.qname(t.schema, (d.name + '_old')[:63])}")
        return
    if d.kind == "constraint" and d.table != t.key:  # a foreign key of another table referencing the column
        other = p.old.tables.get(d.table)
        if other is not None and d.name in other.constraints and all(
                (r[0].key, r[1]) != (other.key, d.name) for r in refs):
            refs.append((other, d.name, other.constraints[d.name].definition))
        return
    if d.kind == "constraint":
        con = t.constraints.get(d.name)
        if con is None:
            return
        if con.kind in ("p", "u"):
            cols = con.definition[con.definition.index("(") + 1:con.definition.index(")")]
            nn = f"{con.name}_new"[:63]
            p.add(_long_step(_step_for_op(o.CreateIndex(
                nn, t.name, f"CREATE UNIQUE INDEX {_q(nn)} ON {tq} USING btree ({_swap_name(cols, column, tmp)})",
                True, schema), "backfill")))
            # FKs of other tables that use this key are dropped first and re-added NOT VALID (refs)
            for other in p.old.tables.values():
                for fk in other.constraints.values():
                    if fk.kind == "f" and other.key != t.key and re.search(
                            rf"REFERENCES {re.escape(t.name)}\({re.escape(cols)}\)", fk.definition) and all(
                            (r[0].key, r[1]) != (other.key, fk.name) for r in refs):
                        refs.append((other, fk.name, fk.definition))
            kind = "PRIMARY KEY" if con.kind == "p" else "UNIQUE"
            sw_pre.append(f"ALTER TABLE {tq} DROP CONSTRAINT {_q(con.name)}")
            sw_post.append(f"ALTER TABLE {tq} ADD CONSTRAINT {_q(con.name)} {kind} USING INDEX {_q(nn)}")
            # emergency rollback: the key is rebuilt on the old column under ACCESS EXCLUSIVE
            rb_pre.append(f"ALTER TABLE {tq} DROP CONSTRAINT {_q(con.name)}")
            rb_post += [f"ALTER TABLE {tq} ADD CONSTRAINT {_q(con.name)} {con.definition}",
                        f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(nn)} ON {tq} ({_swap_name(cols, column, tmp)})"]
            return
        if con.kind in ("c", "f"):
            nn = f"{con.name}_new"[:63]
            ndef = _swap_name(con.definition.removesuffix(" NOT VALID"), column, tmp)
            p.add(Step("expand", f"{con.name} on the shadow column {tmp} (NOT VALID: catalog update)",
                       [f"ALTER TABLE {tq} ADD CONSTRAINT {_q(nn)} {ndef} NOT VALID"],
                       rollback=[f"ALTER TABLE {tq} DROP CONSTRAINT IF EXISTS {_q(nn)}"]))
            if con.validated:
                p.add(_long_step(Step("backfill", f"validate {nn} (reads and writes continue)",
                                      [f"ALTER TABLE {tq} VALIDATE CONSTRAINT {_q(nn)}"])))
            sw_pre.append(f"ALTER TABLE {tq} DROP CONSTRAINT {_q(con.name)}")
            sw_post.append(f"ALTER TABLE {tq} RENAME CONSTRAINT {_q(nn)} TO {_q(con.name)}")
            rb_pre.append(f"ALTER TABLE {tq} RENAME CONSTRAINT {_q(con.name)} TO {_q(nn)}")
            rb_post.append(f"ALTER TABLE {tq} ADD CONSTRAINT {_q(con.name)} {con.definition}")
            return
        p.plan.prompts.append(f"{t.name}.{con.name} ({con.definition[:40]}…) references {column}: an exclusion "
                              "constraint cannot be rebuilt online; it is re-added in the switch (scans under "
                              "ACCESS EXCLUSIVE)")
        sw_pre.append(f"ALTER TABLE {tq} DROP CONSTRAINT {_q(con.name)}")
        sw_post.append(f"ALTER TABLE {tq} ADD CONSTRAINT {_q(con.name)} {con.definition}")
        return
    if d.kind == "view":  # collected by the planner before placing (recreate_views)
        return
    if d.kind == "trigger":
        cur = p.old.triggers.get(d.name)
        target = p.new.triggers.get(d.name, cur)
        if cur and target:
            tname = d.name.rsplit(".", 1)[1]
            sw_pre.append(f"DROP TRIGGER IF EXISTS {_q(tname)} ON {o.qkey(d.table)}")
            sw_post.append(target[1])
            rb_pre.append(f"DROP TRIGGER IF EXISTS {_q(tname)} ON {o.qkey(d.table)}")
            rb_post.append(cur[1])
        return
    if d.kind == "policy":
        cur = p.old.policies.get(d.name)
        target = p.new.policies.get(d.name, cur)
        if cur and target:
            pname = d.name.rsplit(".", 1)[1]
            sw_pre.append(f"DROP POLICY IF EXISTS {_q(pname)} ON {o.qkey(d.table)}")
            sw_post.append(target[1])
            rb_pre.append(f"DROP POLICY IF EXISTS {_q(pname)} ON {o.qkey(d.table)}")
            rb_post.append(cur[1])
        return
    if d.kind == "default" and d.name != column:
        p.plan.prompts.append(f"{t.name}.{d.name}: its default or generation expression reads {column}; "
                              "it follows the old column until you re-create it")


def _grants_and_comment(t: Table, column: str) -> list[str]:
    letters = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "x": "REFERENCES"}
    out = []
    for item in t.columns[column].acl:
        grantee, _, rest = item.partition("=")
        privs = [letters[c] for c in rest.split("/", 1)[0] if c in letters]
        if privs:
            out.append(f"GRANT {', '.join(privs)} ({o.quote(column)}) ON {o.qkey(t.key)} TO {grantee or 'PUBLIC'}")
    if column in t.column_comments:
        out.append(f"COMMENT ON COLUMN {o.qkey(t.key)}.{o.quote(column)} IS {o.literal(t.column_comments[column])}")
    return out


def recreate_views(p: Planner) -> None:
    """Views over swapped columns: dropped and created from the target's definitions inside the
    last swap transaction (a view binds to the column it was created on, not to its name)."""
    if not p.swap_views or not p.swap_steps:
        return
    order = list(dict.fromkeys(p.swap_views))
    kinds = {k: p.old.views[k][0] for k in order if k in p.old.views}
    step = p.swap_steps[-1]
    drops = [f"DROP {'MATERIALIZED VIEW' if kinds.get(k) == 'm' else 'VIEW'} IF EXISTS {o.qkey(k)}"
             for k in reversed(order) if k in kinds]
    creates = []
    for k in order:
        src = p.new.views.get(k) or p.old.views.get(k)
        if src is None or k not in p.new.views:
            continue
        what = "MATERIALIZED VIEW" if src[0] == "m" else "VIEW"
        creates.append(f"CREATE {what} {o.qkey(k)}{src[1].rstrip().rstrip(';')}")
        for _key, (tkey, tdef) in p.new.triggers.items():
            if tkey == k:
                creates.append(tdef)
        for cmt, text in p.new.comments.items():
            if cmt.startswith("COMMENT ON VIEW ") and cmt.endswith(f" {o.qkey(k)}"):
                creates.append(f"{cmt} IS {o.literal(text)}")
    step.sql.extend(drops + creates)
    old_creates = [f"CREATE {'MATERIALIZED VIEW' if p.old.views[k][0] == 'm' else 'VIEW'} {o.qkey(k)}"
                   f"{p.old.views[k][1].rstrip().rstrip(';')}" for k in order if k in p.old.views]
    # rolled back in reverse: the last swap's rollback runs first (drop them before any column is
    # renamed back), the first swap's runs last (create them once every column is back)
    step.rollback[1:1] = drops
    p.swap_steps[0].rollback.extend(old_creates)
    step.title += f"; {len(creates)} view(s) re-created on the new column"
