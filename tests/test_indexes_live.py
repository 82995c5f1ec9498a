"""`indexes --dsn` on a live multi-schema database (issue 13, item 6), rule-based fallback (no HypoPG).

A fresh library-loans schema split over two schemas, with the index kinds a real database has: a
primary key, an index backing a foreign key, a hash index, a GIN index, a duplicate pair and an
index nobody scans — on a database whose statistics were never reset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dbwright.api import advise_indexes
from dbwright.cli.main import app

WORKLOAD = """-- name: by_member
-- weight: 40
SELECT l.id, b.title FROM lending.loan l JOIN book b ON b.id = l.book_id WHERE l.member_id = 17 ORDER BY l.due DESC;
-- name: by_state
-- weight: 30
SELECT * FROM lending.loan WHERE state = 'late';
-- name: window
SELECT count(*) FROM lending.loan WHERE due BETWEEN '2026-01-01' AND '2026-01-08';
-- name: isbn
-- weight: 5
SELECT * FROM book WHERE isbn = '978-3';
"""


@pytest.fixture(scope="module")
def library(pg_cluster, tmp_path_factory) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    db = "library_live"
    pg_cluster.create_database(db)
    with pg_cluster.connect(db) as c:
        c.execute("CREATE TABLE book (id int PRIMARY KEY, isbn text, title text)")
        c.execute("CREATE SCHEMA lending")
        c.execute("CREATE TABLE lending.loan (id int PRIMARY KEY, book_id int REFERENCES book, member_id int, "
                  "state text, due date, tags text[])")
        c.execute("INSERT INTO book SELECT g, '978-' || g, 't' || g FROM generate_series(1, 20000) g")
        c.execute("INSERT INTO lending.loan SELECT g, 1 + g % 20000, 1 + g % 5000, "
                  "(ARRAY['open','late','back','back','back'])[1 + g % 5], date '2025-01-01' + g % 700, "
                  "ARRAY['t' || (g % 9)] FROM generate_series(1, 60000) g")
        c.execute("CREATE INDEX loan_book ON lending.loan (book_id)")  # backs the foreign key
        c.execute("CREATE INDEX loan_state ON lending.loan USING hash (state)")
        c.execute("CREATE INDEX loan_tags ON lending.loan USING gin (tags)")
        c.execute("CREATE INDEX loan_due ON lending.loan (due)")
        c.execute("CREATE INDEX loan_due_copy ON lending.loan (due)")
        c.execute("CREATE INDEX loan_member_old ON lending.loan (member_id, id)")
        c.execute("ANALYZE")
    wl = tmp_path_factory.mktemp("library") / "workload.sql"
    wl.write_text(WORKLOAD)
    yield pg_cluster.dsn(db), wl
    pg_cluster.drop_database(db)


def _data(library: tuple[str, Path], **kw: Any) -> dict[str, Any]:
    dsn, wl = library
    return advise_indexes(dsn=dsn, workload=wl, budget_mb=50, **kw).section.data


@pytest.mark.postgresql
def test_every_schema_constraints_kept_and_no_unused_without_statistics_age(library) -> None:  # type: ignore[no-untyped-def]
    d = _data(library)
    assert d["proof"]["status"] == "skipped"  # no HypoPG in the database: the rule-based fallback
    tables = {r["table"] for r in (*d["picks"], *d["rejections"])}
    assert "lending.loan" in tables and "book" in tables
    dropped = {r["name"] for r in d["drops"]}
    assert "lending.loan_book" not in dropped and "lending.loan_pkey" not in dropped and "book_pkey" not in dropped
    assert "lending.loan_tags" not in dropped  # a GIN index is no duplicate of anything B-tree
    # one of the duplicate pair goes; nothing is dropped as unused: stats_reset is NULL
    assert len(dropped & {"lending.loan_due", "lending.loan_due_copy"}) == 1
    assert not any("never scanned" in r["reason"] for r in d["drops"])
    assert any("unused indexes are not reported" in p and "stats_reset is NULL" in p for p in d["problems"])
    # the hash index serves the equality lookup on state: no B-tree proposed for it
    assert not any(r["table"] == "lending.loan" and r["columns"] == ["state"] for r in d["picks"])
    assert any(r["columns"] == ["state"] and r["reason"] == "redundant" and "USING hash" in r["detail"]
               for r in d["rejections"])
    # an index named as already serving a candidate is never also dropped
    drop_keys = {(r["table"], tuple(r["columns"])) for r in d["drops"]}
    kept_keys = set()
    for r in d["rejections"]:
        if r["reason"] == "redundant" and r["detail"].startswith("existing index "):
            kept_keys.add(r["detail"][len("existing index "):].split(" already")[0])
    for name in dropped:
        assert not any(k.startswith(name.split(".")[-1]) for k in kept_keys)
    assert drop_keys  # the duplicate
    for r in d["drops"]:
        assert r["ddl"]["postgresql"].startswith("DROP INDEX CONCURRENTLY lending.")


@pytest.mark.postgresql
def test_schema_filter_and_young_statistics(library, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    d = _data(library, schemas=["public"])
    assert {r["table"] for r in (*d["picks"], *d["rejections"])} == {"book"}
    pg_cluster.execute("SELECT pg_stat_reset()", "library_live")
    d = _data(library)
    assert not any("never scanned" in r["reason"] for r in d["drops"])
    assert any("days ago" in p and "need at least 7 days" in p for p in d["problems"])
    r = CliRunner().invoke(app, ["indexes", "--dsn", library[0], "--workload", str(library[1]), "--schema", "nosuch"])
    assert r.exit_code == 2 and "no such schema" in r.output
