"""Stage 'technology' (placeholder until its issue lands): returns no section."""

from __future__ import annotations

from dbwright.design import Section
from dbwright.stages.context import DesignContext


def run(ctx: DesignContext) -> Section | None:
    return None
