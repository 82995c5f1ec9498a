"""Cache maths checked by simulating the declared access distribution, and the caching stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbwright.spec import load_spec
from dbwright.stages.caching import run
from dbwright.stages.context import DesignContext
from dbwright.theory import caching as cm

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"



@pytest.mark.parametrize(("n", "s", "c"), [(100_000, 1.1, 1_000), (50_000, 0.8, 5_000), (2_400_000, 1.3, 2_500),
                                           (100_000_000, 1.4, 500)])
def test_lru_formula_matches_simulation_of_the_distribution(n, s, c):
    simulated = cm.simulate_lru(n, s, c, requests=300_000)
    assert abs(cm.lru_hit_ratio(n, s, c) - simulated) < 0.01


def test_ideal_cache_beats_lru_and_sizes_are_monotone():
    assert cm.lfu_hit_ratio(100_000, 1.0, 1_000) > cm.lru_hit_ratio(100_000, 1.0, 1_000)
    small = cm.items_for_hit_ratio(1_000_000, 1.1, 0.8)
    large = cm.items_for_hit_ratio(1_000_000, 1.1, 0.9)
    assert small < large
    assert cm.lru_hit_ratio(1_000_000, 1.1, large) >= 0.9 - 1e-3


def test_harmonic_tail_approximation():
    exact = sum(k ** -1.1 for k in range(1, 200_001))
    assert cm.harmonic(200_000, 1.1) == pytest.approx(exact, rel=1e-9)


def test_parse_zipf():
    assert cm.parse_zipf("zipf(1.2)") == 1.2
    assert cm.parse_zipf("uniform") == 0.0
    with pytest.raises(ValueError):
        cm.parse_zipf("pareto")


def _section(name: str):
    loaded = load_spec(EXAMPLES / f"{name}.yaml")
    return run(DesignContext(spec=loaded.spec))


def test_cms_cache_sizing_is_measured_and_explained():
    sec = _section("cms-read-heavy")
    assert any(x["layer"].startswith("shared cache") for x in sec.data["layers"])
    simulated = [x for x in sec.data["patterns"] if x["simulated_hit_ratio"] is not None]
    assert simulated
    for x in simulated:
        assert abs(x["simulated_hit_ratio"] - x["hit_ratio"]) < 0.02
        assert x["memory_bytes"] == pytest.approx(x["cache_items"] * x["item_bytes"])
        assert x["ttl_s"] == x["staleness"]
    measured = [e for e in sec.decisions[0].evidence if e.kind == "measured"]
    assert measured and all(e.engine and e.version for e in measured)


def test_strong_reads_without_staleness_are_not_cached():
    loaded = load_spec(EXAMPLES / "saas-ecommerce.yaml")
    spec = loaded.spec
    pats = [p.model_copy(update={"staleness": None}) for p in spec.access_patterns]
    strict = spec.model_copy(update={"access_patterns": pats, "consistency": spec.consistency.model_copy(
        update={"entities": {}})})
    sec = run(DesignContext(spec=strict))
    assert sec.data["patterns"] == []
    assert "product-page" in sec.data["uncached"]
    assert any(f.code == "CACHE001" for f in sec.findings)
