"""Every section follows the chosen engine: DR/HA, pooling and their files plan for the technology
stage's pick (PostgreSQL family, MySQL family, distributed SQL), never for another engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbwright.render.sections import dr_ha as dr_render
from dbwright.render.sections import scaling as scaling_render
from dbwright.spec import load_spec, load_spec_text
from dbwright.stages.context import DesignContext
from dbwright.stages.pipeline import run_pipeline
from dbwright.stages.technology_score import TIE_RULE

ROOT = Path(__file__).resolve().parent.parent
FAMILY = {"postgresql": "postgresql", "timescaledb": "postgresql", "citus": "postgresql",
          "mysql": "mysql", "mariadb": "mysql",
          "cockroachdb": "distributed", "yugabytedb": "distributed", "tidb": "distributed", "spanner": "distributed"}
# File-name marks of each family's tools in the generated configs and runbooks.
MARKS = {"postgresql": ("patroni", "pgbackrest", "pitr-", "postgresql/", "pgbouncer"),
         "mysql": ("mariadb", "mariabackup", "proxysql"),
         "distributed": ("cockroachdb/", "yugabytedb/", "tidb/", "spanner/")}

# Fresh specs nobody tuned for: a small booking service the catalogue gives to MariaDB (tie with MySQL),
# and a global multi-region order book it gives to distributed SQL.
BOOKING = """
version: 1
project: room-booking
entities:
  Booking:
    rows: 3M
    growth: 2%/month
    attributes:
      room: string(40)
      starts_at: timestamp
      ends_at: timestamp
      status: enum(held, confirmed, cancelled)
access_patterns:
  - name: book
    entity: Booking
    kind: insert
    rate: 40/s
  - name: get-booking
    entity: Booking
    equals: [id]
    limit: 1
    rate: 400/s
"""
ORDERBOOK = """
version: 1
project: global-orders
entities:
  Order:
    rows: 500M
    growth: 5%/month
    attributes:
      account: string(40)
      amount: money(USD) > 0
      placed_at: timestamp
access_patterns:
  - name: place-order
    entity: Order
    kind: insert
    rate: 3000/s
    consistency: strong
  - name: get-order
    entity: Order
    equals: [id]
    limit: 1
    rate: 9000/s
availability:
  target: 99.99%
  rpo: { host: 0s, zone: 0s, region: 0s }
  rto: { host: 30s, zone: 60s, region: 2m }
regions:
  writes: multi
  list:
    - { name: us-east-1, role: primary }
    - { name: us-west-2, role: primary }
    - { name: eu-west-1, role: secondary }
technology:
  excluded: [cosmosdb, firestore, dynamodb, mongodb, cassandra, scylladb]  # SQL wanted
"""


def _plan(spec: Any, positions: Any) -> dict[str, Any]:
    ctx = DesignContext(spec=spec, positions=positions)
    run_pipeline(ctx, only=("technology", "schema", "scaling", "dr_ha"))
    tech, scaling, dr = ctx.section("technology"), ctx.section("scaling"), ctx.section("dr_ha")
    assert tech is not None and scaling is not None and dr is not None
    files = sorted(dr_render.dr_files(dr)) + sorted(scaling_render.render_files(scaling))
    return {"engine": tech.data["recommended"], "tech": tech, "scaling": scaling, "dr": dr, "files": files}


@pytest.fixture(scope="module")
def plans() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        loaded = load_spec(path)
        out[path.stem] = _plan(loaded.spec, loaded.positions)
    for name, text in (("fresh-booking", BOOKING), ("fresh-orderbook", ORDERBOOK)):
        loaded = load_spec_text(text, f"{name}.yaml")
        out[name] = _plan(loaded.spec, loaded.positions)
    return out


def test_every_section_follows_the_chosen_engine(plans: dict[str, dict[str, Any]]) -> None:
    families = set()
    for name, p in plans.items():
        fam = FAMILY.get(p["engine"])
        if fam is None:  # a non-relational pick: the DR plan must say it plans another engine
            assert any("plans for PostgreSQL" in a for a in p["dr"].data["inputs"]["assumptions"]), name
            continue
        families.add(fam)
        dr = p["dr"].data
        planned = "distributed" if dr.get("family") == "distributed" else FAMILY[dr["engine"]]
        assert planned == fam, (name, p["engine"], dr["engine"])
        for other, marks in MARKS.items():
            if other == fam:
                continue
            wrong = [f for f in p["files"] if any(m in f for m in marks)]
            assert wrong == [], (name, p["engine"], wrong)
        pooling = next(d for d in p["scaling"].decisions if d.topic == "connection pooling")
        assert ("PgBouncer" in pooling.choice) == (fam == "postgresql"), (name, pooling.choice)
        assert not any("plans for PostgreSQL" in a for a in dr["inputs"]["assumptions"]), name
    assert families == {"postgresql", "mysql", "distributed"}


def test_distributed_plan_has_survival_goal_and_says_not_verified_here(plans: dict[str, dict[str, Any]]) -> None:
    dr = plans["multi-region-strong"]["dr"].data
    assert dr["family"] == "distributed" and dr["rf"] == 5 and dr["survival_goal"] == "region"
    assert "not verified" in dr["verification"]["reason"]
    assert {t["disruption"]: t["meets"] for t in dr["targets"]}["region"] is True
    files = plans["multi-region-strong"]["files"]
    assert any(f.startswith(f"{dr['engine']}/") for f in files)


def test_ties_are_broken_by_a_stated_rule(plans: dict[str, dict[str, Any]]) -> None:
    tech = plans["fresh-booking"]["tech"]
    top = tech.data["ranking"][:2]
    assert round(top[0]["score"], 1) == round(top[1]["score"], 1)  # MariaDB and MySQL tie here
    assert TIE_RULE in tech.decisions[0].rationale
