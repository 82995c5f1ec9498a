"""Advisors: one module per concern, each ``run(ctx) -> Section | None``, pure (no I/O)."""
