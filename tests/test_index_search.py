"""The index search's guarantees on a real planner: never worse than its floors, anytime under a deadline.

A fresh ticketing schema (events, tickets, buyers) nobody tuned the search for; one database per
module, each test runs the selection it needs on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from dbwright.cli.main import app
from dbwright.stages.index.parse import parse_query
from dbwright.stages.index.select import SelectOptions
from dbwright.verify.index_advisor import advise_on_connection, catalog

WORKLOAD = {
    "by_buyer": ("SELECT t.id, e.title FROM ticket t JOIN event e ON e.id = t.event_id WHERE t.buyer_id = 77 "
                 "ORDER BY t.sold_at DESC LIMIT 20", 50.0),
    "sold_out": ("SELECT e.city, count(*) FROM ticket t JOIN event e ON e.id = t.event_id WHERE e.city = 'c7' "
                 "AND t.status = 'sold' GROUP BY e.city", 5.0),
    "seat": ("SELECT * FROM ticket WHERE event_id = 300 AND seat = 'r12s4'", 200.0),
    "window": ("SELECT count(*) FROM ticket WHERE sold_at BETWEEN '2026-01-01' AND '2026-01-02'", 2.0),
    "venue": ("SELECT * FROM event WHERE venue_id = 12 AND starts_at > '2026-06-01'", 20.0),
    "refunds": ("SELECT buyer_id, sum(price) FROM ticket WHERE status = 'refunded' AND price > 90 "
                "GROUP BY buyer_id", 1.0),
}


@pytest.fixture(scope="module")
def tickets(pg_cluster) -> Iterator[tuple[Any, str]]:  # type: ignore[no-untyped-def]
    db = "tickets_search"
    pg_cluster.create_database(db)
    with pg_cluster.connect(db) as c:
        c.execute("CREATE TABLE event (id int PRIMARY KEY, venue_id int, title text, city text, starts_at date)")
        c.execute("CREATE TABLE ticket (id int, event_id int, buyer_id int, seat text, status text, "
                  "price numeric, sold_at timestamp)")
        c.execute("INSERT INTO event SELECT g, 1 + g % 400, 't' || g, 'c' || (g % 60), "
                  "date '2025-01-01' + g % 900 FROM generate_series(1, 6000) g")
        c.execute("INSERT INTO ticket SELECT g, 1 + g % 6000, 1 + (g * 7) % 20000, 'r' || (g % 40) || 's' || (g % 30), "
                  "(ARRAY['sold','sold','sold','refunded','held'])[1 + g % 5], g % 120, "
                  "timestamp '2025-01-01' + g * interval '3 minutes' FROM generate_series(1, 120000) g")
        c.execute("CREATE EXTENSION hypopg")
        c.execute("ANALYZE")
    yield pg_cluster, db
    pg_cluster.drop_database(db)


def _run(tickets: tuple[Any, str], **kw: Any) -> Any:
    cluster, db = tickets
    with cluster.connect(db) as conn:
        schema, rows = catalog(conn)
        qs = [parse_query(k, sql, schema, w) for k, (sql, w) in WORKLOAD.items()]
        sel, _ = advise_on_connection(conn, qs, rows, SelectOptions(**kw))
    return sel


@pytest.mark.postgresql
def test_answer_is_never_worse_than_its_floors_or_the_best_seen(tickets) -> None:  # type: ignore[no-untyped-def]
    for budget in (2_500_000, 8_000_000):
        sel = _run(tickets, budget_bytes=budget, explain=False)
        assert sel.stopped == "complete" and sel.size_bytes <= budget
        assert set(sel.floors) == {"single-column greedy", "ratio fill"}
        assert sel.relative_cost <= min(sel.floors.values()) + 1e-9
        # every improvement the search recorded was a set it costed; the answer is the cheapest
        assert sel.relative_cost <= min(r["relative_cost"] for r in sel.trace) + 1e-5
        assert sel.relative_cost < 1.0


@pytest.mark.postgresql
def test_deadline_returns_the_best_so_far_and_reports_progress(tickets) -> None:  # type: ignore[no-untyped-def]
    told: list[str] = []
    sel = _run(tickets, budget_bytes=8_000_000, time_limit=1e-6, progress=told.append)
    assert sel.stopped == "time limit"
    # the floor is computed whatever the deadline, so the answer is at least as good as it
    assert sel.relative_cost <= sel.floors["single-column greedy"] + 1e-9 < 1.0
    assert any("floor" in m for m in told) and sel.trace[-1]["phase"] == "stopped at the time limit"


def test_time_limit_must_be_positive() -> None:
    r = CliRunner().invoke(app, ["indexes", "examples/saas-ecommerce.yaml", "--no-planner", "--time-limit", "0"])
    assert r.exit_code == 2 and "--time-limit must be positive" in r.output
