"""MySQL/MariaDB → PostgreSQL: Sakila loaded into a throwaway MariaDB, assessed, copied into the
session PostgreSQL, verified by row counts and per-primary-key-range checksums."""

from __future__ import annotations

from pathlib import Path

from dbwright.migration.engine_switch import runbook
from dbwright.verify.rehearse_switch import rehearse_switch


def test_sakila_switch_rehearsal(maria, pg_cluster, corpora: Path) -> None:  # type: ignore[no-untyped-def]
    sak = corpora / "schemas" / "sakila"
    r = rehearse_switch(maria, pg_cluster, sak / "mysql-sakila-schema.sql",
                        sak / "postgres-sakila-insert-data-using-copy.sql")
    assert r.errors == []
    assert len(r.rows) == 16
    assert r.rows["rental"] == (16044, 16044) and r.rows["payment"] == (16049, 16049)
    assert all(a == b for a, b in r.rows.values())
    assert r.ranges_checked >= 40 and r.range_mismatches == []
    codes = {f.code for f in r.assessment.findings}
    # UNSIGNED, ENUM, SET, TIMESTAMP, AUTO_INCREMENT, FULLTEXT, ON UPDATE CURRENT_TIMESTAMP, CHAR
    assert {"SWITCH002", "SWITCH004", "SWITCH005", "SWITCH006", "SWITCH009", "SWITCH010", "SWITCH011"} <= codes
    assert any(m.startswith("trigger") for m in r.assessment.manual)
    assert any(m.startswith("view") for m in r.assessment.manual)
    text = runbook(r.assessment)
    assert "Cutover" in text and "Rollback" in text and "Debezium" in text
