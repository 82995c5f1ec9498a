"""Stage 'indexes': a workload-level, budgeted index plan from the spec's access patterns (pure).

Candidates come from the parsed patterns (equality before range, sort order kept, covering and
partial where they apply); existing keys and indexes of the physical schema make candidates
redundant. Selection runs with rule-based costs here; ``dbwright.verify.index_proof`` re-runs it
with the PostgreSQL planner (HypoPG) and replaces the numbers with measured ones.

Options (``ctx.options``): ``index_budget_bytes``, ``index_max_indexes``, ``index_time_limit`` (seconds
for the search, default ``DEFAULT_TIME_LIMIT``).
"""

from __future__ import annotations

from dbwright.design import Section
from dbwright.stages.context import DesignContext
from dbwright.stages.index.base import DEFAULT_TIME_LIMIT
from dbwright.stages.index.candidates import CandidateOptions, workload_candidates
from dbwright.stages.index.plan import PlanInput, build_section, existing_from_metadata
from dbwright.stages.index.select import SelectOptions, select_indexes
from dbwright.stages.index.workload import RuleOracle, maintenance, spec_workload

CANDIDATES = CandidateOptions(max_width=3, covering=True, partial=True, min_rows=1000)


def plan_input(ctx: DesignContext) -> PlanInput | None:
    """The rule-based plan (None without a physical schema or access patterns)."""
    md = ctx.metadata
    if md is None or not ctx.spec.access_patterns:
        return None
    wl = spec_workload(ctx.spec, md)
    if not any(not q.is_write for q in wl.queries):
        return None
    existing = existing_from_metadata(md)
    budget = ctx.options.get("index_budget_bytes")
    max_idx = ctx.options.get("index_max_indexes")
    tenants = ctx.spec.tenancy.tenants if ctx.spec.tenancy else 1
    oracle = RuleOracle(md, wl.rows, tenants, [e.index for e in existing])
    cands = workload_candidates(wl.queries, wl.rows, CANDIDATES)
    sel = select_indexes(wl.queries, cands, oracle,
                         SelectOptions(budget_bytes=budget, max_indexes=max_idx,
                                       maintenance=maintenance(wl.write_rates),
                                       time_limit=ctx.options.get("index_time_limit", DEFAULT_TIME_LIMIT)),
                         existing=[e.index for e in existing])
    return PlanInput(queries=wl.queries, selection=sel, existing=existing, budget_bytes=budget,
                     max_indexes=max_idx, mode="rule", problems=wl.problems, write_rates=wl.write_rates,
                     own_schema=True)


def run(ctx: DesignContext) -> Section | None:
    p = plan_input(ctx)
    if p is None:
        return None
    return build_section(p, ctx.positions.locate)
