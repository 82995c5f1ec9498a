"""The public schemas the inspect benchmarks load: (name, dialect, files) from tests/corpora/schemas.

Each input is read through ``dbwright.inspect`` exactly as a user's DDL file would be: applied to a
throwaway PostgreSQL, MariaDB or SQLite and reflected.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "corpora" / "schemas"

INPUTS: list[tuple[str, str, list[str]]] = [
    ("chinook", "postgresql", ["chinook/Chinook_PostgreSql.sql"]),
    ("northwind", "postgresql", ["northwind/northwind.sql"]),
    ("sakila", "postgresql", ["sakila/postgres-sakila-schema.sql", "sakila/postgres-sakila-insert-data-using-copy.sql"]),
    ("chinook", "mysql", ["chinook/Chinook_MySql.sql"]),
    ("sakila", "mysql", ["sakila/mysql-sakila-schema.sql"]),
    ("chinook", "sqlite", ["chinook/Chinook_Sqlite.sql"]),
    ("sakila", "sqlite", ["sakila/sqlite-sakila-schema.sql"]),
]


def materialize(files: list[str], tmp: Path) -> Path:
    """One file (the inputs that ship schema and data apart are concatenated)."""
    if len(files) == 1:
        return SCHEMAS / files[0]
    out = tmp / Path(files[0]).name
    out.write_text("\n".join((SCHEMAS / f).read_text(encoding="utf-8") for f in files), encoding="utf-8")
    return out


def temp_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="dbwright-bench-inspect-")
