"""A spec with several mistakes gets every one reported, each with its line and a fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dbwright.spec import load_spec, load_spec_text

BAD = """\
project: shop
entities:
  Customer:
    rowz: 10M
    attributes:
      email: emial unique
      name: text uniq
  Order:
    attributes:
      customer: ref Custmer
      total: money(EUR) >= 0
access_patterns:
  - name: recent
    entity: Order
    equals: [custmer_id]
    rate: 10/s
  - name: bad-rate
    entity: Order
    rate: 10/fortnight
"""


def _by_path(text: str) -> dict[str, tuple[int | None, str, str]]:
    loaded = load_spec_text(text, "bad.yaml")
    assert loaded.spec is None or not loaded.ok
    return {f.location.path or "": (f.location.line, f.message, f.remediation) for f in loaded.findings}


def test_every_mistake_reported_with_line_and_fix() -> None:
    found = _by_path(BAD)
    assert found["entities.Customer.rowz"][0] == 4
    assert "rows" in found["entities.Customer.rowz"][2]
    assert found["entities.Customer.attributes.email"][0] == 6
    assert "email" in found["entities.Customer.attributes.email"][2]
    assert found["entities.Customer.attributes.name"][0] == 7
    assert "unique" in found["entities.Customer.attributes.name"][2]
    assert found["entities.Order.attributes.customer"][0] == 10
    assert "Customer" in found["entities.Order.attributes.customer"][2]
    assert found["access_patterns[0].equals[0]"][0] == 15
    assert "customer_id" in found["access_patterns[0].equals[0]"][2]
    assert found["access_patterns[1].rate"][0] == 19
    assert len(found) == 6


def test_yaml_syntax_error_has_position() -> None:
    loaded = load_spec_text("project: x\nentities:\n  A: {attributes: [\n", "s.yaml")
    assert not loaded.ok
    f = loaded.findings[0]
    assert f.code == "SPEC000" and f.location.line is not None


def test_unknown_top_level_key_suggests() -> None:
    loaded = load_spec_text("project: x\nentitis:\n  A: {}\n", "s.yaml")
    msgs = {f.location.path: f for f in loaded.findings}
    assert "entities" in msgs["entitis"].remediation
    assert msgs["entitis"].location.line == 2


def test_missing_file_is_a_finding(tmp_path: Path) -> None:
    loaded = load_spec(tmp_path / "nope.yaml")
    assert not loaded.ok and "no such file" in loaded.findings[0].message


def test_cli_validate_reports_all_without_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(BAD)
    proc = subprocess.run([sys.executable, "-m", "dbwright.cli", "validate", str(spec)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    for line in ("4:5", "6:7", "7:7", "10:7", "15:", "19:"):
        assert f"{spec}:{line}" in proc.stderr, line
