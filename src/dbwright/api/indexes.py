"""Index advisor API: ``advise_indexes`` for a spec or a live database, ``prove_indexes`` for designs.

- Spec: the ``indexes`` stage plans with rule-based costs (pure), then, when PostgreSQL is
  installed, a throwaway cluster with the physical schema and a scaled synthetic sample proves and
  re-plans it with HypoPG. Without PostgreSQL the rule-based plan is returned and says the proof
  was skipped.
- Live database (``dsn``): read-only. Workload from ``workload`` (a SQL file) or pg_stat_statements;
  what-if costs with HypoPG when the extension is installed there (it needs no writes), else a
  rule-based plan from the catalog's row counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dbwright.design import Section
from dbwright.model import DbwrightError
from dbwright.spec import SpecError, load_spec

Progress = Callable[[str], None]


@dataclass
class IndexAdvice:
    section: Section
    markdown: str
    files: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return self.section.to_dict()


def _finish(section: Section) -> IndexAdvice:
    from dbwright.render.sections.indexes import render_files, render_markdown

    return IndexAdvice(section, render_markdown(section), render_files(section))


def advise_indexes(spec: str | Path | None = None, *, dsn: str | None = None, workload: str | Path | None = None,
                   budget_mb: float | None = None, max_indexes: int | None = None, execute_check: bool = False,
                   sample_rows: int = 20000, planner: bool = True, time_limit: float | None = None,
                   schemas: list[str] | None = None, progress: Progress = lambda _m: None) -> IndexAdvice:
    """Recommend indexes for the workload of ``spec`` (YAML) or of the database at ``dsn``.

    ``time_limit``: seconds for the index search (default ``DEFAULT_TIME_LIMIT``); when it passes,
    the best configuration found so far is returned and the section says the search stopped.
    ``schemas``: with ``dsn``, only these schemas (default: every user schema).
    """
    from dbwright.stages.index.base import DEFAULT_TIME_LIMIT

    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
    if limit <= 0:
        raise DbwrightError(f"--time-limit must be positive (got {limit:g} s)")
    if (spec is None) == (dsn is None):
        raise DbwrightError("give a spec file or --dsn (one of them)")
    budget = int(budget_mb * 1e6) if budget_mb is not None else None
    if dsn is not None:
        return _finish(_advise_live(dsn, workload, budget, max_indexes, progress, limit, schemas or None))
    if schemas:
        raise DbwrightError("--schema applies to --dsn (a live database)")
    if str(spec).endswith(".sql"):
        return _finish(_advise_ddl(Path(str(spec)), workload, budget, max_indexes, execute_check, sample_rows,
                                   planner, progress, limit))
    return _finish(_advise_spec(Path(str(spec)), workload, budget, max_indexes, execute_check, sample_rows,
                                planner, progress, limit))


def _advise_spec(path: Path, workload: str | Path | None, budget: int | None, max_indexes: int | None,
                 execute: bool, cap: int, planner: bool, progress: Progress, limit: float) -> Section:
    from dbwright.api.design import design_context
    from dbwright.engines import postgresql

    loaded = load_spec(path)
    if not loaded.ok or loaded.spec is None:
        raise SpecError(loaded.findings)
    _design, ctx = design_context(loaded.spec, loaded, ("indexes",))
    ctx.options["index_budget_bytes"] = budget
    ctx.options["index_max_indexes"] = max_indexes
    ctx.options["index_time_limit"] = limit
    section = _rule_section(ctx, workload)
    if not planner:
        return _skipped(section, "not requested (--no-planner)")
    if not postgresql.available():
        return _skipped(section, "PostgreSQL server binaries not found (install postgresql-15 and "
                                 "postgresql-15-hypopg for the planner proof)")
    progress("indexes: starting a throwaway PostgreSQL")
    with postgresql.PostgresCluster() as cluster:
        if not cluster.has_extension("hypopg"):
            return _skipped(section, "HypoPG is not installed (postgresql-15-hypopg)")
        return prove_indexes(section, cluster, ctx.metadata, budget_bytes=budget, max_indexes=max_indexes,
                             execute=execute, cap=cap, progress=progress, locate=ctx.positions.locate,
                             time_limit=limit)


def _rule_section(ctx: Any, workload: str | Path | None) -> Section:
    from dbwright.inspect.workload import read_sql_file
    from dbwright.stages import index as stage
    from dbwright.stages.index.plan import build_section
    from dbwright.stages.index.select import select_indexes
    from dbwright.stages.index.workload import RuleOracle, maintenance, spec_workload

    p = stage.plan_input(ctx)
    if workload is not None:
        from dbwright.stages.index.candidates import workload_candidates
        from dbwright.stages.index.parse import parse_query
        from dbwright.stages.index.plan import PlanInput, existing_from_metadata
        from dbwright.stages.index.select import SelectOptions

        md = ctx.metadata
        schema = {t.name: [c.name for c in t.columns] for t in md.tables.values()}
        wl = spec_workload(ctx.spec, md)
        extra = [parse_query(q["qid"], q["sql"], schema, q["weight"]) for q in read_sql_file(workload)]
        queries = [*wl.queries, *extra]
        existing = existing_from_metadata(md)
        oracle = RuleOracle(md, wl.rows, ctx.spec.tenancy.tenants if ctx.spec.tenancy else 1,
                            [e.index for e in existing])
        sel = select_indexes(queries, workload_candidates(queries, wl.rows, stage.CANDIDATES), oracle,
                             SelectOptions(budget_bytes=ctx.options.get("index_budget_bytes"),
                                           max_indexes=ctx.options.get("index_max_indexes"),
                                           maintenance=maintenance(wl.write_rates),
                                           time_limit=ctx.options.get("index_time_limit")),
                             existing=[e.index for e in existing])
        p = PlanInput(queries=queries, selection=sel, existing=existing,
                      budget_bytes=ctx.options.get("index_budget_bytes"),
                      max_indexes=ctx.options.get("index_max_indexes"), problems=wl.problems,
                      write_rates=wl.write_rates, own_schema=True)
    if p is None:
        raise DbwrightError("the spec has no read access patterns to plan indexes for (add access_patterns, "
                            "or pass --workload FILE)")
    return build_section(p, ctx.positions.locate)


def _skipped(section: Section, reason: str) -> Section:
    section.data["proof"] = {"status": "skipped", "reason": reason}
    section.summary = section.summary.rsplit("planner proof:", 1)[0] + f"planner proof: skipped ({reason})."
    return section


def prove_indexes(section: Section, cluster: Any, md: Any, **kw: Any) -> Section:
    """Prove/re-plan an ``indexes`` section on a running PostgresCluster (shares the caller's sandbox).

    Keyword arguments: ``budget_bytes``, ``max_indexes``, ``execute`` (build for real and EXPLAIN
    ANALYZE), ``cap`` (rows of the largest table in the synthetic sample), ``progress``.
    """
    from dbwright.verify.index_proof import prove_indexes as _prove

    return _prove(section, cluster, md, **kw)


def _advise_live(dsn: str, workload: str | Path | None, budget: int | None, max_indexes: int | None,
                 progress: Progress, limit: float, schemas: list[str] | None) -> Section:
    from dbwright.engines.connect import pg_connect
    from dbwright.inspect.workload import from_pg_stat_statements, read_sql_file
    from dbwright.verify.index_advisor import statistics_age
    from dbwright.verify.index_proof import plan_with_planner

    with pg_connect(dsn) as conn:
        conn.execute("SET default_transaction_read_only = on")
        version = str(_one(conn, "SHOW server_version"))
        queries = read_sql_file(workload) if workload else from_pg_stat_statements(conn)
        if schemas:
            known = {str(r[0]) for r in conn.execute("SELECT nspname FROM pg_namespace").fetchall()}
            missing = [s for s in schemas if s not in known]
            if missing:
                raise DbwrightError(f"--schema {', '.join(missing)}: no such schema in the database "
                                    f"(it has {', '.join(sorted(k for k in known if not k.startswith('pg_')))})")
        age, evidence = statistics_age(conn)
        hypo = _one(conn, "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'")
        if hypo:
            progress("indexes: costing the workload with HypoPG on the live database (read-only)")
            p = plan_with_planner(conn, queries, budget, max_indexes, {}, 1.0, version, live=True,
                                  progress=progress, time_limit=limit, schemas=schemas)
            p.proof = {**(p.proof or {}), "statistics": "the live database's own (read-only session)"}
            p.stats_age_days, p.stats_evidence = age, evidence
            from dbwright.stages.index.plan import build_section

            return build_section(p)
        section = _live_rules(conn, queries, budget, max_indexes, limit, schemas, age, evidence)
    return _skipped(section, "HypoPG is not installed in the target database (CREATE EXTENSION hypopg needs "
                             "write access; dbwright stays read-only)")


def _advise_ddl(path: Path, workload: str | Path | None, budget: int | None, max_indexes: int | None,
                execute: bool, cap: int, planner: bool, progress: Progress, limit: float) -> Section:
    """A DDL file: the schema goes into a sandbox, synthetic rows (``cap`` per table at most) give
    the planner statistics; without PostgreSQL, rule-based costs over the parsed tables."""
    from dbwright.engines import postgresql
    from dbwright.inspect.workload import read_sql_file
    from dbwright.stages.index.plan import build_section
    from dbwright.verify.index_proof import plan_with_planner

    if workload is None:
        raise DbwrightError("a DDL file has no access patterns: pass --workload FILE")
    if not path.exists():
        raise DbwrightError(f"{path} not found")
    queries = read_sql_file(workload)
    ddl = path.read_text()
    if not planner or not postgresql.available():
        reason = "not requested (--no-planner)" if not planner else "PostgreSQL server binaries not found"
        return _skipped(_ddl_rules(ddl, queries, budget, max_indexes, limit), reason)
    import sqlalchemy as sa

    from dbwright.verify.data import generate, load

    progress("indexes: starting a throwaway PostgreSQL")
    with postgresql.PostgresCluster() as cluster:
        cluster.create_database("dbwright_indexes")
        try:
            cluster.execute(ddl, "dbwright_indexes")
        except Exception as exc:
            raise DbwrightError(f"{path}: PostgreSQL rejected the DDL: {exc}") from None
        engine = sa.create_engine(cluster.url("dbwright_indexes"))
        try:
            md = sa.MetaData()
            md.reflect(engine)
            for t in md.tables.values():
                t.info["rows"] = cap  # no sizes in a DDL file: every table gets the sample size
            progress(f"indexes: synthetic data, {cap} rows per table at most")
            load(engine, md, generate(md, cap=cap))
        finally:
            engine.dispose()
        with cluster.connect("dbwright_indexes") as conn:
            conn.execute("ANALYZE")
            p = plan_with_planner(conn, queries, budget, max_indexes, {}, 1.0, cluster.version, execute=execute,
                                  progress=progress, time_limit=limit)
        p.proof = {**(p.proof or {}), "statistics": f"synthetic rows ({cap} per table; the DDL gives no sizes)"}
        return build_section(p)


def _ddl_rules(ddl: str, queries: list[dict[str, Any]], budget: int | None, max_indexes: int | None,
               limit: float) -> Section:
    from pglast import ast, parse_sql

    try:
        stmts = parse_sql(ddl)
    except Exception as exc:
        raise DbwrightError(f"the DDL does not parse: {exc}") from None
    schema: dict[str, list[str]] = {}
    for raw in stmts:
        st = raw.stmt
        if isinstance(st, ast.CreateStmt) and st.relation is not None:
            schema[str(st.relation.relname)] = [str(c.colname) for c in (st.tableElts or ())
                                                if isinstance(c, ast.ColumnDef)]
    return _rules(schema, {t: 1e5 for t in schema}, [], queries, budget, max_indexes, live=False, limit=limit)


def _one(conn: Any, sql: str) -> Any:
    row = conn.execute(sql).fetchone()
    return row[0] if row else None


def _live_rules(conn: Any, queries: list[dict[str, Any]], budget: int | None, max_indexes: int | None,
                limit: float, schemas: list[str] | None, age: float | None, evidence: str) -> Section:
    from dbwright.verify.index_advisor import catalog, existing_detail

    schema, rows = catalog(conn, schemas)
    existing = existing_detail(conn, schemas)  # B-tree, hash, GIN, GiST: each serves what its method can
    return _rules(schema, rows, existing, queries, budget, max_indexes, live=True, limit=limit,
                  stats=(age, evidence))


def _rules(schema: dict[str, list[str]], rows: dict[str, float], existing: list[Any], queries: list[dict[str, Any]],
           budget: int | None, max_indexes: int | None, live: bool, limit: float | None = None,
           stats: tuple[float | None, str] = (None, "")) -> Section:
    import sqlalchemy as sa

    from dbwright.stages.index import CANDIDATES
    from dbwright.stages.index.candidates import workload_candidates
    from dbwright.stages.index.parse import parse_query
    from dbwright.stages.index.plan import PlanInput, build_section
    from dbwright.stages.index.select import SelectOptions, select_indexes
    from dbwright.stages.index.workload import RuleOracle

    md = sa.MetaData()
    for t, cols in schema.items():
        sa.Table(t, md, *[sa.Column(c, sa.Integer) for c in cols])  # keyed "schema.table" outside public
    qs = [parse_query(q["qid"], q["sql"], schema, q["weight"]) for q in queries]
    oracle = RuleOracle(md, rows, 1, [e.index for e in existing])
    sel = select_indexes(qs, workload_candidates(qs, rows, CANDIDATES), oracle,
                         SelectOptions(budget_bytes=budget, max_indexes=max_indexes, time_limit=limit),
                         existing=[e.index for e in existing])
    return build_section(PlanInput(queries=qs, selection=sel, existing=existing, budget_bytes=budget,
                                   max_indexes=max_indexes, live=live, stats_age_days=stats[0],
                                   stats_evidence=stats[1]))


__all__ = ["IndexAdvice", "advise_indexes", "prove_indexes"]
