"""DESIGN.md renders on GitHub: every table is a table, every in-page link lands, no Python reprs."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbwright import api
from dbwright.render import gfm

GLUED = "# Doc\n\n- a bullet\n| a | b |\n| --- | --- |\n| 1 | 2 |\nEvidence:\n\n[ok](#doc) [bad](#nowhere)\n"


def test_renderer_sees_the_glued_table_and_the_broken_link() -> None:
    found = gfm.problems(GLUED)
    assert any("line 4: table does not render" in p for p in found)
    assert any("#nowhere" in p for p in found)


def test_tidy_makes_it_render_and_changes_nothing_else() -> None:
    tidied = gfm.tidy(GLUED)
    assert [p for p in gfm.problems(tidied) if "table" in p] == []
    assert [ln for ln in tidied.split("\n") if ln] == [ln for ln in GLUED.split("\n") if ln]


def test_code_fences_are_left_alone() -> None:
    text = "```\nx\n| a |\n| --- |\n```\n"
    assert gfm.tidy(text) == text and gfm.problems(text) == []


def test_github_slugs() -> None:
    seen: dict[str, int] = {}
    from collections import Counter

    c: Counter[str] = Counter(seen)
    assert gfm.github_slug("Disaster recovery & high availability", c) == "disaster-recovery--high-availability"
    assert gfm.github_slug("Decisions", c) == "decisions" and gfm.github_slug("Decisions", c) == "decisions-1"


def test_plain_values_never_show_python_reprs() -> None:
    assert gfm.plain({"zone-1": 1, "zone-2": 2}) == "zone-1 1, zone-2 2"
    assert gfm.plain({"a": {"importance": 0.66, "rating": 5.0}}) == "a (importance 0.66, rating 5)"
    assert gfm.plain(["x", 1234567]) == "x, 1,234,567"


SPEC = """\
project: helpdesk
description: A ticketing system for a support team.
entities:
  Agent:
    attributes: {email: email unique, name: string}
    rows: 200
  Ticket:
    attributes:
      subject: string
      status: enum(open, pending, closed)
      opened_at: timestamp
      assignee: ref Agent
    rows: 2000000
    growth: 5%/month
access_patterns:
  - name: open-tickets-of-agent
    sql: "SELECT id, subject FROM ticket WHERE assignee_id = :a AND status = 'open'"
    rate: 300/s
    p99: 20ms
"""


@pytest.fixture(scope="module")
def fresh_design(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    d = tmp_path_factory.mktemp("helpdesk")
    spec = d / "helpdesk.yaml"
    spec.write_text(SPEC)
    out = d / "pkg"
    api.design(spec, out, api.DesignOptions(engines=("sqlite",), max_rows_per_table=200))
    return out, (out / "DESIGN.md").read_text()


def test_fresh_design_renders_clean(fresh_design: tuple[Path, str]) -> None:
    _, text = fresh_design
    assert gfm.problems(text) == []
    assert "{'" not in text and "['" not in text


def test_first_page_has_what_a_lead_needs(fresh_design: tuple[Path, str]) -> None:
    _, text = fresh_design
    front = text.split("## Sections")[0]
    for heading in ("### Decisions", "### Risks and infeasibilities", "### Cost", "### What was proven",
                    "### Apply checklist"):
        assert heading in front
    assert "`schema.postgresql.sql`" in front and "sqlite" in front.split("### What was proven")[1]
