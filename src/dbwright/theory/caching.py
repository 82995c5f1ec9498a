"""Cache maths under a Zipf access distribution: hit ratio from skew and cache size, and the
cache size needed for a target hit ratio. Pure functions; a seeded LRU simulation checks them.

Popularity of the item of rank ``k`` among ``n`` is ``k**-s / H(n, s)`` with ``H`` the generalised
harmonic number. A cache that holds the ``c`` most popular items (LFU, the ideal static policy)
hits ``H(c, s) / H(n, s)`` of requests. LRU hits less; its hit ratio follows from Che's
approximation: a characteristic time ``T`` with ``sum_i (1 - exp(-p_i T)) = c`` and hit ratio
``sum_i p_i (1 - exp(-p_i T))`` (Che, Tung, Wang 2002; Fricker, Robert, Roberts 2012).
"""

from __future__ import annotations

import math
import random
import re
from collections import OrderedDict
from functools import lru_cache

_EXACT_TERMS = 2000
_ZIPF = re.compile(r"^\s*zipf\(\s*([0-9]*\.?[0-9]+)\s*\)\s*$", re.IGNORECASE)


def parse_zipf(text: str | None, default: float = 1.0) -> float:
    """``zipf(1.1)`` → 1.1; ``uniform`` → 0.0; None → default."""
    if text is None:
        return default
    if text.strip().lower() == "uniform":
        return 0.0
    m = _ZIPF.match(text)
    if not m:
        raise ValueError(f"expected zipf(s) or uniform, got {text!r}")
    return float(m.group(1))


def harmonic(n: float, s: float) -> float:
    """Generalised harmonic number H(n, s) = sum_{k=1..n} k^-s (Euler–Maclaurin tail for large n)."""
    if n <= 0:
        return 0.0
    k_exact = int(min(n, _EXACT_TERMS))
    total = math.fsum(k ** -s for k in range(1, k_exact + 1))
    if n <= _EXACT_TERMS:
        return total
    a, b = float(k_exact), float(n)
    integral = math.log(b / a) if abs(s - 1.0) < 1e-12 else (b ** (1 - s) - a ** (1 - s)) / (1 - s)
    # sum_{k=a+1}^{b} f(k) ≈ ∫_a^b f + (f(b) - f(a))/2 + (f'(b) - f'(a))/12
    f_a, f_b = a ** -s, b ** -s
    d_a, d_b = -s * a ** (-s - 1), -s * b ** (-s - 1)
    return float(total + integral + (f_b - f_a) / 2 + (d_b - d_a) / 12)


def lfu_hit_ratio(n_items: float, s: float, cache_items: float) -> float:
    """Hit ratio of a cache holding the ``cache_items`` most popular of ``n_items`` (ideal policy)."""
    if cache_items <= 0:
        return 0.0
    if cache_items >= n_items:
        return 1.0
    return harmonic(cache_items, s) / harmonic(n_items, s)


def _rank_buckets(n_items: int, exact: int = 5000, ratio: float = 1.02) -> list[tuple[float, float]]:
    """(representative rank, item count) pairs: exact for top ranks, geometric buckets after."""
    out: list[tuple[float, float]] = [(float(k), 1.0) for k in range(1, min(n_items, exact) + 1)]
    lo = exact + 1
    while lo <= n_items:
        hi = min(n_items, max(lo, int(lo * ratio)))
        count = hi - lo + 1
        # rank whose popularity equals the bucket's mean popularity is close to the geometric mean
        out.append((math.sqrt(lo * hi), float(count)))
        lo = hi + 1
    return out


@lru_cache(maxsize=64)
def _popularity(n_items: int, s: float) -> tuple[tuple[float, float], ...]:
    h = harmonic(n_items, s)
    return tuple((r ** -s / h, c) for r, c in _rank_buckets(n_items))


def _che(buckets: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    """(occupancy, hit ratio) of an LRU cache with characteristic time t."""
    occ = hit = 0.0
    for p, c in buckets:
        miss = math.exp(-p * t)
        occ += c * (1.0 - miss)
        hit += c * p * (1.0 - miss)
    return occ, hit


def _solve_t(buckets: tuple[tuple[float, float], ...], index: int, goal: float) -> float:
    lo, hi = 0.0, 1.0
    while _che(buckets, hi)[index] < goal:
        hi *= 2
        if hi > 1e30:
            break
    for _ in range(60):
        mid = (lo + hi) / 2
        if _che(buckets, mid)[index] < goal:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def lru_hit_ratio(n_items: int, s: float, cache_items: float) -> float:
    """LRU hit ratio by Che's approximation."""
    if cache_items <= 0:
        return 0.0
    if cache_items >= n_items:
        return 1.0
    buckets = _popularity(int(n_items), float(s))
    return _che(buckets, _solve_t(buckets, 0, cache_items))[1]


def lru_items_for_hit_ratio(n_items: int, s: float, target: float) -> int:
    """Cache items an LRU cache needs for ``target`` hit ratio (solve Che's T for the hit ratio)."""
    buckets = _popularity(int(n_items), float(s))
    return min(n_items, max(1, math.ceil(_che(buckets, _solve_t(buckets, 1, target))[0])))


def hit_ratio(n_items: int, s: float, cache_items: float, policy: str = "lru") -> float:
    return lru_hit_ratio(n_items, s, cache_items) if policy == "lru" else lfu_hit_ratio(n_items, s, cache_items)


def items_for_hit_ratio(n_items: int, s: float, target: float, policy: str = "lru") -> int:
    """Smallest cache (in items) reaching ``target`` hit ratio (bisection on the monotone curve)."""
    if not 0 < target < 1:
        raise ValueError("target hit ratio must be between 0 and 1")
    if policy == "lru":
        return lru_items_for_hit_ratio(n_items, s, target)
    lo, hi = 0, n_items
    while hi - lo > max(1, n_items // 100_000):
        mid = (lo + hi) // 2
        if hit_ratio(n_items, s, mid, policy) < target:
            lo = mid
        else:
            hi = mid
    return hi


def zipf_draws(n_items: int, s: float, k: int, rng: random.Random, head: int = 20_000) -> list[int]:
    """``k`` Zipf(s) draws over ranks 0..n-1: the ``head`` most popular ranks exactly, the tail from
    the continuous power law by inverse CDF (ranks there are many and individually rare)."""
    h = min(n_items, head)
    head_share = harmonic(h, s) / harmonic(n_items, s) if h < n_items else 1.0
    weights = [r ** -s for r in range(1, h + 1)]
    n_head = sum(1 for _ in range(k) if rng.random() < head_share)
    out = rng.choices(range(h), weights=weights, k=n_head)
    a, b = h + 0.5, n_items + 0.5
    for _ in range(k - n_head):
        u = rng.random()
        if abs(s - 1.0) < 1e-9:
            x = a * (b / a) ** u
        else:
            e = 1.0 - s
            x = (a ** e + u * (b ** e - a ** e)) ** (1.0 / e)
        out.append(min(n_items - 1, int(x - 0.5)))
    rng.shuffle(out)
    return out


def simulate_lru(n_items: int, s: float, cache_items: int, requests: int = 200_000,
                 seed: int = 7, warmup: float = 0.3) -> float:
    """Measured hit ratio of an LRU cache fed ``requests`` Zipf(s) draws over ``n_items`` keys
    (independent reference model); the first ``warmup`` share of requests fills the cache."""
    rng = random.Random(seed)
    keys = zipf_draws(n_items, s, requests, rng)
    cache: OrderedDict[int, None] = OrderedDict()
    hits = counted = 0
    start = int(requests * warmup)
    for i, key in enumerate(keys):
        hit = key in cache
        if hit:
            cache.move_to_end(key)
        else:
            cache[key] = None
            if len(cache) > cache_items:
                cache.popitem(last=False)
        if i >= start:
            counted += 1
            hits += hit
    return hits / counted if counted else 0.0


def cheap_simulation(n_items: int, s: float, cache_items: int, max_cache: int = 20_000,
                     seed: int = 7) -> tuple[float, int] | None:
    """Simulated LRU hit ratio at full key count when the cache is small enough to warm up
    cheaply (requests = 40 × cache items, 100k–800k); None when it is not."""
    if cache_items > max_cache:
        return None
    requests = int(min(800_000, max(100_000, 40 * cache_items)))
    return simulate_lru(n_items, s, cache_items, requests, seed), requests


__all__ = [
    "cheap_simulation",
    "harmonic",
    "hit_ratio",
    "items_for_hit_ratio",
    "lfu_hit_ratio",
    "lru_hit_ratio",
    "lru_items_for_hit_ratio",
    "parse_zipf",
    "simulate_lru",
    "zipf_draws",
]
