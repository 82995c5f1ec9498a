"""The spec reference (``docs/spec-reference.md``), generated from the pydantic models.

Every section, field, type, default and description comes from :mod:`dbwright.spec.models`, the
attribute shorthand from :mod:`dbwright.spec.attributes` and the units from
:mod:`dbwright.spec.units`, so the document cannot drift from the code. A test compares the
committed file with this output. Regenerate with::

    python -m dbwright.render.spec_reference > docs/spec-reference.md
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any

from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from dbwright.spec import units
from dbwright.spec.attributes import LOGICAL_TYPES, MODIFIERS, SENSITIVITY, AttributeSpec
from dbwright.spec.models import SPEC_VERSION, Spec

# Quantity parsers → the name a user reads and an example of what to write.
_UNIT_TYPES: dict[Any, tuple[str, str]] = {
    units.parse_count: ("count", "40M"),
    units.parse_fraction: ("percentage", "99.95%"),
    units.parse_duration: ("duration", "15m"),
    units.parse_rate: ("rate", "800/s"),
    units.parse_growth: ("growth", "3%/month"),
    units.parse_size: ("size", "500GB"),
}

# Plain-language descriptions for fields whose model declares none (the model's own wins).
_FALLBACK: dict[tuple[str, str], str] = {
    ("Spec", "project"): "Short project name, used in file names and headings",
    ("Spec", "description"): "What the system does, in a sentence or two",
    ("Spec", "entities"): "The domain entities by name (letters, digits, _; start with a letter)",
    ("Spec", "relationships"): "Many-to-many relationships (become junction tables)",
    ("Spec", "access_patterns"): "The queries and writes the application runs, with rates and targets",
    ("Spec", "workload"): "Read/write mix, peaks and growth of the whole workload",
    ("Spec", "consistency"): "Consistency needs: default, per entity, and atomic write groups",
    ("Spec", "tenancy"): "Multi-tenancy; omit for a single-tenant system",
    ("Spec", "availability"): "Availability target, RPO and RTO per disruption type",
    ("Spec", "dr"): "Backups, point-in-time recovery, retention and HA preferences",
    ("Spec", "regions"): "Where the data lives: regions, their distances and residency limits",
    ("Spec", "team"): "Team skill per technology; weighs technology choices",
    ("Spec", "budget"): "Monthly budget for the data tier",
    ("Spec", "technology"): "Technology constraints: current engine, candidates, preferences",
    ("Entity", "description"): "What one row stands for",
    ("Entity", "attributes"): "Attributes by name: shorthand string or long-form mapping",
    ("ManyToMany", "attributes"): "Attributes of the relationship itself (columns of the junction table)",
    ("AccessPattern", "name"): "Unique name of the pattern, e.g. order-history",
    ("AccessPattern", "description"): "What the pattern serves",
    ("AccessPattern", "limit"): "Maximum rows returned (1 makes a lookup)",
    ("AccessPattern", "consistency"): "Consistency this pattern needs, overriding the entity's",
    ("AttributeSpec", "unique"): "Unique across the table (shorthand: unique)",
    ("AttributeSpec", "indexed"): "Index this attribute (shorthand: indexed)",
    ("AttributeSpec", "immutable"): "Never changes after insert (shorthand: immutable)",
    ("AttributeSpec", "sensitivity"): "Sensitivity tags (shorthand: pii, phi, pci, secret)",
    ("AttributeSpec", "default"): "Default value (shorthand: default=VALUE)",
    ("AttributeSpec", "description"): "What the attribute means",
    ("Consistency", "default"): "Consistency of everything not listed per entity",
    ("Tenancy", "model"): "shared schema, schema per tenant, database per tenant, or let dbwright decide",
    ("Tenancy", "tenant_entity"): "Name of the tenant entity when none is marked 'tenant: true'",
    ("Availability", "rpo"): "Recovery point objective: data that may be lost, per disruption type",
    ("Availability", "rto"): "Recovery time objective: time to recover, per disruption type",
    ("Availability", "maintenance_window"): "Planned downtime window if any, e.g. 'Sunday 02:00-04:00 UTC'",
    ("DisasterRecovery", "ha"): "High-availability topology",
    ("DisasterRecovery", "manager"): "Failover manager",
    ("Regions", "primary"): "Name of the primary region",
    ("Regions", "dr"): "Name of the disaster-recovery region",
    ("Regions", "list"): "Regions with role, coordinates and jurisdiction",
    ("Regions", "writes"): "single: one writing region; multi: several regions accept writes",
    ("Region", "name"): "Region name, e.g. eu-west-1",
    ("Region", "role"): "What the region does",
    ("Region", "location"): "Coordinates, for distance-based round-trip estimates",
    ("Coordinates", "lat"): "Latitude in degrees",
    ("Coordinates", "lon"): "Longitude in degrees",
    ("Budget", "monthly_usd"): "Monthly budget in US dollars",
    ("Technology", "preferred"): "Technologies to prefer when they fit",
    ("Technology", "excluded"): "Technologies never to recommend",
    ("Technology", "candidates"): "Technologies to compare side by side",
    ("Technology", "managed"): "true: managed cloud services; false: self-hosted",
}

_SECTION_TITLES: dict[str, str] = {
    "Spec": "Top level",
    "AttributeSpec": "Attribute (long form)",
}


def _unit_of(metadata: list[Any]) -> tuple[str, str] | None:
    for meta in metadata:
        if isinstance(meta, BeforeValidator) and meta.func in _UNIT_TYPES:
            return _UNIT_TYPES[meta.func]
    return None


def _type_name(ann: Any, metadata: list[Any] | None = None) -> str:
    """A reader's name for an annotation: ``count``, ``list of string``, ``one of: a, b``."""
    unit = _unit_of(metadata or [])
    if unit:
        return f"[{unit[0]}](#units)"
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Annotated:
        return _type_name(args[0], list(ann.__metadata__))
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return "one of: " + ", ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} → {_type_name(args[1])}" if args else "mapping"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return f"[{_title(ann)}](#{_anchor(ann)})"
    if ann is Any:
        return "any"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(ann, str(ann))


def _models_in(ann: Any) -> list[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    found: list[type[BaseModel]] = []
    for a in typing.get_args(ann):
        found += _models_in(a)
    return found


def _title(model: type[BaseModel]) -> str:
    return _SECTION_TITLES.get(model.__name__, model.__name__)


def _anchor(model: type[BaseModel]) -> str:
    return _title(model).lower().replace(" ", "-").replace("(", "").replace(")", "")


def _default(fld: FieldInfo) -> str:
    if fld.default_factory is not None:
        factory: Any = fld.default_factory
        if isinstance(factory, type) and issubclass(factory, BaseModel):
            return "(section defaults)"
        value = factory()
        return f"`{value!r}`" if value not in ([], {}) else ("`[]`" if value == [] else "`{}`")
    if fld.default is PydanticUndefined:
        return "**required**"
    if fld.default is None:
        return "—"
    if fld.default == "":
        return '`""`'
    if isinstance(fld.default, bool):
        return f"`{str(fld.default).lower()}`"
    return f"`{fld.default}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _model_table(model: type[BaseModel]) -> str:
    rows = ["| field | type | default | description |", "| --- | --- | --- | --- |"]
    for name, fld in model.model_fields.items():
        key = fld.alias or name
        desc = fld.description or _FALLBACK.get((model.__name__, key), "")
        rows.append(f"| `{key}` | {_cell(_type_name(fld.annotation, fld.metadata))} | "
                    f"{_cell(_default(fld))} | {_cell(desc)} |")
    return "\n".join(rows)


def _walk(model: type[BaseModel], seen: list[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.append(model)
    for fld in model.model_fields.values():
        for sub in _models_in(fld.annotation):
            _walk(sub, seen)


def _section(model: type[BaseModel], path: str) -> str:
    doc = inspect.getdoc(model) or ""
    if model is AttributeSpec:
        doc = ("The normalised form of one attribute. Write it as a mapping with these keys, or as "
               "the one-line shorthand below.")
    elif model.__doc__ is None or doc.startswith(("Create a new model", "A base class")):
        doc = ""
    head = f"### {_title(model)}\n\n"
    where = f"Written at `{path}`.\n\n" if path else ""
    return head + where + (doc + "\n\n" if doc else "") + _model_table(model) + "\n"


def _paths() -> dict[type[BaseModel], str]:
    """Where each model appears in a spec, as a dotted path (``entities.<Name>``)."""
    out: dict[type[BaseModel], str] = {Spec: ""}

    def visit(model: type[BaseModel], prefix: str) -> None:
        for name, fld in model.model_fields.items():
            key = fld.alias or name
            ann = fld.annotation
            origin = typing.get_origin(ann)
            args = typing.get_args(ann)
            step = f"{prefix}.{key}" if prefix else key
            if origin is dict and args:
                step += ".<name>"
            elif origin is list and args:
                step += "[]"
            for sub in _models_in(ann):
                if sub not in out:
                    out[sub] = step
                    visit(sub, step)

    visit(Spec, "")
    return out


def _shorthand() -> str:
    types_list = ", ".join(f"`{t}`" for t in LOGICAL_TYPES)
    mods = ", ".join(f"`{m}`" for m in MODIFIERS)
    sens = ", ".join(f"`{s}`" for s in SENSITIVITY)
    return f"""## Attribute shorthand

An attribute is usually one line: `name: <type>[?] [modifier ...]`.

```
<type>        text | string(N) | int | bigint | smallint | decimal(P[,S]) | money(CUR) | float
              | bool | date | timestamp | datetime | time | duration | email | uuid | json
              | enum(a, b, ...) | bytes | url | phone | ip
ref <Entity>  a reference (foreign key); 'ref <Entity>?' when it may be empty
?             right after the type (or the word 'optional'/'nullable'): NULL allowed
modifiers     unique | unique-per-tenant | indexed | immutable | owned | 1:1
              | pii | phi | pci | secret | >= N | <= N | > N | < N | default=VALUE
```

Types: {types_list}.

Modifiers: {mods}, bounds (`>= N`, `<= N`, `> N`, `< N`) and `default=VALUE`.
Sensitivity tags: {sens}.

- `owned` (only on `ref`): the row belongs to its target and is deleted with it.
- `1:1` (only on `ref`): a unique reference, i.e. a one-to-one relationship.
- `unique-per-tenant`: unique within a tenant; with a shared-schema tenancy model the constraint
  leads with `tenant_id`.
- `> N` / `< N` are stored as inclusive bounds `N + 1` / `N - 1`.

Examples:

```yaml
attributes:
  email: email unique-per-tenant pii
  parent: ref Category?          # a hierarchy
  order: ref Order owned         # deleted with its order
  quantity: int >= 1
  price: money(EUR) >= 0
  status: enum(pending, paid, shipped)
  sku: string(64) unique
  # the long form, when a line is not enough:
  notes: {{type: text, nullable: true, description: "Free text from support"}}
```

Unknown types and modifiers are errors with the nearest valid one suggested.
"""


def _units() -> str:
    def keys(d: dict[str, Any]) -> str:
        return ", ".join(f"`{k}`" for k in d if k)

    return f"""## Units

Every quantity in a spec carries its unit; dbwright normalises it to a base unit. Plain numbers
are accepted and read in the base unit.

| kind | write | base unit | suffixes |
| --- | --- | --- | --- |
| count | `40M`, `1.5k`, `1000`, `1_000_000` | items | {keys(units._COUNT_SUFFIX)} (case-insensitive; `b`/`g` = 10⁹, `t` = 10¹²) |
| rate | `800/s`, `12k/min`, `1M/s` | per second | per {keys(units._PER)} |
| duration | `20ms`, `15m`, `1h`, `30d`, `7y` | seconds | {keys(units._DURATION)} (`m` is minutes, `mo` months) |
| size | `400B`, `500GB`, `2TiB` | bytes | {keys(units._SIZE)} (case-insensitive; decimal and binary) |
| percentage | `99.95%`, `4%`, `0.04` | fraction | `%`; a bare number above 1 is read as a percentage |
| growth | `3%/month`, `40%/year` | compound fraction per month | per {keys(units._GROWTH_PERIOD)} |

Consistency per entity is written `strong` or `eventual-<duration>`, e.g. `eventual-60s`.
"""


def render_spec_reference() -> str:
    """The whole reference as markdown."""
    order: list[type[BaseModel]] = []
    _walk(Spec, order)
    paths = _paths()
    top = "\n".join(f"- [{_title(m)}](#{_anchor(m)})" for m in order)
    parts = [
        "# Spec reference",
        "",
        "<!-- Generated by dbwright.render.spec_reference from the spec models; do not edit by hand.",
        "     Regenerate: python -m dbwright.render.spec_reference > docs/spec-reference.md -->",
        "",
        f"A dbwright spec is a YAML file (format version {SPEC_VERSION}). Unknown keys are errors, "
        "reported with their line and the nearest valid key. `dbwright init --list` shows commented "
        "starters; `dbwright spec-schema` prints the JSON Schema for editor completion.",
        "",
        "## Sections",
        "",
        top,
        "",
        "## Fields",
        "",
        "\n".join(_section(m, paths.get(m, "")) for m in order),
        _shorthand(),
        _units(),
    ]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(render_spec_reference(), end="")
