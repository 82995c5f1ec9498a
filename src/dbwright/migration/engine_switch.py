"""MySQL/MariaDB → PostgreSQL: type-mapping assessment, generated PostgreSQL DDL (SQLAlchemy), and a
bulk copy + change-data-capture runbook with cutover and rollback.

The source is read from a live (throwaway or read-only) MySQL/MariaDB through SQLAlchemy reflection
and ``information_schema``, so every type, default and collation is the server's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as my
from sqlalchemy.dialects import postgresql as pg

from dbwright.model import Finding, Location, Severity

_PG = pg.dialect()  # type: ignore[no-untyped-call]


@dataclass
class ColumnMap:
    table: str
    column: str
    source: str
    target: str
    convert: str = ""  # how values change on copy: bool, zero_date, set_list, year, enum_text
    note: str = ""


@dataclass
class SwitchAssessment:
    tables: list[str] = field(default_factory=list)
    columns: list[ColumnMap] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ddl: list[str] = field(default_factory=list)  # tables (no FKs)
    post_ddl: list[str] = field(default_factory=list)  # indexes, FKs (NOT VALID + VALIDATE), sequences
    manual: list[str] = field(default_factory=list)  # routines, triggers, views to port by hand
    metadata: Any = None
    source_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"source_version": self.source_version, "tables": self.tables,
                "columns": [c.__dict__ for c in self.columns], "findings": [f.to_dict() for f in self.findings],
                "ddl": self.ddl, "post_ddl": self.post_ddl, "manual": self.manual}


def _f(code: str, sev: Severity, msg: str, path: str, fix: str) -> Finding:
    return Finding(code, sev, msg, Location(path=path), rationale="MySQL/MariaDB → PostgreSQL type mapping",
                   remediation=fix)


def map_type(t: Any, col: dict[str, Any], table: str, out: SwitchAssessment) -> tuple[Any, str, str]:
    """(PostgreSQL SQLAlchemy type, conversion tag, note) for one reflected MySQL column."""
    path = f"{table}.{col['name']}"
    unsigned = bool(getattr(t, "unsigned", False))
    if isinstance(t, my.TINYINT) and getattr(t, "display_width", None) == 1:
        out.findings.append(_f("SWITCH003", Severity.INFO, "tinyint(1) is used as a boolean", path,
                               "boolean in PostgreSQL; the copy maps 0/1 to false/true"))
        return sa.Boolean(), "bool", "tinyint(1) → boolean"
    if isinstance(t, my.TINYINT | my.SMALLINT):
        return (sa.Integer() if unsigned else sa.SmallInteger()), "", ""
    if isinstance(t, my.MEDIUMINT):
        return sa.Integer(), "", ""
    if isinstance(t, my.INTEGER):
        if unsigned:
            out.findings.append(_f("SWITCH002", Severity.INFO, "INT UNSIGNED holds up to 4294967295", path,
                                   "bigint (PostgreSQL has no unsigned types); add CHECK (>= 0) if it matters"))
            return sa.BigInteger(), "", "unsigned → bigint"
        return sa.Integer(), "", ""
    if isinstance(t, my.BIGINT):
        if unsigned:
            out.findings.append(_f("SWITCH002", Severity.WARNING, "BIGINT UNSIGNED exceeds bigint", path,
                                   "numeric(20,0), or bigint if values stay below 2^63"))
            return sa.Numeric(20, 0), "", "bigint unsigned → numeric(20)"
        return sa.BigInteger(), "", ""
    if isinstance(t, my.YEAR):
        return sa.SmallInteger(), "year", "year → smallint"
    if isinstance(t, my.ENUM):
        vals = list(t.enums)
        out.findings.append(_f("SWITCH004", Severity.INFO, f"ENUM({', '.join(vals)})", path,
                               "text with a CHECK constraint (or a PostgreSQL enum type); MySQL stores '' for "
                               "invalid values in non-strict mode — check for it"))
        return sa.Text(), "enum_text", "enum → text + CHECK"
    if isinstance(t, my.SET):
        out.findings.append(_f("SWITCH005", Severity.WARNING, "SET column", path,
                               "text[] (the copy splits on commas); queries using FIND_IN_SET need = ANY()"))
        return pg.ARRAY(sa.Text()), "set_list", "set → text[]"
    if isinstance(t, my.DATETIME | my.TIMESTAMP | sa.DATE):
        default = str(col.get("default") or "")
        if "0000-00-00" in default:
            out.findings.append(_f("SWITCH001", Severity.ERROR, "zero-date default", path,
                                   "PostgreSQL rejects 0000-00-00: use NULL (the copy turns zero dates into NULL)"))
        if isinstance(t, my.TIMESTAMP):
            out.findings.append(_f("SWITCH006", Severity.INFO, "MySQL TIMESTAMP is stored in UTC and shown in the "
                                   "session zone", path, "timestamptz"))
            return sa.TIMESTAMP(timezone=True), "zero_date", "timestamp → timestamptz"
        if isinstance(t, sa.DATE) and not isinstance(t, my.DATETIME):
            return sa.Date(), "zero_date", ""
        return sa.TIMESTAMP(timezone=False), "zero_date", "datetime → timestamp"
    if isinstance(t, my.JSON):
        return pg.JSONB(), "", "json → jsonb"
    if isinstance(t, my.BIT):
        return (sa.Boolean() if (t.length or 1) == 1 else pg.BIT(t.length)), "bool", ""
    if isinstance(t, sa.LargeBinary | my.BLOB | my.LONGBLOB | my.MEDIUMBLOB | my.TINYBLOB | my.VARBINARY | my.BINARY):
        return pg.BYTEA(), "", "blob → bytea"
    if isinstance(t, my.DOUBLE):
        return sa.Double(), "", ""
    if isinstance(t, my.FLOAT):
        return sa.REAL(), "", ""
    if isinstance(t, sa.Numeric):
        return sa.Numeric(t.precision, t.scale), "", ""
    if isinstance(t, sa.String):
        coll = getattr(t, "collation", None) or ""
        if coll.endswith("_ci"):
            out.findings.append(_f("SWITCH007", Severity.INFO, f"case-insensitive collation {coll}", path,
                                   "comparisons become case-sensitive: use citext, lower() indexes, or a "
                                   "nondeterministic ICU collation where equality must ignore case"))
        if isinstance(t, sa.Text | my.TEXT | my.MEDIUMTEXT | my.LONGTEXT | my.TINYTEXT):
            return sa.Text(), "", ""
        if isinstance(t, my.CHAR | sa.CHAR):
            out.findings.append(_f("SWITCH013", Severity.INFO, f"CHAR({t.length})", path,
                                   "varchar: MySQL strips CHAR padding on read, PostgreSQL char(n) keeps it"))
            return sa.String(t.length), "", "char → varchar"
        return sa.String(t.length), "", ""
    if type(t).__name__.upper() in ("GEOMETRY", "POINT", "LINESTRING", "POLYGON"):
        out.findings.append(_f("SWITCH008", Severity.ERROR, "spatial column", path, "needs PostGIS (geometry)"))
        return sa.Text(), "", "spatial → PostGIS geometry (manual)"
    return sa.Text(), "", f"unmapped {t!r} → text"


def assess(engine: Any, schema: str | None = None) -> SwitchAssessment:
    """Read a MySQL/MariaDB database and plan its PostgreSQL shape."""
    insp = sa.inspect(engine)
    out = SwitchAssessment()
    with engine.connect() as conn:
        out.source_version = str(conn.exec_driver_sql("select version()").scalar())
        db = schema or conn.exec_driver_sql("select database()").scalar()
        extra = {(r[0], r[1]): (r[2] or "", r[3] or "", r[4] or "") for r in conn.exec_driver_sql(
            "select table_name, column_name, extra, column_default, collation_name from information_schema.columns "
            "where table_schema = %s", (db,))}
        for kind, sql in (("procedure/function", "select routine_type, routine_name from information_schema.routines "
                                                 "where routine_schema = %s"),
                          ("trigger", "select 'TRIGGER', trigger_name from information_schema.triggers "
                                      "where trigger_schema = %s"),
                          ("view", "select 'VIEW', table_name from information_schema.views where table_schema = %s")):
            for r in conn.exec_driver_sql(sql, (db,)):
                out.manual.append(f"{r[0].lower()} {r[1]}: port by hand ({kind} bodies are not translated)")
    md = sa.MetaData()
    views = set(insp.get_view_names(schema=schema))
    for tname in sorted(insp.get_table_names(schema=schema)):
        if tname in views:
            continue
        out.tables.append(tname)
        cols: list[Any] = []
        pk = insp.get_pk_constraint(tname, schema=schema).get("constrained_columns", [])
        for c in insp.get_columns(tname, schema=schema):
            ptype, conv, note = map_type(c["type"], c, tname, out)
            ex, _dflt, _coll = extra.get((tname, c["name"]), ("", "", ""))
            server_default = None
            if "on update current_timestamp" in ex.lower():
                out.findings.append(_f("SWITCH009", Severity.WARNING, "ON UPDATE CURRENT_TIMESTAMP",
                                       f"{tname}.{c['name']}", "a BEFORE UPDATE trigger setting NEW.col = now()"))
            d = c.get("default")
            if d is not None and "auto_increment" not in ex.lower():
                ds = str(d).strip("'")
                if ds.lower().startswith("current_timestamp") or ds.lower() == "now()":
                    server_default = sa.text("now()")
                elif "0000-00-00" in ds:
                    server_default = None
                elif conv == "bool":
                    server_default = sa.text("true" if ds in ("1", "b'1'") else "false")
                elif re.fullmatch(r"-?\d+(\.\d+)?", ds):
                    server_default = sa.text(ds)
                elif ds.upper() != "NULL":
                    server_default = sa.text("'" + ds.replace("'", "''") + "'")
            identity = "auto_increment" in ex.lower()
            if identity:
                out.findings.append(_f("SWITCH010", Severity.INFO, "AUTO_INCREMENT", f"{tname}.{c['name']}",
                                       "GENERATED BY DEFAULT AS IDENTITY; after the copy set it past max(id)"))
            col = sa.Column(c["name"], ptype, nullable=c["nullable"] and c["name"] not in pk,
                            server_default=server_default,
                            primary_key=c["name"] in pk)
            if identity:
                col = sa.Column(c["name"], ptype, sa.Identity(always=False), primary_key=c["name"] in pk,
                                nullable=False)
            cols.append(col)
            out.columns.append(ColumnMap(tname, c["name"], str(c["type"]), str(ptype.compile(dialect=_PG)),
                                         conv, note))
            if conv == "enum_text":
                vals = ", ".join("'" + v.replace("'", "''") + "'" for v in c["type"].enums)
                cols.append(sa.CheckConstraint(f'"{c["name"]}" IN ({vals})', name=f"{tname}_{c['name']}_check"))
        sa.Table(tname, md, *cols)
    out.metadata = md
    for t in md.sorted_tables:
        out.ddl.append(str(sa.schema.CreateTable(t).compile(dialect=_PG)).strip())
    used_names: set[str] = set()
    for tname in out.tables:
        for idx in insp.get_indexes(tname, schema=schema):
            if idx.get("type") == "FULLTEXT" or idx.get("dialect_options", {}).get("mysql_prefix") == "FULLTEXT":
                out.findings.append(_f("SWITCH011", Severity.WARNING, f"FULLTEXT index {idx['name']}", tname,
                                       "a tsvector column or expression with a GIN index; query syntax changes"))
                continue
            icols = [c for c in idx["column_names"] if c]
            if not icols:
                continue
            name = idx["name"]
            if name in used_names:
                out.findings.append(_f("SWITCH012", Severity.INFO, f"index name {name} repeats", tname,
                                       "index names are per table in MySQL, per schema in PostgreSQL: renamed "
                                       f"{tname}_{name}"))
                name = f"{tname}_{name}"[:63]
            used_names.add(name)
            ix = sa.Index(name, *[md.tables[tname].c[c] for c in icols], unique=bool(idx.get("unique")))
            out.post_ddl.append(str(sa.schema.CreateIndex(ix).compile(dialect=_PG)).strip())
        for fk in insp.get_foreign_keys(tname, schema=schema):
            cons = sa.ForeignKeyConstraint(fk["constrained_columns"],
                                           [f"{fk['referred_table']}.{c}" for c in fk["referred_columns"]],
                                           name=fk["name"])
            md.tables[tname].append_constraint(cons)
            out.post_ddl.append(str(sa.schema.AddConstraint(cons).compile(dialect=_PG)).strip()
                                + " NOT VALID")
            out.post_ddl.append(f'ALTER TABLE {tname} VALIDATE CONSTRAINT "{fk["name"]}"')
    return out


def convert_value(value: Any, conv: str) -> Any:
    if value is None:
        return None
    if conv == "bool":
        return bool(value if not isinstance(value, bytes) else int.from_bytes(value, "big"))
    if conv == "zero_date" and isinstance(value, str) and value.startswith("0000-00-00"):
        return None
    if conv == "set_list":
        return [v for v in (value if isinstance(value, str) else ",".join(sorted(value))).split(",") if v] \
            if not isinstance(value, set) else sorted(value)
    return value


def runbook(a: SwitchAssessment, tool: str = "debezium") -> str:
    errors = [f for f in a.findings if f.severity is Severity.ERROR]
    lines = ["# MySQL/MariaDB → PostgreSQL switch runbook", "",
             f"Source: {a.source_version}. Tables: {len(a.tables)}. Findings: {len(a.findings)} "
             f"({len(errors)} blocking).", "", "## Type mapping", "", "| column | source | PostgreSQL | copy |",
             "|---|---|---|---|"]
    lines += [f"| {c.table}.{c.column} | {c.source} | {c.target} | {c.convert or '—'} |" for c in a.columns
              if c.note or c.convert]
    lines += ["", "## Findings", ""] + [f"- **{f.code}** {f.location.path}: {f.message} → {f.remediation}"
                                         for f in a.findings]
    lines += ["", "## Port by hand", ""] + [f"- {m}" for m in a.manual] + [""]
    lines += ["## Phases", "",
              "1. **Schema**: apply the generated tables (`schema.sql`) on PostgreSQL — no foreign keys or "
              "secondary indexes yet (faster load).",
              "2. **Binlog**: source with `binlog_format=ROW`, `binlog_row_image=FULL`, a unique `server_id`, "
              "binlog retention longer than the bulk copy takes.",
              "3. **Bulk copy + CDC**: " + (
                  "Debezium MySQL connector (`snapshot.mode=initial`, `snapshot.locking.mode=minimal`, "
                  "`include.schema.changes=false`) into Kafka, JDBC sink (`insert.mode=upsert`, "
                  "`pk.mode=record_key`) into PostgreSQL; the snapshot is the bulk copy, the binlog stream "
                  "keeps it current." if tool == "debezium" else
                  "AWS DMS task *full load and ongoing replication*, target table prep mode *do nothing* "
                  "(tables pre-created), LOB mode limited, validation enabled."),
              "4. **Post-load**: indexes, then foreign keys `NOT VALID` + `VALIDATE` (`post.sql`); set every "
              "identity past `max(id)`.",
              "5. **Verify**: row counts per table and checksums per primary-key range on both sides "
              "(`dbwright migrate switch --rehearse` does this on throwaway copies).",
              "6. **Cutover**: stop writes on the source (`SET GLOBAL read_only = ON`, drain connections), wait "
              "until CDC lag is 0, re-run counts/checksums, point the application at PostgreSQL, resume writes.",
              "", "## Rollback", "",
              "- Before cutover: drop the PostgreSQL copy; the source never stopped being authoritative.",
              "- After cutover: keep a reverse stream (Debezium PostgreSQL connector → MySQL sink, or DMS "
              "PostgreSQL → MySQL) running from the cutover moment; to roll back, stop writes on PostgreSQL, wait "
              "for lag 0, point the application back at MySQL. Without a reverse stream, writes made after cutover "
              "are lost on rollback.", ""]
    return "\n".join(lines)
