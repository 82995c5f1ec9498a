"""SQLite: the embedded default, always available (stdlib).

Declared differences: no ALTER COLUMN (table rebuilds instead), no row-level security, no
schemas, no native UUID/JSON column types (stored as text), CHECK constraints enforced, partial
indexes supported, DDL is transactional.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dbwright.engines.base import Capabilities

CAPS = Capabilities(
    name="sqlite", dialect="sqlite", transactional_ddl=True, partial_indexes=True,
    include_columns=False, expression_indexes=True, check_constraints=True, row_level_security=False,
    schemas=False, native_uuid=False, native_json=False, timestamptz=False, concurrent_index=False,
    descending_indexes=True,
)


class SQLiteSandbox:
    name = "sqlite"
    caps = CAPS

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="dbwright-sqlite-"))
        self.version = sqlite3.sqlite_version

    def start(self) -> SQLiteSandbox:
        return self

    def url(self, database: str | None = None) -> str:
        return f"sqlite:///{self.dir / ((database or 'main') + '.db')}"

    def create_database(self, name: str) -> str:
        path = self.dir / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> SQLiteSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def available() -> bool:
    return True


@contextlib.contextmanager
def sandbox() -> Iterator[SQLiteSandbox]:
    box = SQLiteSandbox()
    try:
        yield box
    finally:
        box.close()
