"""First normal form: does a text column hold lists (``"a,b,c"``) rather than one value?

A column is a delimited list when, over its non-null values, a separator occurs in at least
``min_share`` of them, the pieces are short tokens (not prose: a sentence also contains commas)
and the same pieces recur across rows (a vocabulary, like tags, rather than unique text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SEPARATORS = (",", ";", "|", "/")
_JSON_ARRAY = re.compile(r"^\s*\[.*\]\s*$", re.S)


@dataclass(frozen=True)
class DelimitedList:
    separator: str
    share: float  # of values holding the separator
    mean_items: float
    max_items: int
    distinct_items: int
    examples: tuple[str, ...]


def delimited_list(values: Iterable[str | None], min_share: float = 0.5, min_values: int = 5) -> DelimitedList | None:
    vals = [v for v in values if v is not None and v.strip()]
    if len(vals) < min_values:
        return None
    if sum(1 for v in vals if _JSON_ARRAY.match(v)) >= min_share * len(vals):
        items = [x.strip(' "') for v in vals for x in v.strip()[1:-1].split(",") if x.strip()]
        return _result(",", vals, [len(v.split(",")) for v in vals], items, 1.0) if items else None
    best: DelimitedList | None = None
    for sep in SEPARATORS:
        holding = [v for v in vals if sep in v]
        share = len(holding) / len(vals)
        if share < min_share:
            continue
        pieces = [p.strip() for v in vals for p in v.split(sep)]
        if not pieces or (any(not p for p in pieces[:200]) and sum(1 for p in pieces if not p) > 0.2 * len(pieces)):
            continue
        if sum(1 for p in pieces if len(p.split()) > 3 or len(p) > 40) > 0.1 * len(pieces):
            continue  # prose, addresses, sentences: commas inside one value
        if sep == "/" and (all(re.fullmatch(r"[\d/.-]+", v) for v in vals[:50])
                           or any("://" in v or v.startswith(("/", "~", ".")) or "\\" in v for v in vals[:50])):
            continue  # dates, fractions, URLs and paths
        if sep in ",." and all(re.fullmatch(r"-?[\d.,]+", v) for v in vals[:50]):
            continue  # numbers with thousands separators
        counts = [len(v.split(sep)) for v in vals]
        found = _result(sep, vals, counts, pieces, share)
        distinct = Counter(pieces)
        # a vocabulary: pieces recur (tags), unlike free text where nearly every piece is new
        if len(distinct) > 0.8 * len(pieces) or distinct.most_common(1)[0][1] < 2:
            continue
        if sum(1 for p in pieces if p.lower().startswith(("and ", "or "))) > 0:
            continue  # an enumeration in prose ("x, y, and z")
        if best is None or found.share > best.share:
            best = found
    return best


def _result(sep: str, vals: list[str], counts: list[int], pieces: list[str], share: float) -> DelimitedList:
    return DelimitedList(sep, share, sum(counts) / len(counts), max(counts), len(set(pieces)),
                         tuple(v for v in vals if sep in v)[:3])
