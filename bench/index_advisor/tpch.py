"""TPC-H data and queries for the index-advisor benchmark, generated offline.

DuckDB's tpch extension (PyPI ``duckdb-extension-tpch``, locked to ``duckdb==1.5.5``) generates
the data (``CALL dbgen``) and the 22 queries (``tpch_queries()``); the extension file is loaded from
the wheel, so nothing is downloaded. Tables are created without primary keys (the benchmark asks
the advisors for every index) and ANALYZEd with a fixed seed so every competitor sees the same
statistics.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.schema import CreateTable

TABLES = ("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem")
DROPPED = (2, 17, 20)  # dominate the no-index cost by orders of magnitude (see FIELD-NOTES)


def _duck() -> Any:
    import duckdb_extension_tpch

    base = os.path.dirname(duckdb_extension_tpch.__file__)
    files = glob.glob(os.path.join(base, "extensions", "*", "tpch.duckdb_extension"))
    if not files:
        raise RuntimeError("tpch.duckdb_extension not found in the duckdb-extension-tpch wheel")
    con = duckdb.connect()
    con.execute(f"LOAD '{files[0]}'")
    return con


def queries() -> dict[int, str]:
    """The TPC-H queries (DuckDB's text, valid PostgreSQL), minus Q2, Q17 and Q20."""
    con = _duck()
    rows = con.execute("SELECT query_nr, query FROM tpch_queries()").fetchall()
    return {int(n): q.strip().rstrip(";") for n, q in rows if int(n) not in DROPPED}


def _sa_type(duck_type: str) -> Any:
    t = duck_type.upper()
    if t.startswith("DECIMAL"):
        p, s = t[t.index("(") + 1:-1].split(",")
        return sa.Numeric(int(p), int(s))
    return {"INTEGER": sa.Integer(), "BIGINT": sa.BigInteger(), "DATE": sa.Date(),
            "VARCHAR": sa.Text(), "DOUBLE": sa.Float()}.get(t, sa.Text())


def load(cluster: Any, database: str, sf: float = 1.0, log: Any = print) -> None:
    """Generate TPC-H at scale ``sf`` and load it into ``database`` of a running PostgresCluster."""
    t0 = time.monotonic()
    con = _duck()
    con.execute(f"CALL dbgen(sf={sf})")
    log(f"dbgen sf={sf}: {time.monotonic() - t0:.1f}s")
    md = sa.MetaData()
    for name in TABLES:
        cols = con.execute(f"DESCRIBE {name}").fetchall()
        sa.Table(name, md, *[sa.Column(c[0], _sa_type(c[1]), nullable=False) for c in cols])
    pg = cluster.connect(database)
    engine_dialect = pg_dialect.dialect()
    with tempfile.TemporaryDirectory() as tmp:
        for name in TABLES:
            pg.execute(str(CreateTable(md.tables[name]).compile(dialect=engine_dialect)))
            path = Path(tmp) / f"{name}.csv"
            con.execute(f"COPY {name} TO '{path}' (FORMAT csv, HEADER false)")
            with pg.cursor().copy(f"COPY {name} FROM STDIN (FORMAT csv)") as cp, open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
            path.unlink()
        log(f"loaded: {time.monotonic() - t0:.1f}s")
    analyze(cluster, database)
    log(f"analyzed: {time.monotonic() - t0:.1f}s")
    pg.close()


def analyze(cluster: Any, database: str) -> None:
    """ANALYZE with a fixed seed: the sampled statistics are the same on every run."""
    with cluster.connect(database) as pg:
        pg.execute("SELECT setseed(0.17)")
        pg.execute("ANALYZE")
