"""Every bundled example spec loads with zero findings; the twelve requests all have one."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbwright.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SPECS = sorted(EXAMPLES.glob("*.yaml"))

REQUESTED = [
    "saas-ecommerce", "analytics-dashboard", "mysql-to-postgresql", "iot-timeseries",
    "monolith-to-microservices", "social-network", "cqrs-orders", "healthcare-booking",
    "cms-read-heavy", "multi-region-strong", "nosql-to-relational", "gdpr-user-data",
]


def test_at_least_twelve_examples() -> None:
    assert len(SPECS) >= 12
    assert {p.stem for p in SPECS} >= set(REQUESTED)


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_example_loads_without_findings(path: Path) -> None:
    loaded = load_spec(path)
    assert loaded.spec is not None, [str(f) for f in loaded.findings]
    assert loaded.findings == [], [str(f) for f in loaded.findings]


def _load(name: str):  # type: ignore[no-untyped-def]
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    assert loaded.spec is not None
    return loaded.spec


def test_examples_carry_what_their_request_needs() -> None:
    assert set(_load("analytics-dashboard").technology.candidates) >= {"postgresql", "mongodb"}
    mysql = _load("mysql-to-postgresql")
    assert mysql.technology.current == "mysql" and mysql.technology.migration_downtime == 0
    iot = _load("iot-timeseries")
    assert max(ap.rate for ap in iot.access_patterns) >= 1_000_000
    assert iot.entities["Reading"].retention == 30 * 86400
    assert _load("social-network").entities["User"].rows == 100_000_000
    micro = _load("monolith-to-microservices")
    assert len({e.service for e in micro.entities.values()}) >= 4
    cqrs = _load("cqrs-orders")
    assert cqrs.entities["OrderEvent"].append_only
    care = _load("healthcare-booking")
    assert care.outputs.get("erd") is True and "hipaa" in care.compliance
    assert any("phi" in a.sensitivity for e in care.entities.values() for a in e.attributes.values())
    assert _load("cms-read-heavy").workload.read_share >= 0.99  # type: ignore[operator]
    multi = _load("multi-region-strong")
    assert multi.regions.writes == "multi" and multi.regions.rtt_ms
    assert all(r.location for r in multi.regions.list_)
    assert multi.availability.rpo.region == 0
    flat = _load("nosql-to-relational")
    assert flat.technology.current == "mongodb"
    assert flat.entities["OrderLineFlat"].functional_dependencies
    gdpr = _load("gdpr-user-data")
    assert "gdpr" in gdpr.compliance and gdpr.regions.residency == ["EU"]
    assert any(e.retention for e in gdpr.entities.values())
