"""Commands import only what they use: the CLI's face loads no engine driver, ORM or stage."""

from __future__ import annotations

import json
import subprocess
import sys
import types

HEAVY = ("sqlalchemy", "pydantic", "psycopg", "pymysql", "alembic", "ruamel", "sqlglot", "pglast",
         "networkx", "highspy", "dbwright.stages", "dbwright.verify", "dbwright.render", "dbwright.spec")


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    mods: list[str] = json.loads(out.splitlines()[-1])
    return [m for m in mods if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_cli_module_imports_nothing_heavy() -> None:
    assert _loaded_after("import dbwright.cli.main") == []


def test_api_package_is_lazy_but_complete() -> None:
    assert _loaded_after("import dbwright.api") == []
    from dbwright import api

    for name in api.__all__:  # every advertised name resolves
        assert getattr(api, name) is not None, name


def test_api_function_survives_submodule_import() -> None:
    # importing dbwright.api.design binds the submodule on the package; api.design must stay the function
    import dbwright.api.critique
    import dbwright.api.design
    import dbwright.api.normalize  # noqa: F401
    from dbwright import api

    for name in ("design", "critique", "normalize"):
        assert callable(getattr(api, name)) and not isinstance(getattr(api, name), types.ModuleType)


def test_version_runs_without_heavy_imports() -> None:
    r = subprocess.run([sys.executable, "-m", "dbwright.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("dbwright ")
