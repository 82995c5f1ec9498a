"""Parsing of the spec's quantities: every unit is explicit in the spec, normalised here.

Counts (``40M``), rates (``800/s``, ``3%/month``), durations (``15m``, ``20ms``), sizes (``500GB``)
and percentages (``99.95%``) become plain numbers in base units: items, per second, per month
(fraction), seconds, bytes and fractions.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import TypeVar

_COUNT_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
_DURATION = {
    "us": 1e-6, "ms": 1e-3, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0,
    "d": 86400.0, "w": 7 * 86400.0, "mo": 30 * 86400.0, "month": 30 * 86400.0,
    "months": 30 * 86400.0, "y": 365 * 86400.0, "year": 365 * 86400.0, "years": 365 * 86400.0,
}
_PER = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
        "h": 3600.0, "hour": 3600.0, "d": 86400.0, "day": 86400.0}
_SIZE = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "pb": 10**15,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "pib": 2**50}
_GROWTH_PERIOD = {"month": 1.0, "mo": 1.0, "year": 1 / 12, "y": 1 / 12, "week": 30 / 7, "day": 30.0}

_NUM = r"(\d+(?:\.\d+)?|\.\d+)"

_N = TypeVar("_N", int, float)


def _finite(parse: Callable[[object], _N]) -> Callable[[object], _N]:
    """Reject infinities, NaN and numbers too large for a float: an error finding, not a crash."""

    @functools.wraps(parse)
    def checked(value: object) -> _N:
        try:
            out = parse(value)
            finite = math.isfinite(float(out))
        except OverflowError:
            finite = False
        if not finite:
            text = str(value) if not isinstance(value, int) or value.bit_length() < 128 else "a huge number"
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise ValueError(f"'{shown}' is not a finite number of a sensible size")
        return out

    return checked


def _bare(value: object, what: str, units: tuple[str, ...]) -> str:
    """A bare number where a unit is required: never guess (``p99: 30`` is not 30 s)."""
    shown = str(value).strip()
    return (f"{shown} is {what} without a unit; units are required: write "
            + " or ".join(f"{shown}{u}" for u in units))


@_finite
def parse_count(value: object) -> int:
    """``40M`` → 40_000_000; plain numbers pass through."""
    if isinstance(value, bool):
        raise ValueError("expected a count such as 40M, 1.5k or 1000")
    if isinstance(value, int | float):
        return int(value)
    m = re.fullmatch(_NUM + r"\s*([kKmMbBgGtT]?)", str(value).strip().replace("_", "").replace(",", ""))
    if not m:
        raise ValueError(f"expected a count such as 40M, 1.5k or 1000, got {value!r}")
    return int(float(m.group(1)) * _COUNT_SUFFIX[m.group(2).lower()])


@_finite
def parse_fraction(value: object) -> float:
    """``99.95%`` → 0.9995; ``0.04`` → 0.04."""
    if isinstance(value, bool):
        raise ValueError("expected a percentage such as 4% or a fraction such as 0.04")
    if isinstance(value, int | float):
        return float(value) / 100 if value > 1 else float(value)
    m = re.fullmatch(_NUM + r"\s*%", str(value).strip())
    if m:
        return float(m.group(1)) / 100
    try:
        f = float(str(value))
    except ValueError:
        raise ValueError(f"expected a percentage such as 4% or a fraction such as 0.04, got {value!r}") from None
    return f / 100 if f > 1 else f


@_finite
def parse_duration(value: object) -> float:
    """``15m`` → 900.0 seconds; ``20ms`` → 0.02; ``0`` → 0."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 20ms, 15m, 1h or 30d")
    text = str(value).strip().lower()
    m = re.fullmatch(_NUM + r"\s*([a-z]*)", text)
    if not m or (m.group(2) not in _DURATION and m.group(2) != ""):
        raise ValueError(f"expected a duration such as 20ms, 15m, 1h or 30d, got {value!r}")
    if m.group(2) == "" and float(m.group(1)) != 0:
        raise ValueError(_bare(value, "a duration", ("ms", "s")))
    return float(m.group(1)) * _DURATION.get(m.group(2), 1.0)


@_finite
def parse_rate(value: object) -> float:
    """``800/s`` → 800.0 per second; ``12k/min`` → 200.0."""
    if isinstance(value, bool):
        raise ValueError("expected a rate such as 800/s or 12k/min")
    if isinstance(value, int | float):
        if value != 0:
            raise ValueError(_bare(value, "a rate", ("/s", "/min")))
        return 0.0
    text = str(value).strip().lower().replace(" ", "")
    m = re.fullmatch(r"([0-9.]+[kmb]?)/([a-z]+)", text)
    if not m or m.group(2) not in _PER:
        raise ValueError(f"expected a rate such as 800/s or 12k/min, got {value!r}")
    try:
        count = float(m.group(1)[:-1]) * _COUNT_SUFFIX[m.group(1)[-1]] if m.group(1)[-1] in "kmb" \
            else float(m.group(1))
    except ValueError:
        raise ValueError(f"expected a rate such as 800/s or 12k/min, got {value!r}") from None
    return count / _PER[m.group(2)]


@_finite
def parse_growth(value: object) -> float:
    """``3%/month`` → 0.03 compound growth per month; ``40%/year`` → monthly equivalent."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != 0:
            raise ValueError(_bare(value, "growth", ("%/month", "%/year")))
        return 0.0
    text = str(value).strip().lower().replace(" ", "")
    m = re.fullmatch(_NUM + r"%/([a-z]+)", text)
    if not m or m.group(2) not in _GROWTH_PERIOD:
        raise ValueError(f"expected growth such as 3%/month or 40%/year, got {value!r}")
    rate = float(m.group(1)) / 100
    per_month = _GROWTH_PERIOD[m.group(2)]
    return float((1 + rate) ** per_month - 1)


@_finite
def parse_size(value: object) -> int:
    """``500GB`` → bytes (decimal units; KiB/MiB/GiB binary)."""
    if isinstance(value, bool):
        raise ValueError("expected a size such as 500GB or 2TiB")
    if isinstance(value, int | float):
        if value != 0:
            raise ValueError(_bare(value, "a size", ("B", "MB")))
        return 0
    m = re.fullmatch(_NUM + r"\s*([a-zA-Z]+)", str(value).strip())
    if not m or m.group(2).lower() not in _SIZE:
        raise ValueError(f"expected a size such as 500GB or 2TiB, got {value!r}")
    return int(float(m.group(1)) * _SIZE[m.group(2).lower()])


def fmt_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def fmt_bytes(n: float) -> str:
    for unit, size in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"
