"""Regenerate the example data (seeded, small): ``python examples/data/make_data.py``.

- ``orders_flat.csv``: a denormalized order-lines export (one row per order line, customer and
  product repeated on every row), with a few customers sharing a name.
- ``orders.jsonl``: the same kind of shop as a document store export (MongoDB style): customer
  and address embedded, items and tags as arrays, ``payment`` polymorphic (an object or a string).
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
CITIES = [("Lyon", "FR"), ("Lille", "FR"), ("Porto", "PT"), ("Braga", "PT"), ("Graz", "AT"), ("Linz", "AT")]
FIRST = ["Ana", "Ben", "Chloe", "Dario", "Eva", "Femi", "Greta", "Hugo", "Ines", "Jon"]
LAST = ["Silva", "Novak", "Berg", "Rossi", "Lind", "Meyer"]
CATEGORIES = ["stationery", "kitchen", "garden", "toys"]


def catalogue(rng: random.Random) -> list[dict[str, object]]:
    out = []
    for i in range(1, 25):
        out.append({"sku": f"SKU-{i:04d}", "name": f"{rng.choice(['Blue', 'Red', 'Oak', 'Steel'])} "
                    f"{rng.choice(['pen', 'cup', 'rake', 'kite', 'pad', 'pot'])} {i}",
                    "category": CATEGORIES[i % len(CATEGORIES)],
                    "price": round(rng.choice([2.5, 4.0, 9.9, 12.0, 19.5, 25.0]), 2)})
    return out


def customers(rng: random.Random) -> list[dict[str, object]]:
    out = []
    for i in range(1, 31):
        first, last = FIRST[i % 5], LAST[i % 4]  # 20 names for 30 customers: some share one
        city, country = rng.choice(CITIES)
        out.append({"id": 100 + i, "name": f"{first} {last}",
                    "email": f"{first.lower()}.{last.lower()}{i}@example.org", "city": city, "country": country})
    return out


def make_flat(rng: random.Random, path: Path) -> None:
    prods, custs = catalogue(rng), customers(rng)
    start = datetime(2025, 1, 1)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "line_no", "order_date", "customer_id", "customer_name", "customer_email",
                    "customer_city", "product_sku", "product_name", "product_category", "product_price", "quantity"])
        for o in range(1, 81):
            c = rng.choice(custs)
            day = (start + timedelta(days=rng.randint(0, 120))).date().isoformat()
            for line, p in enumerate(rng.sample(prods, rng.randint(1, 4)), start=1):
                w.writerow([5000 + o, line, day, c["id"], c["name"], c["email"], c["city"], p["sku"], p["name"],
                            p["category"], p["price"], rng.randint(1, 5)])


def make_nested(rng: random.Random, path: Path) -> None:
    prods, custs = catalogue(rng), customers(rng)
    start = datetime(2025, 3, 1, 9, 0)
    with path.open("w") as fh:
        for o in range(1, 61):
            c = rng.choice(custs)
            items = [{"sku": p["sku"], "name": p["name"], "price": p["price"], "qty": rng.randint(1, 3)}
                     for p in rng.sample(prods, rng.randint(1, 3))]
            payment: object = ({"method": "card", "last4": f"{rng.randint(0, 9999):04d}"}
                               if rng.random() < 0.7 else "cash")
            doc = {"_id": f"ord-{o:05d}", "placed_at": (start + timedelta(hours=7 * o)).isoformat(),
                   "status": rng.choice(["paid", "shipped", "delivered"]),
                   "customer": {"id": c["id"], "name": c["name"], "email": c["email"],
                                "address": {"city": c["city"], "country": c["country"]}},
                   "items": items, "tags": rng.sample(["gift", "express", "b2b", "promo"], rng.randint(0, 2)),
                   "payment": payment}
            fh.write(json.dumps(doc) + "\n")


def main() -> None:
    make_flat(random.Random(42), HERE / "orders_flat.csv")
    make_nested(random.Random(7), HERE / "orders.jsonl")


if __name__ == "__main__":
    main()
