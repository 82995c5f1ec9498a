"""docs/spec-reference.md is generated from the spec models and kept current."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from dbwright.render.spec_reference import render_spec_reference
from dbwright.spec.attributes import LOGICAL_TYPES, MODIFIERS, AttributeSpec
from dbwright.spec.models import Spec

DOC = Path(__file__).resolve().parent.parent / "docs" / "spec-reference.md"
REGENERATE = "python -m dbwright.render.spec_reference > docs/spec-reference.md"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    import typing

    def inner(ann: object) -> list[type[BaseModel]]:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return [ann]
        return [m for a in typing.get_args(ann) for m in inner(a)]

    if model not in seen:
        seen.add(model)
        for fld in model.model_fields.values():
            for sub in inner(fld.annotation):
                _models(sub, seen)
    return seen


def test_committed_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_spec_reference(), f"stale: run `{REGENERATE}`"


def test_every_section_and_field_is_documented() -> None:
    text = render_spec_reference()
    models = _models(Spec, set())
    assert AttributeSpec in models and len(models) >= 10
    for model in models:
        for name, fld in model.model_fields.items():
            assert f"| `{fld.alias or name}` |" in text, f"{model.__name__}.{name} missing"


def test_shorthand_and_units_are_documented() -> None:
    text = render_spec_reference()
    assert "## Attribute shorthand" in text and "## Units" in text
    for word in (*LOGICAL_TYPES, *MODIFIERS):
        assert f"`{word}`" in text, word
    for example in ("40M", "800/s", "20ms", "500GB", "99.95%", "3%/month"):
        assert example in text
