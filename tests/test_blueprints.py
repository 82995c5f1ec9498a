"""Blueprints for ``dbwright init``: listed with a description, each a valid, commented spec."""

from __future__ import annotations

import pytest

from dbwright.api import DbwrightError, init_spec, list_blueprints
from dbwright.spec import load_spec_text

NAMES = [name for name, _ in list_blueprints()]


def test_the_four_starters_are_listed_first_with_descriptions() -> None:
    assert NAMES[:4] == ["minimal", "saas-ecommerce", "timeseries", "healthcare"]
    for name, description in list_blueprints():
        assert description and "\n" not in description, name
        assert not description.startswith("#")


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_validates_with_zero_findings(name: str) -> None:
    loaded = load_spec_text(init_spec(name), f"{name}.yaml")
    assert loaded.spec is not None, [str(f) for f in loaded.findings]
    assert loaded.findings == [], [str(f) for f in loaded.findings]


@pytest.mark.parametrize("name", NAMES)
def test_blueprint_is_heavily_commented(name: str) -> None:
    lines = [ln for ln in init_spec(name).splitlines() if ln.strip()]
    commented = [ln for ln in lines if "#" in ln]
    assert len(commented) >= 10 and len(commented) / len(lines) > 0.1, name


def test_default_blueprint_exists() -> None:
    assert "project:" in init_spec()


def test_unknown_blueprint_names_the_valid_ones() -> None:
    with pytest.raises(DbwrightError) as err:
        init_spec("saas-ecomerce")
    for name in NAMES:
        assert name in str(err.value)
