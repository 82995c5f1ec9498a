"""Project configuration: ``dbwright.toml`` or ``[tool.dbwright]`` in ``pyproject.toml``.

Looked up from the working directory upwards (stopping at a directory holding ``.git``), the way
ruff and sqlfluff find theirs; ``--config FILE`` names one explicitly. Keys::

    engines = ["sqlite", "postgresql"]      # default engines for design / verification
    format = "text"                          # text | json | sarif | github
    select = ["MIG", "SCH001"]               # codes or prefixes to report (default: all)
    ignore = ["MIG011"]                      # codes or prefixes never reported
    [severity]                               # per code: error | warning | info
    MIG002 = "error"

An unknown key or a bad value is a :class:`DbwrightError` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.model.errors import DbwrightError
from dbwright.model.findings import Finding, Severity

FORMATS = ("text", "json", "sarif", "github")
ENGINES = ("sqlite", "postgresql", "mariadb")
KEYS = ("engines", "format", "select", "ignore", "severity")


@dataclass(frozen=True)
class Config:
    source: str | None = None  # the file it came from; None: defaults
    engines: tuple[str, ...] | None = None
    format: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)

    def wants(self, code: str) -> bool:
        if any(_matches(code, p) for p in self.ignore):
            return False
        return not self.select or any(_matches(code, p) for p in self.select)

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Drop what ``select``/``ignore`` exclude and re-grade what ``severity`` names."""
        from dataclasses import replace

        out = []
        for f in findings:
            if not self.wants(f.code):
                continue
            sev = self.severity.get(f.code)
            out.append(replace(f, severity=sev) if sev is not None and sev is not f.severity else f)
        return out


def _matches(code: str, pattern: str) -> bool:
    return code == pattern or (pattern.isalpha() and code.startswith(pattern)) or pattern == "ALL"


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DbwrightError(f"{where}: '{key}' must be a list of strings, e.g. {key} = [\"MIG011\"]")
    return tuple(value)


def parse(data: dict[str, Any], where: str) -> Config:
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise DbwrightError(f"{where}: unknown key(s) {', '.join(unknown)}; valid: {', '.join(KEYS)}")
    engines = _strings(data["engines"], "engines", where) if "engines" in data else None
    bad = [e for e in engines or () if e not in ENGINES]
    if bad:
        raise DbwrightError(f"{where}: unknown engine(s) {', '.join(bad)}; choose from {', '.join(ENGINES)}")
    fmt = data.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise DbwrightError(f"{where}: format = {fmt!r}; choose one of {', '.join(FORMATS)}")
    sev_raw = data.get("severity", {})
    if not isinstance(sev_raw, dict):
        raise DbwrightError(f"{where}: [severity] must be a table of CODE = \"error|warning|info\"")
    severity: dict[str, Severity] = {}
    for code, level in sev_raw.items():
        try:
            severity[code] = Severity(level)
        except ValueError:
            raise DbwrightError(f"{where}: severity.{code} = {level!r}; use error, warning or info") from None
    return Config(where, engines, fmt, _strings(data.get("select", []), "select", where),
                  _strings(data.get("ignore", []), "ignore", where), severity)


def _read(path: Path, section: bool) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DbwrightError(f"{path}: not valid TOML: {exc}") from None
    if not section:
        return data
    tool = data.get("tool", {})
    return tool.get("dbwright") if isinstance(tool, dict) else None


def load(explicit: str | Path | None = None, start: Path | None = None) -> Config:
    """The configuration in force: ``explicit``, else the nearest dbwright.toml / pyproject.toml."""
    if explicit is not None:
        p = Path(explicit)
        if not p.is_file():
            raise DbwrightError(f"{p}: no such config file")
        data = _read(p, p.name == "pyproject.toml")
        return parse(data or {}, str(p))
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        own = d / "dbwright.toml"
        if own.is_file():
            return parse(_read(own, False) or {}, str(own))
        py = d / "pyproject.toml"
        if py.is_file():
            section = _read(py, True)
            if section is not None:
                return parse(section, f"{py} [tool.dbwright]")
        if (d / ".git").exists():
            break
    return Config()
