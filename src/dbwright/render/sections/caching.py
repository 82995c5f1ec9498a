"""Render the 'caching' section: layers and per-pattern sizing with formula and simulation."""

from __future__ import annotations

from dbwright.design import Section
from dbwright.render.sections.arch_common import pct, size, table


def render_markdown(section: Section) -> str:
    d = section.data
    parts = ["### Layers", "", table(["layer", "serves", "why"],
                                     [[x["layer"], ", ".join(x["serves"]), x["why"]] for x in d["layers"]]), ""]
    if d["patterns"]:
        parts += [f"### Shared-cache sizing (target hit ratio {d['target_hit_ratio']:.0%})", "",
                  table(["pattern", "keys", "skew", "cached items", "memory", "hit (formula)", "hit (simulated)",
                         "TTL", "invalidation", "stampede guard"],
                        [[x["pattern"], x["keys"], f"zipf({x['skew']:g})", x["cache_items"], size(x["memory_bytes"]),
                          pct(x["hit_ratio"]), pct(x["simulated_hit_ratio"]) if x["simulated_hit_ratio"] is not None
                          else "not simulated (cache too large)", f"{x['ttl_s']:g} s" if x["ttl_s"] else "–",
                          x["invalidation"], x["stampede_protection"]] for x in d["patterns"]]), "",
                  f"Total {size(d['total_memory_bytes'])} in {d['nodes']} node(s). Hit ratio by Che's approximation "
                  "for LRU under Zipf popularity; the simulated column replays the declared distribution through an "
                  "LRU cache at full key count (seeded).", ""]
    if d.get("low_rate"):
        parts += [f"Below 100 calls/s, left to indexes and the buffer cache: {', '.join(d['low_rate'])}.", ""]
    capped = [x["pattern"] for x in d["patterns"] if x.get("memory_capped")]
    if capped:
        parts += ["Memory capped (more would save too few reads for the rate): " + ", ".join(capped)
                  + "; their hit ratio is what the cap gives.", ""]
    if d["uncached"]:
        parts += ["Not cached (strong consistency or no staleness declared): " + ", ".join(d["uncached"]) + ".", ""]
    return "\n".join(parts)
