"""Shared shapes for engines: capability flags and the Sandbox protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from dbwright.model import DbwrightError


class EngineUnavailable(DbwrightError):
    """The engine's binaries are not installed; the message says what to install."""


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared once with reasons (see each engine module)."""

    name: str
    dialect: str  # SQLAlchemy dialect name
    transactional_ddl: bool
    partial_indexes: bool
    include_columns: bool
    expression_indexes: bool
    check_constraints: bool
    row_level_security: bool
    schemas: bool
    native_uuid: bool
    native_json: bool
    timestamptz: bool
    concurrent_index: bool
    descending_indexes: bool


class Sandbox(Protocol):
    """A throwaway engine instance. ``url(db)`` gives a SQLAlchemy URL."""

    name: str
    version: str
    caps: Capabilities

    def url(self, database: str | None = None) -> str: ...

    def create_database(self, name: str) -> str: ...

    def close(self) -> None: ...
