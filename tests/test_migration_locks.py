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


NOT_NULL_PROOFS = [  # (constraint added and validated before SET NOT NULL on t.a, does PostgreSQL skip the scan?)
    ("check (a is not null)", True),
    ("check (a is not null and b is not null)", True),
    ("check ((a is not null) and a > 0)", True),
    ("check (a > 0)", False),  # a CHECK is only known not to be false: NULL > 0 passes it
    ("check (a is not null or b is null)", False),
]


def test_not_null_proof_matches_postgresql(pg_cluster, lock_template) -> None:  # type: ignore[no-untyped-def]
    """Whether SET NOT NULL skips its scan, as PostgreSQL reports it (DEBUG1 'sufficient to prove'),
    equals the static model's ``scan`` for each validated CHECK form."""
    for check, skips in NOT_NULL_PROOFS:
        notices: list[str] = []
        with pg_cluster.connect(lock_template, autocommit=False) as conn:
            conn.add_notice_handler(lambda d, sink=notices: sink.append(str(d.message_primary)))
            conn.execute(f"alter table t add constraint nn_probe {check}")
            conn.execute("set local client_min_messages = debug1")
            conn.execute("alter table t alter column a set not null")
            conn.rollback()
        measured = any("sufficient to prove" in n for n in notices)
        script = parse_script(f"alter table t add constraint nn_probe {check};\n"
                              "alter table t alter column a set not null;", context_sql=SETUP)
        assert measured == skips, (check, notices)
        assert script.stmts[1].scan == (not skips), check


PART_SETUP = """create table pe (k int, v text) partition by list (k); create table pe1 partition of pe for values in (1);
create index pe_v_idx on only pe (v); create index pe1_v_idx on pe1 (v);"""


@pytest.mark.parametrize("sql", ["alter index pe_v_idx attach partition pe1_v_idx",
                                 "create index pe_k_idx on only pe (k)"])
def test_partitioned_index_steps_match_pg_locks(pg_cluster, sql: str) -> None:  # type: ignore[no-untyped-def]
    """The online build of a partitioned index (ON ONLY, then ATTACH PARTITION per partition):
    static locks, tables and indexes, equal pg_locks."""
    name = "dbw_lock_partidx"
    pg_cluster.create_database(name)
    try:
        pg_cluster.execute(PART_SETUP, name)
        m = measure(pg_cluster, name, sql)
        assert m.error is None, m.error
        st = parse_script(sql, context_sql=PART_SETUP).stmts[0]
        static: dict[str, tuple[str, str]] = {}
        for lk in st.locks:
            cur = static.get(lk.relation)
            if cur is None or LOCK_MODES.index(lk.mode) > LOCK_MODES.index(cur[1]):
                static[lk.relation] = (lk.kind, lk.mode)
        assert static == m.locks, (static, m.locks)
    finally:
        pg_cluster.drop_database(name)


VIEW_SETUP = SETUP + """create view tv as select id, a from t; create materialized view tmv as select id, a from t;
create unique index tmv_id on tmv (id);"""
VIEW_FORMS = ["drop view tv", "drop materialized view tmv", "refresh materialized view tmv",
              "create table tcopy as select t.id, p.code from t join p on p.id = t.p_id",
              "create materialized view tmv2 as select a, count(*) from t group by a",
              "merge into p using (select 5000 as id) s on p.id = s.id when not matched then insert values (s.id, 'm')",
              "alter materialized view tmv rename to tmv2", "alter view tv rename to tv2",
              "alter index t_a_idx set (fillfactor = 80)", "comment on column t.a is 'x'",
              "drop index t_a_idx, t_id_a_uidx"]


def test_view_and_other_kinds_match_pg_locks(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """The statement kinds the table forms do not reach (views, materialized views, CREATE TABLE AS,
    MERGE, ALTER INDEX): every lock on a table, view or materialized view (and on the index an ALTER
    INDEX changes) equals pg_locks, with the rewrite of a non-concurrent refresh."""
    name = "dbw_lock_views"
    pg_cluster.create_database(name)
    try:
        pg_cluster.execute(VIEW_SETUP, name)
        bad = []
        for sql in VIEW_FORMS:
            m = measure(pg_cluster, name, sql)
            assert m.error is None, (sql, m.error)
            st = parse_script(sql, context_sql=VIEW_SETUP).stmts[0]
            index_too = sql.startswith("alter index")
            static: dict[str, str] = {}
            for lk in st.locks:
                if lk.kind in ("table", "view") or (index_too and lk.kind == "index"):
                    cur = static.get(lk.relation)
                    if cur is None or LOCK_MODES.index(lk.mode) > LOCK_MODES.index(cur):
                        static[lk.relation] = lk.mode
            measured = {r: md for r, (kd, md) in m.locks.items()
                        if kd in ("table", "view", "matview") or (index_too and kd == "index")}
            if static != measured or st.rewrite != bool(m.rewritten):
                bad.append((sql, static, measured, st.rewrite, m.rewritten))
        assert not bad, bad
    finally:
        pg_cluster.drop_database(name)
