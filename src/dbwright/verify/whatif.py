"""What-if index costing with HypoPG: planner costs of queries under hypothetical index sets.

One connection holds the hypothetical indexes (HypoPG keeps them per backend). A cost request
names a query and a configuration; only the *relevant* indexes (on a table of the query, leading
column used by it) are made visible, so unrelated indexes never change a cached answer.

Two caches make a workload search cheap:
- exact: (query, relevant indexes) -> cost;
- plan-based: when the planner, given set S, chose a plan that uses only U ⊆ S, then for any R
  with U ⊆ R ⊆ S the same plan is still the cheapest (R offers a subset of S's paths and still
  holds U's), so cost(R) = cost(S) without asking the planner again.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dbwright.stages.index.ddl import index_sql
from dbwright.stages.index.model import IndexDef, Query


@dataclass
class _Seen:
    given: frozenset[IndexDef]
    used: frozenset[IndexDef]
    cost: float


@dataclass
class WhatIfStats:
    explains: int = 0
    requests: int = 0
    hypo_created: int = 0
    seconds_explain: float = 0.0


@dataclass
class WhatIf:
    """HypoPG cost oracle over one psycopg connection to a database with the schema and statistics."""

    conn: Any
    queries: Sequence[Query]
    stats: WhatIfStats = field(default_factory=WhatIfStats)

    def __post_init__(self) -> None:
        self._oid: dict[IndexDef, int] = {}
        self._name: dict[str, IndexDef] = {}
        self._size: dict[IndexDef, int] = {}
        self._visible: set[IndexDef] = set()
        self._exact: dict[tuple[str, frozenset[IndexDef]], tuple[float, frozenset[IndexDef]]] = {}
        self._seen: dict[str, list[_Seen]] = {}
        self._base: dict[str, float] = {}
        self._plans: dict[tuple[str, frozenset[IndexDef]], Any] = {}
        self.by_id = {q.qid: q for q in self.queries}
        ensure_hypopg(self.conn)
        self.conn.execute("SELECT hypopg_reset()")

    # -- hypothetical indexes ------------------------------------------------------------------
    def _create(self, idxs: Sequence[IndexDef]) -> None:
        if not idxs:
            return
        rows = self.conn.execute(
            "SELECT h.indexrelid, h.indexname, hypopg_relation_size(h.indexrelid) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS s(stmt, n), LATERAL hypopg_create_index(s.stmt) h "
            "ORDER BY s.n", ([_ddl(i) for i in idxs],)).fetchall()
        self._register(idxs, rows)

    def _register(self, idxs: Sequence[IndexDef], rows: Sequence[Any]) -> None:
        for idx, (oid, name, size) in zip(idxs, rows, strict=True):
            self._oid[idx] = int(oid)
            self._name[str(name)] = idx
            self._size.setdefault(idx, int(size))
            self._visible.add(idx)
        self.stats.hypo_created += len(idxs)

    def _drop(self, idxs: Sequence[IndexDef]) -> None:
        if not idxs:
            return
        oids = [self._oid.pop(i) for i in idxs]
        self._visible.difference_update(idxs)
        self.conn.execute("SELECT count(hypopg_drop_index(o)) FROM unnest(%s::oid[]) AS o", (oids,))

    def _show_only(self, config: Iterable[IndexDef], tables: Iterable[str] | None = None) -> None:
        """Make exactly ``config`` visible on ``tables`` (all tables when None); others may stay."""
        want = set(config)
        scope = None if tables is None else set(tables)
        gone = [i for i in self._visible - want if scope is None or i.table in scope]
        new = sorted(want - self._visible)
        if gone and new:
            # one round trip: the drops and the creations touch different indexes
            oids = [self._oid.pop(i) for i in gone]
            self._visible.difference_update(gone)
            rows = self.conn.execute(
                "WITH d AS MATERIALIZED (SELECT count(hypopg_drop_index(o)) AS n FROM unnest(%s::oid[]) AS o) "
                "SELECT h.indexrelid, h.indexname, hypopg_relation_size(h.indexrelid) "
                "FROM d, unnest(%s::text[]) WITH ORDINALITY AS s(stmt, n), LATERAL hypopg_create_index(s.stmt) h "
                "ORDER BY s.n", (oids, [_ddl(i) for i in new])).fetchall()
            self._register(new, rows)
            return
        self._drop(gone)
        self._create(new)

    def size(self, idx: IndexDef) -> int:
        """Estimated size in bytes (HypoPG; ignores B-tree deduplication, so it errs large)."""
        if idx not in self._size:
            self._create([idx])
        return self._size[idx]

    def sizes(self, idxs: Iterable[IndexDef]) -> dict[IndexDef, int]:
        self._create(sorted({i for i in idxs if i not in self._size and i not in self._visible}))
        return {i: self._size[i] for i in idxs}

    # -- costs ---------------------------------------------------------------------------------
    def relevant(self, q: Query, config: Iterable[IndexDef]) -> frozenset[IndexDef]:
        out = []
        for i in config:
            use = q.tables.get(i.table)
            if use is not None and (i.columns[0] in use.indexable or i.columns[0] in use.referenced):
                out.append(i)
        return frozenset(out)

    def _explain(self, q: Query) -> dict[str, Any]:
        t = time.perf_counter()
        plan = explain_json(self.conn, q.sql)
        self.stats.explains += 1
        self.stats.seconds_explain += time.perf_counter() - t
        return plan

    def _used(self, plan: dict[str, Any]) -> frozenset[IndexDef]:
        used: set[IndexDef] = set()
        stack = [plan]
        while stack:
            node = stack.pop()
            name = node.get("Index Name")
            if name and name in self._name:
                used.add(self._name[name])
            stack.extend(node.get("Plans", ()))
        return frozenset(used)

    def base(self, q: Query) -> float:
        if q.qid not in self._base:
            self._base[q.qid] = self.cost(q, ())[0]
        return self._base[q.qid]

    def cost(self, q: Query, config: Iterable[IndexDef]) -> tuple[float, frozenset[IndexDef]]:
        """Planner cost of ``q`` with ``config`` and the indexes its cheapest plan uses."""
        self.stats.requests += 1
        rel = self.relevant(q, config)
        key = (q.qid, rel)
        hit = self._exact.get(key)
        if hit is not None:
            return hit
        for s in self._seen.get(q.qid, ()):
            if s.used <= rel <= s.given:
                self._exact[key] = (s.cost, s.used)
                return s.cost, s.used
        self._show_only(rel, q.tables)
        plan = self._explain(q)
        cost, used = float(plan["Total Cost"]), self._used(plan)
        self._exact[key] = (cost, used)
        self._plans[key] = plan
        self._seen.setdefault(q.qid, []).append(_Seen(rel, used, cost))
        return cost, used

    def plan(self, q: Query, config: Iterable[IndexDef]) -> dict[str, Any]:
        """The JSON plan of ``q`` under ``config`` (asks the planner when not cached)."""
        rel = self.relevant(q, config)
        if (q.qid, rel) not in self._plans:
            self._show_only(rel, q.tables)
            self._plans[(q.qid, rel)] = self._explain(q)
        return dict(self._plans[(q.qid, rel)])

    def workload_cost(self, config: Iterable[IndexDef], weighted: bool = True) -> float:
        cfg = list(config)
        return sum(self.cost(q, cfg)[0] * (q.weight if weighted else 1.0) for q in self.queries)

    def reset(self) -> None:
        self.conn.execute("SELECT hypopg_reset()")
        self._oid.clear()
        self._name.clear()
        self._visible.clear()


def ensure_hypopg(conn: Any) -> None:
    """Create the extension only when missing (a read-only session may use an installed one)."""
    row = conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'").fetchone()
    if not row or not row[0]:
        conn.execute("CREATE EXTENSION hypopg")


_PARAM = re.compile(r"\$(\d+)")


def explain_json(conn: Any, sql: str, analyze: bool = False, params: Sequence[Any] | None = None) -> dict[str, Any]:
    """The plan's top node. ``$n`` parameters: the generic plan (PREPARE, EXPLAIN EXECUTE with NULLs,
    ``plan_cache_mode = force_generic_plan``; re-prepared each time so hypothetical indexes count)."""
    opts = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    nparams = max((int(n) for n in _PARAM.findall(sql)), default=0)
    if nparams == 0:
        raw = conn.execute(f"EXPLAIN ({opts}) " + sql).fetchone()[0]
    else:
        vals = list(params) if params is not None else [None] * nparams
        conn.execute("SET plan_cache_mode = " + ("force_custom_plan" if params is not None else "force_generic_plan"))
        conn.execute("PREPARE dbwright_q AS " + sql)
        try:
            from psycopg import sql as psql

            args = psql.SQL(", ").join(psql.Literal(v) for v in vals)
            stmt = psql.SQL("EXPLAIN ({}) EXECUTE dbwright_q({})").format(psql.SQL(opts), args)
            raw = conn.execute(stmt).fetchone()[0]
        finally:
            conn.execute("DEALLOCATE dbwright_q")
    plan = json.loads(raw) if isinstance(raw, str) else raw
    top = dict(plan[0]["Plan"])
    if analyze:
        top["Execution Time"] = plan[0].get("Execution Time")
    return top


@functools.lru_cache(maxsize=65536)
def _ddl(idx: IndexDef) -> str:
    return index_sql(idx, "postgresql", concurrently=False)


def evaluate_config(conn: Any, queries: Sequence[Query], config: Sequence[IndexDef],
                    weighted: bool = False) -> dict[str, Any]:
    """Independent evaluation: create every index of ``config`` with HypoPG, EXPLAIN each query."""
    ensure_hypopg(conn)
    conn.execute("SELECT hypopg_reset()")

    def total() -> tuple[float, dict[str, float]]:
        per: dict[str, float] = {}
        for q in queries:
            per[q.qid] = float(explain_json(conn, q.sql)["Total Cost"])
        return sum(per[q.qid] * (q.weight if weighted else 1.0) for q in queries), per
    before, per_before = total()
    size = 0
    for idx in config:
        row = conn.execute("SELECT indexrelid FROM hypopg_create_index(%s)",
                           (index_sql(idx, "postgresql", concurrently=False),)).fetchone()
        size += int(conn.execute("SELECT hypopg_relation_size(%s)", (row[0],)).fetchone()[0])
    after, per_after = total()
    conn.execute("SELECT hypopg_reset()")
    return {"before": before, "after": after, "relative_cost": after / before if before else 1.0,
            "size_bytes": size, "per_query_before": per_before, "per_query_after": per_after}
