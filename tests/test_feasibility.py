"""Feasibility is a first-class result: crafted infeasible specs exit 1 with findings that name the
conflicting numbers and list priced options; configs match the claims the plan makes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dbwright.api import dr_files, plan_dr_file
from dbwright.cli.main import app
from dbwright.model import Finding, Severity
from dbwright.spec import load_spec
from dbwright.stages.context import DesignContext
from dbwright.stages.pipeline import run_pipeline

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "tests" / "fixtures" / "infeasible"
# spec file → the rule that must report it as an error
DR_CASES = {
    "sync_over_latency_budget.yaml": "DR017",
    "rpo0_transatlantic.yaml": "DR017",
    "rpo0_async.yaml": "DR008",
    "rto_below_failover_floor.yaml": "DR007",
    "mariadb_rto_floor.yaml": "DR007",
    "availability_above_composition.yaml": "DR013",
    "budget_below_cheapest.yaml": "DR015",
    "region_rto_no_tier.yaml": "DR018",
}
NUMBER = re.compile(r"\d")


def _priced(f: Finding) -> None:
    """An infeasibility names its numbers and at least two options, each with a number (its price)."""
    assert f.severity is Severity.ERROR, f
    assert NUMBER.search(f.message), f.message
    assert f.remediation.startswith("options: (1) "), f.remediation
    opts = re.split(r"; \(\d+\) ", f.remediation.removeprefix("options: (1) "))
    assert len(opts) >= 2, f.remediation
    assert sum(bool(NUMBER.search(o)) for o in opts) >= 2, opts


@pytest.fixture(scope="module")
def plans() -> dict[str, object]:
    return {name: plan_dr_file(DIR / name) for name in DR_CASES}


def test_at_least_eight_infeasible_specs_exit_1_with_priced_options(plans: dict[str, object]) -> None:
    assert len(DR_CASES) + 1 >= 8  # + the write-rate spec below
    runner = CliRunner()
    for name, code in DR_CASES.items():
        result = runner.invoke(app, ["dr", "plan", str(DIR / name)])
        assert result.exit_code == 1, (name, result.output[-2000:])
        section = plans[name]
        hits = [f for f in section.findings if f.code == code]  # type: ignore[attr-defined]
        assert hits, (name, [f.code for f in section.findings])  # type: ignore[attr-defined]
        for f in hits:
            _priced(f)
            assert f.location.line, f"{name}: {code} has no spec position"


def test_sync_over_budget_names_rtt_budget_and_a_close_region(plans: dict[str, object]) -> None:
    f = next(f for f in plans["sync_over_latency_budget.yaml"].findings if f.code == "DR017")  # type: ignore[attr-defined]
    assert "10.9 ms RTT" in f.message and "5 ms" in f.message
    assert "async replication to eu-central-1" in f.remediation and "+0 ms per commit" in f.remediation
    assert "≤ 500 km of fibre" in f.remediation  # 5 ms RTT at 200,000 km/s


def test_plan_labels_and_configs_match_the_claims(plans: dict[str, object]) -> None:
    section = plans["sync_over_latency_budget.yaml"]
    data = section.data  # type: ignore[attr-defined]
    # PostgreSQL takes writes in one region: the strongest tier is a hot standby, never "active-active".
    assert data["multi_region"]["tier"] == "hot standby"
    assert all(t["tier"] != "active-active" for t in data["multi_region"]["tiers"])
    files = dr_files(section)  # type: ignore[arg-type]
    patroni = next(v for k, v in files.items() if "patroni" in k and k.endswith(".yml"))
    assert "synchronous_mode_strict: true" in patroni  # RPO 0 is promised
    witness = data["multi_region"]["quorum"]["witness"]
    assert witness and f"etcd-{witness}-1:2379" in patroni  # every voter, the witness region included
    assert patroni.count(":2379") == 5
    # RPO > 0 and async: not strict, and the in-region voters the HA plan sized.
    relaxed = plans["budget_below_cheapest.yaml"]
    p2 = next(v for k, v in dr_files(relaxed).items() if "patroni" in k and k.endswith(".yml"))  # type: ignore[arg-type]
    assert "synchronous_mode_strict: false" in p2
    assert p2.count(":2379") == relaxed.data["ha"]["dcs_voters"]  # type: ignore[attr-defined]


def test_no_tier_meets_is_said_in_the_choice(plans: dict[str, object]) -> None:
    section = plans["region_rto_no_tier.yaml"]
    dec = next(d for d in section.decisions if d.topic == "Multi-region DR tier")  # type: ignore[attr-defined]
    assert "does NOT meet" in dec.choice


def test_write_rate_above_per_node_capacity_times_max_nodes() -> None:
    loaded = load_spec(DIR / "writes_above_max_nodes.yaml")
    assert loaded.spec is not None
    ctx = DesignContext(spec=loaded.spec, positions=loaded.positions)
    run_pipeline(ctx, only=("technology", "schema", "scaling"))
    scaling = ctx.section("scaling")
    assert scaling is not None
    f = next(f for f in scaling.findings if f.code == "SCALE002")
    _priced(f)
    assert "× 4 write nodes" in f.message


FLASH_SALE = """
version: 1
project: flash-sale
entities:
  Order:
    rows: 10M
    growth: 5%/month
    attributes:
      sku: string(32)
      amount: money(EUR) > 0
      placed_at: timestamp
access_patterns:
  - name: place-order
    entity: Order
    kind: insert
    rate: {RATE}
{BURSTS}
"""


def _scaling(text: str) -> object:
    from dbwright.spec import load_spec_text

    loaded = load_spec_text(text, "sale.yaml")
    assert loaded.spec is not None, loaded.findings
    ctx = DesignContext(spec=loaded.spec, positions=loaded.positions)
    run_pipeline(ctx, only=("technology", "schema", "scaling"))
    return ctx.section("scaling")


def test_bursts_size_the_peak_but_not_the_volume() -> None:
    burst = "    bursts: [{rate: 500k/s, duration: 5m, every: 30d}]"
    with_burst = _scaling(FLASH_SALE.replace("{RATE}", "0.2/s").replace("{BURSTS}", burst))
    as_sustained = _scaling(FLASH_SALE.replace("{RATE}", "500k/s").replace("{BURSTS}", ""))
    now_b = with_burst.data["projections"][0]  # type: ignore[attr-defined]
    now_s = as_sustained.data["projections"][0]  # type: ignore[attr-defined]
    assert now_b["peak_rows_written"] == pytest.approx(500_000)  # sizing: the burst is the peak
    # volume: 500k/s × 300 s once a month ≈ 150M rows/month, not 500k/s all day (≈ 1.3e12/month)
    assert now_b["wal_bytes_per_day"] < now_s["wal_bytes_per_day"] / 1000
    codes_b = {f.code for f in with_burst.findings}  # type: ignore[attr-defined]
    sustained = [f for f in as_sustained.findings if f.code == "SCALE003"]  # type: ignore[attr-defined]
    assert sustained and "500,000/s" in sustained[0].message and "× growth 5.0%/month" in sustained[0].message
    # the burst, averaged in, is 150M/month vs 0.5M declared: still a contradiction, with both numbers
    assert "SCALE003" in codes_b
    calm = _scaling(FLASH_SALE.replace("{RATE}", "0.2/s").replace("{BURSTS}", ""))
    assert "SCALE003" not in {f.code for f in calm.findings}  # type: ignore[attr-defined]
