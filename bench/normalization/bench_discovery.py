"""FD discovery time on 200k rows (Desbordante via dbwright.inspect.profile), seeded synthetic orders.

Run: ``.venv/bin/python bench/normalization/bench_discovery.py [--rows 200000]``
The table is a flat order-lines export (12 columns: order, customer, product attributes). Reports
reading + type inference, HyFD, HyUCC and SPIDER separately, and whether the true FDs were found.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path

from dbwright.inspect.profile import profile_table, read_csv

TRUE_FDS = {"customer_id -> customer_name", "customer_id -> customer_city", "order_id -> customer_id",
            "order_id -> order_date", "product_sku -> product_price", "product_sku -> product_category"}


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    customers = [(i, f"Name {rng.randint(1, rows // 20)}", f"City {rng.randint(1, 300)}")
                 for i in range(1, rows // 10 + 1)]
    products = [(f"SKU-{i:06d}", rng.choice(["toys", "garden", "kitchen", "books", "tools"]),
                 round(rng.uniform(1, 500), 2)) for i in range(1, 5001)]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "line_no", "order_date", "customer_id", "customer_name", "customer_city",
                    "product_sku", "product_category", "product_price", "quantity", "discount", "note"])
        order, written = 0, 0
        while written < rows:
            order += 1
            c = rng.choice(customers)
            day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            for line in range(1, rng.randint(1, 5) + 1):
                p = rng.choice(products)
                w.writerow([order, line, day, *c, *p, rng.randint(1, 9), rng.choice(["0", "5", "10"]),
                            rng.choice(["", "gift", "rush"])])
                written += 1
                if written >= rows:
                    break


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--max-lhs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders_200k.csv"
        t0 = time.perf_counter()
        generate(path, args.rows)
        gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        table = read_csv(path, sample=args.rows)
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        prof = profile_table(table, max_lhs=args.max_lhs)
        total = time.perf_counter() - t0
    found = {f.text for f in prof.fds}
    result = {"rows": len(table.rows), "columns": len(table.columns), "max_lhs": args.max_lhs,
              "generate_s": round(gen, 2), "read_s": round(read, 2), "profile_total_s": round(total, 2),
              "timings_s": {k: round(v, 2) for k, v in prof.timings.items()},
              "fds_mined": len(prof.fds), "true_fds_found": sorted(TRUE_FDS & found),
              "true_fds_missing": sorted(TRUE_FDS - found),
              "true_fds_ranked_likely": sorted(f.text for f in prof.fds if f.text in TRUE_FDS
                                               and f.confidence == "likely")}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
