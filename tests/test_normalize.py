"""normalize: flat CSV and nested JSON lines → normalized tables, proven lossless on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbwright.api import DbwrightError, normalize, write_normalization
from dbwright.api.normalize import normalize_data, normalize_table
from dbwright.cli.main import app
from dbwright.inspect.profile import read_csv
from dbwright.theory.fd import parse_fds

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"


def _tables(plan: dict) -> dict[str, dict]:
    return {t["name"]: t for t in plan["tables"]}


def test_flat_orders_csv_end_to_end(pg_cluster) -> None:
    result = normalize_data(str(DATA / "orders_flat.csv"), pg_cluster=pg_cluster)
    (plan,) = result["tables"]
    tables = _tables(plan)
    assert set(tables) == {"customers", "orders", "products", "order_lines"}
    assert tables["orders"]["primary_key"] == ["order_id"]
    assert {"columns": ["customer_id"], "references": "customers", "referenced_columns": ["customer_id"]} \
        in tables["orders"]["foreign_keys"]
    assert tables["order_lines"]["primary_key"] == ["order_id", "line_no"]
    assert plan["normal_form"] == "1NF"
    engines = {p["engine"]: p for p in plan["proofs"]}
    assert set(engines) == {"sqlite", "postgresql"}
    for p in engines.values():
        assert p["lossless"] and p["missing_rows"] == 0 and p["extra_rows"] == 0
        assert p["source_rows"] == p["joined_rows"] == 192 and p["constraints_enforced"]
        assert p["table_rows"]["customers"] == 29 and p["table_rows"]["order_lines"] == 192
    assert engines["postgresql"]["version"].startswith("15")
    assert "CREATE TABLE order_lines" in plan["ddl"]["postgresql"]
    assert "REFERENCES orders (order_id)" in plan["ddl"]["postgresql"]
    fill = plan["fill_sql"]["postgresql"]
    assert fill.index("INSERT INTO customers") < fill.index("INSERT INTO orders") < fill.index("INSERT INTO order_lines")
    assert "SELECT DISTINCT" in fill
    assert plan["findings"] == []


def test_nested_json_end_to_end(pg_cluster) -> None:
    result = normalize_data(str(DATA / "orders.jsonl"), pg_cluster=pg_cluster)
    assert result["kind"] == "nested" and result["documents"] == 60 and result["key_source"] == "_id"
    assert result["lossless"]
    by_flat = {p["flat_table"]["name"]: p for p in result["tables"]}
    assert set(by_flat) == {"orders", "order_items", "order_tags"}
    root = _tables(by_flat["orders"])
    assert "customers" in root and root["customers"]["primary_key"] == ["customer_id"]
    items = _tables(by_flat["order_items"])
    assert items["items"]["primary_key"] == ["item_sku"]
    assert any(fk["references"] == "orders" for fk in items["order_items"]["foreign_keys"])
    for plan in result["tables"]:
        assert {p["engine"] for p in plan["proofs"]} == {"sqlite", "postgresql"}
        assert all(p["lossless"] for p in plan["proofs"])
    assert [p["path"] for p in result["polymorphic"]] == ["payment"]
    assert [f["code"] for f in result["findings"]] == ["NORM010"]
    ddl = result["ddl"]["postgresql"]
    assert "REFERENCES orders (order_id) " in ddl or "REFERENCES orders (order_id)" in ddl
    # the combined DDL applies on a real engine in dependency order
    con = sqlite3.connect(":memory:")
    con.executescript(result["ddl"]["sqlite"])
    assert {r[0] for r in con.execute("select name from sqlite_master where type='table'")} >= {
        "orders", "order_items", "order_tags", "customers", "items"}


def test_wrong_fd_is_caught_on_the_engine(tmp_path: Path) -> None:
    """A confirmed FD that the data breaks: violations are reported and the join is not lossless."""
    path = tmp_path / "emp.csv"
    path.write_text("emp,dept,city\n1,D1,Lyon\n2,D1,Graz\n3,D2,Porto\n")
    table = read_csv(path)
    plan = normalize_table(table, fds=parse_fds(["emp -> dept", "dept -> city"], table.columns),
                           engines=("sqlite",))
    (proof,) = plan["proofs"]
    assert proof["fd_violations"][0]["fd"] == "dept -> city"
    assert proof["fd_violations"][0]["rows"] == 2 and not proof["constraints_enforced"]
    assert not proof["lossless"] and proof["extra_rows"] == 2
    assert {f["code"] for f in plan["findings"]} == {"NORM001", "NORM002"}


def test_bcnf_target_reports_lost_dependency(tmp_path: Path) -> None:
    path = tmp_path / "addr.csv"
    path.write_text("street,city,zip\nMain,Lyon,69001\nSide,Lyon,69002\nMain,Graz,8010\n")
    table = read_csv(path)
    fds = parse_fds(["street,city -> zip", "zip -> city"], table.columns)
    three = normalize_table(table, fds=fds, target="3nf", engines=("sqlite",))
    assert len(three["tables"]) == 1 and three["normal_form"] == "3NF"
    bcnf = normalize_table(read_csv(path), fds=fds, target="bcnf", engines=("sqlite",))
    assert bcnf["lost_dependencies"] == ["street,city -> zip"]
    assert bcnf["proofs"][0]["lossless"]
    assert [f["code"] for f in bcnf["findings"]] == ["NORM003"]


def test_normalize_spec_with_declared_fds() -> None:
    result = normalize(str(ROOT / "examples" / "nosql-to-relational.yaml"))
    (plan,) = result["tables"]
    names = set(_tables(plan))
    assert {"customers", "orders", "products", "sellers", "order_lines"} <= names
    assert plan["lossless_by_chase"] and plan["lost_dependencies"] == []
    assert "CREATE TABLE sellers" in plan["ddl"]["mysql"]


def test_outputs_written_and_force(tmp_path: Path) -> None:
    result = normalize(str(DATA / "orders_flat.csv"), engines=("sqlite",))
    files = write_normalization(result, tmp_path / "out")
    names = {Path(f).name for f in files}
    assert {"NORMALIZATION.md", "normalization.json", "orders_flat.schema.postgresql.sql",
            "orders_flat.fill.sqlite.sql"} <= names
    assert "Lossless-join proof" in (tmp_path / "out" / "NORMALIZATION.md").read_text()
    with pytest.raises(DbwrightError, match="--force"):
        write_normalization(result, tmp_path / "out")
    write_normalization(result, tmp_path / "out", force=True)


def test_cli_normalize_and_profile(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["normalize", str(DATA / "orders_flat.csv"), "--engines", "sqlite", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["tables"][0]["lossless"]
    r = runner.invoke(app, ["normalize", str(DATA / "orders_flat.csv"), "--engines", "sqlite",
                            "--fd", "customer_id -> customer_name", "--fd", "order_id -> nope"])
    assert r.exit_code == 2 and "unknown attribute" in r.output
    r = runner.invoke(app, ["normalize", str(DATA / "orders_flat.csv"), "--target", "4nf"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["profile", str(DATA / "orders_flat.csv"), "--max-lhs", "2",
                            "--write-spec", str(tmp_path / "s.yaml")])
    assert r.exit_code == 0, r.output
    assert "customer_id -> customer_city" in r.stdout and "wrote" in r.stdout
    assert "functional_dependencies" in (tmp_path / "s.yaml").read_text()


def test_null_reference_keeps_rows(pg_cluster, tmp_path: Path) -> None:
    """Guest orders (no customer): the NULL foreign key joins back as an outer join, lossless."""
    path = tmp_path / "guest.csv"
    path.write_text("order_id,customer_id,customer_name\n1,10,Ann\n2,,\n3,10,Ann\n4,11,Bo\n")
    table = read_csv(path)
    plan = normalize_table(table, fds=parse_fds(["order_id -> customer_id", "customer_id -> customer_name"],
                                                table.columns), pg_cluster=pg_cluster)
    assert {t["name"] for t in plan["tables"]} == {"orders", "customers"}
    for p in plan["proofs"]:
        assert p["lossless"] and p["table_rows"] == {"customers": 2, "orders": 4}, p


def test_wide_random_table_and_long_names(tmp_path: Path) -> None:
    import random

    rng = random.Random(1)
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"column_number_{i}" for i in range(30)) + "\n"
                    + "\n".join(",".join(str(rng.randint(0, 3)) for _ in range(30)) for _ in range(40)) + "\n")
    result = normalize(str(path), engines=("sqlite",))
    assert all(p["lossless"] for p in result["tables"][0]["proofs"])
    assert all(len(t["name"]) <= 63 for t in result["tables"][0]["tables"])
    with pytest.raises(DbwrightError, match="--target 3nf works"):
        normalize(str(path), target="bcnf", engines=("sqlite",))
