"""Shard-key maths by simulation: how evenly a candidate key spreads load over shards under the
declared skew, the hot-spot risk of the busiest key, and data movement when resharding.

Keys are drawn from a Zipf(s) popularity over ``n_keys`` distinct values (the declared skew) and
mapped to shards by a stable hash (as Citus, Vitess and Redis Cluster do), or by range on a
monotonic key (a time-ordered id). Pure and seeded: the same inputs give the same numbers.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from dbwright.theory.caching import harmonic

HASH_SLOTS = 16384  # Redis Cluster's slot count; also a good virtual-shard count elsewhere


@dataclass(frozen=True)
class Balance:
    shards: int
    keys_simulated: int
    events: int
    max_over_mean: float        # busiest shard's load / mean shard load
    hottest_key_share: float    # share of all load on the single hottest key
    hottest_key_vs_shard: float  # hottest key's load / mean shard load (>= 1: one key overloads a shard)
    empty_shards: int

    @property
    def hot_spot(self) -> str:
        if self.hottest_key_vs_shard >= 1.0 or self.max_over_mean >= 2.0:
            return "high"
        if self.max_over_mean >= 1.3 or self.hottest_key_vs_shard >= 0.3:
            return "medium"
        return "low"


def _hash(key: int, salt: str = "") -> int:
    return int.from_bytes(hashlib.blake2b(f"{salt}{key}".encode(), digest_size=8).digest(), "big")


def simulate_balance(n_keys: int, s: float, shards: int, events: int | None = None, seed: int = 11,
                     placement: str = "hash", max_keys: int = 200_000) -> Balance:
    """Load per shard when ``events`` accesses with Zipf(s) key popularity hit ``shards`` shards.

    ``placement``: ``hash`` (hash of the key into slots, slots spread evenly over shards) or
    ``range-monotonic`` (new keys go to the last shard: time-ordered keys without hashing; all
    current writes land on one shard).
    """
    rng = random.Random(seed)
    # enough events that sampling noise stays ~2% per shard: 2000 per shard, 200k..2M
    events = events or int(min(2_000_000, max(200_000, 2000 * shards)))
    k = int(min(n_keys, max_keys))
    shard_load = [0] * shards
    if placement == "range-monotonic":
        # writes concentrate on the newest range: one shard takes them all
        shard_load[-1] = events
        hottest = 1.0
    else:
        # The k most popular keys are drawn one by one; the long tail beyond them (millions of
        # keys, each tiny) spreads evenly over the slots, so it is added as an even share.
        head_share = harmonic(k, s) / harmonic(n_keys, s) if k < n_keys else 1.0
        head_events = round(events * head_share)
        weights = [r ** -s for r in range(1, k + 1)]
        draws = rng.choices(range(k), weights=weights, k=head_events)
        slot_to_shard = [i * shards // HASH_SLOTS for i in range(HASH_SLOTS)]
        key_shard = {key: slot_to_shard[_hash(key) % HASH_SLOTS] for key in set(draws)}
        for key in draws:
            shard_load[key_shard[key]] += 1
        tail = events - head_events
        for i in range(shards):
            shard_load[i] += tail // shards + (1 if i < tail % shards else 0)
        # the hottest key's share over the real key population (not the sample)
        hottest = 1.0 / harmonic(n_keys, s) if s > 0 else 1.0 / n_keys
    mean = events / shards
    return Balance(shards=shards, keys_simulated=k, events=events,
                   max_over_mean=max(shard_load) / mean if mean else 0.0,
                   hottest_key_share=hottest, hottest_key_vs_shard=hottest * shards,
                   empty_shards=sum(1 for x in shard_load if x == 0))


def moved_fraction(old_shards: int, new_shards: int, scheme: str = "slots") -> float:
    """Share of data that moves when going from ``old`` to ``new`` shards.

    ``slots``/consistent hashing move only what the new shards take: 1 − old/new. Naive modulo
    hashing (key mod N) moves almost everything: 1 − 1/new for coprime counts (approx.).
    """
    if new_shards <= old_shards:
        return 0.0
    if scheme == "modulo":
        return 1.0 - 1.0 / new_shards
    return 1.0 - old_shards / new_shards


__all__ = ["HASH_SLOTS", "Balance", "moved_fraction", "simulate_balance"]
