"""Speed of dbwright.theory vs PyPI ``functional-dependencies`` 1.3.0, same inputs, side by side.

Run: ``.venv/bin/python bench/normalization/bench_fd.py [--corpus tests/corpora/normalization]``
(needs ``pip install functional-dependencies==1.3.0``, in the ``bench`` extra).

Operations both libraries have: attribute closure (of every single attribute), a minimal cover
(their ``basis()``), one key (their ``key()``; ours shrinks the full set the same way) and 3NF
synthesis (their ``synthesize(minimize=True)``). Inputs: the 54 corpus cases, then seeded random
schemas of 20–120 attributes. Each cell is the best of 5 runs; ratio = theirs / ours.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from functional_dependencies import FD as TheirFD
from functional_dependencies import FDSet, RelSchema
from ruamel.yaml import YAML

from dbwright.theory.decompose import synthesize_3nf
from dbwright.theory.fd import FD, Closure, minimal_cover, parse_fds
from dbwright.theory.keys import minimize_key

ROOT = Path(__file__).resolve().parents[2]


def best(fn: Callable[[], Any], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def corpus_cases(path: Path) -> list[tuple[str, list[str], list[FD]]]:
    out = []
    for f in sorted(path.glob("*.yaml")):
        for c in YAML(typ="safe").load(f.read_text())["cases"]:
            out.append((c["name"], list(c["attributes"]), parse_fds(c["fds"], c["attributes"])))
    return out


def random_case(n_attrs: int, n_fds: int, seed: int) -> tuple[str, list[str], list[FD]]:
    rng = random.Random(seed)
    attrs = [f"a{i}" for i in range(n_attrs)]
    fds = []
    for _ in range(n_fds):
        lhs = frozenset(rng.sample(attrs, rng.randint(1, 3)))
        rhs = frozenset(rng.sample(attrs, rng.randint(1, 3))) - lhs
        if rhs:
            fds.append(FD(lhs, rhs))
    return f"random-{n_attrs}a-{n_fds}fd", attrs, fds


def theirs(attrs: list[str], fds: list[FD]) -> dict[str, Callable[[], Any]]:
    fdset = FDSet({TheirFD(set(f.lhs), set(f.rhs)) for f in fds})
    schema = RelSchema(set(attrs), fdset)
    return {
        "closure": lambda: [fdset.closure({a}) for a in attrs],
        "minimal_cover": fdset.basis,
        "key": schema.key,
        "synthesis_3nf": lambda: schema.synthesize(minimize=True),
    }


def ours(attrs: list[str], fds: list[FD]) -> dict[str, Callable[[], Any]]:
    def closures() -> list[Any]:
        eng = Closure(fds)
        return [eng.of({a}) for a in attrs]

    def key() -> Any:
        return minimize_key(frozenset(attrs), frozenset(attrs), Closure(fds))

    return {"closure": closures, "minimal_cover": lambda: minimal_cover(fds), "key": key,
            "synthesis_3nf": lambda: synthesize_3nf(attrs, fds, all_keys=False)}


def run(corpus: Path) -> dict[str, Any]:
    ops = ("closure", "minimal_cover", "key", "synthesis_3nf")
    rows: list[dict[str, Any]] = []
    cases = corpus_cases(corpus)
    totals = {op: [0.0, 0.0] for op in ops}
    for _, attrs, fds in cases:
        t, o = theirs(attrs, fds), ours(attrs, fds)
        for op in ops:
            totals[op][0] += best(t[op])
            totals[op][1] += best(o[op])
    rows.append({"input": f"corpus ({len(cases)} cases, summed)",
                 **{op: {"theirs_ms": totals[op][0] * 1e3, "ours_ms": totals[op][1] * 1e3} for op in ops}})
    for n, m, seed in ((20, 30, 1), (40, 80, 2), (80, 200, 3), (120, 400, 4)):
        name, attrs, fds = random_case(n, m, seed)
        t, o = theirs(attrs, fds), ours(attrs, fds)
        runs = 3 if n >= 80 else 5
        rows.append({"input": name, **{op: {"theirs_ms": best(t[op], runs) * 1e3, "ours_ms": best(o[op], runs) * 1e3}
                                       for op in ops}})
    return {"ops": ops, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpora" / "normalization")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args.corpus)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    ops = result["ops"]
    print("| input | " + " | ".join(f"{op}: theirs / ours (ratio)" for op in ops) + " |")
    print("|---|" + "---|" * len(ops))
    for r in result["rows"]:
        cells = []
        for op in ops:
            t, o = r[op]["theirs_ms"], r[op]["ours_ms"]
            cells.append(f"{t:.2f} / {o:.2f} ms ({t / o:.1f}×)")
        print(f"| {r['input']} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
