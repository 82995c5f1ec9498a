"""Design API: validate a spec, design it, verify on engines, write the package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbwright.design import Design
from dbwright.io import WriteResult, check_target
from dbwright.model import Finding
from dbwright.spec import LoadedSpec, Spec, SpecError, load_spec
from dbwright.stages.context import DesignContext
from dbwright.stages.pipeline import run_pipeline


@dataclass
class DesignOptions:
    engines: tuple[str, ...] | None = None  # None: sqlite + every server engine installed
    erd: bool | None = None  # None: the spec's outputs.erd
    verify: bool = True
    max_rows_per_table: int = 2000
    sandboxes: dict[str, Any] | None = None  # running sandboxes to reuse (tests, long-lived sessions)
    stages: tuple[str, ...] | None = None  # None: every stage; else only these (schema is always run)
    drills: tuple[str, ...] = ()  # drills to run on throwaway clusters; results go into the DR section
    drill_options: dict[str, Any] = field(default_factory=dict)  # e.g. {"scale_mb": 16} for every drill
    # called after verification, before the package is written (design --from adds the migration plan)
    before_write: Callable[[Design, DesignContext], None] | None = None


@dataclass
class DesignResult:
    design: Design
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)
    verification: dict[str, Any] | None = None
    written: WriteResult | None = None  # what the write kept, replaced, left (files you added are kept)

    @property
    def has_errors(self) -> bool:
        return self.design.has_errors

    def to_dict(self) -> dict[str, Any]:
        data = self.design.to_dict()
        data["verification"] = self.verification
        data["files"] = [str(p) for p in self.files]
        if self.written is not None:
            data["kept"] = [k.__dict__ for k in self.written.kept]
        return data


def validate(path: str | Path) -> LoadedSpec:
    """Load and check a spec; every finding at once, never raises for bad input.

    Beyond the spec's own shape, every check that needs no engine runs here, so a spec that
    validates designs without spec errors: the schema and normalization stages (pure) and the
    access patterns' SQL parsed against the schema they build (tables, columns)."""
    loaded = load_spec(path)
    if not loaded.ok or loaded.spec is None:
        return loaded
    loaded.findings.extend(f for f in engine_free_findings(loaded) if f not in loaded.findings)
    return loaded


def engine_free_findings(loaded: LoadedSpec) -> list[Finding]:
    """Error findings `design` would report about the spec itself, found without an engine."""
    from dbwright.model import Severity
    from dbwright.verify.patterns import check_names

    assert loaded.spec is not None
    ctx = DesignContext(spec=loaded.spec, positions=loaded.positions)
    design = run_pipeline(ctx, only=("schema", "normalization"))
    out = [f for s in design.sections for f in s.findings if f.severity is Severity.ERROR]
    out += [f for f in design.findings if f.severity is Severity.ERROR]
    out += check_names(loaded.spec, ctx.options["metadata_by_dialect"]["postgresql"], loaded.positions.locate)
    return out


def _load(path: str | Path) -> LoadedSpec:
    loaded = load_spec(path)
    if not loaded.ok:
        raise SpecError(loaded.findings)
    return loaded


def design_context(spec: Spec, loaded: LoadedSpec | None = None,
                   stages: tuple[str, ...] | None = None) -> tuple[Design, DesignContext]:
    ctx = DesignContext(spec=spec, positions=loaded.positions if loaded else DesignContext(spec=spec).positions)
    design = run_pipeline(ctx, only=None if stages is None else ("schema", *stages))
    if loaded:
        design.findings.extend(f for f in loaded.findings if f not in design.findings)
    return design, ctx


def design_spec(spec: Spec, options: DesignOptions | None = None) -> Design:
    """Run the design pipeline on a spec (pure; no engines)."""
    return design_context(spec)[0]


def design(path: str | Path, out_dir: str | Path | None = None, options: DesignOptions | None = None,
           force: bool = False, progress: Callable[[str], None] = lambda _m: None) -> DesignResult:
    """Design a spec, verify it on real engines and (with ``out_dir``) write the package."""
    from dbwright.render.package import write_package
    from dbwright.verify.run import verify_design

    opts = options or DesignOptions()
    if opts.drills:
        from dbwright.api.drills import check_kinds

        check_kinds(opts.drills)
    loaded = _load(path)
    assert loaded.spec is not None
    out = Path(out_dir) if out_dir else None
    if out is not None:
        check_target(out, force)  # refuse before any work; write_tree checks again when it writes
    design_, ctx = design_context(loaded.spec, loaded, opts.stages)
    report = None
    if opts.verify:
        report, findings = verify_design(ctx, opts.engines, opts.max_rows_per_table, progress, opts.sandboxes)
        design_.findings.extend(findings)
        design_.skipped = report.get("skipped", [])
    if opts.drills:
        run_design_drills(design_, opts.drills, opts.drill_options, progress)
    if opts.before_write is not None:
        opts.before_write(design_, ctx)
    result = DesignResult(design_, out, verification=report)
    if out is not None:
        erd_on = opts.erd if opts.erd is not None else bool(loaded.spec.outputs.get("erd"))
        areas = {n: e.subject_area for n, e in loaded.spec.entities.items()}
        result.written = write_package(out, design_, ctx.options["metadata_by_dialect"], report, erd_on, areas,
                                       str(path), force=force)
        result.files = result.written.files
    return result


DRILL_KEYS = ("kind", "engine", "tool", "topology", "started", "target_time", "acked_commits", "acked_lost",
              "rows_after_target", "predicted", "measured", "ratio_measured_to_predicted", "passed", "data",
              "kills", "variants", "summary", "host_load", "drill_wall_s", "note", "prediction")


def run_design_drills(design_: Design, kinds: tuple[str, ...], options: dict[str, Any],
                      progress: Callable[[str], None]) -> None:
    """Run drills on throwaway loopback clusters and attach the results to the DR/HA section.

    A drill that cannot run here (binaries missing) is recorded as skipped, as verification does; a
    drill that ran and lost acknowledged commits (or restored rows after its target) is an error.
    """
    from dbwright.api.drills import OPTIONS, check_kinds, drill
    from dbwright.drills.history import mermaid_gantt, timeline_svg
    from dbwright.model import DbwrightError, Location, Severity

    section = design_.section("dr_ha")
    if section is None:
        raise DbwrightError("--drill needs the DR/HA section (the spec's stages exclude dr_ha)")
    check_kinds(kinds)
    results: list[dict[str, Any]] = []
    for kind in kinds:
        progress(f"drill {kind}: running on throwaway loopback clusters")
        opts = {k: v for k, v in options.items() if k in OPTIONS[kind]}
        try:
            r = drill(kind, history=False, **opts)
        except DbwrightError as exc:
            results.append({"kind": kind, "skipped": str(exc)})
            design_.skipped.append({"engine": f"drill {kind}", "reason": str(exc)})
            continue
        slim = {k: r[k] for k in DRILL_KEYS if k in r}
        slim["timeline_mermaid"] = mermaid_gantt(r)
        slim["timeline_svg"] = timeline_svg(r)
        results.append(slim)
        if not r.get("passed"):
            section.findings.append(Finding(
                "DRILL001", Severity.ERROR,
                f"drill {kind} failed its checks: {r.get('acked_lost')} acknowledged commit(s) lost, "
                f"{r.get('rows_after_target', 0)} row(s) after the target", Location(path="dr"),
                remediation=f"run `dbwright drill {kind} --keep` and read its logs"))
        pv = r.get("prediction") or {}
        if pv.get("verdict") == "outside":
            section.findings.append(Finding(
                "DRILL002", Severity.WARNING,
                f"drill {kind}: measured RTO {pv['measured_s']:.1f} s is outside ±{pv['tolerance']:.0%} of the "
                f"predicted {pv['predicted_s']:.1f} s (ratio {pv['ratio']}); the data checks are reported apart",
                Location(path="dr"),
                remediation="feed the measured throughput back (dr.restore_throughput) or re-run on a quiet host; "
                            "the drill's host_load shows how busy this one was"))
    section.data["drills"] = results


def erd(path: str | Path) -> str:
    """Mermaid erDiagram text for a spec (split by subject area when large)."""
    from dbwright.render.mermaid import render_erd

    loaded = _load(path)
    assert loaded.spec is not None
    _design, ctx = design_context(loaded.spec, loaded)
    diagrams = render_erd(ctx.options["metadata_by_dialect"]["postgresql"],
                          {n: e.subject_area for n, e in loaded.spec.entities.items()})
    if diagrams.get("all"):
        return diagrams["all"]
    return "\n".join(f"%% subject area: {a}\n{t}" for a, t in diagrams.items() if a != "all" and t)


def spec_json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "dbwright spec"
    return schema


__all__ = ["DesignOptions", "DesignResult", "Finding", "design", "design_spec", "erd", "spec_json_schema",
           "validate"]
