# mypy: disable-error-code="union-attr,arg-type,index,var-annotated"
# (pglast types every node field as Optional; the parser guarantees the ones read here.)
"""A DDL file (pg_dump / psql script, mysqldump, SQLite script) → a Database, through a real engine.

The choice: apply the file to a throwaway engine of its dialect and reflect the catalog, rather
than build the model from a parser's tree. The engine resolves what a parser would have to
re-implement (search_path, ``CREATE SCHEMA … CREATE TABLE``, inheritance, defaults and type
aliases as the engine normalizes them, ``ALTER TABLE … ADD CONSTRAINT`` later in the file), and
a statement the engine rejects is reported with its line instead of silently dropped. The
parser (pglast for PostgreSQL) is still used for what only the text has: each object's line, for
findings that point at ``file:line``.

psql meta-commands are understood (``\\connect``, ``\\copy … from stdin``) or skipped with a note
naming them (``\\restrict``, ``\\set``, ``\\pset``…); none swallows a statement (ddl.psql).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from dbwright.ddl.psql import Chunk, split_psql
from dbwright.model import DbwrightError
from dbwright.model.database import Database

# psql meta-commands that only change the client's display or variables: nothing to load
CLIENT_ONLY = {"set", "unset", "pset", "echo", "qecho", "warn", "timing", "encoding", "a", "t", "x", "h", "f",
               "o", "out", "prompt", "setenv", "conninfo", "restrict", "unrestrict", "if", "elif", "else",
               "endif", "q", "quit", "errverbose", "gset", "g", "gx", "gexec", "gdesc", "crosstabview", "watch"}


def detect_dialect(text: str) -> str:
    """postgresql | mysql | sqlite, from the markers each dialect's files carry."""
    head = text[:200_000]
    score = {"postgresql": 0, "mysql": 0, "sqlite": 0}
    marks = {
        "postgresql": [r"PostgreSQL database dump", r"^\\(restrict|connect|c)\b", r"pg_catalog\.", r"FROM stdin;",
                       r"::\w", r"\$\$", r"CREATE EXTENSION", r"search_path", r"\bSERIAL\b", r"\bbytea\b",
                       r"PostgreSql", r"\bOWNER TO\b", r"timestamp(tz| with(out)? time zone)"],
        "mysql": [r"MySQL dump", r"MariaDB dump", r"/\*!\d{5}", r"ENGINE\s*=", r"`\w+`", r"\bAUTO_INCREMENT\b",
                  r"^DELIMITER\b", r"\bMySql\b", r"\bUNSIGNED\b", r"LOCK TABLES"],
        "sqlite": [r"^PRAGMA\b", r"\bAUTOINCREMENT\b", r"BEGIN TRANSACTION;", r"\bSqlite\b", r"\bWITHOUT ROWID\b", r"\browid\b",
                   r"datetime\('now'\)", r"DB Server: Sqlite"],
    }
    for dialect, pats in marks.items():
        for p in pats:
            score[dialect] += len(re.findall(p, head, re.M | re.I)) and (3 if "dump" in p else 1)
    best = max(score, key=lambda k: score[k])
    return best if score[best] else "postgresql"


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# -- PostgreSQL ----------------------------------------------------------------------------------

def load_postgres_file(path: Path, text: str, cluster: Any, database: str, db: Database) -> str:
    """Apply a psql script to ``database`` of ``cluster``; returns the database it ended in
    (``\\connect`` may switch). Rejected statements and skipped meta-commands go to ``db.notes``
    and ``db.extra['load_errors']`` with their lines."""
    import psycopg

    script = split_psql(text)
    errors: list[dict[str, Any]] = []
    skipped: dict[str, list[int]] = defaultdict(list)
    current = database
    conn = cluster.connect(current)
    created_roles: set[str] = set()
    try:
        for ch in sorted(script.chunks, key=lambda c: c.offset):
            if ch.kind == "meta":
                current, conn = _meta(ch, cluster, current, conn, skipped, errors)
                continue
            _run(conn, ch, errors, created_roles, cluster)
        if script.unterminated:
            errors.append({"line": script.statements[-1].line, "statement": script.unterminated[:80],
                           "error": "no terminating ';': psql would not send it (it was run anyway)"})
        with contextlib.suppress(psycopg.Error):
            # statistics for the loaded tables only (a bare ANALYZE also scans every system catalog)
            rels = [r[0] for r in conn.execute(
                "select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on "
                "n.oid = c.relnamespace where c.relkind in ('r', 'p', 'm') and n.nspname not in "
                "('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'").fetchall()]
            if rels:
                conn.execute("ANALYZE " + ", ".join(rels))
    finally:
        conn.close()
    for name, lines in sorted(skipped.items()):
        shown = ", ".join(str(n) for n in lines[:5]) + (" …" if len(lines) > 5 else "")
        db.notes.append(f"psql meta-command \\{name} skipped (client-side only) at line(s) {shown}")
    db.extra["load_errors"] = errors
    if script.meta and not skipped:
        db.notes.append("psql meta-commands understood: " + ", ".join(sorted({"\\" + m.name for m in script.meta})))
    return current


def _meta(ch: Chunk, cluster: Any, current: str, conn: Any, skipped: dict[str, list[int]],
          errors: list[dict[str, Any]]) -> tuple[str, Any]:
    import psycopg

    if ch.name in ("c", "connect"):
        target = (ch.args.split() or [current])[0].rstrip(";").strip('"')
        if target in ("-", ""):
            return current, conn
        exists = cluster.scalar(f"select count(*) from pg_database where datname = '{target.replace(chr(39), '')}'")
        if not exists:
            errors.append({"line": ch.line, "statement": ch.text, "error": f"database {target} does not exist"})
            return current, conn
        conn.close()
        return target, cluster.connect(target)
    if ch.name == "copy" and ch.data is not None:
        sql = "COPY " + re.sub(r"\bpstdin\b", "stdin", ch.args, flags=re.I)
        try:
            with conn.cursor() as cur, cur.copy(sql) as cp:
                cp.write(ch.data)
        except psycopg.Error as exc:
            errors.append({"line": ch.line, "statement": ch.text[:80], "error": _first(exc)})
        return current, conn
    if ch.name == "copy":
        errors.append({"line": ch.line, "statement": ch.text[:80],
                       "error": "\\copy from a client file: the file is not part of the input, rows not loaded"})
        return current, conn
    if ch.name in ("i", "include", "ir", "include_relative"):
        errors.append({"line": ch.line, "statement": ch.text[:80],
                       "error": "\\i includes another file: not followed (give that file's content too)"})
        return current, conn
    skipped[ch.name].append(ch.line)
    return current, conn


def _first(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _run(conn: Any, ch: Chunk, errors: list[dict[str, Any]], created_roles: set[str], cluster: Any) -> None:
    import psycopg

    for _attempt in range(3):
        try:
            if ch.data is not None:
                with conn.cursor() as cur, cur.copy(ch.text.rstrip().rstrip(";")) as cp:
                    cp.write(ch.data)
            else:
                conn.execute(ch.text)
            return
        except psycopg.Error as exc:
            msg = _first(exc)
            role = re.search(r'role "([^"]+)" does not exist', msg)
            if role and role.group(1) not in created_roles:
                # the dump names its owners and grantees: create them (NOLOGIN) in the throwaway cluster
                created_roles.add(role.group(1))
                with contextlib.suppress(psycopg.Error):
                    cluster.execute(f'CREATE ROLE "{role.group(1)}" NOLOGIN')
                continue
            errors.append({"line": ch.line, "statement": " ".join(ch.text.split())[:100], "error": msg})
            return


def pg_locations(text: str, db: Database) -> None:
    """Lines of tables, columns, constraints and indexes, from pglast's locations."""
    import pglast
    from pglast import ast

    search_path = ["public"]
    fks: dict[tuple[str, str], int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for ch in split_psql(text).statements:
        if ch.data is not None and not ch.text.lower().startswith("copy"):
            continue
        try:
            stmts = pglast.parse_sql(ch.text)
        except Exception:
            continue
        raw = ch.text.encode("utf-8")

        def line_of(loc: int | None, ch: Chunk = ch, raw: bytes = raw) -> int:
            if loc is None or loc < 0:
                return ch.line
            return ch.line + raw[:loc].count(b"\n")

        for rs in stmts:
            node = rs.stmt
            if isinstance(node, ast.VariableSetStmt) and (node.name or "").lower() == "search_path" and node.args:
                search_path = [str(getattr(a.val, "sval", "") or "").strip() or "public"
                               for a in node.args if isinstance(a, ast.A_Const)] or search_path
            elif isinstance(node, ast.SelectStmt):
                m = re.search(r"set_config\('search_path',\s*'([^']*)'", ch.text)
                if m:
                    search_path = [s.strip() for s in m.group(1).split(",") if s.strip()] or ["public"]
            elif isinstance(node, ast.CreateStmt):
                key = _key(node.relation, search_path)
                t = db.tables.get(key)
                if t is None:
                    continue
                t.line = line_of(node.relation.location)
                for elt in node.tableElts or ():
                    if isinstance(elt, ast.ColumnDef):
                        col = t.column(elt.colname)
                        if col is not None:
                            col.line = line_of(elt.location)
                        for c in elt.constraints or ():
                            if c.contype == pglast.enums.ConstrType.CONSTR_FOREIGN:
                                fks[(key, elt.colname)] = line_of(c.location)
                    elif isinstance(elt, ast.Constraint):
                        _constraint_line(elt, key, line_of(elt.location), fks, by_name)
            elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
                key = _key(node.relation, search_path)
                for cmd in node.cmds or ():
                    if isinstance(cmd, ast.AlterTableCmd) and isinstance(cmd.def_, ast.Constraint):
                        _constraint_line(cmd.def_, key, line_of(node.relation.location), fks, by_name)
            elif isinstance(node, ast.IndexStmt) and node.idxname:
                key = _key(node.relation, search_path)
                by_name[(key, node.idxname)] = line_of(node.relation.location)
            elif isinstance(node, ast.ViewStmt):
                t = db.tables.get(_key(node.view, search_path))
                if t is not None:
                    t.line = line_of(node.view.location)
    _apply(db, fks, by_name)


def _key(rv: Any, search_path: list[str]) -> str:
    return f"{rv.schemaname or search_path[0]}.{rv.relname}"


def _constraint_line(c: Any, key: str, line: int, fks: dict[tuple[str, str], int],
                     by_name: dict[tuple[str, str], int]) -> None:
    import pglast

    if c.conname:
        by_name[(key, c.conname)] = line
    if c.contype == pglast.enums.ConstrType.CONSTR_FOREIGN:
        cols = ",".join(str(a.sval) for a in c.fk_attrs or ())
        fks[(key, cols)] = line


def _apply(db: Database, fks: dict[tuple[str, str], int], by_name: dict[tuple[str, str], int]) -> None:
    for t in db.tables.values():
        for fk in t.foreign_keys:
            fk.line = by_name.get((t.key, fk.name)) or fks.get((t.key, ",".join(fk.columns))) or t.line
        for ix in t.indexes:
            ix.line = by_name.get((t.key, ix.name)) or by_name.get((t.key, ix.constraint or "")) or t.line
        for u in t.uniques:
            u.line = by_name.get((t.key, u.name)) or t.line
        for ck in t.checks:
            ck.line = by_name.get((t.key, ck.name)) or t.line


# -- MySQL / MariaDB -----------------------------------------------------------------------------

def load_mysql_file(path: Path, maria: Any, database: str, db: Database) -> list[str]:
    """Load with the mariadb client (it runs DELIMITER blocks and /*! … */ sections as mysqldump
    meant); ``--force`` keeps going after a rejected statement, whose line the client reports."""
    client = shutil.which("mariadb") or shutil.which("mysql")
    if not client:
        raise DbwrightError("reading a MySQL/MariaDB DDL file needs the mariadb (or mysql) client: "
                            "install mariadb-client, or give a DSN")
    schemata = ("select schema_name from information_schema.schemata where schema_name not in "
                "('mysql', 'information_schema', 'performance_schema', 'sys')")
    before = {r[0] for r in maria_rows(maria, schemata)}
    maria.create_database(database)
    with open(path, "rb") as fh:
        proc = subprocess.run([client, f"--socket={maria.sock}", "-uroot", "--force", database], stdin=fh,
                              capture_output=True, timeout=600)
    errors = []
    for line in proc.stderr.decode(errors="replace").splitlines():
        m = re.match(r"ERROR (\d+) \(\w+\)(?: at line (\d+))?: (.*)", line)
        if m:
            errors.append({"line": int(m.group(2)) if m.group(2) else None, "statement": "",
                           "error": f"ERROR {m.group(1)}: {m.group(3)}"})
    db.extra["load_errors"] = errors
    # only what this file created (the instance may hold other databases: never read nor drop those)
    return sorted({r[0] for r in maria_rows(maria, schemata)} - before | {database})


def maria_rows(maria: Any, sql: str) -> list[tuple[Any, ...]]:
    conn = maria.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def text_locations(text: str, db: Database) -> None:
    """Lines of CREATE TABLE statements and their column lines, for dialects read without a parser
    tree (MySQL, SQLite): a table's block runs from its CREATE TABLE to the next statement."""
    lines = text.splitlines()
    names = {t.name.lower(): t for t in db.tables.values()}
    current = None
    for n, line in enumerate(lines, start=1):
        m = re.match(r"\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"(?:[`\"\[]?\w+[`\"\]]?\.)?[`\"\[]?(\w+)[`\"\]]?", line, re.I)
        if m:
            current = names.get(m.group(1).lower())
            if current is not None:
                current.line = n
            continue
        alter = re.match(r"\s*ALTER\s+TABLE\s+[`\"\[]?(\w+)[`\"\]]?\s+ADD\s+CONSTRAINT\s+[`\"\[]?(\w+)", line, re.I)
        if alter:
            current = None
            owner = names.get(alter.group(1).lower())
            for f in owner.foreign_keys if owner else []:
                if f.name == alter.group(2):
                    f.line = n
            continue
        if current is None:
            continue
        if re.match(r"\s*\)", line) and ";" in line:
            current = None
            continue
        c = re.match(r"\s*[`\"\[]?(\w+)[`\"\]]?\s+\w", line)
        if c:
            col = current.column(c.group(1))
            if col is not None and col.line is None:
                col.line = n
        fk = re.search(r"FOREIGN\s+KEY\s*\(([^)]*)\)", line, re.I)
        if fk:
            cols = [x.strip(" `\"[]") for x in fk.group(1).split(",")]
            for f in current.foreign_keys:
                if f.columns == cols and f.line is None:
                    f.line = n
    for t in db.tables.values():
        for f in t.foreign_keys:
            f.line = f.line or t.line
        for ix in t.indexes:
            ix.line = ix.line or t.line


# -- SQLite --------------------------------------------------------------------------------------

def load_sqlite_file(text: str, db: Database) -> tuple[str, tempfile.TemporaryDirectory[str]]:
    """Run the script statement by statement into a temporary database file; returns its path."""
    tmp = tempfile.TemporaryDirectory(prefix="dbwright-inspect-")
    path = os.path.join(tmp.name, "db.sqlite")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # our own throwaway file
    conn.execute("PRAGMA journal_mode = MEMORY")
    errors = []
    buf: list[str] = []
    start = 1
    try:
        for n, line in enumerate(text.splitlines(keepends=True), start=1):
            if not buf:
                if not line.strip():
                    continue
                start = n
            buf.append(line)
            stmt = "".join(buf)
            if sqlite3.complete_statement(stmt):
                buf = []
                try:
                    try:
                        conn.execute(stmt)
                    except sqlite3.ProgrammingError:  # several statements on one line
                        conn.executescript(stmt)
                except sqlite3.Error as exc:
                    errors.append({"line": start, "statement": " ".join(stmt.split())[:100], "error": str(exc)})
        if "".join(buf).strip():
            errors.append({"line": start, "statement": "".join(buf)[:100], "error": "incomplete statement at end"})
        with contextlib.suppress(sqlite3.Error):
            conn.execute("COMMIT")
    finally:
        conn.close()
    db.extra["load_errors"] = errors
    return path, tmp


def cleanup(tmp: Any) -> None:
    with contextlib.suppress(Exception):
        tmp.cleanup()
