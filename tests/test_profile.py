"""Profiling with Desbordante: mined FDs, ranking, keys, inclusion dependencies, sampling, DB tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from dbwright.api import DbwrightError, profile_data, write_spec_fds
from dbwright.inspect.profile import infer_type, profile, read_data
from dbwright.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
FLAT = EXAMPLES / "orders_flat.csv"


def _by_text(result: dict) -> dict[str, dict]:
    return {f["fd"]: f for f in result["fds"]}


def test_flat_orders_fds_are_mined_and_ranked() -> None:
    r = profile_data(str(FLAT), max_lhs=2)
    fds = _by_text(r)
    for likely in ("customer_id -> customer_name", "order_id -> order_date", "product_sku -> product_price",
                   "order_id -> customer_id"):
        assert fds[likely]["confidence"] == "likely", fds[likely]
    # a date in a composite left side is an accident of the sample
    assert fds["order_date,customer_id -> order_id"]["confidence"] != "likely"
    assert ["order_id", "line_no"] in r["unique_column_combinations"]
    assert r["rows_total"] == r["rows_sampled"] == 192 and not r["sampled"]
    assert r["engine"].startswith("desbordante 2.5")
    assert set(r["timings_s"]) >= {"hyfd", "hyucc", "spider"}


def test_sampling_is_reported(tmp_path: Path) -> None:
    r = profile_data(str(FLAT), max_lhs=1, sample=50)
    assert r["rows_total"] == 192 and r["rows_sampled"] == 50 and r["sampled"]


def test_approximate_fds_with_error_threshold(tmp_path: Path) -> None:
    path = tmp_path / "dirty.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["zip", "city", "n"])
        for i in range(100):
            w.writerow([f"Z{i % 10}", f"C{i % 10}" if i != 7 else "typo", i])
    exact = _by_text(profile_data(str(path), max_lhs=1))
    assert "zip -> city" not in exact
    approx = _by_text(profile_data(str(path), max_lhs=1, error=0.05))
    assert 0 < approx["zip -> city"]["error"] <= 0.05
    assert "approximate" in " ".join(approx["zip -> city"]["reasons"])


def test_json_lines_are_flattened(tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "dept": {"code": f"D{i % 3}", "name": f"Dept {i % 3}"}})
                              for i in range(30)) + "\n")
    fds = _by_text(profile_data(str(path), max_lhs=1))
    assert "dept_code -> dept_name" in fds and fds["dept_code -> dept_name"]["confidence"] == "likely"


def test_inclusion_dependency_found(tmp_path: Path) -> None:
    path = tmp_path / "emp.csv"
    path.write_text("emp_id,manager_id\n1,\n2,1\n3,1\n4,2\n5,2\n")
    inds = profile_data(str(path))["inclusion_dependencies"]
    assert any(i["dependent"] == "emp(manager_id)" and i["referenced"] == "emp(emp_id)" for i in inds)


def test_live_sqlite_table_read_only_and_sampled(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    eng = sa.create_engine(f"sqlite:///{db}")
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (k INTEGER, grp TEXT, label TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES " + ",".join(f"({i}, 'g{i % 4}', 'L{i % 4}')" for i in range(500)))
    eng.dispose()
    t = read_data(f"sqlite:///{db}", "t", sample=100)
    assert t.total_rows == 500 and len(t.rows) == 100
    p = profile(f"sqlite:///{db}", "t", max_lhs=1, sample=100)
    assert any(f.text == "grp -> label" for f in p.fds)
    with pytest.raises(DbwrightError, match="needs --table"):
        read_data(f"sqlite:///{db}")
    with pytest.raises(DbwrightError, match="not found"):
        read_data(f"sqlite:///{db}", "nope")


def test_live_postgresql_table(pg_cluster, pg_db: str) -> None:
    pg_cluster.execute("CREATE TABLE city (zip text, city text, pop int)", pg_db)
    pg_cluster.execute("INSERT INTO city SELECT 'Z' || (i % 20), 'C' || (i % 20), i FROM generate_series(1, 300) i",
                       pg_db)
    p = profile(pg_cluster.url(pg_db), "city", max_lhs=1, sample=200)
    assert p.table.total_rows == 300 and len(p.table.rows) == 200
    assert any(f.text == "zip -> city" for f in p.fds)


def test_write_spec_creates_valid_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    r = profile_data(str(FLAT), max_lhs=2)
    written = write_spec_fds(r, spec)
    assert written["entity"] == "OrdersFlat" and written["added"]
    loaded = load_spec(spec)
    assert loaded.spec is not None, [str(f) for f in loaded.findings]
    assert "customer_id -> customer_name, customer_email, customer_city" in \
        loaded.spec.entities["OrdersFlat"].functional_dependencies
    again = write_spec_fds(r, spec)
    assert again["added"] == []


def test_infer_type() -> None:
    assert infer_type(["1", "2", None]) == "int"
    assert infer_type(["1", "2.5"]) == "float"
    assert infer_type(["2025-01-01"]) == "date"
    assert infer_type(["2025-01-01T10:00:00"]) == "timestamp"
    assert infer_type(["x", "1"]) == "text"


def test_bad_inputs_are_clear(tmp_path: Path) -> None:
    with pytest.raises(DbwrightError, match="no such file"):
        profile_data(str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2,3\n")
    with pytest.raises(DbwrightError, match="3 fields"):
        profile_data(str(bad))
    with pytest.raises(DbwrightError, match="max-lhs"):
        profile_data(str(FLAT), max_lhs=0)
