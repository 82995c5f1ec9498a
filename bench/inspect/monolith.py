"""A new user's first hour with only a DSN: a real multi-schema PostgreSQL database of ~400 tables.

Builds, in a throwaway PostgreSQL (pg_stat_statements on, a little workload so statements and
usage counters exist), one database ``monolith`` holding the public schemas Chinook, Northwind and
Sakila/Pagila (with their data) each in its own schema, plus the five schemas of
``bench/inspect/synthetic.py``. Then runs the CLI exactly as a user would, with the DSN only:

- ``dbwright inspect DSN -o DIR``     docs, ERDs (largest vs Mermaid's cap), spec.yaml → ``validate``
- ``dbwright critique DSN --format json``  findings per rule, every one located and with a fix
- ``dbwright design --from DSN -o DIR``    target design and its rehearsed Migration section

and prints wall times. With ``--maria``, also a MariaDB source (Chinook + Sakila MySQL forms) by
DSN and as a ``mysqldump`` file. Nothing is printed of the DSN but its database name.

    .venv/bin/python bench/inspect/monolith.py [--maria] [--no-design] [--json]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate

from corpora import SCHEMAS
from dbwright.engines.postgresql import PostgresCluster
from dbwright.inspect.ddl_file import load_postgres_file
from dbwright.model.database import Database
from dbwright.render.mermaid import MERMAID_MAX_TEXT

ROOT = Path(__file__).resolve().parents[2]
CLI = [str(Path(sys.executable).with_name("dbwright"))]
PG_CORPORA = {
    "chinook": ["chinook/Chinook_PostgreSql.sql"],
    "northwind": ["northwind/northwind.sql"],
    "sakila": ["sakila/postgres-sakila-schema.sql", "sakila/postgres-sakila-insert-data-using-copy.sql"],
}
MY_CORPORA = {"chinook": "chinook/Chinook_MySql.sql", "sakila": "sakila/mysql-sakila-schema.sql"}


def _run(args: list[str], **kw: Any) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    env = dict(os.environ, COLUMNS="200")
    proc = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800, **kw)
    return round(time.perf_counter() - t0, 2), proc


def build_monolith(cl: PostgresCluster, tmp: Path) -> dict[str, Any]:
    """Each corpus loaded into public, then public renamed to the corpus's name."""
    cl.create_database("monolith")
    for name, files in PG_CORPORA.items():
        text = "\n".join((SCHEMAS / f).read_text(encoding="utf-8") for f in files)
        # Chinook's script creates and connects to its own database: keep it in this one
        text = re.sub(r"(?im)^\s*(create database \w+;|drop database .*;|\\c(onnect)? \w+;?)\s*$", "", text)
        path = tmp / f"{name}.sql"
        path.write_text(text, encoding="utf-8")
        db = Database("postgresql")
        load_postgres_file(path, text, cl, "monolith", db)
        errors = db.extra.get("load_errors", [])
        if errors:
            print(f"# {name}: {len(errors)} statement(s) rejected while loading, first: {errors[0]}", file=sys.stderr)
        cl.execute(f"ALTER SCHEMA public RENAME TO {name}; CREATE SCHEMA public", "monolith")
    sql, truth = generate()
    with cl.connect("monolith") as conn:
        conn.execute(sql)
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conn.execute("ANALYZE")
        conn.execute("SELECT pg_stat_reset(), pg_stat_statements_reset()")
        for i in range(300):  # a little application workload
            conn.execute('SELECT * FROM chinook.track WHERE album_id = %s', (i % 300 + 1,)).fetchall()
            conn.execute("SELECT * FROM sakila.rental WHERE customer_id = %s AND return_date IS NULL",
                         (i % 500 + 1,)).fetchall()
            conn.execute("SELECT o.* FROM northwind.orders o WHERE o.customer_id = %s", ("ALFKI",)).fetchall()
        n = conn.execute("select count(*) from pg_class c join pg_namespace s on s.oid = c.relnamespace "
                         "where c.relkind in ('r','p') and s.nspname not in ('pg_catalog','information_schema') "
                         "and s.nspname not like 'pg_toast%'").fetchone()[0]
    return {"tables": n, "synthetic_fks": len(truth)}


def new_user(dsn: str, tmp: Path, label: str, design: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    idir = tmp / f"inspect-{label}"
    out["inspect_s"], p = _run(["inspect", dsn, "-o", str(idir), "--json"])
    out["inspect_exit"] = p.returncode
    if p.returncode == 0:
        summ = json.loads(p.stdout)
        s = summ.get("summary", summ)
        out["tables"] = s.get("tables")
        out["schemas"] = len(s.get("schemas", []))
        erds = s.get("erds", {})
        out["erds"] = len(erds)
        out["largest_erd_chars"] = max(erds.values()) if erds else 0
        out["erds_under_cap"] = all(v <= MERMAID_MAX_TEXT for v in erds.values())
        out["doc_pages"] = len(list((idir / "tables").rglob("*.md"))) + int((idir / "README.md").exists())
        out["validate_s"], v = _run(["validate", str(idir / "spec.yaml")])
        out["spec_validates"] = v.returncode == 0
        if v.returncode:
            out["validate_tail"] = (v.stdout + v.stderr)[-800:]
    else:
        out["inspect_tail"] = (p.stdout + p.stderr)[-1500:]
    out["critique_s"], c = _run(["critique", dsn, "--format", "json"])
    out["critique_exit"] = c.returncode
    try:
        rep = json.loads(c.stdout)
        findings = rep.get("findings", [])
        out["findings"] = len(findings)
        by: dict[str, int] = {}
        for f in findings:
            by[f["code"]] = by.get(f["code"], 0) + 1
        out["by_code"] = dict(sorted(by.items()))
        out["located"] = sum(1 for f in findings if f.get("location") or f.get("locations"))
        out["with_fix"] = sum(1 for f in findings if f.get("fix"))
        out["rules"] = rep.get("rules_total")
        out["rules_run"] = rep.get("rules_run")
    except json.JSONDecodeError:
        out["critique_tail"] = (c.stdout + c.stderr)[-1500:]
    if design:
        ddir = tmp / f"design-{label}"
        out["design_from_s"], d = _run(["design", "--from", dsn, "-o", str(ddir)])
        out["design_exit"] = d.returncode
        md = ddir / "DESIGN.md"
        text = md.read_text(encoding="utf-8") if md.exists() else ""
        m = re.search(r"(?ms)^## Migration.*?(?=^## |\Z)", text)
        out["migration_section"] = bool(m)
        if m:
            sec = m.group(0)
            out["migration_rehearsed"] = bool(re.search(r"rehears", sec, re.I))
            out["migration_excerpt"] = " ".join(sec.split())[:600]
        if d.returncode not in (0, 1):
            out["design_tail"] = (d.stdout + d.stderr)[-1500:]
    return out


def maria_part(tmp: Path, design: bool) -> dict[str, Any]:
    from dbwright.engines.mariadb import MariaDBInstance

    res: dict[str, Any] = {}
    client = shutil.which("mariadb") or shutil.which("mysql")
    dump = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    with MariaDBInstance() as maria:
        maria.create_database("shop")
        for _name, f in MY_CORPORA.items():
            text = (SCHEMAS / f).read_text(encoding="utf-8")
            text = re.sub(r"(?im)^\s*(create database .*;|drop (database|schema) .*;|use .*;)\s*$", "", text)
            subprocess.run([str(client), f"--socket={maria.sock}", "-uroot", "--force", "shop"], input=text,
                           text=True, capture_output=True, timeout=600)
        res["dsn"] = new_user(maria.url("shop"), tmp, "maria", design)
        dump_path = tmp / "shop.mysqldump.sql"
        with dump_path.open("w") as fh:
            subprocess.run([str(dump), f"--socket={maria.sock}", "-uroot", "--routines", "--triggers", "shop"],
                           stdout=fh, check=True, timeout=600)
        res["mysqldump_file"] = new_user(str(dump_path), tmp, "mysqldump", False)
    return res


def main() -> int:
    as_json = "--json" in sys.argv
    design = "--no-design" not in sys.argv
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dbwright-bench-monolith-") as tmp_s, \
            PostgresCluster(settings={"shared_preload_libraries": "pg_stat_statements",
                                      "pg_stat_statements.track": "top"}) as cl:
        tmp = Path(tmp_s)
        t0 = time.perf_counter()
        out["built"] = build_monolith(cl, tmp)
        out["build_s"] = round(time.perf_counter() - t0, 2)
        out["postgresql"] = new_user(f"postgresql://postgres@/monolith?host={cl.sock}&port={cl.port}", tmp, "pg",
                                     design)
        if "--maria" in sys.argv:
            out["mariadb"] = maria_part(tmp, design)
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        def show(d: dict[str, Any], indent: str = "") -> None:
            for k, v in d.items():
                if isinstance(v, dict) and k != "by_code":
                    print(f"{indent}{k}:")
                    show(v, indent + "  ")
                else:
                    print(f"{indent}{k:22} {v}")
        show(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
