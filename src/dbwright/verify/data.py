"""Synthetic data for verification: Faker values, foreign-key order, scaled-down row counts, skew.

Row counts keep the spec's proportions: n = clamp(rows × cap / max_rows, min_rows, cap). Values
respect NOT NULL, CHECK ranges and enums, uniqueness (unique columns get a row-number suffix),
tenant-scoped composite foreign keys (a child inherits its parent's tenant) and declared skew
(``zipf(s)``: parent k is chosen with weight 1/k^s).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import time
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

import sqlalchemy as sa
from faker import Faker

from dbwright.ddl import order

MIN_ROWS = 5


@dataclass
class Dataset:
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scale: float = 1.0
    seconds: float = 0.0


def uuid7(ts_ms: int, rnd: random.Random) -> uuid.UUID:
    """Time-ordered UUID (RFC 9562 v7): 48-bit ms timestamp, version, variant, random bits."""
    value = (ts_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= rnd.getrandbits(12) << 64
    value |= 0b10 << 62
    value |= rnd.getrandbits(62)
    return uuid.UUID(int=value)


def _zipf_weights(n: int, s: float) -> list[float]:
    return list(accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


def target_counts(md: sa.MetaData, cap: int) -> tuple[dict[str, int], float]:
    declared: dict[str, int] = {t.name: int(t.info["rows"]) for t in md.tables.values() if t.info.get("rows")}
    biggest = max(declared.values(), default=cap)
    scale = min(1.0, cap / biggest) if biggest else 1.0
    counts = {}
    for t in md.tables.values():
        rows = t.info.get("rows")
        if rows:
            counts[t.name] = max(MIN_ROWS, min(cap, round(rows * scale)))
    for t in md.tables.values():
        if t.name in counts:
            continue
        kind = t.info.get("kind")
        if kind == "junction":
            ends = [counts.get(fk.referred_table.name, MIN_ROWS) for fk in order.foreign_keys(t)
                    if fk.referred_table.name != "tenant"]
            counts[t.name] = max(MIN_ROWS, min(cap, 2 * min(ends or [MIN_ROWS])))
        elif kind in ("history", "closure"):
            counts[t.name] = 0  # history starts empty; closure rows are derived from the hierarchy
        else:
            counts[t.name] = MIN_ROWS * 4
    return counts, scale


class _Gen:
    def __init__(self, md: sa.MetaData, seed: int, naive_times: bool):
        self.md = md
        self.fake = Faker()
        self.fake.seed_instance(seed)
        self.rnd = random.Random(seed)
        self.naive = naive_times
        self.base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def when(self) -> dt.datetime:
        v = self.base + dt.timedelta(seconds=self.rnd.randint(0, 300 * 86400))
        return v.replace(tzinfo=None) if self.naive else v

    def decimal(self, t: sa.Numeric[Any], lo: Any, hi: Any) -> Decimal:
        """A value inside the column's range *and* its numeric(p, s): the largest magnitude
        numeric(4,2) holds is 99.99, so a default span of 500 would overflow it."""
        scale = t.scale if t.scale is not None else 2
        step = Decimal(1).scaleb(-scale)
        limit = (Decimal(10) ** (t.precision - scale) - step) if t.precision else None
        low = Decimal(str(lo)) if lo is not None else Decimal(0)
        high = Decimal(str(hi)) if hi is not None else low + Decimal(500)
        if limit is not None:
            low, high = max(low, -limit), min(high, limit)
        low = low.quantize(step, rounding="ROUND_CEILING")
        high = max(low, high.quantize(step, rounding="ROUND_FLOOR"))
        return (low + (high - low) * Decimal(self.rnd.random())).quantize(step, rounding="ROUND_FLOOR")

    def value(self, table: sa.Table, col: sa.Column[Any], i: int, unique: bool) -> Any:
        info = col.info
        logical = info.get("logical") or ""
        if info.get("values"):
            return self.rnd.choice(info["values"])
        lo, hi = info.get("min"), info.get("max")
        t = col.type
        if logical == "email":
            return f"user{i}.{self.fake.user_name()}@example.com" if unique else self.fake.email()
        if logical in ("timestamp", "datetime") or isinstance(t, sa.DateTime):
            return self.when()
        if isinstance(t, sa.Uuid):
            return uuid7(int(self.when().timestamp() * 1000) if not self.naive else
                         int(self.when().replace(tzinfo=dt.UTC).timestamp() * 1000), self.rnd)
        if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
            return self.decimal(t, lo, hi)
        if isinstance(t, sa.Boolean):
            return self.rnd.random() < 0.5
        if isinstance(t, sa.Integer):
            if unique:
                return i + 1
            ilow = int(lo) if lo is not None else 0
            return self.rnd.randint(ilow, int(hi) if hi is not None else ilow + 100)
        if isinstance(t, sa.Float):
            return self.rnd.uniform(lo or 0.0, hi if hi is not None else 1000.0)
        if isinstance(t, sa.Date):
            return self.when().date()
        if isinstance(t, sa.Time):
            return self.when().time()
        if isinstance(t, sa.JSON):
            return {"color": self.fake.color_name(), "weight_g": self.rnd.randint(1, 5000)}
        if isinstance(t, sa.LargeBinary):
            return self.rnd.randbytes(16)
        length = getattr(t, "length", None) or 200
        if logical == "url":
            text = self.fake.url()
        elif logical == "phone":
            text = self.fake.phone_number()
        elif logical == "ip":
            text = self.fake.ipv4()
        elif "name" in col.name:
            text = self.fake.name()
        else:
            text = self.fake.sentence(nb_words=4).rstrip(".")
        if unique:
            text = f"{text[: max(1, length - 12)]}-{i}"
        return text[:length]


def _unique_cols(table: sa.Table) -> set[str]:
    out: set[str] = set()
    for u in order.constraints(table):
        if isinstance(u, sa.UniqueConstraint):
            out |= {c.name for c in u.columns if c.name not in ("tenant_id",)}
    for ix in order.indexes(table):
        if ix.unique:
            for e in ix.expressions:
                for c in _columns_in(e):
                    if c.name != "tenant_id":
                        out.add(c.name)
    return out


def _columns_in(expr: Any) -> list[sa.Column[Any]]:
    return [c for c in sa.sql.visitors.iterate(expr) if isinstance(c, sa.Column)]


def _unique_sets(table: sa.Table) -> list[tuple[str, ...]]:
    """Column sets that must not repeat: primary key, unique constraints, unique plain-column indexes."""
    sets = [tuple(c.name for c in table.primary_key.columns)]
    sets += [tuple(c.name for c in u.columns) for u in order.constraints(table) if isinstance(u, sa.UniqueConstraint)]
    for ix in order.indexes(table):
        if ix.unique:
            if all(isinstance(e, sa.Column) for e in ix.expressions):
                sets.append(tuple(str(getattr(e, "name", e)) for e in ix.expressions))
            else:  # expression index such as lower(email): guard the underlying columns
                base = [c.name for e in ix.expressions for c in _columns_in(e)]
                sets.append(tuple(base))
    return [s for s in dict.fromkeys(sets) if s]


def _hashable(v: Any) -> Any:
    if isinstance(v, dict | list):
        return repr(v)
    if isinstance(v, str):
        return v.lower()  # case-insensitive unique indexes (lower(email), NOCASE)
    return v


def _skew(table: sa.Table, col: str) -> float | None:
    for k, v in (table.info.get("skew") or {}).items():
        if col in (k, f"{k}_id"):
            m = re.fullmatch(r"zipf\(([\d.]+)\)", v.replace(" ", ""))
            if m:
                return float(m.group(1))
    return None


def generate(md: sa.MetaData, cap: int = 2000, seed: int = 7, naive_times: bool = False) -> Dataset:
    start = time.perf_counter()
    counts, scale = target_counts(md, cap)
    gen = _Gen(md, seed, naive_times)
    data = Dataset(scale=scale)
    by_tenant: dict[str, dict[Any, list[dict[str, Any]]]] = {}
    for table in md.sorted_tables:
        rows: list[dict[str, Any]] = []
        data.rows[table.name] = rows
        n = counts.get(table.name, 0)
        if n == 0:
            continue
        uniq = _unique_cols(table)
        pk = [c.name for c in table.primary_key.columns]
        fks = [fk for fk in order.foreign_keys(table) if fk.referred_table.name != table.name]
        self_fks = [fk for fk in order.foreign_keys(table) if fk.referred_table.name == table.name]
        unique_sets = _unique_sets(table)
        seen: dict[tuple[str, ...], set[tuple[Any, ...]]] = {u: set() for u in unique_sets}
        weights: dict[str, list[float]] = {}
        attempts = 0
        while len(rows) < n and attempts < n * 5:
            attempts += 1
            i = len(rows)
            row: dict[str, Any] = {}
            tenant_fixed = None
            for fk in sorted(fks, key=lambda f: -len(f.columns)):
                parent_rows = data.rows.get(fk.referred_table.name) or []
                local = [c.name for c in fk.columns]
                remote = [e.column.name for e in fk.elements]
                if "tenant_id" in local and len(local) > 1 and tenant_fixed is not None:
                    parent_rows = by_tenant.get(fk.referred_table.name, {}).get(tenant_fixed, [])
                nullable = all(table.c[c].nullable for c in local if c != "tenant_id")
                if not parent_rows or (nullable and gen.rnd.random() < 0.1):
                    if not nullable and not parent_rows:
                        row = {}
                        break
                    for c in local:
                        if c != "tenant_id":
                            row[c] = None
                    continue
                s = _skew(table, local[-1])
                if (s is not None and len(local) == 1) or (s is not None and tenant_fixed is None):
                    key = fk.referred_table.name
                    if key not in weights:
                        weights[key] = _zipf_weights(len(parent_rows), s or 1.0)
                    cum = weights[key]
                    parent = parent_rows[min(len(parent_rows) - 1, bisect(cum, gen.rnd.random() * cum[-1]))]
                else:
                    parent = gen.rnd.choice(parent_rows)
                for lc, rc in zip(local, remote, strict=True):
                    if lc == "tenant_id" and lc in row and row[lc] != parent[rc]:
                        continue
                    row[lc] = parent[rc]
                if "tenant_id" in local:
                    tenant_fixed = row["tenant_id"]
            if fks and not row and any(not all(table.c[c.name].nullable for c in fk.columns) for fk in fks):
                continue
            for col in table.columns:
                if col.name in row:
                    continue
                if col.name == "id" or (col.primary_key and col.name in pk and len(pk) == 1
                                        and isinstance(col.type, sa.Integer)):
                    row[col.name] = (uuid7(int(gen.base.timestamp() * 1000) + i, gen.rnd)
                                     if isinstance(col.type, sa.Uuid) else i + 1)
                    continue
                if col.name == "path":
                    continue
                if col.nullable and col.name not in uniq and gen.rnd.random() < 0.2:
                    row[col.name] = None
                    continue
                if col.server_default is not None and not col.primary_key and col.name not in uniq:
                    continue
                row[col.name] = gen.value(table, col, i, col.name in uniq)
            for fk in self_fks:
                local = [c.name for c in fk.columns]
                child = local[-1]
                same = [r for r in rows if r.get("tenant_id") == row.get("tenant_id")] if "tenant_id" in local else rows
                up = gen.rnd.choice(same) if same and gen.rnd.random() < 0.8 else None
                target = fk.elements[-1].column.name  # the parent's key column ("id", or a natural key)
                row[child] = up[target] if up else None
                if "path" in table.c:
                    label = str(row["id"]).replace("-", "")
                    row["path"] = f"{up['path']}.{label}" if up else label
            keys = {u: tuple(_hashable(row.get(c)) for c in u) for u in unique_sets}
            # NULLs never collide in SQL unique constraints
            if any(None not in k and k in seen[u] for u, k in keys.items()):
                continue
            for u, k in keys.items():
                seen[u].add(k)
            rows.append(row)
            if "tenant_id" in row:
                by_tenant.setdefault(table.name, {}).setdefault(row["tenant_id"], []).append(row)
        if "path" in table.c:
            for r in rows:
                r.setdefault("path", str(r["id"]).replace("-", ""))
    for table in md.sorted_tables:
        if table.info.get("kind") == "closure":
            data.rows[table.name] = _closure_rows(md, table, data)
    data.seconds = time.perf_counter() - start
    return data


def _closure_rows(md: sa.MetaData, table: sa.Table, data: Dataset) -> list[dict[str, Any]]:
    base = next(fk.referred_table for fk in order.foreign_keys(table))
    nodes = data.rows.get(base.name, [])
    parent_col = next((c.name for fk in order.foreign_keys(base) if fk.referred_table is base
                       for c in fk.columns if c.name != "tenant_id"), None)
    by_id = {(r.get("tenant_id"), r["id"]): r for r in nodes}
    out = []
    for r in nodes:
        depth = 0
        cur: dict[str, Any] | None = r
        while cur is not None and depth < 100:
            row = {"ancestor_id": cur["id"], "descendant_id": r["id"], "depth": depth}
            if "tenant_id" in table.c:
                row["tenant_id"] = r["tenant_id"]
            out.append(row)
            pid = cur.get(parent_col) if parent_col else None
            cur = by_id.get((r.get("tenant_id"), pid)) if pid is not None else None
            depth += 1
    return out


def load(engine: sa.Engine, md: sa.MetaData, data: Dataset, batch: int = 500) -> float:
    """Insert the dataset in FK order; returns seconds. PostgreSQL identity sequences are advanced."""
    start = time.perf_counter()
    with engine.begin() as conn:
        for table in md.sorted_tables:
            rows = data.rows.get(table.name) or []
            cols = {c.name for c in table.columns}
            for k in range(0, len(rows), batch):
                chunk = [{c: v for c, v in r.items() if c in cols} for r in rows[k:k + batch]]
                # Every row of a chunk must have the same keys for executemany.
                keys = set().union(*chunk)
                conn.execute(table.insert(), [{c: r.get(c) for c in keys} for r in chunk])
        if engine.dialect.name == "postgresql":
            for table in md.sorted_tables:
                if table.c.get("id") is not None and table.c.id.identity is not None and data.rows.get(table.name):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f"(SELECT max(id) FROM \"{table.name}\"))")
    return time.perf_counter() - start


def default_cap() -> int:
    return int(os.environ.get("DBWRIGHT_MAX_ROWS", "2000"))
