"""Architecture API: technology comparison and recommendation, capacity with measured
throughput, the engine catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbwright.design import Section
from dbwright.model import DbwrightError
from dbwright.spec import Spec, SpecError, load_spec


def _spec(spec: Spec | str | Path) -> Spec:
    if isinstance(spec, Spec):
        return spec
    loaded = load_spec(spec)
    if not loaded.ok or loaded.spec is None:
        raise SpecError(loaded.findings)
    return loaded.spec


def compare(engines: list[str], spec: Spec | str | Path) -> dict[str, Any]:
    """Score ``engines`` for ``spec``: verdict (may be 'neither — consider X'), per-dimension reasons
    with cited facts, the spec's needs, the best of the whole catalogue and polyglot suggestions."""
    from dbwright.catalog import load_catalog
    from dbwright.stages.technology import compare as compare_engines

    if not engines:
        raise DbwrightError("name at least one engine to compare")
    catalog = load_catalog()
    unknown = [e for e in engines if catalog.resolve(e) is None]
    if unknown:
        raise DbwrightError(f"unknown engine(s) {', '.join(unknown)}; known: "
                            + ", ".join(e.id for e in catalog.engines))
    return compare_engines(_spec(spec), list(engines), catalog)


def recommend(spec: Spec | str | Path) -> Section:
    """The technology section for a spec (ranked recommendation, runner-up, polyglot)."""
    from dbwright.stages.context import DesignContext
    from dbwright.stages.technology import run

    section = run(DesignContext(spec=_spec(spec)))
    assert section is not None
    return section


def capacity(spec: Spec | str | Path, measure: bool = False, target: Any = None,
             node_cores: int | None = None) -> Section:
    """The scaling section (with the technology and caching sections it builds on). ``measure``
    measures per-node throughput on a throwaway PostgreSQL (or ``target``) and uses it."""
    from dbwright.stages import caching, technology
    from dbwright.stages.context import DesignContext
    from dbwright.stages.scaling import run as run_scaling

    ctx = DesignContext(spec=_spec(spec))
    if node_cores:
        ctx.options["node_cores"] = node_cores
    for name, stage in (("technology", technology.run), ("caching", caching.run)):
        sec = stage(ctx)
        if sec is not None:
            ctx.sections[name] = sec
    if measure:
        ctx.options["throughput"] = measure_throughput(target)
    section = run_scaling(ctx)
    assert section is not None
    return section


def measure_throughput(target: Any = None) -> dict[str, Any]:
    """Per-node throughput measured on a sandbox (see :mod:`dbwright.verify.throughput`)."""
    from dbwright.verify.throughput import measure_throughput as measure

    return measure(target)


def attach_throughput(section: Section, spec: Spec, measurement: dict[str, Any],
                      options: dict[str, Any] | None = None,
                      sections: dict[str, Section] | None = None) -> Section | None:
    """Recompute a scaling section with a measurement (for the design verification step)."""
    from dbwright.verify.throughput import attach_throughput as attach

    return attach(section, spec, measurement, options, sections)


def list_engines() -> list[dict[str, Any]]:
    """The engine catalogue: id, name, category, roles, licence, managed offerings, fact count."""
    from dbwright.catalog import load_catalog

    return [{"id": e.id, "name": e.name, "category": e.category, "roles": list(e.roles), "license": e.license,
             "managed": [f"{m.name} ({m.provider})" for m in e.managed], "facts": len(e.facts)}
            for e in load_catalog().engines]


def section_markdown(section: Section) -> str:
    """Markdown of an architecture section: summary, body and decisions with their evidence."""
    import importlib

    lines = [f"## {section.title}", "", section.summary, ""]
    mod = importlib.import_module(f"dbwright.render.sections.{section.name}")
    lines.append(mod.render_markdown(section))
    for d in section.decisions:
        lines += [f"### {d.topic}: {d.choice}", "", d.rationale, ""]
        lines += [f"- trade-off: {t}" for t in d.trade_offs]
        lines += [f"- instead of {a.name}: {a.why_not}" for a in d.alternatives]
        lines.append("")
    return "\n".join(lines)


__all__ = ["attach_throughput", "capacity", "compare", "list_engines", "measure_throughput", "recommend",
           "section_markdown"]
