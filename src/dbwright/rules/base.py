"""Rule base class and registry."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any, ClassVar

from dbwright.model import Finding, Location, Severity

DOC_SECTIONS = ("What it does", "Why it matters", "Known problems", "Example", "Use instead", "References")

_REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class: subclasses set ``code``, ``name``, ``bundle``, ``severity`` and implement check."""

    code: ClassVar[str]
    name: ClassVar[str]  # dotted config name, e.g. "dr.archive_only_rpo"
    bundle: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    aliases: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def doc(cls) -> str:
        return (cls.__doc__ or "").strip()

    def check(self, subject: Any) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(self, message: str, location: Location | None = None, remediation: str = "",
                severity: Severity | None = None) -> Finding:
        return Finding(self.code, severity or self.severity, message, location or Location(),
                       rationale=self.summary(), remediation=remediation)


def register(cls: type[Rule]) -> type[Rule]:
    if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
        raise ValueError(f"duplicate rule code {cls.code}")
    _REGISTRY[cls.code] = cls
    return cls


_LOADED: set[str] = set()


def load_bundle(bundle: str) -> list[type[Rule]]:
    """Import every rule module of ``rules/<bundle>/`` and return its rules sorted by code."""
    if bundle not in _LOADED:  # the directory scan once per process, not once per linted file
        pkg = importlib.import_module(f"dbwright.rules.{bundle}")
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
        _LOADED.add(bundle)
    return sorted((r for r in _REGISTRY.values() if r.bundle == bundle), key=lambda r: r.code)


def all_rules() -> list[type[Rule]]:
    import dbwright.rules as root

    for info in pkgutil.iter_modules(root.__path__):
        if info.ispkg:
            load_bundle(info.name)
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def get_rule(code: str) -> type[Rule]:
    all_rules()
    for r in _REGISTRY.values():
        if r.code == code or code in r.aliases:
            return r
    raise KeyError(code)
