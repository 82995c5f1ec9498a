"""The MCP server lists its tools and answers them in-process, through dbwright.api only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from dbwright.mcp import server as mcp_server

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "saas-ecommerce.yaml"


def _call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    srv = mcp_server.build_server()
    result = asyncio.run(srv.call_tool(name, arguments))
    assert not result.is_error, result
    data = result.structured_content
    if data is None:
        data = json.loads(result.content[0].text)
    return data.get("result", data) if "ok" not in data else data


def test_tools_are_listed_with_descriptions_and_schemas() -> None:
    tools = asyncio.run(mcp_server.build_server().list_tools())
    names = {t.name for t in tools}
    assert {"validate_spec", "design", "erd", "dr_plan", "list_blueprints", "init_spec",
            "spec_schema"} <= names
    for tool in tools:
        assert tool.description and tool.input_schema.get("type") == "object", tool.name
    validate = next(t for t in tools if t.name == "validate_spec")
    assert {"spec_path", "spec_text"} <= set(validate.input_schema["properties"])


def test_validate_spec_reports_every_mistake_with_line_and_fix() -> None:
    text = "project: x\nentities:\n  A:\n    rowz: 10\n    attributes: {a: txt, b: ref Nope}\n"
    out = _call("validate_spec", {"spec_text": text})
    assert out["ok"] is False
    by_line = {(f["location"]["line"], f["code"]) for f in out["findings"]}
    assert (4, "SPEC001") in by_line and (5, "SPEC002") in by_line
    assert all(f["remediation"] for f in out["findings"])


def test_validate_spec_accepts_a_path() -> None:
    out = _call("validate_spec", {"spec_path": str(EXAMPLE)})
    assert out["ok"] is True and out["findings"] == [] and "Order" in out["entities"]


def test_bad_arguments_are_an_error_result_not_a_traceback(tmp_path: Path) -> None:
    out = _call("validate_spec", {})
    assert out["ok"] is False and "spec_path" in out["error"]
    out = _call("init_spec", {"blueprint": "no-such-blueprint"})
    assert out["ok"] is False and "minimal" in out["error"]
    out = _call("erd", {"spec_path": str(tmp_path / "missing.yaml")})
    assert out["ok"] is False and out["findings"][0]["code"] == "SPEC000"


def test_blueprints_and_schema() -> None:
    names = [b["name"] for b in _call("list_blueprints", {})["blueprints"]]
    assert "minimal" in names
    assert "entities:" in _call("init_spec", {"blueprint": "minimal"})["spec"]
    assert "entities" in _call("spec_schema", {})["schema"]["properties"]


def test_design_writes_a_package(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(_call("init_spec", {"blueprint": "minimal"})["spec"], encoding="utf-8")
    out = _call("design", {"spec_path": str(spec), "out_dir": str(tmp_path / "out"), "engines": ["sqlite"]})
    assert out["ok"] is True, out["findings"]
    assert (tmp_path / "out" / "DESIGN.md").exists()
    assert any(p.endswith("schema.sqlite.sql") for p in out["files"])
    assert _call("erd", {"spec_path": str(spec)})["mermaid"].lstrip().startswith(("erDiagram", "%%"))


def test_a_missing_api_area_removes_only_its_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    real = mcp_server.api
    monkeypatch.setattr(mcp_server, "api", lambda name: None if name == "plan_dr_file" else real(name))
    names = mcp_server.available_tools()
    assert "dr_plan" not in names and "validate_spec" in names


def test_every_tool_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "mcp.md").read_text(encoding="utf-8")
    for name in mcp_server.TOOLS:
        assert f"| `{name}` |" in doc, name


def test_architecture_tools_when_their_area_is_installed() -> None:
    if "compare_engines" not in mcp_server.available_tools():
        pytest.skip("the architecture API is not installed")
    out = _call("compare_engines", {"engines": ["postgresql", "mongodb"],
                                    "spec_path": str(EXAMPLE.with_name("analytics-dashboard.yaml"))})
    assert out["ok"] is True and out["comparison"]["verdict"]


def test_run_drill_rejects_bad_options_as_an_error_result() -> None:
    out = _call("run_drill", {"kind": "pitr", "stall_s": 3})
    assert out["ok"] is False and "stall_s" in out["error"]
    out = _call("run_drill", {"kind": "restore-everything"})
    assert out["ok"] is False and "pitr" in out["error"]


@pytest.mark.slow
def test_run_drill_pitr_through_mcp() -> None:
    from dbwright.engines import postgresql
    from dbwright.engines.process import which

    if not postgresql.available() or not which("pgbackrest"):
        pytest.skip("PostgreSQL or pgbackrest not installed")
    out = _call("run_drill", {"kind": "pitr", "scale_mb": 16})
    r = out["result"]
    assert out["ok"] is True and r["acked_lost"] == 0 and r["rows_after_target"] == 0
    assert r["predicted"]["rto_s"] > 0 and r["measured"]["rto_s"] > 0
