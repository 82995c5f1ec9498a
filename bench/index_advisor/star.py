"""A generated star-schema workload: 3 fact tables, 21 dimensions (24 tables), ~95 queries.

The shape that exposed the old search's weakness (issue 17): many analytical queries over many
tables, where each query touches a fact table and a few dimensions. Data is generated inside
PostgreSQL (``generate_series`` with a seeded ``random()``, skewed foreign keys), dimensions get
primary keys (as real star schemas have), facts get none (the advisors are asked for those).
Queries come from templates filled by ``random.Random(seed)``: star joins with dimension filters
and grouping, fact lookups by a foreign key with a sort, range scans on a measure or a date key,
dimension-only lookups, fact-to-fact joins and top-N queries.
"""

from __future__ import annotations

import random
import time
from typing import Any

# name -> (rows at scale 1, columns "name type expr" where expr fills it from g = 1..rows)
# Keys: <dim>_sk. Attribute columns take few distinct values (the filters and groups of the workload).
DIMS: dict[str, tuple[int, list[tuple[str, str, str]]]] = {
    "date_dim": (3650, [("year", "int", "1998 + (g - 1) / 365"), ("month", "int", "1 + ((g - 1) % 365) / 31"),
                        ("day_of_week", "int", "g % 7"), ("quarter", "int", "1 + ((g - 1) % 365) / 92"),
                        ("holiday", "boolean", "g % 29 = 0")]),
    "time_dim": (1440, [("hour", "int", "(g - 1) / 60"), ("shift", "int", "(g - 1) / 480")]),
    "customer": (200000, [("address_sk", "int", "1 + (g * 7919) % 100000"), ("demo_sk", "int", "1 + g % 20000"),
                          ("household_sk", "int", "1 + g % 7200"), ("birth_year", "int", "1930 + g % 70"),
                          ("country", "text", "'c' || (g % 90)"), ("last_name", "text", "'n' || (g % 15000)"),
                          ("email", "text", "'u' || g || '@x.org'"), ("preferred", "boolean", "g % 3 = 0")]),
    "customer_address": (100000, [("state", "text", "'s' || (g % 50)"), ("city", "text", "'t' || (g % 2000)"),
                                  ("zip", "text", "lpad((g % 9000)::text, 5, '0')"),
                                  ("gmt_offset", "int", "-(g % 6)")]),
    "customer_demo": (20000, [("gender", "text", "(ARRAY['M','F'])[1 + g % 2]"),
                              ("marital", "text", "(ARRAY['S','M','D','W','U'])[1 + g % 5]"),
                              ("education", "text", "'e' || (g % 7)"), ("credit", "text", "'r' || (g % 4)")]),
    "household_demo": (7200, [("income_band_sk", "int", "1 + g % 20"), ("vehicles", "int", "g % 5"),
                               ("dependents", "int", "g % 10")]),
    "income_band": (20, [("lower_bound", "int", "(g - 1) * 10000"), ("upper_bound", "int", "g * 10000")]),
    "item": (50000, [("brand_sk", "int", "1 + g % 1000"), ("category_sk", "int", "1 + g % 100"),
                     ("supplier_sk", "int", "1 + (g * 31) % 5000"), ("price", "numeric(8,2)", "(g % 500) + 0.99"),
                     ("color", "text", "'k' || (g % 60)"), ("size", "text", "(ARRAY['S','M','L','XL'])[1 + g % 4]")]),
    "brand": (1000, [("manufacturer", "text", "'m' || (g % 200)"), ("tier", "int", "g % 5")]),
    "category": (100, [("class", "text", "'cl' || (g % 20)")]),
    "store": (500, [("region_sk", "int", "1 + g % 10"), ("floor_space", "int", "5000 + g * 37 % 9000"),
                    ("manager", "text", "'mg' || (g % 300)")]),
    "promotion": (1000, [("channel_sk", "int", "1 + g % 5"), ("cost", "numeric(10,2)", "g * 3.5"),
                         ("start_date_sk", "int", "1 + g * 3 % 3650")]),
    "warehouse": (50, [("region_sk", "int", "1 + g % 10"), ("sq_ft", "int", "g * 1000")]),
    "ship_mode": (20, [("type", "text", "'sm' || (g % 6)"), ("carrier_sk", "int", "1 + g % 30")]),
    "carrier": (30, [("name", "text", "'ca' || g")]),
    "reason": (60, [("description", "text", "'why' || g")]),
    "web_site": (30, [("region_sk", "int", "1 + g % 10"), ("class", "text", "'w' || (g % 3)")]),
    "call_center": (30, [("region_sk", "int", "1 + g % 10"), ("employees", "int", "g * 11")]),
    "region": (10, [("name", "text", "'rg' || g")]),
    "supplier": (5000, [("region_sk", "int", "1 + g % 10"), ("rating", "int", "g % 5"),
                        ("country", "text", "'c' || (g % 90)")]),
    "employee": (3000, [("store_sk", "int", "1 + g % 500"), ("hire_year", "int", "1990 + g % 30"),
                        ("role", "text", "'ro' || (g % 12)")]),
}

# fact -> (rows at scale 1, columns)
SKEW = "floor({n} * power(random(), 2))::int + 1"
UNIFORM = "floor({n} * random())::int + 1"
FACTS: dict[str, tuple[int, list[tuple[str, str, str]]]] = {
    "sales": (2_000_000, [
        ("order_id", "int", "g / 4"), ("sold_date_sk", "int", UNIFORM.format(n=3650)),
        ("sold_time_sk", "int", UNIFORM.format(n=1440)), ("customer_sk", "int", SKEW.format(n=200000)),
        ("item_sk", "int", SKEW.format(n=50000)), ("store_sk", "int", UNIFORM.format(n=500)),
        ("promotion_sk", "int", UNIFORM.format(n=1000)), ("employee_sk", "int", UNIFORM.format(n=3000)),
        ("quantity", "int", "1 + floor(random() * 20)::int"), ("net_paid", "numeric(10,2)", "round((random() * 500)::numeric, 2)"),
        ("discount", "numeric(6,2)", "round((random() * 30)::numeric, 2)")]),
    "shipments": (500_000, [
        ("order_id", "int", "g"), ("ship_date_sk", "int", UNIFORM.format(n=3650)),
        ("customer_sk", "int", SKEW.format(n=200000)), ("item_sk", "int", SKEW.format(n=50000)),
        ("warehouse_sk", "int", UNIFORM.format(n=50)), ("ship_mode_sk", "int", UNIFORM.format(n=20)),
        ("web_site_sk", "int", UNIFORM.format(n=30)), ("call_center_sk", "int", UNIFORM.format(n=30)),
        ("weight", "numeric(8,2)", "round((random() * 80)::numeric, 2)"),
        ("cost", "numeric(10,2)", "round((random() * 90)::numeric, 2)")]),
    "returns": (200_000, [
        ("order_id", "int", "floor(random() * 500000)::int"), ("item_sk", "int", SKEW.format(n=50000)),
        ("returned_date_sk", "int", UNIFORM.format(n=3650)), ("customer_sk", "int", SKEW.format(n=200000)),
        ("reason_sk", "int", UNIFORM.format(n=60)), ("store_sk", "int", UNIFORM.format(n=500)),
        ("amount", "numeric(10,2)", "round((random() * 300)::numeric, 2)")]),
}

# fact -> {fk column: dimension}
FK: dict[str, dict[str, str]] = {
    "sales": {"sold_date_sk": "date_dim", "sold_time_sk": "time_dim", "customer_sk": "customer", "item_sk": "item",
              "store_sk": "store", "promotion_sk": "promotion", "employee_sk": "employee"},
    "shipments": {"ship_date_sk": "date_dim", "customer_sk": "customer", "item_sk": "item",
                  "warehouse_sk": "warehouse", "ship_mode_sk": "ship_mode", "web_site_sk": "web_site",
                  "call_center_sk": "call_center"},
    "returns": {"item_sk": "item", "returned_date_sk": "date_dim", "customer_sk": "customer",
                "reason_sk": "reason", "store_sk": "store"},
}
MEASURES = {"sales": ["net_paid", "quantity", "discount"], "shipments": ["weight", "cost"], "returns": ["amount"]}
# dimension -> {column: dimension it references} (snowflake arms)
DIM_FK = {"customer": {"address_sk": "customer_address", "demo_sk": "customer_demo", "household_sk": "household_demo"},
          "item": {"brand_sk": "brand", "category_sk": "category", "supplier_sk": "supplier"},
          "household_demo": {"income_band_sk": "income_band"}, "store": {"region_sk": "region"},
          "supplier": {"region_sk": "region"}, "employee": {"store_sk": "store"}}


def _key(dim: str) -> str:
    return f"{dim}_sk"


def load(cluster: Any, database: str, scale: float = 1.0, log: Any = print) -> None:
    """Create and fill the 24 tables in ``database`` (a running PostgresCluster), then ANALYZE."""
    t0 = time.monotonic()
    with cluster.connect(database) as c:
        c.execute("SELECT setseed(0.42)")
        for name, (rows, cols) in DIMS.items():
            n = max(10, int(rows * (scale if rows >= 1000 else 1)))
            c.execute(f"CREATE TABLE {name} ({_key(name)} int PRIMARY KEY, "
                      + ", ".join(f"{col} {typ}" for col, typ, _ in cols) + ")")
            c.execute(f"INSERT INTO {name} SELECT g, " + ", ".join(expr for _, _, expr in cols)
                      + f" FROM generate_series(1, {n}) g")
        for name, (rows, cols) in FACTS.items():
            n = int(rows * scale)
            c.execute(f"CREATE TABLE {name} (" + ", ".join(f"{col} {typ}" for col, typ, _ in cols) + ")")
            c.execute(f"INSERT INTO {name} SELECT " + ", ".join(expr for _, _, expr in cols)
                      + f" FROM generate_series(1, {n}) g")
        log(f"star: loaded 24 tables in {time.monotonic() - t0:.1f}s")
        c.execute("VACUUM ANALYZE")
    log(f"star: analyzed in {time.monotonic() - t0:.1f}s")


def _dim_filter(rng: random.Random, dim: str, alias: str) -> str:
    """A selective predicate on a dimension's attributes."""
    cols = DIMS[dim][1]
    col, typ, _ = rng.choice(cols)
    if dim == "date_dim":
        y = rng.randint(1998, 2007)
        return rng.choice([f"{alias}.year = {y}", f"{alias}.year = {y} AND {alias}.month = {rng.randint(1, 12)}",
                           f"{alias}.year BETWEEN {y} AND {y + 1} AND {alias}.quarter = {rng.randint(1, 4)}"])
    if typ == "int":
        return f"{alias}.{col} = {rng.randint(0, 40)}"
    if typ == "boolean":
        return f"{alias}.{col}"
    if typ.startswith("numeric"):
        lo = rng.randint(1, 400)
        return f"{alias}.{col} BETWEEN {lo} AND {lo + rng.randint(5, 40)}"
    prefix = {"customer": {"country": "c", "last_name": "n", "email": "u"}}.get(dim, {}).get(col)
    val = f"{prefix}{rng.randint(0, 80)}" if prefix else None
    if val is None:
        sample = _sample_text(dim, col, rng)
        return f"{alias}.{col} = '{sample}'"
    return f"{alias}.{col} = '{val}'"


def _sample_text(dim: str, col: str, rng: random.Random) -> str:
    expr = next(e for c, _, e in DIMS[dim][1] if c == col)
    g = rng.randint(1, max(10, DIMS[dim][0]))
    if expr.startswith("(ARRAY["):
        vals = expr[len("(ARRAY["):expr.index("]")].replace("'", "").split(",")
        return vals[g % len(vals)]
    if expr.startswith("'"):
        head = expr[1:expr.index("'", 1)]
        mod = expr[expr.index("%") + 1:].strip(" )") if "%" in expr else "1000"
        return f"{head}{g % int(mod)}"
    if expr.startswith("lpad"):
        return f"{g % 9000:05d}"
    return str(g)


def queries(n: int = 95, seed: int = 7) -> dict[str, str]:
    """``n`` queries from seeded templates (the same text for the same seed)."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    templates = [_star_join, _star_join, _star_join, _fk_lookup, _measure_range, _dim_lookup, _snowflake,
                 _top_n, _fact_fact, _date_range]
    k = 0
    while len(out) < n:
        sql = templates[k % len(templates)](rng)
        k += 1
        if sql not in out.values():
            out[f"S{len(out) + 1}"] = sql
    return out


def _star_join(rng: random.Random) -> str:
    fact = rng.choice(["sales", "sales", "shipments", "returns"])
    fks = rng.sample(sorted(FK[fact]), rng.randint(1, 3))
    joins, where, group = [], [], []
    for i, fk in enumerate(fks):
        dim, a = FK[fact][fk], f"d{i}"
        joins.append(f"JOIN {dim} {a} ON {a}.{_key(dim)} = f.{fk}")
        where.append(_dim_filter(rng, dim, a))
        cols = [c for c, t, _ in DIMS[dim][1] if t != "boolean"]
        if cols and rng.random() < 0.6:
            group.append(f"{a}.{rng.choice(cols)}")
    m = rng.choice(MEASURES[fact])
    sel = ", ".join(group) + ", " if group else ""
    sql = f"SELECT {sel}sum(f.{m}) AS total, count(*) FROM {fact} f {' '.join(joins)} WHERE {' AND '.join(where)}"
    return sql + (f" GROUP BY {', '.join(group)}" if group else "")


def _fk_lookup(rng: random.Random) -> str:
    fact = rng.choice(list(FK))
    fk = rng.choice(["customer_sk", "item_sk"])
    date = next(c for c in FK[fact] if FK[fact][c] == "date_dim")
    return (f"SELECT * FROM {fact} WHERE {fk} = {rng.randint(1, 5000)} ORDER BY {date} DESC LIMIT "
            f"{rng.choice([10, 20, 50])}")


def _measure_range(rng: random.Random) -> str:
    fact = rng.choice(list(FK))
    m = rng.choice(MEASURES[fact])
    fk = rng.choice(sorted(FK[fact]))
    lo = rng.randint(1, 60)
    return (f"SELECT {fk}, count(*) FROM {fact} WHERE {m} BETWEEN {lo} AND {lo + 0.3} "
            f"GROUP BY {fk} ORDER BY count(*) DESC LIMIT 20")


def _dim_lookup(rng: random.Random) -> str:
    dim = rng.choice(["customer", "customer", "item", "customer_address", "supplier", "employee"])
    a = "d"
    return f"SELECT * FROM {dim} {a} WHERE {_dim_filter(rng, dim, a)} AND {_dim_filter(rng, dim, a)}"


def _snowflake(rng: random.Random) -> str:
    fact = rng.choice(["sales", "shipments", "returns"])
    dim = rng.choice(["customer", "item"])
    fk = next(c for c in FK[fact] if FK[fact][c] == dim)
    arm_col, arm = rng.choice(sorted(DIM_FK[dim].items()))
    m = rng.choice(MEASURES[fact])
    return (f"SELECT a.{_key(arm)}, sum(f.{m}) FROM {fact} f JOIN {dim} d ON d.{_key(dim)} = f.{fk} "
            f"JOIN {arm} a ON a.{_key(arm)} = d.{arm_col} WHERE {_dim_filter(rng, arm, 'a')} "
            f"AND {_dim_filter(rng, dim, 'd')} GROUP BY a.{_key(arm)}")


def _top_n(rng: random.Random) -> str:
    fact = rng.choice(list(FK))
    m = rng.choice(MEASURES[fact])
    fk = rng.choice(sorted(FK[fact]))
    dim = FK[fact][fk]
    return (f"SELECT f.* FROM {fact} f WHERE f.{fk} = {rng.randint(1, min(DIMS[dim][0], 400))} "
            f"ORDER BY f.{m} DESC LIMIT 10")


def _fact_fact(rng: random.Random) -> str:
    d = rng.randint(1, 3000)
    return rng.choice([
        f"SELECT s.item_sk, sum(r.amount) FROM returns r JOIN sales s ON s.order_id = r.order_id "
        f"AND s.item_sk = r.item_sk WHERE r.returned_date_sk BETWEEN {d} AND {d + 30} GROUP BY s.item_sk",
        f"SELECT count(*) FROM shipments sh JOIN sales s ON s.order_id = sh.order_id WHERE sh.ship_date_sk "
        f"BETWEEN {d} AND {d + 7} AND s.store_sk = {rng.randint(1, 500)}",
        f"SELECT r.reason_sk, count(*) FROM returns r JOIN shipments sh ON sh.order_id = r.order_id "
        f"WHERE sh.warehouse_sk = {rng.randint(1, 50)} AND r.returned_date_sk > {d} GROUP BY r.reason_sk"])


def _date_range(rng: random.Random) -> str:
    fact = rng.choice(list(FK))
    date = next(c for c in FK[fact] if FK[fact][c] == "date_dim")
    d = rng.randint(1, 3600)
    other = rng.choice([c for c in FK[fact] if c != date])
    return (f"SELECT {other}, count(*) FROM {fact} WHERE {date} BETWEEN {d} AND {d + rng.choice([1, 3, 7])} "
            f"GROUP BY {other}")
