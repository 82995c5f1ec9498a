"""inspect on real engines: DSNs (read-only), pg_dump and mysqldump files, SQLite files; the spec it
writes validates and designs; ERDs stay under Mermaid's cap; relations carry their evidence."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dbwright.api import inspect_database
from dbwright.inspect.source import pg_read_only, read_database
from dbwright.render.mermaid import MERMAID_MAX_TEXT
from dbwright.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "corpora" / "schemas"
CHINOOK_PG = SCHEMAS / "chinook" / "Chinook_PostgreSql.sql"


def _tool(name: str) -> str:
    found = shutil.which(name) or next((str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        pytest.skip(f"{name} not installed")
    return found


@pytest.fixture(scope="module")
def chinook_db(pg_cluster: Any) -> str:
    """Chinook loaded with psql into its own database of the session cluster; returns the DSN."""
    pg_cluster.create_database("chinook_src")
    text = CHINOOK_PG.read_text(encoding="utf-8")
    body = text[text.index("\\c chinook;") + len("\\c chinook;"):]
    psql = _tool("psql")
    subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", "-d", pg_cluster.dsn("chinook_src")], input=body.encode(),
                   check=True, capture_output=True)
    with pg_cluster.connect("chinook_src") as conn:
        conn.execute("ANALYZE")
    return pg_cluster.dsn("chinook_src")


def test_dsn_is_read_only(chinook_db: str) -> None:
    import psycopg

    with pg_read_only(chinook_db) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TABLE should_not_exist (x int)")


def test_inspect_dsn_chinook(chinook_db: str, pg_cluster: Any, tmp_path: Path) -> None:
    r = inspect_database(chinook_db, tmp_path / "out", cluster=pg_cluster)
    s = r.summary()
    assert s["tables"] == 11 and s["declared_foreign_keys"] == 11
    assert not r.findings, [str(f) for f in r.findings]
    names = {p.name for p in r.files}
    assert {"README.md", "spec.yaml", "inspect.json", "public.mmd", "public.track.md"} <= names
    track = (tmp_path / "out" / "tables" / "public.track.md").read_text()
    assert "album_id" in track and "[public.album](public.album.md)" in track and "```mermaid" in track
    # row counts come from the statistics (reltuples after ANALYZE)
    assert r.database.tables["public.track"].rows == 3503
    assert "password" not in r.spec_yaml and "password" not in (tmp_path / "out" / "inspect.json").read_text()


def test_spec_validates_and_designs_on_engines(chinook_db: str, pg_cluster: Any, tmp_path: Path) -> None:
    from dbwright.api import DesignOptions, design

    r = inspect_database(chinook_db, tmp_path / "out", cluster=pg_cluster)
    loaded = load_spec(tmp_path / "out" / "spec.yaml")
    assert loaded.ok, [str(f) for f in loaded.findings]
    assert loaded.spec is not None and loaded.spec.entities["Track"].table == "track"
    res = design(tmp_path / "out" / "spec.yaml", tmp_path / "design",
                 DesignOptions(engines=("sqlite", "postgresql"), sandboxes={"postgresql": pg_cluster}))
    errors = [str(f) for f in res.design.all_findings() if f.severity.value == "error"]
    assert not errors, errors
    ddl = (tmp_path / "design" / "schema.postgresql.sql").read_text()
    # the design keeps the database's own names and keys
    assert "CREATE TABLE track" in ddl and "track_id" in ddl and "album_id" in ddl
    assert r.spec["entities"]["Track"]["attributes"]["album_id"].startswith("ref Album")


def test_pg_dump_output_with_restrict_lines(chinook_db: str, pg_cluster: Any, tmp_path: Path) -> None:
    dump = tmp_path / "chinook.dump.sql"
    subprocess.run([_tool("pg_dump"), "-d", pg_cluster.dsn("chinook_src"), "-f", str(dump)],
                   check=True, capture_output=True)
    text = dump.read_text()
    assert "SELECT pg_catalog.set_config('search_path', '', false);" in text
    db = read_database(str(dump), cluster=pg_cluster)
    assert not db.extra["load_errors"], db.extra["load_errors"]
    assert len(db.base_tables()) == 11 and sum(len(t.foreign_keys) for t in db.base_tables()) == 11
    assert db.tables["public.track"].rows == 3503  # COPY blocks loaded
    if "\\restrict" in text:  # pg_dump ≥ 15.14 guards its output with \restrict … \unrestrict
        assert any("\\restrict" in n for n in db.notes)
    fk = next(f for f in db.tables["public.track"].foreign_keys if f.ref_table == "album")
    assert (fk.line is not None and "album" in text.splitlines()[fk.line - 1].lower()) or fk.line


def test_psql_script_meta_commands_understood_or_named(pg_cluster: Any, tmp_path: Path) -> None:
    script = tmp_path / "s.sql"
    script.write_text("\\set ON_ERROR_STOP on\n\\pset pager off\nCREATE TABLE a (id int PRIMARY KEY);\n"
                      "\\copy a from stdin\n1\n2\n\\.\nCREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);\n"
                      "\\echo done\n")
    db = read_database(str(script), cluster=pg_cluster)
    assert set(db.tables) == {"public.a", "public.b"}  # no statement swallowed by a meta-command
    assert db.tables["public.a"].rows == 2
    joined = " ".join(db.notes)
    assert "\\set" in joined and "\\pset" in joined and "\\echo" in joined
    assert db.tables["public.b"].line == 8 and db.tables["public.b"].column("a_id").line == 8


def test_rejected_statement_is_an_error_at_its_line(pg_cluster: Any, tmp_path: Path) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int REFERENCES missing);\n")
    r = inspect_database(str(script), cluster=pg_cluster)
    assert r.has_errors
    f = next(f for f in r.findings if f.code == "INS001")
    assert f.location.line == 2 and "missing" in f.message


def test_schema_filters_and_multiple_schemas(pg_cluster: Any, tmp_path: Path) -> None:
    script = tmp_path / "multi.sql"
    script.write_text("CREATE SCHEMA sales; CREATE SCHEMA sales_archive; CREATE SCHEMA hr;\n"
                      "CREATE TABLE hr.employee (id int PRIMARY KEY);\n"
                      "CREATE TABLE sales.orders (id int PRIMARY KEY, employee_id int REFERENCES hr.employee);\n"
                      "CREATE TABLE sales_archive.orders (id int PRIMARY KEY);\n")
    db = read_database(str(script), cluster=pg_cluster)
    assert set(db.tables) == {"hr.employee", "sales.orders", "sales_archive.orders"}
    db2 = read_database(str(script), schemas=["sales*"], exclude=["*archive"], cluster=pg_cluster)
    assert set(db2.tables) == {"sales.orders"}
    r = inspect_database(str(script), tmp_path / "out", cluster=pg_cluster)
    assert set(r.spec["entities"]) == {"Employee", "SalesOrders", "SalesArchiveOrders"}
    assert r.spec["entities"]["SalesOrders"]["subject_area"] == "sales"
    assert {"hr", "sales", "sales_archive"} <= set(r.erds)


def test_mysqldump_output_and_mariadb_dsn(maria: Any, tmp_path: Path) -> None:
    maria.create_database("chinook_m")
    client = shutil.which("mariadb") or shutil.which("mysql")
    assert client
    text = (SCHEMAS / "chinook" / "Chinook_MySql.sql").read_text(encoding="utf-8")
    body = text.replace("`Chinook`", "`chinook_m`")
    subprocess.run([client, f"--socket={maria.sock}", "-uroot"], input=body.encode(), check=True, capture_output=True)
    db = read_database(maria.url("chinook_m"))
    assert len(db.base_tables()) == 11 and sum(len(t.foreign_keys) for t in db.base_tables()) == 11
    dump = tmp_path / "chinook.mysqldump.sql"
    dumper = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    assert dumper
    with dump.open("wb") as fh:
        subprocess.run([dumper, f"--socket={maria.sock}", "-uroot", "--routines", "--triggers", "chinook_m"],
                       stdout=fh, check=True)
    fromfile = read_database(str(dump), maria=maria)
    assert not fromfile.extra["load_errors"]
    assert {t.name for t in fromfile.base_tables()} == {t.name for t in db.base_tables()}
    assert all(t.line for t in fromfile.base_tables())


def test_mariadb_tables_differing_only_in_case_keep_their_own_keys(maria: Any, tmp_path: Path) -> None:
    # information_schema compares names case-insensitively: `Ticket` must not get `ticket`'s key
    maria.create_database("helpdesk_m")
    for stmt in ("CREATE TABLE Ticket (TicketId int PRIMARY KEY, Title varchar(80))",
                 "CREATE TABLE ticket (ticket_id int PRIMARY KEY, queue_id int, UNIQUE KEY uq (queue_id))",
                 "CREATE TABLE Reply (ReplyId int PRIMARY KEY, TicketId int NOT NULL, "
                 "FOREIGN KEY (TicketId) REFERENCES Ticket (TicketId))"):
        maria.execute(stmt, "helpdesk_m")
    db = read_database(maria.url("helpdesk_m"))
    t = {x.name: x for x in db.base_tables()}
    assert t["Ticket"].primary_key == ["TicketId"] and t["ticket"].primary_key == ["ticket_id"]
    assert not t["Ticket"].uniques and [u.columns for u in t["ticket"].uniques] == [["queue_id"]]
    assert [fk.columns for fk in t["Reply"].foreign_keys] == [["TicketId"]]
    inspect_database(maria.url("helpdesk_m"), tmp_path / "out")
    assert load_spec(tmp_path / "out" / "spec.yaml").ok


def test_sqlite_file_opened_read_only(tmp_path: Path) -> None:
    path = tmp_path / "chinook.db"
    conn = sqlite3.connect(path)
    conn.executescript((SCHEMAS / "chinook" / "Chinook_Sqlite.sql").read_text(encoding="utf-8"))
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    r = inspect_database(f"sqlite:///{path}", tmp_path / "out")
    assert r.summary()["tables"] == 11 and r.summary()["declared_foreign_keys"] == 11
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob("chinook.db-*"))  # no journal written
    assert load_spec(tmp_path / "out" / "spec.yaml").ok


def _wide_schema(n: int) -> str:
    lines = []
    for i in range(n):
        cols = ["id bigint PRIMARY KEY"] + [f"attribute_number_{k} varchar(200)" for k in range(8)]
        if i:
            cols.append(f"parent_{i}_id bigint REFERENCES t{(i * 7) % i}")
            cols.append(f"other_{i}_id bigint REFERENCES t{i // 2}")
        lines.append(f"CREATE TABLE t{i} ({', '.join(cols)});")
    return "\n".join(lines)


def test_erds_split_by_communities_under_the_cap(pg_cluster: Any, tmp_path: Path) -> None:
    script = tmp_path / "big.sql"
    script.write_text(_wide_schema(260))
    r = inspect_database(str(script), tmp_path / "out", cluster=pg_cluster)
    assert len(r.erds) > 1 and "public" not in r.erds  # one diagram would exceed the cap
    assert all(len(text) <= MERMAID_MAX_TEXT for text in r.erds.values())
    drawn = set()
    for text in r.erds.values():
        drawn |= {line.split()[0] for line in text.splitlines() if line.endswith("{")}
    assert {f"t{i}" for i in range(260)} <= drawn  # every table, under its own name


def test_inferred_relations_carry_evidence(pg_cluster: Any, tmp_path: Path) -> None:
    script = tmp_path / "rel.sql"
    script.write_text("CREATE TABLE artist (artist_id int PRIMARY KEY);\n"
                      "CREATE TABLE album (album_id int PRIMARY KEY, artist_id int, title text);\n"
                      "CREATE TABLE label (id int PRIMARY KEY);\n"
                      "CREATE TABLE release (id int PRIMARY KEY, label_id int, notes text);\n"
                      "COMMENT ON COLUMN release.notes IS 'free text';\n"
                      "INSERT INTO artist SELECT g FROM generate_series(1, 30) g;\n"
                      "INSERT INTO album SELECT g, 1 + g % 30, 't' FROM generate_series(1, 90) g;\n")
    r = inspect_database(str(script), cluster=pg_cluster, sample_rows=1000)
    rels = {(x.table, x.columns[0]): x for x in r.relations}
    a = rels[("public.album", "artist_id")]
    assert not a.declared and a.confidence == "high" and a.ref_table == "public.artist"
    assert {"naming", "type", "inclusion"} <= set(a.kinds)
    lab = rels[("public.release", "label_id")]
    assert lab.ref_table == "public.label" and "inclusion" not in lab.kinds  # no rows: no data evidence
