"""Column type swaps on fresh schemas (a help desk and a cinema, not the orders example): narrowing
is verified against the original values (D1), every object that referenced the old column is rebuilt
on the new one (D2, D3), composite primary keys swap too, and the rehearsal ends equal to the target."""

from __future__ import annotations

import contextlib

import pytest

from dbwright.migration.diff import diff_sql
from dbwright.migration.plan import plan_from_diff
from dbwright.migration.plan_swap import narrowing
from dbwright.verify.rehearse import execute_plan, rehearse

HELPDESK = """
create table agent_note (id int primary key, subject text not null, body text, price numeric(12,4));
insert into agent_note values (1, repeat('x', 60), 'long subject', 10.1234), (2, 'short', null, 2.5);
"""

SWAP_OLD = """
create table account (id int primary key, code text not null, score int not null default 0, note text,
  constraint account_code_uq unique (code), constraint account_score_chk check (score >= 0));
create index account_score_idx on account (score) where score > 0;
create index account_code_score_idx on account (code, score);
create view top_accounts as select id, score from account where score > 10;
create view top_ids as select id from top_accounts;
create function account_touch() returns trigger language plpgsql as $$ begin return new; end $$;
create trigger account_score_trg before update of score on account for each row execute function account_touch();
alter table account enable row level security;
create policy account_pos on account using (score >= 0);
grant select (score) on account to dbw_swap_reader;
comment on column account.score is 'points';
create table seat (hall int, num int, label text, primary key (hall, num));
create table booking (id int primary key, hall int, num int, foreign key (hall, num) references seat (hall, num));
"""
SWAP_NEW = SWAP_OLD.replace("score int not null default 0", "score bigint not null default 0").replace(
    "seat (hall int, num int,", "seat (hall int, num bigint,")


@pytest.mark.parametrize(("old", "new", "narrows"), [
    (("text", ()), ("varchar", (40,)), True), (("varchar", (80,)), ("varchar", (40,)), True),
    (("varchar", (40,)), ("varchar", (80,)), False), (("numeric", (12, 4)), ("numeric", (12, 2)), True),
    (("numeric", (10, 2)), ("numeric", (12, 2)), False), (("numeric", (12, 2)), ("numeric", (11, 2)), True),
    (("int8", ()), ("int4", ()), True), (("int4", ()), ("int8", ()), False),
    (("int4", ()), ("numeric", (6, 0)), True), (("timestamptz", (6,)), ("timestamptz", (0,)), True)])
def test_narrowing_detected(old, new, narrows: bool) -> None:  # type: ignore[no-untyped-def]
    assert (narrowing(old, new) is not None) is narrows


def test_narrowing_swap_never_truncates(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """text → varchar(40) with a 60-character value and numeric(12,4) → (12,2) with 10.1234: the
    plan says it narrows, checks compare in the original type, and executing it stops at the
    backfill with every original value intact (no truncation reported as 0 differences)."""
    new = HELPDESK.replace("subject text not null", "subject varchar(40) not null").replace(
        "numeric(12,4)", "numeric(12,2)").split("insert")[0]
    plan = plan_from_diff(diff_sql(pg_cluster, HELPDESK, new, prefix="dbw_narrow"), context_sql=HELPDESK)
    assert sum("narrows" in p for p in plan.prompts) == 2, plan.prompts
    checks = [c for s in plan.steps for c in (*s.verify, *s.prechecks)]
    assert any("(subject_new)::text IS DISTINCT FROM subject" in c for c in checks), checks
    assert not any("IS DISTINCT FROM subject::character varying" in c for c in checks), checks
    backfills = [st for s in plan.steps if s.backfill is not None for st in s.sql]
    assert any("SET subject_new = \"subject\"" in st or "SET subject_new = subject " in st for st in backfills), \
        backfills
    db = "dbw_narrow_exec"
    pg_cluster.create_database(db)
    try:
        pg_cluster.execute(HELPDESK, db)
        results = execute_plan(pg_cluster.dsn(db), plan)
        assert results[-1].error, [(r.title, r.error) for r in results]
        assert "too long" in results[-1].error or "backfill" in results[-1].title, results[-1]
        assert pg_cluster.scalar("select length(subject) from agent_note where id = 1", db) == 60
        assert str(pg_cluster.scalar("select price from agent_note where id = 1", db)) == "10.1234"
        assert pg_cluster.scalar("select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
                                 "'agent_note'::regclass and attname = 'subject'", db) == "text"
    finally:
        pg_cluster.drop_database(db)


def test_swap_rebuilds_every_dependent_and_rehearsal_equals_target(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """int → bigint of a column behind a partial index, a two-column index, a CHECK, two stacked
    views, a column trigger, an RLS policy, a column grant and a comment; and of a column of a
    composite primary key referenced by another table. Rehearsed under load: final = target (views,
    triggers, policies and grants included), rollback restores the old schema, no row lost."""
    with contextlib.suppress(Exception):
        pg_cluster.execute("create role dbw_swap_reader")
    plan = plan_from_diff(diff_sql(pg_cluster, SWAP_OLD, SWAP_NEW, prefix="dbw_swapdeps"), context_sql=SWAP_OLD)
    swap = next(s for s in plan.steps if s.title.startswith("swap account.score"))
    text = "\n".join(swap.sql)
    for needed in ("RENAME TO account_score_idx", "RENAME TO account_code_score_idx",
                   "RENAME CONSTRAINT account_score_chk_new TO account_score_chk", "CREATE POLICY account_pos",
                   "CREATE TRIGGER account_score_trg", "GRANT SELECT (score)", "COMMENT ON COLUMN"):
        assert needed in text, needed
    views = "\n".join(next(s for s in plan.steps if "view(s) re-created" in s.title).sql)
    assert "CREATE VIEW top_accounts" in views and "CREATE VIEW top_ids" in views
    assert plan.blocking_steps() == [], [s.title for s in plan.blocking_steps()]
    r = rehearse(pg_cluster, SWAP_OLD, SWAP_NEW, plan, rows=300, threads=1, database="dbw_swap_rehearse")
    assert all(r.checks.values()), (r.checks, r.details)
    assert "shape_differences" not in r.details


def test_rehearsal_with_composite_keys(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """Tables whose primary key is composite (one led by a text column): the backfill batches the
    pending rows (no integer key to range over), the workload reads and writes them by their whole
    key, and the rehearsal completes equal to the target with the rollback checked."""
    old = ("create table tag_map (tag text, item int, w int, primary key (tag, item));"
           "create table shift (day date, slot int, note text, primary key (day, slot));")
    new = ("create table tag_map (tag text, item int, w bigint, primary key (tag, item));"
           "create table shift (day date, slot int, note text, staff int not null default 1, primary key (day, slot));")
    plan = plan_from_diff(diff_sql(pg_cluster, old, new, prefix="dbw_cpk"), context_sql=old)
    bf = [s for s in plan.steps if s.backfill is not None]
    assert bf and all("ctid" in s.sql[0] for s in bf), [s.sql for s in bf]
    r = rehearse(pg_cluster, old, new, plan, rows=300, threads=1, database="dbw_cpk_rehearse")
    assert all(r.checks.values()), (r.checks, r.details)
    assert not [s.error for s in r.steps if s.error]
