"""The facts a migration statement carries once parsed: what it does, to which table, under which
session state (transaction, timeouts), and the locks/rewrite/scan the static model assigns.

Rules (``rules/migration/MIG*.py``) read only these plain data classes, so they stay below this
package in the layers and never parse SQL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# PostgreSQL table lock modes, weakest first (the index is the strength order).
LOCK_MODES = (
    "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
    "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
)
SHORT = {m: m.removesuffix("Lock") for m in LOCK_MODES}

# Which modes conflict (PostgreSQL docs, "Table-Level Lock Modes").
_CONFLICTS = {
    "AccessShareLock": {"AccessExclusiveLock"},
    "RowShareLock": {"ExclusiveLock", "AccessExclusiveLock"},
    "RowExclusiveLock": {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"},
    "ShareUpdateExclusiveLock": {"ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
                                 "ExclusiveLock", "AccessExclusiveLock"},
    "ShareLock": {"RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareRowExclusiveLock",
                  "ExclusiveLock", "AccessExclusiveLock"},
    "ShareRowExclusiveLock": {"RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
                              "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"},
    "ExclusiveLock": set(LOCK_MODES) - {"AccessShareLock"},
    "AccessExclusiveLock": set(LOCK_MODES),
}


def conflicts(a: str, b: str) -> bool:
    return b in _CONFLICTS[a]


def blocks_reads(mode: str) -> bool:
    return conflicts(mode, "AccessShareLock")


def blocks_writes(mode: str) -> bool:
    return conflicts(mode, "RowExclusiveLock")


def strongest(modes: list[str]) -> str | None:
    return max(modes, key=LOCK_MODES.index) if modes else None


@dataclass
class LockFact:
    relation: str  # table, index or sequence name (unqualified, lower case)
    mode: str  # one of LOCK_MODES, or a MySQL/MariaDB description ("MDL exclusive", "LOCK=NONE")
    kind: str = "table"  # table | index | sequence
    why: str = ""


@dataclass
class Action:
    """One thing a statement does (an ALTER TABLE has several)."""

    kind: str
    column: str | None = None
    type_name: str | None = None  # normalized: int4, int8, varchar, text, timestamp, serial4, ...
    typmods: tuple[int, ...] = ()
    is_array: bool = False
    default_sql: str | None = None
    default_volatile: bool = False
    not_null: bool = False
    identity: bool = False
    serial: bool = False
    generated_stored: bool = False
    generated_virtual: bool = False
    constraint: str | None = None  # primary | unique | foreign | check | exclusion
    constraint_name: str | None = None
    not_valid: bool = False
    using_index: bool = False
    ref_table: str | None = None
    missing_ok: bool = False
    using_expr: str | None = None
    cascade: bool = False
    concurrent: bool = False
    new_name: str | None = None
    position: str | None = None  # MySQL FIRST / AFTER col
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stmt:
    index: int
    sql: str
    line: int
    kind: str
    table: str | None = None
    schema: str | None = None
    actions: list[Action] = field(default_factory=list)
    concurrent: bool = False
    missing_ok: bool = False  # IF EXISTS / IF NOT EXISTS
    in_transaction: bool = False
    explicit_transaction: bool = False
    lock_timeout: bool = False
    statement_timeout: bool = False
    lock_wait_timeout: bool = False  # MySQL/MariaDB lock_wait_timeout set before
    created_in_script: bool = False
    temporary: bool = False
    names: list[str] = field(default_factory=list)  # identifiers the statement defines
    refs: list[str] = field(default_factory=list)  # other tables it touches (FK targets, ...)
    detail: dict[str, Any] = field(default_factory=dict)
    locks: list[LockFact] = field(default_factory=list)
    rewrite: bool = False
    scan: bool = False
    node: Any = None

    @property
    def table_lock(self) -> str | None:
        return strongest([lk.mode for lk in self.locks if lk.kind == "table" and lk.mode in LOCK_MODES])


@dataclass
class Script:
    """A parsed migration script plus the settings it is linted under."""

    stmts: list[Stmt]
    engine: str = "postgresql"  # postgresql | mariadb | mysql
    version: tuple[int, ...] = (15,)
    assume_in_transaction: bool = False
    file: str | None = None
    source: str = ""
    unparsed: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    tx_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, message)
    disabled_assume: bool = False

    @property
    def major(self) -> int:
        return self.version[0]
