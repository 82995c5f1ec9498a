"""Join-heavy queries over the public sample schemas: Sakila, Chinook, Northwind, with their data.

The three schemas (``tests/corpora/schemas``: jOOQ/sakila BSD-2-Clause, lerocha/chinook MIT,
pthom/northwind_psql MIT) are loaded with psql into one database, each into its own schema first,
then renamed with a prefix (``sk_``, ``ch_``, ``nw_``) and moved to ``public`` so their table
names do not collide (both Sakila and Chinook have ``customer``). Their own primary keys, foreign
keys and indexes stay: the advisors must work around what exists.

The sample data is small (a few thousand rows), so each table whose primary key is an integer is
replicated ``factor`` times with its integer key and foreign-key columns shifted by copy number
× 10^6: copy k of a rental points at copy k of its customer and inventory, so joins keep their
fan-out and every filter matches ``factor`` times as many rows. Tables with text keys (Northwind's
customers, territories) stay as loaded; rows referencing them keep their references.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
CORPORA = Path(os.environ.get("DBWRIGHT_CORPORA", HERE.parents[2] / "tests" / "corpora" / "schemas"))
SHIFT = 1_000_000
# prefix -> (files, replication factor)
SOURCES = {
    "sk": (["sakila/postgres-sakila-schema.sql", "sakila/postgres-sakila-insert-data-using-copy.sql"], 20),
    "ch": (["chinook/Chinook_PostgreSql.sql"], 60),
    "nw": (["northwind/northwind.sql"], 100),
}


def _psql(cluster: Any, database: str, text: str) -> None:
    psql = shutil.which("psql") or str(cluster.bindir / "psql")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as fh:
        fh.write(text)
        path = fh.name
    os.chmod(path, 0o644)
    try:
        r = subprocess.run([str(psql), "-X", "-q", "-h", str(cluster.sock), "-p", str(cluster.port), "-U", "postgres",
                            "-d", database, "-f", path], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr[-2000:]}")
    finally:
        os.unlink(path)


def _text(prefix: str, rel: str) -> str:
    s = (CORPORA / rel).read_text(encoding="utf-8", errors="replace")
    if prefix == "ch":
        s = re.sub(r"^(DROP DATABASE|CREATE DATABASE|\\c ).*$", "", s, flags=re.M)
    s = s.replace("SET search_path = public, pg_catalog", f"SET search_path = {prefix}, pg_catalog")
    s = re.sub(r"\bpublic\.", f"{prefix}.", s)
    return f"SET search_path = {prefix}, pg_catalog;\n" + s


def load(cluster: Any, database: str, log: Any = print, factor: float = 1.0) -> None:
    """Load, prefix, replicate and ANALYZE the three sample schemas in ``database``."""
    t0 = time.monotonic()
    for prefix, (files, _) in SOURCES.items():
        cluster.execute(f"CREATE SCHEMA {prefix}", database)
        for rel in files:
            _psql(cluster, database, _text(prefix, rel))
        with cluster.connect(database) as c:
            rels = [(str(r[0]), str(r[1])) for r in c.execute(
                "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'i', 'S')", (prefix,)).fetchall()]
            for name, _ in rels:  # indexes and sequences move with their table: rename them all first
                c.execute(f'ALTER {"SEQUENCE" if _ == "S" else "TABLE" if _ in "rp" else "INDEX"} '
                          f'{prefix}."{name}" RENAME TO "{prefix}_{name}"')
            tables = [name for name, kind in rels if kind in "rp"]
            for t in tables:
                c.execute(f'ALTER TABLE {prefix}."{prefix}_{t}" SET SCHEMA public')
        log(f"samples: {prefix} loaded ({len(tables)} tables) in {time.monotonic() - t0:.1f}s")
    with cluster.connect(database) as c:
        for prefix, (_, k) in SOURCES.items():
            _replicate(c, prefix, max(1, int(k * factor)))
        # Rebuilt after the bulk copies: an index grown by page splits is larger than a freshly built
        # one, and the advisors' hypothetical indexes (HypoPG sizes) would otherwise look cheaper
        # than the real keys they duplicate.
        c.execute("REINDEX SCHEMA public")
        log(f"samples: replicated and reindexed in {time.monotonic() - t0:.1f}s")
        c.execute("VACUUM ANALYZE")
    log(f"samples: analyzed in {time.monotonic() - t0:.1f}s")


def _replicate(c: Any, prefix: str, k: int) -> None:
    if k <= 1:
        return
    rows = c.execute(
        "SELECT cl.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
        "       EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = cl.oid AND p.contype = 'p' "
        "               AND a.attnum = ANY(p.conkey)), "
        "       (SELECT r.relname FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid "
        "        WHERE f.conrelid = cl.oid AND f.contype = 'f' AND a.attnum = ANY(f.conkey) LIMIT 1) "
        "FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE n.nspname = 'public' AND cl.relkind = 'r' AND cl.relname LIKE %s ORDER BY cl.relname, a.attnum",
        (prefix + "\\_%",)).fetchall()
    tables: dict[str, list[tuple[str, str, bool, str | None]]] = {}
    for t, col, typ, pk, ref in rows:
        tables.setdefault(str(t), []).append((str(col), str(typ), bool(pk), ref))
    # smallint keys cannot take the shift: widen them (and drop the sample's views that pin their types)
    for (v,) in c.execute("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.relkind IN ('v', 'm') AND n.nspname = %s", (prefix,)).fetchall():
        c.execute(f"DROP VIEW IF EXISTS {v} CASCADE")
    for t, cols in tables.items():
        for col, typ, pk, ref in cols:
            if typ == "smallint" and (pk or ref):
                c.execute(f'ALTER TABLE "{t}" ALTER COLUMN "{col}" TYPE integer')
    tables = {t: [(col, "integer" if typ == "smallint" and (pk or ref) else typ, pk, ref) for col, typ, pk, ref in cols]
              for t, cols in tables.items()}
    ints = ("integer", "bigint")
    copied = {t for t, cols in tables.items()
              if all(typ in ints for _, typ, pk, _ in cols if pk)}
    # a table without a primary key is copied only when it references a copied table (else duplicates)
    copied = {t for t in copied if any(pk for _, _, pk, _ in tables[t]) or
              any(ref in copied for _, _, _, ref in tables[t] if ref)}
    c.execute("SET session_replication_role = replica")
    for t in sorted(copied):
        exprs = []
        for col, typ, pk, ref in tables[t]:
            shift = typ in ints and (pk or (ref is not None and ref in copied))
            q = f'"{col}"'
            exprs.append(f"{q} + i * {SHIFT}" if shift else q)
        c.execute(f'INSERT INTO "{t}" OVERRIDING SYSTEM VALUE SELECT {", ".join(exprs)} '
                  f'FROM ONLY "{t}", generate_series(1, {k - 1}) i')
    c.execute("SET session_replication_role = DEFAULT")


def queries(n: int = 48, seed: int = 11) -> dict[str, str]:
    """Join-heavy queries from templates over the three schemas, filled with seeded constants."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    k = 0
    while len(out) < n:
        t = TEMPLATES[k % len(TEMPLATES)]
        k += 1
        sql = t(rng)
        if sql not in out.values():
            out[f"P{len(out) + 1}"] = sql
    return out


def _shift(rng: random.Random, k: int, hi: int) -> int:
    return rng.randint(1, hi) + rng.randint(0, k - 1) * SHIFT


def _sk_customer_rentals(rng: random.Random) -> str:
    return ("SELECT f.title, r.rental_date, p.amount FROM sk_rental r JOIN sk_inventory i ON i.inventory_id = "
            "r.inventory_id JOIN sk_film f ON f.film_id = i.film_id LEFT JOIN sk_payment p ON p.rental_id = "
            f"r.rental_id WHERE r.customer_id = {_shift(rng, 20, 599)} ORDER BY r.rental_date DESC LIMIT 20")


def _sk_category_revenue(rng: random.Random) -> str:
    cat = rng.choice(["Action", "Comedy", "Drama", "Sports", "Horror", "Family", "Games", "Music"])
    m = rng.randint(5, 8)
    return ("SELECT c.name, sum(p.amount) FROM sk_payment p JOIN sk_rental r ON r.rental_id = p.rental_id "
            "JOIN sk_inventory i ON i.inventory_id = r.inventory_id JOIN sk_film_category fc ON fc.film_id = "
            "i.film_id JOIN sk_category c ON c.category_id = fc.category_id WHERE c.name = "
            f"'{cat}' AND r.rental_date >= '2005-0{m}-01' AND r.rental_date < '2005-0{m}-08' GROUP BY c.name")


def _sk_actor_films(rng: random.Random) -> str:
    return ("SELECT a.first_name, a.last_name, count(*) FROM sk_actor a JOIN sk_film_actor fa ON fa.actor_id = "
            f"a.actor_id JOIN sk_film f ON f.film_id = fa.film_id WHERE a.last_name = '{rng.choice(_SK_NAMES)}' "
            f"AND f.rating = '{rng.choice(['G', 'PG', 'R', 'NC-17', 'PG-13'])}' GROUP BY a.first_name, a.last_name")


def _sk_overdue(rng: random.Random) -> str:
    d = rng.randint(1, 28)
    return ("SELECT cu.email, f.title FROM sk_rental r JOIN sk_customer cu ON cu.customer_id = r.customer_id "
            "JOIN sk_inventory i ON i.inventory_id = r.inventory_id JOIN sk_film f ON f.film_id = i.film_id "
            f"WHERE r.return_date IS NULL AND cu.store_id = {_shift(rng, 20, 2)} AND r.rental_date < "
            f"'2006-02-{d:02d}'")


def _sk_city_customers(rng: random.Random) -> str:
    return ("SELECT ci.city, count(*) FROM sk_customer cu JOIN sk_address ad ON ad.address_id = cu.address_id "
            "JOIN sk_city ci ON ci.city_id = ad.city_id JOIN sk_country co ON co.country_id = ci.country_id "
            f"WHERE co.country = '{rng.choice(['India', 'China', 'Japan', 'Mexico', 'Brazil', 'Russian Federation'])}' "
            "GROUP BY ci.city")


def _sk_staff_payments(rng: random.Random) -> str:
    d = rng.randint(1, 20)
    return ("SELECT s.last_name, count(*), sum(p.amount) FROM sk_payment p JOIN sk_staff s ON s.staff_id = "
            f"p.staff_id WHERE p.payment_date BETWEEN '2005-07-{d:02d}' AND '2005-07-{d + 2:02d}' GROUP BY s.last_name")


def _ch_invoice_lines(rng: random.Random) -> str:
    return ("SELECT t.name, il.unit_price, il.quantity FROM ch_invoice_line il JOIN ch_track t ON t.track_id = "
            f"il.track_id WHERE il.invoice_id = {_shift(rng, 60, 412)}")


def _ch_genre_sales(rng: random.Random) -> str:
    y = rng.choice([2021, 2022, 2023, 2024, 2025])
    return ("SELECT g.name, sum(il.unit_price * il.quantity) FROM ch_invoice_line il JOIN ch_invoice i ON "
            "i.invoice_id = il.invoice_id JOIN ch_track t ON t.track_id = il.track_id JOIN ch_genre g ON g.genre_id = "
            f"t.genre_id WHERE i.invoice_date >= '{y}-0{rng.randint(1, 9)}-01' AND i.billing_country = "
            f"'{rng.choice(['USA', 'Canada', 'France', 'Brazil', 'Germany'])}' GROUP BY g.name")


def _ch_artist_tracks(rng: random.Random) -> str:
    return ("SELECT al.title, t.name, t.milliseconds FROM ch_artist ar JOIN ch_album al ON al.artist_id = "
            f"ar.artist_id JOIN ch_track t ON t.album_id = al.album_id WHERE ar.name = '{rng.choice(_CH_ARTISTS)}' "
            "ORDER BY t.milliseconds DESC LIMIT 25")


def _ch_playlist(rng: random.Random) -> str:
    return ("SELECT t.name, mt.name FROM ch_playlist_track pt JOIN ch_track t ON t.track_id = pt.track_id "
            f"JOIN ch_media_type mt ON mt.media_type_id = t.media_type_id WHERE pt.playlist_id = {_shift(rng, 60, 18)} "
            f"AND t.unit_price > {rng.choice([0.5, 1.0])}")


def _ch_rep_customers(rng: random.Random) -> str:
    return ("SELECT e.last_name, c.country, count(i.invoice_id), sum(i.total) FROM ch_employee e JOIN ch_customer c ON "
            "c.support_rep_id = e.employee_id JOIN ch_invoice i ON i.customer_id = c.customer_id WHERE e.employee_id = "
            f"{_shift(rng, 60, 5)} GROUP BY e.last_name, c.country")


def _ch_customer_history(rng: random.Random) -> str:
    return ("SELECT i.invoice_date, i.total, count(il.invoice_line_id) FROM ch_invoice i JOIN ch_invoice_line il ON "
            f"il.invoice_id = i.invoice_id WHERE i.customer_id = {_shift(rng, 60, 59)} GROUP BY i.invoice_id, "
            "i.invoice_date, i.total ORDER BY i.invoice_date DESC LIMIT 10")


def _nw_order_lines(rng: random.Random) -> str:
    return ("SELECT p.product_name, od.quantity, od.unit_price FROM nw_order_details od JOIN nw_products p ON "
            f"p.product_id = od.product_id WHERE od.order_id = {_shift(rng, 100, 830) + 10247}")


def _nw_customer_orders(rng: random.Random) -> str:
    return ("SELECT o.order_id, o.order_date, sum(od.quantity * od.unit_price) FROM nw_orders o JOIN nw_order_details "
            f"od ON od.order_id = o.order_id WHERE o.customer_id = '{rng.choice(_NW_CUSTOMERS)}' GROUP BY o.order_id, "
            "o.order_date ORDER BY o.order_date DESC LIMIT 10")


def _nw_category_sales(rng: random.Random) -> str:
    y = rng.choice([1996, 1997, 1998])
    return ("SELECT c.category_name, sum(od.quantity) FROM nw_order_details od JOIN nw_products p ON p.product_id = "
            "od.product_id JOIN nw_categories c ON c.category_id = p.category_id JOIN nw_orders o ON o.order_id = "
            f"od.order_id WHERE o.order_date BETWEEN '{y}-0{rng.randint(1, 5)}-01' AND '{y}-0{rng.randint(6, 9)}-01' "
            f"AND o.ship_country = '{rng.choice(['Germany', 'USA', 'France', 'Brazil', 'UK'])}' GROUP BY c.category_name")


def _nw_supplier_products(rng: random.Random) -> str:
    return ("SELECT s.company_name, p.product_name, p.units_in_stock FROM nw_products p JOIN nw_suppliers s ON "
            f"s.supplier_id = p.supplier_id WHERE s.country = '{rng.choice(['USA', 'Japan', 'UK', 'Germany'])}' "
            f"AND p.discontinued = {rng.choice([0, 1])}")


def _nw_employee_orders(rng: random.Random) -> str:
    return ("SELECT e.last_name, sh.company_name, count(*) FROM nw_orders o JOIN nw_employees e ON e.employee_id = "
            "o.employee_id JOIN nw_shippers sh ON sh.shipper_id = o.ship_via WHERE o.employee_id = "
            f"{_shift(rng, 100, 9)} AND o.shipped_date > o.required_date GROUP BY e.last_name, sh.company_name")


def _nw_product_history(rng: random.Random) -> str:
    return ("SELECT o.order_date, od.quantity FROM nw_order_details od JOIN nw_orders o ON o.order_id = od.order_id "
            f"WHERE od.product_id = {_shift(rng, 100, 77)} ORDER BY o.order_date DESC LIMIT 20")


_SK_NAMES = ["GUINESS", "WAHLBERG", "KILMER", "DAVIS", "BERRY", "TEMPLE", "ALLEN", "HOFFMAN", "JOHANSSON", "HARRIS"]
_CH_ARTISTS = ["AC/DC", "Accept", "Aerosmith", "Iron Maiden", "Metallica", "U2", "Led Zeppelin", "Queen", "Audioslave"]
_NW_CUSTOMERS = ["ALFKI", "ANATR", "ANTON", "AROUT", "BERGS", "BLAUS", "BONAP", "ERNSH", "FOLKO", "QUICK", "SAVEA"]
TEMPLATES = [_sk_customer_rentals, _ch_invoice_lines, _nw_order_lines, _sk_category_revenue, _ch_genre_sales,
             _nw_customer_orders, _sk_actor_films, _ch_artist_tracks, _nw_category_sales, _sk_overdue, _ch_playlist,
             _nw_supplier_products, _sk_city_customers, _ch_rep_customers, _nw_employee_orders, _sk_staff_payments,
             _ch_customer_history, _nw_product_history]
