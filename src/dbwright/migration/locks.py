"""The static lock model: which locks a statement takes, on which relations, and whether it rewrites
or scans the table — per engine and version.

PostgreSQL facts follow ``AlterTableGetLockLevel`` and the "Explicit Locking" chapter, and are kept
equal to what ``verify.locks`` measures from ``pg_locks`` (tests/test_migration_locks.py). The
MySQL/MariaDB model is in :mod:`dbwright.migration.locks_mysql`.
"""

from __future__ import annotations

from dbwright.migration.facts import Action, LockFact, Script, Stmt

AE, SRE, SHARE, SUE, RE, RS, AS, EX = ("AccessExclusiveLock", "ShareRowExclusiveLock", "ShareLock",
                                       "ShareUpdateExclusiveLock", "RowExclusiveLock", "RowShareLock",
                                       "AccessShareLock", "ExclusiveLock")

# ALTER TABLE subcommand -> lock on the altered table (PostgreSQL ≥ 12 unless noted in _alter_lock).
_ALTER_LOCK = {
    "add_column": AE, "drop_column": AE, "alter_type": AE, "set_not_null": AE, "drop_not_null": AE,
    "set_default": AE, "drop_default": AE, "drop_constraint": AE, "validate_constraint": SUE,
    "set_statistics": SUE, "cluster_on": SUE, "set_reloptions": SUE, "enable_trigger": SRE,
    "disable_trigger": SRE, "enable_rls": AE, "disable_rls": AE, "add_identity": AE, "drop_identity": AE,
    "set_identity": AE, "replica_identity": AE, "set_logged": AE, "set_unlogged": AE,
    "set_tablespace": AE, "set_storage": AE, "change_owner": AE, "add_inherit": AE, "drop_inherit": AE,
    "drop_expression": AE, "set_access_method": AE, "alter_constraint": AE,
    # AlterTableGetLockLevel: per-column options (n_distinct…) and SET WITHOUT CLUSTER need only
    # SHARE UPDATE EXCLUSIVE; every ENABLE/DISABLE TRIGGER form blocks writes only
    "set_column_options": SUE, "drop_cluster": SUE, "set_compression": AE, "enable_rule": AE,
    "disable_rule": AE,
}
# reloptions.c: every table option takes SHARE UPDATE EXCLUSIVE except these (AlterTableGetRelOptionsLockLevel)
_AE_RELOPTIONS = {"user_catalog_table", "security_barrier", "security_invoker", "check_option"}
_LOCK_STMT_MODES = {1: AS, 2: RS, 3: RE, 4: SUE, 5: SHARE, 6: SRE, 7: EX, 8: AE}


def annotate(script: Script, context: Script | None = None) -> None:
    """Fill locks/rewrite/scan of every statement; ``context`` is the schema the script runs on."""
    if script.engine == "postgresql":
        known = KnownState()
        for st in context.stmts if context else ():
            known.after(st)
        for st in script.stmts:
            pg_locks(st, script.major, known)
            known.after(st)
    else:
        from dbwright.migration.locks_mysql import annotate_mysql

        annotate_mysql(script, context)


class KnownState:
    """What the schema context and the script so far established: column types, foreign keys,
    indexes, validated NOT NULL checks."""

    def __init__(self) -> None:
        self.not_null_checks: dict[str, set[str]] = {}
        self.fk_refs: dict[tuple[str, str], str] = {}
        self.types: dict[tuple[str, str], tuple[str, tuple[int, ...]]] = {}
        self.index_table: dict[str, str] = {}
        self.children: dict[str, set[str]] = {}  # referenced table -> tables with FKs to it
        self.fks: list[tuple[str, list[str], str, list[str] | None]] = []  # child, cols, parent, parent cols
        self.pks: dict[str, list[str]] = {}
        self.uniques: dict[str, list[list[str]]] = {}
        self.matview_sources: dict[str, list[str]] = {}

    def keys(self, table: str) -> list[list[str]]:
        """The primary key and unique column sets of ``table`` known so far."""
        return ([self.pks[table]] if self.pks.get(table) else []) + self.uniques.get(table, [])

    def fk_partners(self, table: str, column: str) -> set[str]:
        """Tables whose foreign keys involve ``table.column`` (either side)."""
        out = set()
        for child, cols, parent, pcols in self.fks:
            if child == table and column in cols and parent != table:
                out.add(parent)
            if parent == table and column in (pcols or self.pks.get(parent, [])) and child != table:
                out.add(child)
        return out

    def parents(self, table: str) -> set[str]:
        return {p for p, kids in self.children.items() if table in kids and p != table}

    def _fk(self, table: str, ref: str, name: str | None, column: str | None,
            cols: list[str] | None = None, ref_cols: list[str] | None = None) -> None:
        self.children.setdefault(ref, set()).add(table)
        self.fks.append((table, cols or ([column] if column else []), ref, ref_cols or None))
        self.fk_refs[(table, name or f"{table}_{column}_fkey")] = ref

    def after(self, st: Stmt) -> None:
        table = st.table or ""
        if st.kind == "create_table_as" and st.detail.get("matview"):
            self.matview_sources[table] = list(st.refs)
        if st.kind == "create_index" and st.detail.get("index"):
            self.index_table[str(st.detail["index"]).lower()] = table
            if st.detail.get("unique") and st.detail.get("columns"):
                self.uniques.setdefault(table, []).append(list(st.detail["columns"]))
        if st.kind == "create_table":
            self.index_table[f"{table}_pkey"] = table
            for a in st.actions:
                if a.constraint == "primary":
                    self.pks[table] = a.extra.get("columns") or ([a.column] if a.column else [])
                elif a.constraint == "unique":
                    self.uniques.setdefault(table, []).append(a.extra.get("columns") or [a.column or ""])
                if not a.not_valid:
                    for col in a.extra.get("not_null_cols") or ():
                        self.not_null_checks.setdefault(table, set()).add(col)
                if a.ref_table:
                    cols = a.extra.get("columns") or [a.column]
                    self._fk(table, a.ref_table, a.constraint_name, cols[0] if cols else None,
                             [c for c in cols if c], a.extra.get("ref_columns"))
        if st.kind == "rename_table" and st.actions:
            new = (st.actions[0].new_name or "").lower()
            for key in [k for k in self.types if k[0] == table]:
                self.types[(new, key[1])] = self.types[key]
        for a in st.actions:
            if st.kind == "alter_table" and a.ref_table and a.kind in ("add_column", "add_constraint"):
                cols = a.extra.get("columns") or [a.column]
                self._fk(table, a.ref_table, a.constraint_name, cols[0] if cols else None,
                         [c for c in cols if c], a.extra.get("ref_columns"))
            if a.kind in ("column", "add_column") and a.column and a.type_name:
                self.types[(table, a.column)] = (a.type_name, a.typmods)
            if a.kind == "alter_type" and a.column and a.type_name:
                self.types[(table, a.column)] = (a.type_name, a.typmods)
            if st.kind == "alter_table" and a.kind in ("add_constraint", "add_column"):
                for col in a.extra.get("not_null_cols") or ():
                    if not a.not_valid:
                        self.not_null_checks.setdefault(table, set()).add(col)
                    elif a.constraint_name:
                        self.not_null_checks.setdefault(table + "#pending", set()).add(
                            f"{a.constraint_name}={col}")
            if st.kind == "alter_table" and a.kind == "add_constraint" and a.constraint in ("primary", "unique") \
                    and a.extra.get("columns"):
                if a.constraint == "primary":
                    self.pks[table] = list(a.extra["columns"])
                else:
                    self.uniques.setdefault(table, []).append(list(a.extra["columns"]))
            if a.kind == "add_constraint" and a.constraint == "foreign" and a.constraint_name and a.ref_table:
                pass
            if a.kind == "validate_constraint" and a.constraint_name:
                for entry in self.not_null_checks.get(table + "#pending", set()):
                    name, col = entry.split("=", 1)
                    if name == a.constraint_name:
                        self.not_null_checks.setdefault(table, set()).add(col)


def pg_locks(st: Stmt, major: int, known: KnownState | None = None) -> None:
    """Fill ``st.locks``, ``st.rewrite`` and ``st.scan`` for PostgreSQL ``major``."""
    known = known or KnownState()
    t = st.table or ""

    def lock(rel: str, mode: str, kind: str = "table", why: str = "") -> None:
        st.locks.append(LockFact(rel, mode, kind, why))

    k = st.kind
    if k == "create_table":
        lock(t, AE, why="a new relation is locked by its creating transaction")
        for ref in sorted({r for r in st.refs if r and r != t}):
            if st.detail.get("partition_of"):
                lock(ref, AE, why="CREATE TABLE … PARTITION OF locks the parent")
            elif any(a.ref_table == ref for a in st.actions):
                lock(ref, SRE, why="a foreign key adds triggers on the referenced table")
            else:
                lock(ref, SUE if major >= 12 else AE, why="inheritance parent")
    elif k == "create_index":
        lock(t, SUE if st.concurrent else SHARE,
             why="CONCURRENTLY allows writes" if st.concurrent else "a plain index build blocks writes")
        st.scan = not st.detail.get("only")  # ON ONLY a partitioned table: a catalog entry, no build
        if st.detail.get("index") and not st.concurrent:
            lock(str(st.detail["index"]).lower(), AE, "index", why="the index being created")
    elif k == "drop_index":
        mode = SUE if st.concurrent else AE
        for obj in st.detail.get("objects", []):
            idx = obj.split(".")[-1]
            lock(idx, mode, "index")
            if idx in known.index_table:
                lock(known.index_table[idx], mode, why="the dropped index's table")
        st.table = known.index_table.get(t, None)
    elif k == "reindex":
        obj = st.detail.get("object")
        table_of = known.index_table.get(t) if obj == "index" else None
        if obj in ("index", "table"):
            if st.concurrent:
                lock(t, SUE, "index" if obj == "index" else "table")
                if table_of:
                    lock(table_of, SUE, why="the index's table: writes continue")
            elif obj == "index":
                lock(t, AE, "index", why="the index is rebuilt")
                if table_of:
                    lock(table_of, SHARE, why="the index's table: writes wait for the rebuild")
            else:
                lock(t, SHARE, why="REINDEX blocks writes, not reads, of the table")
        st.scan = True
    elif k == "alter_other" and st.detail.get("objtype") == "index" and any(
            a.kind == "attach_partition" for a in st.actions):
        # ATTACH PARTITION of an index: the partition's index exclusively, both tables for reading
        part = next(a.extra.get("partition") or "" for a in st.actions if a.kind == "attach_partition")
        lock(t, SUE, "index")
        lock(part, AE, "index", why="the attached index (a catalog update)")
        for idx in (part, t):
            if idx in known.index_table:
                lock(known.index_table[idx], AS, why="the index's table")
    elif k in ("alter_table", "alter_other"):
        _alter_table(st, major, known, lock)
    elif k in ("rename_column", "rename_table", "rename_constraint"):
        lock(t, AE)
    elif k == "rename_index":
        lock(t, SUE if major >= 12 else AE, "index")
    elif k == "drop_table":
        for obj in st.detail.get("objects", []):
            name = obj.split(".")[-1]
            lock(name, AE)
            for parent in sorted(known.parents(name)):
                lock(parent, AE, why="its foreign keys' triggers on the referenced table are dropped")
            if st.detail.get("cascade"):
                for child in sorted(known.children.get(name, set()) - {name}):
                    lock(child, AE, why="CASCADE drops the referencing foreign keys")
    elif k == "truncate":
        todo = list(st.detail.get("tables", []))
        seen: set[str] = set()
        while todo:
            tb = todo.pop(0)
            if tb in seen:
                continue
            seen.add(tb)
            lock(tb, AE, why="TRUNCATE swaps in a new empty file" if tb == t else "TRUNCATE … CASCADE")
            if st.detail.get("cascade"):
                todo.extend(sorted(known.children.get(tb, set())))
        st.rewrite = True
    elif k in ("vacuum_full", "cluster"):
        if t:
            lock(t, AE)
        st.rewrite = True
    elif k in ("vacuum", "analyze"):
        if t:
            lock(t, SUE)
    elif k == "lock_table":
        lock(t, _LOCK_STMT_MODES.get(int(st.detail.get("mode", 8)), AE))
    elif k in ("update", "delete", "insert", "merge"):
        lock(t, RE)
        pinned = set(st.detail.get("pinned") or ())
        keys = known.keys(t)
        # a WHERE pinning a whole key to constants touches at most a few rows; with no schema
        # context for the table, "id" is taken as its key
        if pinned and (any(set(k_) <= pinned for k_ in keys) or (not keys and "id" in pinned)):
            st.detail["point"] = True
        st.scan = k in ("update", "delete", "merge") and not st.detail.get("point")
    elif k == "create_trigger":
        lock(t, SRE)
    elif k == "drop_trigger":
        lock(t, AE)
    elif k in ("drop_view", "drop_matview"):
        for obj in st.detail.get("objects", []):
            lock(obj.split(".")[-1], AE, "view")
    elif k == "refresh_matview":
        lock(t, EX if st.concurrent else AE, "view",
             why="CONCURRENTLY allows reads" if st.concurrent else "reads wait for the whole refresh")
        for src in known.matview_sources.get(t, []):
            lock(src, AS, why="the query is re-run over its tables")
        st.scan = True
        st.rewrite = not st.concurrent  # a new heap is filled and swapped in
    elif k == "comment":
        if t:
            lock(t, SUE, why="COMMENT ON TABLE/COLUMN")
    elif k == "create_table_as":
        lock(t, AE, "view" if st.detail.get("matview") else "table")
        for src in st.refs:
            lock(src, AS, why="the query reads it")
    elif k == "rename_other" and st.detail.get("objtype") == "view":
        lock(t, AE, "view")


def _alter_table(st: Stmt, major: int, known: KnownState, lock) -> None:  # type: ignore[no-untyped-def]
    t = st.table or ""
    modes: list[str] = []
    for a in st.actions:
        mode = _alter_lock(a, major)
        modes.append(mode)
        if a.kind == "add_column":
            if add_column_rewrites(a, major):
                st.rewrite = True
            if a.not_null and not (a.default_sql or a.identity or a.serial or a.generated_stored):
                st.scan = True
            if a.constraint in ("primary", "unique"):
                st.scan = True
            if a.ref_table:
                lock(a.ref_table, SRE, why="the referenced table of the new foreign key")
        elif a.kind == "alter_type":
            old = known.types.get((t, a.column or ""))
            if old:
                a.extra["old_type"] = old[0] + (f"({','.join(map(str, old[1]))})" if old[1] else "")
            if type_change_rewrites(old, (a.type_name or "", a.typmods), a.using_expr, a.column):
                st.rewrite = True
            else:
                st.scan = st.scan or (old is None)
            for other in sorted(known.fk_partners(t, a.column or "")):
                lock(other, AE, why="the foreign key on this column is rebuilt and re-checked")
        elif a.kind == "set_not_null":
            if not (major >= 12 and a.column in known.not_null_checks.get(t, set())):
                st.scan = True
        elif a.kind == "add_constraint":
            if a.constraint == "foreign":
                lock(a.ref_table or "", SRE, why="the referenced table of the new foreign key")
            if (a.constraint in ("primary", "unique", "exclusion") and not a.using_index) or (a.constraint in ("check", "foreign") and not a.not_valid):
                st.scan = True
        elif a.kind == "validate_constraint":
            st.scan = True
            ref = known.fk_refs.get((t, a.constraint_name or ""))
            if ref:
                lock(ref, RS, why="VALIDATE of a foreign key reads the referenced table")
        elif a.kind == "drop_constraint":
            ref = known.fk_refs.get((t, a.constraint_name or ""))
            if ref:
                lock(ref, AE, why="dropping a foreign key removes triggers on the referenced table")
        elif a.kind == "attach_partition":
            part = a.extra.get("partition") or ""
            lock(part, AE, why="the table being attached")
            st.scan = True
        elif a.kind in ("detach_partition", "detach_partition_finalize"):
            part = a.extra.get("partition") or ""
            lock(part, SUE if a.concurrent or a.kind == "detach_partition_finalize" else AE,
                 why="the partition being detached")
        elif a.kind in ("set_logged", "set_unlogged", "set_tablespace", "set_access_method"):
            st.rewrite = True
    from dbwright.migration.facts import strongest

    top = strongest(modes)
    if top:
        st.locks.insert(0, LockFact(t, top, "index" if st.detail.get("objtype") == "index" else "table"))


def _alter_lock(a: Action, major: int) -> str:
    if a.kind == "add_constraint":
        if a.constraint == "foreign":
            return SRE
        return AE
    if a.kind == "attach_partition":
        return SUE if major >= 12 and not a.extra.get("default") else AE
    if a.kind in ("detach_partition",):
        return SUE if a.concurrent else AE
    if a.kind == "detach_partition_finalize":
        return SUE
    if a.kind == "set_reloptions" and _AE_RELOPTIONS & set(a.extra.get("options") or ()):
        return AE
    return _ALTER_LOCK.get(a.kind, AE)


def add_column_rewrites(a: Action, major: int) -> bool:
    """PostgreSQL ≥ 11 stores a non-volatile default in the catalog; anything computed per row rewrites."""
    if a.identity or a.serial or a.generated_stored:
        return True
    if a.default_sql is None or a.default_sql.upper() == "NULL":
        return False
    return major < 11 or a.default_volatile


# Binary-coercible changes PostgreSQL performs without a rewrite (catalog only, maybe a scan).
_BINARY_COMPATIBLE = {("varchar", "text"), ("text", "varchar"), ("bpchar", "text"), ("bpchar", "varchar"),
                      ("cidr", "inet"), ("xml", "text"), ("varchar", "citext"), ("text", "citext"),
                      ("citext", "text")}


def type_change_rewrites(old: tuple[str, tuple[int, ...]] | None, new: tuple[str, tuple[int, ...]],
                         using: str | None = None, column: str | None = None) -> bool:
    """Whether ``ALTER COLUMN … TYPE`` rewrites the table. Unknown old type: assume it does, unless
    the target is unbounded text-like (binary compatible from every string type)."""
    nt, nm = new
    if using and column:
        plain = using.replace('"', "").replace(" ", "").lower()
        if plain not in (column.lower(), f"{column.lower()}::{nt}", f"({column.lower()})::{nt}"):
            return not (old and old[0] == nt and not nm)
    if old is None:
        return not ((nt == "text") or (nt == "varchar" and not nm))
    ot, om = old
    if ot == nt:
        if nt in ("varchar", "bpchar"):
            if not nm:
                return False
            return (nt == "bpchar" and nm != om) or (bool(om) and nm[0] < om[0])
        if nt == "numeric":
            if not nm:
                return False
            if not om:
                return True
            same_scale = (om[1] if len(om) > 1 else 0) == (nm[1] if len(nm) > 1 else 0)
            return not (same_scale and nm[0] >= om[0])
        if nt in ("timestamp", "timestamptz", "time", "interval", "bit", "varbit"):
            return bool(nm) and (not om or nm[0] < om[0])
        return nm != om
    if (ot, nt) == ("timestamp", "timestamptz"):
        return False  # PostgreSQL ≥ 12 skips the rewrite when the session TimeZone is UTC
    if (ot, nt) in _BINARY_COMPATIBLE:
        return ot == "text" and nt == "varchar" and bool(nm)
    return not (ot == "varchar" and nt == "varchar")
