"""What stages share: the spec, the positions of its fields, and earlier sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dbwright.design import Section
from dbwright.spec import Positions, Spec


@dataclass
class DesignContext:
    spec: Spec
    positions: Positions = field(default_factory=lambda: Positions(None))
    sections: dict[str, Section] = field(default_factory=dict)
    # Physical schema: a sqlalchemy.MetaData built by the schema stage (Any keeps this layer light).
    metadata: Any = None
    # Logical model: entity name -> table name, attribute -> column, set by the schema stage.
    tables: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Section | None:
        return self.sections.get(name)
