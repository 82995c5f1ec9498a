"""Decisions and the evidence behind them.

Every number in a design carries Evidence saying how it was obtained: a ``formula`` with its
inputs, a ``measured`` value with the engine and version it was measured on, or a ``cited`` fact
with its source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

EvidenceKind = Literal["formula", "measured", "cited"]


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    detail: str
    inputs: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    engine: str | None = None
    version: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}, [])}

    @staticmethod
    def formula(detail: str, result: Any = None, **inputs: Any) -> Evidence:
        return Evidence(kind="formula", detail=detail, inputs=inputs, result=result)

    @staticmethod
    def measured(detail: str, result: Any, engine: str | None = None, version: str | None = None,
                 **inputs: Any) -> Evidence:
        return Evidence(kind="measured", detail=detail, result=result, engine=engine,
                        version=version, inputs=inputs)

    @staticmethod
    def cited(detail: str, source: str) -> Evidence:
        return Evidence(kind="cited", detail=detail, source=source)


@dataclass(frozen=True)
class Alternative:
    name: str
    why_not: str


@dataclass
class Decision:
    topic: str
    choice: str
    rationale: str
    trade_offs: list[str] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "choice": self.choice,
            "rationale": self.rationale,
            "trade_offs": list(self.trade_offs),
            "alternatives": [asdict(a) for a in self.alternatives],
            "evidence": [e.to_dict() for e in self.evidence],
        }
