"""Rehearse a MySQL/MariaDB → PostgreSQL switch on throwaway engines: load the source, assess it,
create the PostgreSQL tables, bulk-copy with COPY, add indexes and foreign keys, and verify row
counts and per-primary-key-range checksums on both sides."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dbwright.migration.engine_switch import SwitchAssessment, assess, convert_value
from dbwright.model import DbwrightError


@dataclass
class SwitchRehearsal:
    assessment: SwitchAssessment
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (source, target)
    ranges_checked: int = 0
    range_mismatches: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.range_mismatches and all(a == b for a, b in self.rows.values())

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": {t: {"source": a, "target": b} for t, (a, b) in self.rows.items()},
                "ranges_checked": self.ranges_checked, "range_mismatches": self.range_mismatches,
                "seconds": self.seconds, "errors": self.errors, "assessment": self.assessment.to_dict()}


def load_mysql_file(instance: Any, path: Path, database: str | None = None) -> None:
    """Load a MySQL script with the mariadb client (it understands DELIMITER)."""
    client = shutil.which("mariadb") or shutil.which("mysql")
    if not client:
        raise DbwrightError("the mariadb (or mysql) client is needed to load a MySQL script")
    cmd = [client, f"--socket={instance.sock}", "-uroot"] + ([database] if database else [])
    with open(path, "rb") as fh:
        proc = subprocess.run(cmd, stdin=fh, capture_output=True, timeout=300)
    if proc.returncode:
        raise DbwrightError(f"loading {path.name} failed: {proc.stderr.decode(errors='replace')[-300:]}")


def pg_copy_blocks(path: Path) -> dict[str, tuple[list[str], list[list[str | None]]]]:
    """Rows of a pg_dump COPY data file: table -> (columns, rows) with \\N as None."""
    out: dict[str, tuple[list[str], list[list[str | None]]]] = {}
    cur: tuple[list[str], list[list[str | None]]] | None = None
    for line in path.read_text().splitlines():
        if cur is None:
            m = re.match(r"COPY (?:public\.)?(\w+) \((.*)\) FROM stdin;", line)
            if m:
                cur = ([c.strip() for c in m.group(2).split(",")], [])
                out[m.group(1)] = cur
            continue
        if line == "\\.":
            cur = None
            continue
        vals = [None if v == "\\N" else v.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")
                for v in line.split("\t")]
        cur[1].append(vals)
    return out


def load_sakila_data(instance: Any, database: str, copy_file: Path) -> dict[str, int]:
    """Fill the MySQL Sakila schema from the PostgreSQL COPY file (columns both sides share)."""
    conn = instance.connect(database)
    counts: dict[str, int] = {}
    try:
        with conn.cursor() as cur:
            cur.execute("SET FOREIGN_KEY_CHECKS=0")
            for table, (cols, rows) in pg_copy_blocks(copy_file).items():
                cur.execute(f"SHOW COLUMNS FROM `{table}`")
                mcols = {r[0]: r[1] for r in cur.fetchall()}
                keep = [i for i, c in enumerate(cols) if c in mcols]
                names = [cols[i] for i in keep]
                data = []
                for r in rows:
                    vals = []
                    for i in keep:
                        v = r[i]
                        mtype = mcols[cols[i]].lower()
                        if v is not None and mtype.startswith("set("):
                            v = ",".join(x.strip('"') for x in v.strip("{}").split(",") if x)
                        elif v is not None and mtype.startswith(("tinyint(1)", "boolean")):
                            v = "1" if v in ("t", "true", "1") else "0"
                        elif v is not None and mtype.startswith(("timestamp", "datetime")):
                            v = re.sub(r"(\d\d:\d\d:\d\d(?:\.\d+)?)[+-]\d\d(?::\d\d)?$", r"\1", v)
                        vals.append(v)
                    data.append(vals)
                ph = ", ".join(["%s"] * len(names))
                cur.executemany(f"INSERT INTO `{table}` ({', '.join(f'`{n}`' for n in names)}) VALUES ({ph})", data)
                counts[table] = len(data)
            cur.execute("SET FOREIGN_KEY_CHECKS=1")
        conn.commit()
    finally:
        conn.close()
    return counts


def _canon(v: Any) -> str:
    if v is None:
        return "∅"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, decimal.Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, float):
        return repr(round(v, 6))
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(v, bytes | memoryview):
        return hashlib.md5(bytes(v)).hexdigest()
    if isinstance(v, list | set | tuple):
        return ",".join(sorted(str(x) for x in v))
    return str(v)


def copy_to_postgres(src: sa.engine.Engine, a: SwitchAssessment, pg_conn: Any, batch: int = 5000) -> None:
    conv = {(c.table, c.column): c.convert for c in a.columns}
    md = a.metadata
    for tname in a.tables:
        t = md.tables[tname]
        names = [c.name for c in t.columns]
        with src.connect().execution_options(stream_results=True) as sconn, pg_conn.cursor() as cur:
            result = sconn.exec_driver_sql(f"SELECT {', '.join(f'`{n}`' for n in names)} FROM `{tname}`")
            cols = ", ".join(f'"{n}"' for n in names)
            with cur.copy(f"COPY {tname} ({cols}) FROM STDIN") as cp:
                for row in result:
                    cp.write_row([convert_value(v, conv.get((tname, n), "")) for v, n in zip(row, names, strict=True)])


def range_checksums(rows: list[tuple[Any, ...]], key_index: int = 0, width: int = 1000) -> dict[int, str]:
    buckets: dict[int, Any] = {}
    for r in rows:
        k = int(r[key_index]) // width
        buckets.setdefault(k, hashlib.md5())
        buckets[k].update(("|".join(_canon(v) for v in r) + "\n").encode())
    return {k: h.hexdigest() for k, h in buckets.items()}


def rehearse_switch(maria: Any, cluster: Any, schema_file: Path, data_copy_file: Path | None = None,
                    source_db: str = "sakila", target_db: str = "dbw_switch") -> SwitchRehearsal:
    t0 = time.perf_counter()
    load_mysql_file(maria, schema_file)
    if data_copy_file is not None:
        load_sakila_data(maria, source_db, data_copy_file)
    src = sa.create_engine(maria.url(source_db))
    a = assess(src)
    report = SwitchRehearsal(a)
    report.seconds["load source"] = round(time.perf_counter() - t0, 2)
    cluster.create_database(target_db)
    try:
        t1 = time.perf_counter()
        with cluster.connect(target_db) as pgc:
            for ddl in a.ddl:
                pgc.execute(ddl)
            with pgc.transaction():
                copy_to_postgres(src, a, pgc)
            report.seconds["bulk copy"] = round(time.perf_counter() - t1, 2)
            t2 = time.perf_counter()
            for ddl in a.post_ddl:
                try:
                    pgc.execute(ddl)
                except Exception as exc:
                    report.errors.append(f"{ddl[:80]}: {str(exc).splitlines()[0]}")
            for t in a.metadata.tables.values():
                for c in t.columns:
                    if c.identity is not None:
                        pgc.execute(f"SELECT setval(pg_get_serial_sequence('{t.name}', '{c.name}'), "
                                    f"coalesce(max(\"{c.name}\"), 1)) FROM {t.name}")
            report.seconds["indexes, foreign keys, identities"] = round(time.perf_counter() - t2, 2)
            t3 = time.perf_counter()
            conv = {(c.table, c.column): c.convert for c in a.columns}
            with src.connect() as sconn:
                for tname in a.tables:
                    t = a.metadata.tables[tname]
                    names = [c.name for c in t.columns]
                    pk = [c.name for c in t.primary_key.columns] or names[:1]
                    order = ", ".join(pk)
                    srows = [tuple(convert_value(v, conv.get((tname, n), "")) for v, n in zip(r, names, strict=True))
                             for r in sconn.exec_driver_sql(
                                 f"SELECT {', '.join(f'`{n}`' for n in names)} FROM `{tname}` ORDER BY {order}")]
                    prow = pgc.execute(f"SELECT {', '.join(f'{chr(34)}{n}{chr(34)}' for n in names)} FROM {tname} "
                                       f"ORDER BY {order}").fetchall()
                    report.rows[tname] = (len(srows), len(prow))
                    ki = names.index(pk[0])
                    numeric_key = all(isinstance(r[ki], int) for r in srows[:10])
                    if not numeric_key:
                        same = [tuple(_canon(v) for v in r) for r in srows] == [tuple(_canon(v) for v in r) for r in prow]
                        report.ranges_checked += 1
                        if not same:
                            report.range_mismatches.append(f"{tname}: whole-table checksum differs")
                        continue
                    a_sums, b_sums = range_checksums(srows, ki), range_checksums(prow, ki)
                    report.ranges_checked += len(a_sums)
                    for k in sorted(set(a_sums) | set(b_sums)):
                        if a_sums.get(k) != b_sums.get(k):
                            report.range_mismatches.append(f"{tname}: {pk[0]} in [{k * 1000}, {k * 1000 + 999}]")
            report.seconds["verify"] = round(time.perf_counter() - t3, 2)
    finally:
        src.dispose()
        cluster.drop_database(target_db)
        maria.execute(f"DROP DATABASE IF EXISTS `{source_db}`")
    return report
