"""The requirements spec: models, loading with positions, and cross-reference checks."""

from dbwright.model.errors import SpecError
from dbwright.spec.load import LoadedSpec, Positions, load_spec, load_spec_or_raise, load_spec_text
from dbwright.spec.models import Spec

__all__ = ["LoadedSpec", "Positions", "Spec", "SpecError", "load_spec", "load_spec_or_raise", "load_spec_text"]
