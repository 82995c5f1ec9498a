"""Attribute shorthand: ``email unique-per-tenant pii``, ``ref Category?``, ``int >= 1``.

The first word is the type (with ``?`` for nullable), ``ref X`` names another entity; the rest are
modifiers. The long form is a mapping with the same names as :class:`AttributeSpec`'s fields.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LOGICAL_TYPES = (
    "text", "string", "int", "bigint", "smallint", "decimal", "money", "float", "bool", "date",
    "timestamp", "datetime", "time", "duration", "email", "uuid", "json", "enum", "bytes", "url",
    "phone", "ip", "ref",
)
SENSITIVITY = ("pii", "phi", "pci", "secret")
MODIFIERS = (
    "unique", "unique-per-tenant", "owned", "optional", "indexed", "immutable", "1:1",
    *SENSITIVITY,
)

Sensitivity = Literal["pii", "phi", "pci", "secret"]


def _step(attr: dict[str, Any]) -> float:
    if attr.get("type") == "decimal":
        return float(10 ** -(attr["scale"] if attr.get("scale") is not None else 4))
    if attr.get("type") == "money":
        return 1e-4  # NUMERIC(19,4)
    if attr.get("type") == "float":
        return 1e-9
    return 1.0


class AttributeSpec(BaseModel):
    """One attribute of an entity, in its normalised long form."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="Logical type: " + ", ".join(LOGICAL_TYPES))
    length: int | None = Field(None, description="Maximum length for string(n)")
    precision: int | None = Field(None, description="decimal(p, s) precision")
    scale: int | None = Field(None, description="decimal(p, s) scale")
    currency: str | None = Field(None, description="ISO currency of a money attribute")
    values: list[str] | None = Field(None, description="Allowed values of an enum")
    ref: str | None = Field(None, description="Referenced entity (type ref)")
    nullable: bool = Field(False, description="NULL allowed (shorthand: trailing ?)")
    unique: bool = False
    unique_per_tenant: bool = Field(False, description="Unique within a tenant (shorthand: unique-per-tenant)")
    one_to_one: bool = Field(False, description="A ref that is unique: a 1:1 relationship")
    owned: bool = Field(False, description="A ref whose target owns this row: deleted with it")
    indexed: bool = False
    immutable: bool = False
    sensitivity: list[Sensitivity] = Field(default_factory=list)
    min: float | None = Field(None, description="Inclusive lower bound (shorthand: >= N)")
    max: float | None = Field(None, description="Inclusive upper bound (shorthand: <= N)")
    default: Any = None
    description: str = ""
    column: str | None = Field(None, min_length=1, max_length=63,
                               description="Physical column name (default: the attribute, <name>_id for a "
                               "ref); `inspect` sets it to keep an existing database's own names")

    @model_validator(mode="after")
    def _check(self) -> AttributeSpec:
        if self.type not in LOGICAL_TYPES:
            close = difflib.get_close_matches(self.type, LOGICAL_TYPES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown type '{self.type}'{hint} (valid: {', '.join(LOGICAL_TYPES)})")
        if self.type == "ref" and not self.ref:
            raise ValueError("a ref attribute needs the entity it refers to, e.g. 'ref Customer'")
        if self.type == "enum" and not self.values:
            raise ValueError("an enum needs its values, e.g. 'enum(pending, paid)'")
        if self.type != "ref" and (self.owned or self.one_to_one):
            raise ValueError("'owned' and '1:1' apply only to 'ref' attributes")
        return self


_TYPE_RE = re.compile(r"^(?P<name>[a-z_]+)(?:\((?P<args>[^)]*)\))?(?P<opt>\?)?$")
_BOUND_RE = re.compile(r"^(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$")


def parse_attribute(text: str) -> dict[str, Any]:
    """Turn shorthand into the long form's fields; raises ValueError with a fix."""
    # keep enum(...) arguments with spaces together
    tokens = re.findall(r"[a-z_]+\([^)]*\)\??|>=\s*-?[\d.]+|<=\s*-?[\d.]+|>\s*-?[\d.]+|<\s*-?[\d.]+|\S+",
                        text.strip())
    if not tokens:
        raise ValueError("empty attribute: give a type such as 'text' or 'ref Customer'")
    out: dict[str, Any] = {}
    head = tokens.pop(0)
    if head == "ref":
        if not tokens:
            raise ValueError("'ref' needs an entity name, e.g. 'ref Customer'")
        target = tokens.pop(0)
        out["type"] = "ref"
        if target.endswith("?"):
            out["nullable"] = True
            target = target[:-1]
        out["ref"] = target
    else:
        m = _TYPE_RE.match(head)
        if not m:
            raise ValueError(f"cannot read type '{head}': write e.g. 'text', 'string(80)', "
                             "'decimal(12,2)', 'money(EUR)', 'enum(a, b)'")
        name, args = m.group("name"), m.group("args")
        out["type"] = name
        if m.group("opt"):
            out["nullable"] = True
        if args is not None:
            parts = [a.strip() for a in args.split(",") if a.strip()]
            if name == "enum":
                out["values"] = parts
            elif name == "money":
                out["currency"] = parts[0] if parts else None
            elif name == "decimal":
                if not parts or not all(p.isdigit() for p in parts):
                    raise ValueError("decimal takes digits: decimal(12,2)")
                out["precision"] = int(parts[0])
                if len(parts) > 1:
                    out["scale"] = int(parts[1])
            elif name == "string":
                if len(parts) != 1 or not parts[0].isdigit():
                    raise ValueError("string takes a length: string(80)")
                out["length"] = int(parts[0])
            else:
                raise ValueError(f"type '{name}' takes no arguments")
    sens: list[str] = []
    for tok in tokens:
        bound = _BOUND_RE.match(tok.replace(" ", ""))
        if bound:
            op, num = bound.group(1), float(bound.group(2))
            # bounds are inclusive: a strict bound moves by the type's smallest step, so that
            # `amount: decimal(10,2) > 0` means >= 0.01, not >= 1
            step = _step(out)
            if op in (">=", ">"):
                out["min"] = round(num + (step if op == ">" else 0), 12)
            else:
                out["max"] = round(num - (step if op == "<" else 0), 12)
        elif tok.startswith("default="):
            out["default"] = tok.split("=", 1)[1]
        elif tok in SENSITIVITY:
            sens.append(tok)
        elif tok in ("optional", "nullable"):
            out["nullable"] = True
        elif tok == "unique":
            out["unique"] = True
        elif tok == "unique-per-tenant":
            out["unique_per_tenant"] = True
        elif tok == "1:1":
            out["one_to_one"] = True
        elif tok in ("owned", "indexed", "immutable"):
            out[tok] = True
        else:
            close = difflib.get_close_matches(tok, [*MODIFIERS, "default=<value>", ">= N", "<= N"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(f"unknown modifier '{tok}'{hint}")
    if sens:
        out["sensitivity"] = sens
    return out
