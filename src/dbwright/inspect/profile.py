"""Profile data with Desbordante: exact FDs (HyFD), approximate FDs (TANE), unique column
combinations (HyUCC), inclusion dependencies (SPIDER), ranked as suggestions to confirm.

DATA is a CSV file, a JSON-lines file (nested objects flattened with ``_``), or a SQLAlchemy URL
with a table (read-only, sampled). Mined dependencies hold in the sample, not necessarily in the
domain: each gets a score from name similarity, type match, left-side size, distinct ratio and
error, with the reasons spelled out.
"""

from __future__ import annotations

import csv
import itertools
import json
import random
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dbwright.model import DbwrightError

DEFAULT_SAMPLE = 200_000
ID_TOKENS = {"id", "code", "sku", "key", "no", "number", "num", "email", "uuid", "ref", "isbn", "zip", "handle",
             "slug", "login", "username"}
Value = str | None


@dataclass
class TableData:
    """Rows of one table as text (None = NULL), with the sampling it went through."""

    name: str
    columns: list[str]
    rows: list[tuple[Value, ...]]
    total_rows: int
    source: str
    types: dict[str, str] = field(default_factory=dict)

    @property
    def sampled(self) -> bool:
        return len(self.rows) < self.total_rows

    def column(self, name: str) -> list[Value]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


@dataclass
class MinedFD:
    lhs: list[str]
    rhs: str
    error: float
    score: float
    reasons: list[str]
    confidence: str  # likely | possible | accidental

    @property
    def text(self) -> str:
        return f"{','.join(self.lhs)} -> {self.rhs}"

    def to_dict(self) -> dict[str, Any]:
        return {"fd": self.text, "lhs": self.lhs, "rhs": self.rhs, "error": round(self.error, 4),
                "score": round(self.score, 3), "confidence": self.confidence, "reasons": self.reasons}


@dataclass
class Profile:
    table: TableData
    fds: list[MinedFD]
    uccs: list[list[str]]
    inds: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    timings: dict[str, float]
    max_lhs: int
    error: float

    def confirmed(self, min_score: float = 0.6) -> list[MinedFD]:
        return [f for f in self.fds if f.score >= min_score and f.error == 0]

    def to_dict(self) -> dict[str, Any]:
        t = self.table
        return {
            "source": t.source, "table": t.name, "rows_total": t.total_rows, "rows_sampled": len(t.rows),
            "sampled": t.sampled, "columns": self.columns, "max_lhs": self.max_lhs, "error": self.error,
            "fds": [f.to_dict() for f in self.fds], "unique_column_combinations": self.uccs[:200],
            "unique_column_combinations_total": len(self.uccs),
            "inclusion_dependencies": self.inds, "timings_s": {k: round(v, 4) for k, v in self.timings.items()},
            "engine": "desbordante " + _desbordante_version(),
        }


def _desbordante_version() -> str:
    try:
        from importlib.metadata import version
        return version("desbordante")
    except Exception:  # pragma: no cover
        return "?"


# --- reading ---------------------------------------------------------------------------------

def _sample(rows: list[tuple[Value, ...]], limit: int, seed: int) -> list[tuple[Value, ...]]:
    if len(rows) <= limit:
        return rows
    rng = random.Random(seed)
    keep = sorted(rng.sample(range(len(rows)), limit))
    return [rows[i] for i in keep]


def read_csv(path: Path, sample: int = DEFAULT_SAMPLE, seed: int = 0) -> TableData:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DbwrightError(f"{path}: empty CSV (a header row is needed)") from None
        if len(set(header)) != len(header) or any(not h.strip() for h in header):
            raise DbwrightError(f"{path}: header has empty or duplicate column names: {header}")
        rows: list[tuple[Value, ...]] = []
        for n, rec in enumerate(reader, start=2):
            if len(rec) != len(header):
                raise DbwrightError(f"{path}:{n}: {len(rec)} fields, header has {len(header)}")
            rows.append(tuple(v if v != "" else None for v in rec))
    total = len(rows)
    return TableData(_table_name(path), [h.strip() for h in header], _sample(rows, sample, seed), total, str(path))


def _table_name(path: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", path.stem).strip("_").lower() or "data"
    return name if name[0].isalpha() else f"t_{name}"


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in doc.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "_"))
        else:
            out[key] = v
    return out


def to_text(v: Any) -> Value:
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def read_jsonl(path: Path, sample: int = DEFAULT_SAMPLE, seed: int = 0) -> TableData:
    docs = load_jsonl(path)
    flat = [flatten(d) for d in docs]
    return table_from_records(_table_name(path), flat, str(path), sample, seed)


_EXT_NUMBERS = {"$numberInt": int, "$numberLong": int, "$numberDouble": float, "$numberDecimal": str}


def unwrap_extended_json(v: Any) -> Any:
    """MongoDB Extended JSON (mongoexport) to plain values: {"$oid": s} → s, {"$date": …} → ISO text,
    {"$numberLong": "5"} → 5; everything else unchanged."""
    if isinstance(v, list):
        return [unwrap_extended_json(x) for x in v]
    if not isinstance(v, dict):
        return v
    if len(v) == 1:
        (k, x), = v.items()
        if k == "$oid":
            return str(x)
        if k in _EXT_NUMBERS:
            return _EXT_NUMBERS[k](x)
        if k == "$date":
            if isinstance(x, dict) and "$numberLong" in x:
                return _from_ms(int(x["$numberLong"]))
            if isinstance(x, (int, float)):
                return _from_ms(x)
            return str(x).replace("Z", "")
    return {k: unwrap_extended_json(x) for k, x in v.items()}


def _from_ms(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(tzinfo=None).isoformat()


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DbwrightError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(doc, dict):
                raise DbwrightError(f"{path}:{n}: each line must be a JSON object")
            docs.append(unwrap_extended_json(doc))
    if not docs:
        raise DbwrightError(f"{path}: no documents")
    return docs


def table_from_records(name: str, records: Sequence[dict[str, Any]], source: str,
                       sample: int = DEFAULT_SAMPLE, seed: int = 0) -> TableData:
    columns: list[str] = []
    seen: set[str] = set()
    for r in records:
        for k in r:
            if k not in seen:
                seen.add(k)
                columns.append(k)
    rows = [tuple(to_text(r.get(c)) for c in columns) for r in records]
    return TableData(name, columns, _sample(rows, sample, seed), len(rows), source)


def read_table(url: str, table: str | None, sample: int = DEFAULT_SAMPLE, seed: int = 0) -> TableData:
    """Read a table of a live database read-only; a random sample when it has more rows."""
    import sqlalchemy as sa

    if not table:
        raise DbwrightError("a database URL needs --table T")
    from dbwright.engines.connect import describe, sa_engine

    engine = sa_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            elif conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA query_only = ON")
            schema, _, tname = table.rpartition(".")
            meta = sa.MetaData()
            try:
                t = sa.Table(tname, meta, autoload_with=conn, schema=schema or None)
            except sa.exc.NoSuchTableError:
                raise DbwrightError(f"table '{table}' not found at {describe(url)}") from None
            total = int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            q = sa.select(*t.columns)
            if total > sample:
                rnd = sa.func.rand() if conn.dialect.name in ("mysql", "mariadb") else sa.func.random()
                q = q.order_by(rnd).limit(sample)
            rows = [tuple(to_text(v) for v in r) for r in conn.execute(q)]
            conn.rollback()
    finally:
        engine.dispose()
    # str(): SQLAlchemy names are quoted_name, a str subclass YAML/JSON writers reject
    return TableData(str(tname), [str(c.name) for c in t.columns], rows, total,
                     f"{describe(url)} table {table}")


def read_data(data: str, table: str | None = None, sample: int = DEFAULT_SAMPLE, seed: int = 0) -> TableData:
    if "://" in data:
        return read_table(data, table, sample, seed)
    p = Path(data)
    if not p.exists():
        raise DbwrightError(f"{data}: no such file (give a CSV, a JSON-lines file or a database URL)")
    if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(p, sample, seed)
    return read_csv(p, sample, seed)


# --- types and ranking -----------------------------------------------------------------------

def infer_type(values: Iterable[Value]) -> str:
    """int, float, bool, date, timestamp or text, from the non-null values."""
    kinds: set[str] = set()
    for v in values:
        if v is None:
            continue
        kinds.add(_kind(v))
        if len(kinds) > 2:
            break
    if not kinds:
        return "text"
    if kinds == {"int"}:
        return "int"
    if kinds <= {"int", "float"}:
        return "float"
    if len(kinds) == 1:
        return next(iter(kinds))
    return "text"


def _kind(v: str) -> str:
    if re.fullmatch(r"[+-]?\d{1,18}", v):
        return "int"
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", v):
        return "float"
    if v in ("true", "false"):
        return "bool"
    try:
        date.fromisoformat(v)
        return "date"
    except ValueError:
        pass
    try:
        datetime.fromisoformat(v)
        return "timestamp"
    except ValueError:
        return "text"


def tokens(name: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
    return {t for t in re.split(r"[^a-z0-9]+", spaced) if t}


def _entity_tokens(name: str) -> set[str]:
    return tokens(name) - ID_TOKENS


def rank_fd(lhs: Sequence[str], rhs: str, error: float, stats: dict[str, dict[str, Any]],
            uccs: Sequence[frozenset[str]]) -> MinedFD:
    """Score in [0, 1] that a mined FD is a domain rule rather than an accident of the sample."""
    score = 0.5
    reasons: list[str] = []
    lset = frozenset(lhs)
    if any(u <= lset for u in uccs):
        score += 0.25
        reasons.append("left side is a unique column combination (a key of the sample)")
    else:
        rt = _entity_tokens(rhs)
        shared_each = [_entity_tokens(c) & rt for c in lhs]
        if all(shared_each):
            score += 0.25
            reasons.append(f"names share '{sorted(shared_each[0])[0]}'")
        elif any(shared_each):
            score -= 0.15
            reasons.append("left side mixes columns of different entities")
        else:
            score -= 0.15
            reasons.append("names share no word")
    if any(tokens(c) & ID_TOKENS for c in lhs):
        score += 0.15
        reasons.append("left side looks like an identifier")
        if tokens(rhs) & ID_TOKENS and len(lhs) == 1 and "names share no word" in reasons:
            score += 0.2
            reasons.append("right side identifies another entity: a reference")
    ltypes = [stats[c]["type"] for c in lhs]
    if any(t in ("float", "timestamp", "date", "bool") for t in ltypes):
        score -= 0.35
        reasons.append(f"left side has {'/'.join(sorted(set(ltypes)))} values: rarely a determinant")
    if len(lhs) > 1:
        if any(u <= lset for u in uccs):
            score -= 0.1 * (len(lhs) - 1)
            reasons.append(f"left side of {len(lhs)} columns")
        else:
            score -= 0.2 * (len(lhs) - 1)
            reasons.append(f"left side of {len(lhs)} columns that is not a key of the sample: often accidental")
    if any(stats[c]["nulls"] for c in lhs):
        score -= 0.3
        reasons.append("left side has NULLs: it cannot be the key of its own table")
    rows = max(1, max(s["rows"] for s in stats.values()))
    ratio = max(stats[c]["distinct"] for c in lhs) / rows
    if ratio >= 0.999 and len(lhs) == 1 and not (tokens(lhs[0]) & ID_TOKENS):
        score -= 0.2
        reasons.append("left side is unique in the sample: any column would follow from it")
    if stats[rhs]["distinct"] <= 1:
        score -= 0.3
        reasons.append("right side is constant in the sample")
    if error > 0:
        score -= min(0.4, error * 4)
        reasons.append(f"approximate: {error:.1%} of rows violate it")
    score = max(0.0, min(1.0, score))
    confidence = "likely" if score >= 0.6 else "possible" if score >= 0.4 else "accidental"
    return MinedFD(list(lhs), rhs, error, score, reasons, confidence)


# --- mining ----------------------------------------------------------------------------------

def _write_csv(t: TableData, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(t.columns)
        w.writerows([["" if v is None else v for v in r] for r in t.rows])


def column_stats(t: TableData) -> dict[str, dict[str, Any]]:
    """Type (inferred from up to 20k distinct values), distinct count and NULLs per column."""
    stats: dict[str, dict[str, Any]] = {}
    for i, c in enumerate(t.columns):
        vals = [r[i] for r in t.rows]
        distinct = set(vals)
        probe = list(itertools.islice(distinct, 20_000))
        stats[c] = {"name": c, "type": t.types.get(c) or infer_type(probe), "rows": len(vals),
                    "distinct": len(distinct), "nulls": vals.count(None)}
        t.types[c] = stats[c]["type"]
    return stats


def profile_table(t: TableData, max_lhs: int = 3, error: float = 0.0,
                  others: Sequence[TableData] = ()) -> Profile:
    """Mine FDs, UCCs and INDs of ``t`` (INDs also against ``others``) and rank the FDs."""
    import desbordante as d

    if not t.rows:
        raise DbwrightError(f"{t.source}: no rows to profile")
    if not 0 <= error < 1:
        raise DbwrightError(f"--error must be in [0, 1), got {error}")
    stats = column_stats(t)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="dbwright-profile-") as tmp:
        path = Path(tmp) / f"{t.name}.csv"
        _write_csv(t, path)
        table = (str(path), ",", True)
        t0 = time.perf_counter()
        hy = d.fd.algorithms.HyFD()
        hy.load_data(table=table)
        hy.execute(max_lhs=max_lhs)
        exact = [(tuple(t.columns[i] for i in f.lhs_indices), t.columns[f.rhs_index], 0.0) for f in hy.get_fds()]
        timings["hyfd"] = time.perf_counter() - t0
        approx: list[tuple[tuple[str, ...], str, float]] = []
        if error > 0:
            t0 = time.perf_counter()
            tane = d.afd.algorithms.Tane()
            tane.load_data(table=table)
            tane.execute(error=error, max_lhs=max_lhs)
            approx = [(tuple(t.columns[i] for i in f.lhs_indices), t.columns[f.rhs_index],
                       float(f.get_threshold())) for f in tane.get_fds()]
            timings["tane"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        hu = d.ucc.algorithms.HyUCC()
        hu.load_data(table=table)
        hu.execute()
        uccs = sorted((sorted((t.columns[i] for i in u.indices), key=t.columns.index) for u in hu.get_uccs()),
                      key=lambda u: (len(u), [t.columns.index(c) for c in u]))
        timings["hyucc"] = time.perf_counter() - t0
        inds = _inds(t, others, Path(tmp), timings)
    ucc_sets = [frozenset(u) for u in uccs if len(u) <= max_lhs]  # only these fit inside a left side
    seen: dict[tuple[tuple[str, ...], str], float] = {}
    for lhs, rhs, err in exact + approx:
        if lhs and (lhs, rhs) not in seen:
            seen[(lhs, rhs)] = err
    mined = [rank_fd(list(lhs), rhs, err, stats, ucc_sets) for (lhs, rhs), err in seen.items()]
    mined.sort(key=lambda f: (-f.score, f.error, len(f.lhs), f.text))
    return Profile(t, mined, uccs, inds, list(stats.values()), timings, max_lhs, error)


def _inds(t: TableData, others: Sequence[TableData], tmp: Path, timings: dict[str, float]) -> list[dict[str, Any]]:
    """Unary inclusion dependencies (foreign-key candidates) with SPIDER.

    Each column goes to SPIDER as its own one-column table without its NULLs: a NULL is no
    reference, but SPIDER would count it as a value missing from the referenced column.
    """
    import desbordante as d

    cols: list[tuple[TableData, str]] = []
    paths = []
    for tab in (t, *others):
        for i, c in enumerate(tab.columns):
            vals = sorted({v for r in tab.rows if (v := r[i]) is not None})
            if not vals or tab.types.get(c) in ("bool", "float"):
                continue
            p = tmp / f"ind{len(cols)}.csv"
            with p.open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow([c])
                w.writerows([v] for v in vals)
            cols.append((tab, c))
            paths.append((str(p), ",", True))
    t0 = time.perf_counter()
    out: list[dict[str, Any]] = []
    if len(paths) >= 2:
        sp = d.ind.algorithms.Spider()
        sp.load_data(tables=paths)
        sp.execute()
        for ind in sp.get_inds():
            (lt, lc), (rt, rc) = cols[ind.get_lhs().table_index], cols[ind.get_rhs().table_index]
            out.append({"dependent": f"{lt.name}({lc})", "referenced": f"{rt.name}({rc})",
                        "error": float(ind.get_error())})
    timings["spider"] = time.perf_counter() - t0
    return out


def profile(data: str, table: str | None = None, max_lhs: int = 3, error: float = 0.0,
            sample: int = DEFAULT_SAMPLE, seed: int = 0) -> Profile:
    return profile_table(read_data(data, table, sample, seed), max_lhs=max_lhs, error=error)
