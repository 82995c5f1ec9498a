"""`validate` runs every check that needs no engine (issue 11, item 6): pattern tables and columns
parsed against the schema the design builds, units required, and a spec that validates designs
without spec errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbwright import api
from dbwright.spec.units import parse_duration, parse_rate, parse_size
from helpers_design import ROOT

BASE = "project: p\nentities:\n  Item:\n    attributes:\n      name: text\naccess_patterns:\n"


def _codes(tmp_path: Path, patterns: str) -> list[tuple[str, str, int | None]]:
    spec = tmp_path / "s.yaml"
    spec.write_text(BASE + patterns)
    loaded = api.validate(spec)
    return [(f.code, f.message + " " + (f.remediation or ""), f.location.line if f.location else None)
            for f in loaded.findings if f.severity is api.Severity.ERROR]


def test_unknown_column_and_table_in_sql_are_validate_errors(tmp_path: Path) -> None:
    found = _codes(tmp_path, "  - name: by-colour\n    sql: SELECT * FROM item WHERE colour = :c\n    rate: 1/s\n"
                             "  - name: typo\n    sql: SELECT name FROM itme\n    rate: 1/s\n")
    assert ("VER003", "pattern 'by-colour' names unknown column 'colour' valid: id, name", 8) in found
    assert [c for c, m, _ in found if c == "VER002" and "did you mean 'item'" in m]
    assert len(found) == 2  # an unknown table does not also flag its columns


@pytest.mark.parametrize(("text", "fix"), [("p99: 30", "30ms"), ("staleness: 60", "60s")])
def test_bare_number_where_a_unit_is_required_is_an_error_with_the_fix(tmp_path: Path, text: str, fix: str) -> None:
    found = _codes(tmp_path, f"  - name: q\n    entity: Item\n    equals: [name]\n    rate: 5/s\n    {text}\n")
    assert len(found) == 1 and "without a unit" in found[0][1] and fix in found[0][1], found


def test_units_parse_and_bare_numbers_are_refused() -> None:
    assert parse_duration("30ms") == pytest.approx(0.03) and parse_duration(0) == 0
    for parse, bare in ((parse_duration, 30), (parse_duration, "30"), (parse_rate, 800), (parse_size, 500)):
        with pytest.raises(ValueError, match="without a unit"):
            parse(bare)


def test_fresh_spec_validates_and_designs_without_spec_errors(tmp_path: Path) -> None:
    spec = ROOT / "tests" / "fixtures" / "specs" / "box-office.yaml"
    assert api.validate(spec).ok
    result = api.design(spec, tmp_path / "o", api.DesignOptions(verify=False))
    spec_errors = [f for f in result.design.findings
                   if f.severity is api.Severity.ERROR and f.code.startswith(("SPEC", "VER00", "NORM"))]
    assert spec_errors == []
