"""Engines: one module per engine — capability flags, and throwaway sandboxes that always clean up."""

from dbwright.engines.base import Capabilities, EngineUnavailable, Sandbox

__all__ = ["Capabilities", "EngineUnavailable", "Sandbox"]
