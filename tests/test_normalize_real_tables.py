"""Real-table defects of profile/normalize: empty columns in keys, list columns, --write-spec crashes."""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from dbwright.api import normalize
from dbwright.cli.main import app
from dbwright.spec import load_spec


def _posts(path: Path) -> str:
    """A blog table as found in the wild: six never-used columns, a tag list in one text column."""
    conn = sqlite3.connect(path)
    conn.execute("create table posts (id integer primary key, author_id int, author_name text, author_email text, "
                 "title text, tags text, legacy1 text, legacy2 text, legacy3 text, fax text, old_flag text, "
                 "spare text, created_at text)")
    rnd = random.Random(5)
    tags = ["python", "sql", "rust", "go", "web", "db"]
    for i in range(1, 301):
        a = rnd.randint(1, 20)
        conn.execute("insert into posts values (?, ?, ?, ?, ?, ?, null, null, null, null, null, null, ?)",
                     (i, a, f"author {a}", f"a{a}@example.org", f"title {i}", ",".join(rnd.sample(tags, rnd.randint(1, 3))),
                      f"2025-02-{1 + i % 28:02d}T09:00:00"))
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def test_normalize_sets_empty_columns_aside_and_reports_the_list(tmp_path: Path) -> None:
    url = _posts(tmp_path / "blog.db")
    r = normalize(url, table="posts", engines=("sqlite",))
    plan = r["tables"][0]
    assert all(len(k) == 1 for k in plan["candidate_keys"])  # not a key of six all-NULL columns
    assert plan["lossless"] is True
    codes = {f["code"]: f for f in plan["findings"]}
    assert "NORM002" not in codes
    assert "legacy1" in codes["NORM006"]["message"] and "fax" in codes["NORM006"]["message"]
    assert "tags" in codes["NORM005"]["message"]
    child = plan["list_columns"]["tags"]
    assert child["separator"] == "," and "CREATE TABLE posts_tags" in child["ddl"] and "string_to_array" in child["fill"]
    assert {t["name"] for t in plan["tables"]} >= {"authors"}


def test_profile_write_spec_from_a_database_table(tmp_path: Path) -> None:
    url = _posts(tmp_path / "blog.db")
    spec = tmp_path / "spec.yaml"
    res = CliRunner().invoke(app, ["profile", url, "--table", "posts", "--write-spec", str(spec)])
    assert res.exit_code == 0, res.output
    assert spec.stat().st_size > 0
    loaded = load_spec(spec)
    assert loaded.ok, [str(f) for f in loaded.findings]
    from dbwright.api.design import design_context

    assert loaded.spec is not None
    design, _ = design_context(loaded.spec, loaded)
    assert not [f for f in design.all_findings() if f.severity.value == "error"]


def test_write_spec_failure_leaves_the_file_untouched(tmp_path: Path) -> None:
    from dbwright.api.normalize import write_spec_fds

    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 1\nproject: p\nentities:\n  A:\n    attributes: {x: int}\n")
    before = spec.read_text()
    bad = {"table": "t", "columns": [{"name": object(), "type": "int", "nulls": 0}], "fds": []}
    with contextlib.suppress(Exception):
        write_spec_fds(bad, spec)
    assert spec.read_text() == before
