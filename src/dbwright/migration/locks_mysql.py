"""The MySQL/MariaDB online-DDL model: which ALGORITHM an ALTER can use and which concurrent DML
it permits (LOCK=), per engine and version.

Every InnoDB ALTER also takes an exclusive metadata lock (MDL) briefly at its start and end. While
it waits for that MDL (a long transaction holds a shared one) every later query on the table
queues behind it — the "metadata-lock pile-up" — so ``lock_wait_timeout`` must be short.

Sources: MySQL 8.0 "Online DDL Operations"; MariaDB "InnoDB Online DDL Operations with the
INSTANT/NOCOPY/INPLACE Alter Algorithm"; VARCHAR keeps 1 length byte up to 255 bytes, 2 beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

from dbwright.migration.facts import Action, LockFact, Script, Stmt

ORDER = ("INSTANT", "NOCOPY", "INPLACE", "COPY")
LOCKS = ("NONE", "SHARED", "EXCLUSIVE")
BYTES_PER_CHAR = {"utf8mb4": 4, "utf8mb3": 3, "utf8": 3, "latin1": 1, "ascii": 1, "binary": 1, "ucs2": 2,
                  "utf16": 4, "utf32": 4}


@dataclass
class Verdict:
    algorithm: str  # cheapest algorithm the server accepts
    lock: str  # weakest LOCK= it accepts: NONE (reads+writes), SHARED (reads), EXCLUSIVE
    rebuild: bool
    why: str


def varchar_length_bytes(chars: int, charset: str = "utf8mb4") -> int:
    return 1 if chars * BYTES_PER_CHAR.get(charset, 4) <= 255 else 2


class _Columns:
    def __init__(self) -> None:
        self.cols: dict[tuple[str, str], Action] = {}
        self.order: dict[str, list[str]] = {}
        self.fulltext: set[str] = set()

    def after(self, st: Stmt) -> None:
        t = st.table or ""
        if st.kind == "create_table":
            self.order[t] = []
            for a in st.actions:
                if a.column:
                    self.cols[(t, a.column)] = a
                    self.order[t].append(a.column)
        for a in st.actions:
            if a.kind in ("add_column", "alter_type") and a.column:
                self.cols[(t, a.column)] = a
                if a.kind == "add_column":
                    self.order.setdefault(t, []).append(a.column)
            if a.kind == "add_index" and a.constraint == "fulltext":
                self.fulltext.add(t)
        if st.kind == "create_index" and st.detail.get("method") == "fulltext":
            self.fulltext.add(t)


def annotate_mysql(script: Script, context: Script | None = None) -> None:
    cols = _Columns()
    for st in context.stmts if context else ():
        cols.after(st)
    for st in script.stmts:
        verdicts: list[Verdict] = []
        if st.kind == "alter_table":
            verdicts = [alter_verdict(a, st, script, cols) for a in st.actions]
        elif st.kind == "create_index":
            a = Action("add_index", constraint=str(st.detail.get("method") or "index"))
            verdicts = [alter_verdict(a, st, script, cols)]
        elif st.kind == "drop_index":
            verdicts = [Verdict("NOCOPY" if script.engine == "mariadb" else "INPLACE", "NONE", False,
                                "dropping a secondary index only changes metadata")]
        elif st.kind == "rename_table":
            verdicts = [Verdict("INSTANT", "NONE", False, "metadata only")]
        if verdicts:
            algo = max((v.algorithm for v in verdicts), key=ORDER.index)
            lock = max((v.lock for v in verdicts), key=LOCKS.index)
            st.detail.update(algorithm=algo, lock=lock, verdicts=[v.__dict__ for v in verdicts])
            st.rewrite = any(v.rebuild for v in verdicts)
            st.scan = st.rewrite or any(a.kind == "add_index" for a in st.actions) or st.kind == "create_index"
            t = st.table or ""
            st.locks.append(LockFact(t, "MDL exclusive (brief, at start and end)", "table",
                                     "every ALTER upgrades its metadata lock to exclusive to swap definitions"))
            dml = {"NONE": "concurrent reads and writes allowed", "SHARED": "writes blocked for the whole build",
                   "EXCLUSIVE": "reads and writes blocked for the whole build"}[lock]
            st.locks.append(LockFact(t, f"LOCK={lock} ({dml})", "table", f"ALGORITHM={algo}"))
            for a in st.actions:
                if a.ref_table:
                    st.locks.append(LockFact(a.ref_table, "MDL shared read", "table", "the referenced table"))
        elif st.kind in ("update", "delete", "insert"):
            st.locks.append(LockFact(st.table or "", "row locks (InnoDB)", "table"))
            st.scan = st.kind != "insert"
        elif st.kind in ("drop_table", "truncate"):
            st.locks.append(LockFact(st.table or "", "MDL exclusive", "table"))
        cols.after(st)


def _v(script: Script, mariadb_min: tuple[int, ...], mysql_min: tuple[int, ...]) -> bool:
    return script.version >= (mariadb_min if script.engine == "mariadb" else mysql_min)


def alter_verdict(a: Action, st: Stmt, script: Script, cols: _Columns) -> Verdict:
    t = st.table or ""
    maria = script.engine == "mariadb"
    if a.kind == "add_column":
        if a.identity:
            return Verdict("COPY" if not maria else "INPLACE", "SHARED", True,
                           "an AUTO_INCREMENT column must be filled for every row")
        if a.generated_stored:
            return Verdict("COPY", "SHARED", True, "a STORED generated column is computed for every row")
        if a.constraint in ("primary", "unique"):
            return Verdict("INPLACE", "NONE", a.constraint == "primary", "adds an index")
        last = a.position is None
        if (last and _v(script, (10, 3), (8, 0, 12))) or _v(script, (10, 4), (8, 0, 29)):
            if t in cols.fulltext and maria:
                return Verdict("INPLACE", "NONE", True, "a table with a FULLTEXT index cannot add columns instantly")
            return Verdict("INSTANT", "NONE", False, "instant ADD COLUMN" + ("" if last else " at any position"))
        return Verdict("INPLACE", "NONE", True,
                       "ADD COLUMN not last (FIRST/AFTER) is instant only from MariaDB 10.4 / MySQL 8.0.29"
                       if not last else "this version cannot add a column instantly")
    if a.kind == "drop_column":
        if _v(script, (10, 4), (8, 0, 29)):
            return Verdict("INSTANT", "NONE", False, "instant DROP COLUMN")
        return Verdict("INPLACE", "NONE", True,
                       "DROP COLUMN is instant only from MariaDB 10.4 / MySQL 8.0.29: this version rebuilds the table")
    if a.kind == "rename_column":
        return Verdict("INSTANT", "NONE", False, "rename only changes metadata")
    if a.kind in ("set_default", "drop_default"):
        return Verdict("INSTANT", "NONE", False, "the default lives in the table definition")
    if a.kind == "alter_type":
        old = cols.cols.get((t, a.extra.get("renamed_from") or a.column or ""))
        return _modify_verdict(old, a, script)
    if a.kind == "add_index":
        kind = (a.constraint or "index").lower()
        if kind == "fulltext":
            rebuild = t not in cols.fulltext
            return Verdict("INPLACE", "SHARED", rebuild,
                           "FULLTEXT builds block writes" + ("; the first one rebuilds the table to add FTS_DOC_ID"
                                                             if rebuild else ""))
        if kind == "spatial":
            return Verdict("INPLACE", "SHARED", False, "SPATIAL index builds block writes")
        if kind == "primary":
            return Verdict("INPLACE", "NONE", True, "a new clustered index rebuilds the table")
        return Verdict("NOCOPY" if maria else "INPLACE", "NONE", False, "secondary index built online")
    if a.kind == "drop_primary":
        return Verdict("COPY", "SHARED", True, "dropping the PRIMARY KEY without adding one copies the table")
    if a.kind == "drop_index":
        return Verdict("NOCOPY" if maria else "INPLACE", "NONE", False, "metadata only")
    if a.kind == "add_constraint" and a.constraint == "foreign":
        return Verdict("COPY", "SHARED", True,
                       "with foreign_key_checks=1 adding a FOREIGN KEY copies the table (INPLACE only when "
                       "foreign_key_checks=0, which skips validation)")
    if a.kind == "add_constraint" and a.constraint == "check":
        return Verdict("COPY", "SHARED", True, "a CHECK constraint is validated by copying the table")
    if a.kind == "drop_constraint":
        return Verdict("INPLACE" if not maria else "NOCOPY", "NONE", False, "metadata only")
    if a.kind == "rename_table":
        return Verdict("INSTANT", "NONE", False, "metadata only")
    return Verdict("COPY", "SHARED", True, "not known to be online: assume a table copy")


def _modify_verdict(old: Action | None, new: Action, script: Script) -> Verdict:
    if old is None:
        return Verdict("COPY", "SHARED", True,
                       "the current column definition is unknown: MODIFY may copy the table (give --schema)")
    if old.type_name == new.type_name == "varchar":
        o, n = (old.typmods or (1,))[0], (new.typmods or (1,))[0]
        cs = new.extra.get("charset") or old.extra.get("charset") or "utf8mb4"
        if n < o:
            return Verdict("COPY", "SHARED", True, "shrinking a VARCHAR copies and checks every row")
        if varchar_length_bytes(o, cs) != varchar_length_bytes(n, cs):
            return Verdict("COPY", "SHARED", True,
                           f"VARCHAR({o})→VARCHAR({n}) in {cs} crosses the 255-byte boundary: the length prefix "
                           "grows from 1 to 2 bytes, so every row is copied")
        if old.not_null != new.not_null:
            return Verdict("INPLACE", "NONE", True, "changing NULL/NOT NULL rebuilds the table")
        return Verdict("INSTANT" if script.engine == "mariadb" and script.version >= (10, 4) else "INPLACE",
                       "NONE", False, "extending a VARCHAR within the same length-byte size is metadata only")
    if old.type_name == new.type_name and old.type_name in ("enum", "set"):
        om, nm = old.extra.get("members", []), new.extra.get("members", [])
        limit = 255 if old.type_name == "enum" else 8
        if nm[:len(om)] == om and (len(nm) <= limit or len(om) > limit):
            return Verdict("INSTANT", "NONE", False, f"appending {old.type_name.upper()} members at the end is metadata only")
        return Verdict("COPY", "SHARED", True,
                       f"reordering, removing or inserting {old.type_name.upper()} members (or crossing the storage size) "
                       "renumbers stored values: the table is copied")
    if old.type_name == new.type_name and old.typmods == new.typmods:
        if old.not_null != new.not_null:
            return Verdict("INPLACE", "NONE", True, "changing NULL/NOT NULL rebuilds the table")
        return Verdict("INSTANT", "NONE", False, "same type: metadata only")
    return Verdict("COPY", "SHARED", True, f"changing {old.type_name} to {new.type_name} copies the table")
