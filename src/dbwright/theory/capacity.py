"""Capacity maths: growth projections, PostgreSQL storage per row and per index entry, WAL
volume, IOPS, connections (Little's law), replicas and pool sizing. Pure functions.

PostgreSQL storage constants come from the page layout documentation: a heap tuple has a
23-byte header (padded to 24 with MAXALIGN 8) and a 4-byte line pointer; a page is 8192 bytes
with a 24-byte header; a B-tree index tuple has an 8-byte header plus the key, padded to 8, plus
its own 4-byte line pointer; B-tree leaf pages are filled to 90% by default.
"""

from __future__ import annotations

import math

PAGE_BYTES = 8192
PAGE_HEADER = 24
HEAP_TUPLE_HEADER = 24  # 23 rounded up to MAXALIGN
LINE_POINTER = 4
INDEX_TUPLE_HEADER = 8
BTREE_FILLFACTOR = 0.90
WAL_RECORD_HEADER = 24  # XLogRecord header, rounded
SOURCES = {
    "page_layout": "https://www.postgresql.org/docs/current/storage-page-layout.html",
    "btree_fillfactor": "https://www.postgresql.org/docs/current/sql-createindex.html#INDEX-RELOPTION-FILLFACTOR",
    "wal": "https://www.postgresql.org/docs/current/wal-internals.html",
    "pool_size": "https://wiki.postgresql.org/wiki/Number_Of_Database_Connections",
    "pgbouncer": "https://www.pgbouncer.org/config.html",
    "littles_law": "https://en.wikipedia.org/wiki/Little%27s_law",
}


def grow(value: float, monthly_growth: float, months: float) -> float:
    """Compound growth: value × (1 + g)^months."""
    return float(value * (1.0 + monthly_growth) ** months)


def align8(n: float) -> int:
    return int(math.ceil(n / 8.0) * 8)


def heap_row_bytes(payload: float) -> int:
    """On-disk bytes of one heap row: header + aligned payload + line pointer."""
    return HEAP_TUPLE_HEADER + align8(payload) + LINE_POINTER


def heap_bytes(rows: float, payload: float, fillfactor: float = 1.0) -> float:
    """Heap size: whole rows per page (rows never span pages) at the table's fillfactor."""
    per_page = max(1, int((PAGE_BYTES - PAGE_HEADER) * fillfactor // heap_row_bytes(payload)))
    return math.ceil(rows / per_page) * PAGE_BYTES if rows else 0.0


def btree_entry_bytes(key_bytes: float) -> int:
    return INDEX_TUPLE_HEADER + align8(key_bytes) + LINE_POINTER


def btree_bytes(rows: float, key_bytes: float, fillfactor: float = BTREE_FILLFACTOR) -> float:
    """Leaf-level size of a B-tree (inner pages add < 1%); deduplication ignored (upper bound)."""
    per_page = max(1, int((PAGE_BYTES - PAGE_HEADER - 16) * fillfactor // btree_entry_bytes(key_bytes)))
    return math.ceil(rows / per_page) * PAGE_BYTES if rows else 0.0


def wal_bytes_per_row(payload: float, index_keys: list[float]) -> float:
    """WAL for inserting one row: heap record + one record per index entry (no full-page images)."""
    return (WAL_RECORD_HEADER + heap_row_bytes(payload)
            + sum(WAL_RECORD_HEADER + btree_entry_bytes(k) for k in index_keys))


def little_concurrency(rate: float, latency_s: float) -> float:
    """Little's law: requests in flight = arrival rate × time in system."""
    return rate * latency_s


def pool_size(cores: int, effective_spindles: int = 1) -> int:
    """PostgreSQL wiki starting point for active connections: cores × 2 + effective spindles."""
    return cores * 2 + effective_spindles


def nodes_for(rate: float, per_node: float, utilisation: float = 0.6) -> int:
    """Nodes needed to serve ``rate`` when each node serves ``per_node`` at ``utilisation`` target."""
    if rate <= 0:
        return 0
    return max(1, math.ceil(rate / (per_node * utilisation)))


def zipf_top_share(n_items: float, s: float, harmonic_n: float) -> float:
    """Share of all accesses that go to the single most popular key (rank 1)."""
    return 1.0 / harmonic_n if n_items >= 1 else 0.0


__all__ = ["SOURCES", "align8", "btree_bytes", "btree_entry_bytes", "grow", "heap_bytes", "heap_row_bytes",
           "little_concurrency", "nodes_for", "pool_size", "wal_bytes_per_row", "zipf_top_share"]
