"""design.json is a function of the spec and the engine versions; wall-clock timings are not.

``split_timings`` moves every timing field (how long a step took on this machine: ``seconds``,
``ms``, ``generate_s``, ``load_s``) out of the design's JSON into a separate mapping keyed by JSON
pointer (RFC 6901), which the package writes to ``timings.json``. Per-node throughput, the one
measurement a design decision uses, is a calibration reused per engine version
(``verify.throughput``), so it is stable too.
"""

from __future__ import annotations

from typing import Any

TIMING_KEYS = frozenset({"seconds", "ms", "generate_s", "load_s"})


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def split_timings(data: Any) -> tuple[Any, dict[str, Any]]:
    """(data without timing fields, {json-pointer: timing})."""
    timings: dict[str, Any] = {}

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                p = f"{path}/{_escape(str(k))}"
                if k in TIMING_KEYS and (v is None or isinstance(v, int | float)):
                    timings[p] = v
                    continue
                out[k] = walk(v, p)
            return out
        if isinstance(node, list | tuple):
            return [walk(v, f"{path}/{i}") for i, v in enumerate(node)]
        return node

    return walk(data, ""), timings


__all__ = ["TIMING_KEYS", "split_timings"]
