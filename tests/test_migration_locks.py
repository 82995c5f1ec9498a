"""The static lock model equals what PostgreSQL really takes (pg_locks) for ~90 DDL forms.

One session cluster; each form runs in a rolled-back transaction (CONCURRENTLY forms on a scratch
copy, sampled while queued), so the whole check takes a few seconds.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dbwright.migration.facts import LOCK_MODES
from dbwright.migration.parse import parse_script
from dbwright.verify.locks import measure, measure_concurrently
from migration_lock_forms import FORMS, SETUP


@pytest.fixture(scope="module")
def lock_template(pg_cluster) -> Iterator[str]:  # type: ignore[no-untyped-def]
    name = "dbw_lock_forms"
    pg_cluster.create_database(name)
    pg_cluster.execute(SETUP, name)
    yield name
    pg_cluster.drop_database(name)


def _static(sql: str, major: int) -> tuple[dict[str, str], bool]:
    st = parse_script(sql, version=(major,), context_sql=SETUP).stmts[0]
    out: dict[str, str] = {}
    for lk in st.locks:
        if lk.kind == "table":
            cur = out.get(lk.relation)
            if cur is None or LOCK_MODES.index(lk.mode) > LOCK_MODES.index(cur):
                out[lk.relation] = lk.mode
    return out, st.rewrite


def test_static_lock_model_matches_pg_locks(pg_cluster, lock_template) -> None:  # type: ignore[no-untyped-def]
    major = int(str(pg_cluster.version).split(".")[0])
    assert len(FORMS) >= 80
    mismatches = []
    for sql, hold in FORMS:
        m = measure_concurrently(pg_cluster, lock_template, sql, hold) if hold else measure(
            pg_cluster, lock_template, sql)
        assert m.error is None, f"{sql}: {m.error}"
        static, rewrite = _static(sql, major)
        if static != m.table_locks() or rewrite != bool(m.rewritten):
            mismatches.append(f"{sql}\n  measured {m.table_locks()} rewrite={m.rewritten}\n"
                              f"  static   {static} rewrite={rewrite}")
    assert not mismatches, "\n".join(mismatches)


def test_rewrite_detection_sees_relfilenode_change(pg_cluster, lock_template) -> None:  # type: ignore[no-untyped-def]
    m = measure(pg_cluster, lock_template, "alter table t alter column a type bigint")
    assert m.rewritten == ["t"] and m.table_locks() == {"t": "AccessExclusiveLock"}
    assert measure(pg_cluster, lock_template, "alter table t add column z int default 7").rewritten == []
    # rolled back: the template is unchanged
    assert pg_cluster.scalar("select count(*) from information_schema.columns where table_name = 't' "
                             "and column_name = 'z'", lock_template) == 0
