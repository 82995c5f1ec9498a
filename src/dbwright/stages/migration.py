"""Stage 'migration': how to get from the system in use today (``technology.current``) to the design.

Pure: the phases and commands for the source engine (change data capture from its own stream,
backfill, dual-write or switch-over, verification by checksums per key range) and the cutover
decision from ``technology.migration_downtime``. ``dbwright design --from DSN|FILE`` adds the
concrete phased schema plan from the current schema to the designed one, rehearsed on a sandbox
(``api.design_from``), into the same section.
"""

from __future__ import annotations

from typing import Any

from dbwright.design import Section
from dbwright.model import Alternative, Decision, Evidence
from dbwright.stages.context import DesignContext

DEBEZIUM = "https://debezium.io/documentation/reference/stable/connectors/"
_FAMILY = {"mysql": "mysql", "mariadb": "mysql", "aurora-mysql": "mysql", "postgresql": "postgresql",
           "postgres": "postgresql", "aurora-postgresql": "postgresql", "mongodb": "mongodb", "sqlite": "sqlite"}


def _checksum_sql(family: str) -> str:
    """One query per key range whose result must match on both sides (canonical text of each row)."""
    if family == "mysql":
        return ("SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, <cols as canonical text>) ORDER BY id "
                "SEPARATOR '\\n')) FROM <table> WHERE id BETWEEN :lo AND :hi;  -- SET SESSION group_concat_max_len "
                "= 1<<30 first")
    if family == "mongodb":
        return ("db.<collection>.aggregate([{$match: {_id: {$gte: lo, $lt: hi}}}, {$sort: {_id: 1}}, "
                "{$group: {_id: null, n: {$sum: 1}, ids: {$push: '$_id'}}}])  -- plus a hash of each canonical document")
    if family == "sqlite":
        return "SELECT count(*), group_concat(id || '|' || <cols>, char(10)) FROM (SELECT * FROM <table> " \
               "WHERE id BETWEEN :lo AND :hi ORDER BY id);  -- hash it in the verifier"
    return ("SELECT count(*), md5(string_agg(concat_ws('|', id, <cols as canonical text>), E'\\n' ORDER BY id)) "
            "FROM <table> WHERE id BETWEEN :lo AND :hi;")


def source_phases(current: str, target: str, zero_downtime: bool) -> list[dict[str, Any]]:
    """Ordered phases, each with what to run on which side and how to roll it back."""
    src = _FAMILY.get(current.lower(), current.lower())
    dst = _FAMILY.get(target.lower(), target.lower())
    verify = {"name": "verify", "title": "Verify by checksums per key range",
              "steps": [f"source: {_checksum_sql(src)}", f"target: {_checksum_sql(dst)}",
                        "split each table's key space into ranges of ~10,000 rows; compare count and hash per range; "
                        "re-copy only the ranges that differ; repeat until every range matches while CDC runs"],
              "rollback": "nothing to undo: read-only on both sides"}
    schema = {"name": "schema", "title": f"Create the designed schema on {target}",
              "steps": ["apply schema.postgresql.sql (or the engine's file) to the new database, without "
                        "foreign keys and secondary indexes (added after the backfill, NOT VALID then VALIDATE)"],
              "rollback": "drop the new database: the source is untouched"}
    if src == "mysql":
        cdc = {"name": "cdc", "title": "Capture changes from the MySQL/MariaDB binlog",
               "steps": ["source settings: binlog_format=ROW, binlog_row_image=FULL, gtid_mode=ON (MySQL) or "
                         "gtid_strict_mode (MariaDB), a replication user with REPLICATION SLAVE, REPLICATION CLIENT",
                         "Debezium MySQL connector (or the MariaDB connector) with snapshot.mode=initial: a consistent "
                         "snapshot, then the binlog from the snapshot's GTID; a JDBC sink (or Kafka Connect) writes "
                         "the target tables"],
               "rollback": "stop the connector and drop its offsets topic; the source only gained a replication user",
               "source": DEBEZIUM + "mysql.html"}
    elif src == "mongodb":
        cdc = {"name": "cdc", "title": "Capture changes from MongoDB change streams",
               "steps": ["the source must be a replica set (change streams need the oplog); a user with "
                         "changeStream and find on the collections",
                         "Debezium MongoDB connector (snapshot, then change streams); the documents are mapped to the "
                         "designed tables (dbwright normalize on a mongoexport sample proposes that mapping, with a "
                         "lossless proof)"],
               "rollback": "stop the connector; nothing changed on the source",
               "source": DEBEZIUM + "mongodb.html"}
    elif src == "postgresql":
        cdc = {"name": "cdc", "title": "Logical replication into the new schema",
               "steps": ["same engine: if only the schema changes, run the phased plan in place (the Migration "
                         "plan below); for a new cluster: wal_level=logical, CREATE PUBLICATION on the source, "
                         "CREATE SUBSCRIPTION on the target (initial copy, then changes), or Debezium's PostgreSQL "
                         "connector when the target shape differs from the source tables"],
               "rollback": "DROP SUBSCRIPTION on the target and DROP PUBLICATION on the source",
               "source": "https://www.postgresql.org/docs/current/logical-replication.html"}
    elif src == "sqlite":
        cdc = {"name": "copy", "title": "Copy (SQLite has no change stream)",
               "steps": ["SQLite has no replication log to follow: either copy during a write freeze (pgloader reads "
                         "SQLite directly), or have the application write to both stores (dual-write) while a "
                         "backfill copies history"],
               "rollback": "drop the target database", "source": "https://pgloader.readthedocs.io/en/latest/ref/sqlite.html"}
    else:
        cdc = {"name": "cdc", "title": f"Capture changes from {current}",
               "steps": [f"use {current}'s own change stream (or a Debezium connector for it) for an initial snapshot "
                         "and the changes after it"], "rollback": "stop the capture", "source": DEBEZIUM}
    if zero_downtime and src != "sqlite":
        cut = {"name": "switch", "title": "Switch over without downtime",
               "steps": ["the application reads from the target behind a flag, per feature, while CDC keeps it in step",
                         "writes: set the source read-only for seconds (MySQL: SET GLOBAL read_only = ON; MongoDB: "
                         "fsyncLock or stop writers; PostgreSQL: ALTER DATABASE … SET default_transaction_read_only), "
                         "wait for CDC lag 0, re-run the checksums of the ranges written in the last hour, flip the "
                         "application's write target, stop CDC",
                         "optional: reverse CDC (target → source) for a while so a rollback loses nothing"],
               "rollback": "flip the flag back to the source (with reverse CDC running, no write is lost)"}
    else:
        cut = {"name": "switch", "title": "Switch over during a write freeze",
               "steps": ["stop writers, wait for the copy or CDC to drain, verify the checksums of every range, point "
                         "the application at the target, re-enable writes"],
               "rollback": "point the application back at the source (writes made to the target meanwhile are lost "
                           "unless copied back)"}
    return [schema, cdc, {"name": "backfill", "title": "Backfill history",
                          "steps": ["the CDC snapshot copies existing rows in key order; large tables in ranges, "
                                    "throttled on replica lag; foreign keys and indexes added after (NOT VALID, "
                                    "then VALIDATE; CREATE INDEX CONCURRENTLY)"],
                          "rollback": "truncate the target tables and restart the snapshot"}, verify, cut]


def run(ctx: DesignContext) -> Section | None:
    spec = ctx.spec
    current = spec.technology.current
    if not current:
        return None
    tech = ctx.section("technology")
    target = str(tech.data.get("recommended")) if tech and tech.data.get("recommended") else "postgresql"
    downtime = spec.technology.migration_downtime
    zero = downtime is not None and downtime <= 60
    phases = source_phases(current, target, zero)
    same = _FAMILY.get(current.lower(), current) == _FAMILY.get(target.lower(), target)
    choice = ("in-place expand/contract of the schema" if same else
              f"change data capture from {current}, then {'a zero-downtime' if zero else 'a short-freeze'} switch-over")
    decision = Decision(
        topic="migration: from the current system to the design", choice=choice,
        rationale=(f"technology.current is {current}; the design targets {target}. "
                   + (f"migration_downtime {downtime:g} s allows only a switch-over of seconds: changes are captured "
                      "from the source's own stream while history is copied, then writes move in one short freeze."
                      if zero else "a write freeze is acceptable (migration_downtime not set or over a minute): "
                      "copy, verify, switch.")),
        trade_offs=["CDC adds a pipeline to run and monitor for the length of the migration",
                    "checksums per range cost a scan of both sides; done in ranges they run beside production"],
        alternatives=[Alternative("dump and restore", "downtime grows with the data size; no way back without "
                                  "losing the writes made after the dump"),
                      Alternative("application dual-write only", "no consistent starting point: needs a backfill "
                                  "and a reconciliation that CDC gives for free")],
        evidence=[Evidence.cited("Debezium captures row changes from the engine's own log or stream", DEBEZIUM),
                  Evidence.formula("zero downtime when migration_downtime ≤ 60 s", zero, migration_downtime=downtime)])
    return Section("migration", "Migration", f"{current} → {target}: {choice}", [decision],
                   data={"current": current, "target": target, "zero_downtime": zero, "phases": phases,
                         "plan": None, "rehearsal": None})
