"""The Design: data only — sections of decisions, findings and section data."""

from dbwright.design.model import DESIGN_FORMAT_VERSION, Design, Section

__all__ = ["DESIGN_FORMAT_VERSION", "Design", "Section"]
