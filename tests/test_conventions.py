"""The CLI fits a team's tools: config file, inline suppressions, SARIF/GitHub output, readable help."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MULTITOOL = ROOT / ".tools" / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"

MIGRATION = """\
CREATE INDEX ticket_status_idx ON ticket (status);
ALTER TABLE ticket ADD COLUMN priority int NOT NULL DEFAULT 0;
-- dbwright:ignore MIG001 the ledger table is created empty in this release
CREATE INDEX ledger_account_idx ON ledger (account_id);
-- dbwright:ignore MIG099 stale: nothing on the next line raises it
SELECT 1;
"""


def dbw(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "dbwright.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the config search stops here
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0002.sql").write_text(MIGRATION)
    return tmp_path


def _codes(sarif: dict) -> list[tuple[str, int]]:
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in sarif["runs"][0]["results"]]


def test_inline_suppression_and_unused_one_reported(project: Path) -> None:
    r = dbw("migrate", "lint", "migrations/0002.sql", "--format", "sarif", cwd=project)
    sarif = json.loads(r.stdout)
    codes = _codes(sarif)
    assert ("MIG001", 1) in codes  # not suppressed
    assert ("MIG001", 4) not in codes  # suppressed by the comment above it
    assert ("DBW001", 5) in codes  # the stale suppression is itself reported


def test_config_in_pyproject_ignores_and_regrades(project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.dbwright]\nignore = ["DBW"]\n'
                                            '[tool.dbwright.severity]\nMIG001 = "info"\n')
    sarif = json.loads(dbw("migrate", "lint", "migrations/0002.sql", "--format", "sarif", cwd=project).stdout)
    results = sarif["runs"][0]["results"]
    assert not [x for x in results if x["ruleId"].startswith("DBW")]
    assert {x["level"] for x in results if x["ruleId"] == "MIG001"} == {"note"}


def test_dbwright_toml_format_default_and_bad_key(project: Path) -> None:
    (project / "dbwright.toml").write_text('format = "github"\n')
    r = dbw("migrate", "lint", "migrations/0002.sql", cwd=project)
    assert "::warning file=migrations/0002.sql,line=1" in r.stdout or "::error file=migrations/0002.sql,line=1" in r.stdout
    (project / "dbwright.toml").write_text('formats = "github"\n')
    r = dbw("migrate", "lint", "migrations/0002.sql", cwd=project)
    assert r.returncode == 2 and "unknown key(s) formats" in r.stderr and "Traceback" not in r.stderr


SPEC_WITH_ERROR = """\
project: chat
entities:
  Message:
    attributes:
      body: text
      room: ref Room  # dbwright:ignore SPEC003 rooms come later
"""


def test_spec_errors_cannot_be_suppressed(project: Path) -> None:
    (project / "chat.yaml").write_text(SPEC_WITH_ERROR)
    r = dbw("validate", "chat.yaml", "--format", "json", cwd=project)
    data = json.loads(r.stdout)
    codes = [f["code"] for f in data["findings"]]
    assert r.returncode == 2 and "SPEC003" in codes and "DBW002" in codes


def test_github_annotations_carry_line_and_column(project: Path) -> None:
    (project / "chat.yaml").write_text(SPEC_WITH_ERROR.replace("  # dbwright:ignore SPEC003 rooms come later", ""))
    r = dbw("validate", "chat.yaml", "--format", "github", cwd=project)
    assert r.returncode == 2
    assert r.stdout.startswith("::error file=chat.yaml,line=6,col=")


@pytest.mark.skipif(not MULTITOOL.exists(), reason="SARIF multitool not installed (make tools)")
def test_sarif_validates_with_the_oasis_validator(project: Path, tmp_path: Path) -> None:
    (project / "chat.yaml").write_text(SPEC_WITH_ERROR)
    logs = {"lint": dbw("migrate", "lint", "migrations/0002.sql", "--format", "sarif", cwd=project).stdout,
            "validate": dbw("validate", "chat.yaml", "--format", "sarif", cwd=project).stdout}
    for name, text in logs.items():
        f = tmp_path / f"{name}.sarif"
        f.write_text(text)
        out = tmp_path / f"{name}.out.sarif"
        r = subprocess.run([str(MULTITOOL), "validate", str(f), "-o", str(out)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        report = json.loads(out.read_text())
        errors = [x for run in report["runs"] for x in run.get("results", []) if x.get("level") == "error"]
        assert errors == [], (name, errors)
    rules = json.loads(logs["lint"])["runs"][0]["tool"]["driver"]["rules"]
    mig001 = next(r for r in rules if r["id"] == "MIG001")
    assert mig001["helpUri"].endswith("MIG001.md") and mig001["fullDescription"]["text"]


COMMANDS = [["init"], ["validate"], ["design"], ["erd"], ["inspect"], ["critique"], ["drill"], ["indexes"],
            ["normalize"], ["profile"], ["capacity"], ["compare"], ["engines"], ["dr", "plan"],
            ["migrate", "lint"], ["migrate", "plan"], ["migrate", "locks"], ["migrate", "rehearse"],
            ["migrate", "switch"], ["fd", "analyze"]]


HELP_DUMP = """
import contextlib, io, json, sys
from dbwright.cli.main import polished
cmd, out = polished(), {}
for args in json.loads(sys.argv[1]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            cmd.main([*args, "--help"], prog_name="dbwright", standalone_mode=False)
        except SystemExit:
            pass
    out[" ".join(args)] = buf.getvalue()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def helps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200"}
    r = subprocess.run([sys.executable, "-c", HELP_DUMP, json.dumps(COMMANDS)], capture_output=True, text=True,
                       env=env, cwd=tmp_path_factory.mktemp("help"), timeout=120, check=True)
    data: dict[str, str] = json.loads(r.stdout.splitlines()[-1])
    return data


def test_help_has_an_example_and_no_python_type_names(helps: dict[str, str]) -> None:
    for cmd in COMMANDS:
        text = helps[" ".join(cmd)]
        assert "Usage: dbwright " + " ".join(cmd) in text, cmd
        for bad in ("<bool>", "<list", "<str>", "<int>", "<path>", "<float>", "<Path>"):
            assert bad not in text, (cmd, bad)
        assert "Example:  dbwright " + " ".join(cmd) in text, cmd


def test_one_spelling_per_flag(helps: dict[str, str]) -> None:
    for cmd in ("migrate plan", "migrate switch", "dr plan"):
        assert "--output" in helps[cmd] and "--out " not in helps[cmd], cmd
    lint = helps["migrate lint"]
    assert "--engine-version" in lint and "--pg-version" not in lint and " --version " not in lint


def test_quiet_shows_errors_only(project: Path) -> None:
    loud = dbw("migrate", "lint", "migrations/0002.sql", cwd=project)
    quiet = dbw("--quiet", "migrate", "lint", "migrations/0002.sql", cwd=project)
    assert "warning" in loud.stderr and "warning MIG" not in quiet.stderr


def test_completion_script_is_offered(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    r = dbw("--show-completion", "bash", cwd=tmp_path)
    assert r.returncode == 0 and "complete" in r.stdout
