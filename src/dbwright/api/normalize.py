"""Normalization API: FD analysis of corpus-style cases, profiling data, normalizing data and specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from dbwright.inspect.nested import flatten_documents, is_nested
from dbwright.inspect.profile import (
    DEFAULT_SAMPLE,
    Profile,
    TableData,
    column_stats,
    load_jsonl,
    profile,
    profile_table,
    read_data,
)
from dbwright.model import DbwrightError, Finding, Location, Severity
from dbwright.render.sections.normalization import render_report
from dbwright.spec import load_spec_or_raise
from dbwright.stages.normalization import analyze_entity, entity_types, propose_tables, snake, words
from dbwright.theory.decompose import (
    bcnf_decompose,
    is_lossless,
    preserves_dependencies,
    synthesize_3nf,
)
from dbwright.theory.fd import (
    FD,
    FDError,
    all_minimal_covers,
    canonical_cover,
    closure,
    equivalent,
    group_rhs,
    is_minimal_cover,
    minimal_cover,
    ordered,
    parse_fds,
    parse_mvd,
)
from dbwright.theory.normal_forms import analyze, is_3nf_relation, is_bcnf_relation
from dbwright.verify.lossless import FlatSource, TargetTable, prove, render_ddl, render_fill_sql


def load_fd_cases(path: str | Path) -> list[dict[str, Any]]:
    """Cases from a YAML file or a folder of them (``cases:`` list, a bare list, or one case)."""
    p = Path(path)
    if not p.exists():
        raise DbwrightError(f"{p}: no such file or folder")
    files = sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
    if not files:
        raise DbwrightError(f"{p}: no .yaml files in the folder")
    yaml = YAML(typ="safe")
    cases: list[dict[str, Any]] = []
    for f in files:
        try:
            doc = yaml.load(f.read_text())
        except Exception as exc:
            raise DbwrightError(f"{f}: not valid YAML ({exc})") from None
        items = doc.get("cases", [doc]) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise DbwrightError(f"{f}: expected a list of cases or a 'cases:' key")
        for i, case in enumerate(items):
            if not isinstance(case, dict) or "attributes" not in case or "fds" not in case:
                raise DbwrightError(f"{f}: case {i + 1} needs 'attributes' and 'fds'")
            case = dict(case)
            case.setdefault("name", f"{f.stem}-{i + 1}")
            case["_file"] = str(f)
            cases.append(case)
    return cases


def _fds(texts: list[str], attrs: list[str], where: str) -> list[FD]:
    try:
        return parse_fds(texts, attrs)
    except FDError as exc:
        raise DbwrightError(f"{where}: {exc}") from None


def _fd_texts(fds: list[FD], order: list[str]) -> list[str]:
    return [fd.text(order) for fd in fds]


def _set_of_sets(items: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(x) for x in items}


def analyze_case(case: dict[str, Any], all_covers: bool = False) -> dict[str, Any]:
    """candidate_keys, normal_form, minimal_cover, synthesis_3nf, bcnf_decomposition of a case, and
    checks against the answers the case states (``checks``: name -> passed). ``all_covers`` adds
    every minimal cover (single right sides; exponential, for schemas of up to 12 attributes)."""
    name = str(case.get("name", "case"))
    attrs = [str(a) for a in case["attributes"]]
    if not attrs:
        raise DbwrightError(f"{name}: the relation has no attributes")
    if len(set(attrs)) != len(attrs):
        raise DbwrightError(f"{name}: duplicate attributes in {attrs}")
    fds = _fds([str(s) for s in case["fds"]], attrs, name)
    mvds_in = case.get("mvds") or []
    try:
        mvds = [parse_mvd(str(m), attrs) for m in mvds_in]
    except FDError as exc:
        raise DbwrightError(f"{name}: {exc}") from None
    report = analyze(attrs, fds, mvds)
    cover = canonical_cover(fds)
    synth = synthesize_3nf(attrs, fds)
    bcnf = bcnf_decompose(attrs, fds) if len(attrs) <= 22 else None
    result: dict[str, Any] = {
        "name": name,
        "attributes": attrs,
        "candidate_keys": [ordered(k, attrs) for k in report.keys],
        "normal_form": report.normal_form,
        "violations": [{"form": v.form, "dependency": v.fd.text(attrs) if v.fd else str(v.mvd),
                        "reason": v.reason} for v in report.violations],
        "minimal_cover": _fd_texts(cover, attrs),
        "synthesis_3nf": synth.as_lists(),
        "bcnf_decomposition": bcnf.as_lists() if bcnf else None,
        "bcnf_lost_dependencies": _fd_texts(bcnf.lost, attrs) if bcnf else None,
    }
    if all_covers:
        try:
            result["all_minimal_covers"] = [_fd_texts(c, attrs) for c in all_minimal_covers(fds)]
        except FDError as exc:
            raise DbwrightError(f"{name}: {exc}") from None
    result["checks"] = check_case(case, attrs, fds, result)
    return result


def check_case(case: dict[str, Any], attrs: list[str], fds: list[FD], result: dict[str, Any]) -> dict[str, bool]:
    """Compare computed answers with the answers a case states (exactly or by property)."""
    checks: dict[str, bool] = {}
    if "candidate_keys" in case:
        checks["candidate_keys"] = _set_of_sets(case["candidate_keys"]) == _set_of_sets(result["candidate_keys"])
    if "normal_form" in case:
        checks["normal_form"] = case["normal_form"] == result["normal_form"]
    if case.get("closures"):
        checks["closures"] = all(
            closure(c["of"], fds) == frozenset(c["closure"]) for c in case["closures"])
    cover = parse_fds(result["minimal_cover"], attrs)
    single = minimal_cover(cover)
    checks["minimal_cover_property"] = is_minimal_cover(single, fds)
    if case.get("minimal_cover") and case.get("minimal_cover_unique"):
        expected = parse_fds(case["minimal_cover"], attrs)
        checks["minimal_cover"] = set(minimal_cover(expected)) == set(single)
    if case.get("all_minimal_covers"):
        covers = [set(parse_fds(c, attrs)) for c in case["all_minimal_covers"]]
        checks["minimal_cover_in_all"] = set(single) in covers
        mine = {frozenset(c) for c in all_minimal_covers(fds)}
        checks["all_minimal_covers"] = mine == {frozenset(c) for c in covers}
    synth = result["synthesis_3nf"]
    checks["synthesis_3nf_property"] = (
        is_lossless(attrs, fds, synth) and preserves_dependencies(fds, synth)
        and all(is_3nf_relation(r, fds) for r in synth if len(r) <= 20))
    if case.get("synthesis_3nf") and case.get("synthesis_3nf_unique"):
        checks["synthesis_3nf"] = _set_of_sets(case["synthesis_3nf"]) == _set_of_sets(synth)
    if "synthesis_3nf_relation_count" in case:
        checks["synthesis_3nf_relation_count"] = case["synthesis_3nf_relation_count"] == len(synth)
    if result["bcnf_decomposition"] is not None:
        b = result["bcnf_decomposition"]
        checks["bcnf_property"] = is_lossless(attrs, fds, b) and all(is_bcnf_relation(r, fds) for r in b)
        # Preservation depends on which split is chosen; informative only when ours matches.
        if ("bcnf_decomposition_preserves_dependencies" in case and case.get("bcnf_decomposition")
                and _set_of_sets(case["bcnf_decomposition"]) == _set_of_sets(b)):
            checks["bcnf_preserving"] = (not result["bcnf_lost_dependencies"]) == bool(
                case["bcnf_decomposition_preserves_dependencies"])
    for eq in case.get("equivalent_fds") or []:
        checks.setdefault("equivalent_fds", True)
        checks["equivalent_fds"] &= equivalent(parse_fds(eq, attrs), fds)
    for neq in case.get("not_equivalent_fds") or []:
        checks.setdefault("not_equivalent_fds", True)
        checks["not_equivalent_fds"] &= not equivalent(parse_fds(neq, attrs), fds)
    for dc in case.get("decomposition_checks") or []:
        rels = dc["relations"]
        ok = is_lossless(attrs, fds, rels) == bool(dc["lossless"])
        if "dependency_preserving" in dc:
            ok &= preserves_dependencies(fds, rels) == bool(dc["dependency_preserving"])
        checks.setdefault("decomposition_checks", True)
        checks["decomposition_checks"] &= ok
    return checks


def fd_analyze(path: str | Path, all_covers: bool = False) -> list[dict[str, Any]]:
    """Analyze every case of a corpus-style YAML file or folder."""
    return [analyze_case(c, all_covers) for c in load_fd_cases(path)]


# --- from a relation with FDs to proposed tables ---------------------------------------------

def plan_tables(name: str, attributes: list[str], fds: list[FD], target: str = "3nf",
                used: set[str] | None = None, main_name: str | None = None) -> dict[str, Any]:
    """Decompose a relation (3NF synthesis or BCNF) into proposed tables with keys and foreign keys.

    ``main_name`` names the table that keeps a key of the whole relation; ``used`` avoids clashes.
    """
    if target not in ("3nf", "bcnf"):
        raise DbwrightError(f"--target must be 3nf or bcnf, got {target!r}")
    try:
        report = analyze(attributes, fds)
        d = synthesize_3nf(attributes, fds) if target == "3nf" else bcnf_decompose(attributes, fds)
    except FDError as exc:
        raise DbwrightError(f"{name}: {exc}; --target 3nf works at any width") from None
    tables = propose_tables(name, [(r.attributes, r.keys or [r.attributes], r.reason) for r in d.relations],
                            [ordered(k, attributes) for k in report.keys], used, main_name)
    targets = [TargetTable.from_dict(t) for t in tables]
    return {
        "relation": name, "attributes": attributes, "target": target,
        "normal_form": report.normal_form,
        "candidate_keys": [ordered(k, attributes) for k in report.keys],
        "violations": [{"form": v.form, "dependency": v.fd.text(attributes) if v.fd else str(v.mvd),
                        "reason": v.reason} for v in report.violations],
        "minimal_cover": [f.text(attributes) for f in canonical_cover(fds)],
        "tables": targets, "steps": d.steps,
        "lost_dependencies": [f.text(attributes) for f in d.lost],
        "lossless_by_chase": is_lossless(attributes, fds, d.as_lists()),
    }


# --- normalize data ---------------------------------------------------------------------------

def _fds_from_profile(prof: Profile, confirmed: list[str] | None, min_score: float) -> list[FD]:
    cols = prof.table.columns
    if confirmed:
        return _fds(confirmed, cols, "--fd")
    return [FD(frozenset(f.lhs), frozenset({f.rhs})) for f in prof.confirmed(min_score)]


def normalize_table(table: TableData, fds: list[FD] | None = None, target: str = "3nf",
                    max_lhs: int = 3, min_score: float = 0.6, engines: tuple[str, ...] = ("sqlite", "postgresql"),
                    pg_cluster: Any = None, confirmed: list[str] | None = None,
                    used: set[str] | None = None, main_name: str | None = None) -> dict[str, Any]:
    """Profile a flat table (unless ``fds`` are given), decompose it, prove the result lossless.

    Without given FDs, columns that are empty or constant are set aside first (see
    :mod:`dbwright.inspect.degenerate`) and list-valued text columns are reported for a child table."""
    from dbwright.inspect.degenerate import split_degenerate

    prof = None
    odd = split_degenerate(table)
    if fds is None:
        table = odd.table
        prof = profile_table(table, max_lhs=max_lhs)
        fds = _fds_from_profile(prof, confirmed, min_score)
    elif not table.types:
        column_stats(table)
    plan = plan_tables(table.name, table.columns, fds, target, used, main_name)
    source = FlatSource(table.name, table.columns, table.types, table.rows)
    targets: list[TargetTable] = plan["tables"]
    split = [(ordered(f.lhs, table.columns), ordered(f.rhs - f.lhs, table.columns))
             for f in minimal_cover(fds)]
    proofs = prove(source, targets, plan["candidate_keys"], split, engines, pg_cluster) if engines else []
    plan["tables"] = [t.to_dict() for t in targets]
    plan["ddl"] = {d: render_ddl(source, targets, d) for d in ("postgresql", "sqlite", "mysql")}
    plan["fill_sql"] = {d: render_fill_sql(source, targets, d) for d in ("postgresql", "sqlite")}
    plan["proofs"] = [p.to_dict() for p in proofs]
    plan["lossless"] = bool(proofs) and all(p.lossless for p in proofs)
    plan["confirmed_fds"] = [f.text(table.columns) for f in group_rhs(minimal_cover(fds))]
    plan["sample"] = {"rows_total": table.total_rows, "rows_used": len(table.rows), "sampled": table.sampled,
                      "source": table.source}
    plan["types"] = dict(table.types)
    if prof is not None:
        plan["profile"] = prof.to_dict()
    findings = _findings(plan) + _degenerate_findings(plan, odd, fds_given=prof is None)
    missing = [e for e in engines if e not in {p.engine for p in proofs}]
    if missing:
        findings.append(Finding("NORM004", Severity.INFO, f"no lossless proof on {', '.join(missing)}: "
                                "the engine is not installed", Location(path=table.name),
                                remediation="install postgresql-15 (Debian) to prove on PostgreSQL too"))
    plan["findings"] = [f.to_dict() for f in findings]
    return plan


def _degenerate_findings(plan: dict[str, Any], odd: Any, fds_given: bool) -> list[Finding]:
    """Set-aside columns (NORM006) and list columns (NORM005, with the child table's DDL and fill)."""
    from dbwright.inspect.degenerate import list_child_sql

    out: list[Finding] = []
    where = Location(path=plan["relation"])
    aside = [] if fds_given else [*odd.empty, *odd.constant]
    plan["set_aside"] = {"empty": [] if fds_given else odd.empty, "constant": {} if fds_given else odd.constant}
    if aside:
        main = plan["tables"][0]["name"] if plan["tables"] else plan["relation"]
        out.append(Finding("NORM006", Severity.INFO,
                           f"{len(aside)} column(s) left out of the decomposition: "
                           + ", ".join([f"{c} (NULL in every row)" for c in odd.empty]
                                       + [f"{c} (always {v!r})" for c, v in odd.constant.items()]), where,
                           "an empty or constant column determines nothing and is determined by anything: "
                           "kept in a key it would make the key meaningless and the join lossy",
                           f"add them to {main} if they will be filled, or drop them"))
    key = plan["candidate_keys"][0] if plan.get("candidate_keys") else []
    plan["list_columns"] = {}
    for col, found in odd.lists.items():
        child = list_child_sql(plan["relation"], [k for k in key if k != col] or ["id"], col, found.separator)
        plan["list_columns"][col] = {"separator": found.separator, "share": round(found.share, 3),
                                     "mean_items": round(found.mean_items, 2), "examples": list(found.examples),
                                     **child}
        out.append(Finding("NORM005", Severity.WARNING,
                           f"column {col} holds lists separated by '{found.separator}' ({found.share:.0%} of the rows, "
                           f"{found.mean_items:.1f} items on average, e.g. {found.examples[0]!r}): not in 1NF", where,
                           "a list in one column cannot be indexed, constrained or joined per item",
                           f"move the items to a child table (one row per item): {child['ddl'].splitlines()[0]} … "
                           "(DDL and fill SQL in the report)"))
    return out


def _findings(plan: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    where = Location(path=plan["relation"])
    for p in plan["proofs"]:
        for v in p["fd_violations"]:
            out.append(Finding("NORM001", Severity.ERROR,
                               f"{v['rows']} row(s) in {v['groups']} group(s) violate the confirmed FD {v['fd']} "
                               f"(on {p['engine']})", where,
                               "a confirmed dependency that the data breaks is a data-quality problem: the "
                               "normalized tables cannot hold these rows without choosing one value",
                               "fix the rows (examples in the report) or drop the FD from the confirmed set"))
        if not p["lossless"]:
            out.append(Finding("NORM002", Severity.ERROR,
                               f"joining the new tables on {p['engine']} does not reproduce the original rows: "
                               f"{p['missing_rows']} missing, {p['extra_rows']} extra", where,
                               "the decomposition loses information on this data",
                               "confirm the dependencies the split relies on"))
    for fd in plan["lost_dependencies"]:
        out.append(Finding("NORM003", Severity.WARNING, f"the BCNF split does not preserve {fd}", where,
                           "no single table holds both sides, so no key constraint enforces it",
                           "enforce it with a trigger or assertion across the tables, or use --target 3nf"))
    return out


def normalize_data(data: str, table: str | None = None, target: str = "3nf", max_lhs: int = 3,
                   fds: list[str] | None = None, engines: tuple[str, ...] = ("sqlite", "postgresql"),
                   sample: int = DEFAULT_SAMPLE, pg_cluster: Any = None) -> dict[str, Any]:
    """Flat data (CSV, JSON lines, DB table) or nested documents → normalized tables with proof."""
    p = Path(data)
    if "://" not in data and p.suffix.lower() in (".jsonl", ".ndjson", ".json") and p.exists():
        docs = load_jsonl(p)
        if is_nested(docs):
            return normalize_documents(docs, _table_stem(p), target, max_lhs, engines, pg_cluster)
    t = read_data(data, table, sample)
    return {"kind": "flat", "tables": [normalize_table(t, target=target, max_lhs=max_lhs, engines=engines,
                                                       pg_cluster=pg_cluster, confirmed=fds)]}


def _table_stem(p: Path) -> str:
    import re
    name = re.sub(r"[^A-Za-z0-9_]", "_", p.stem).strip("_").lower() or "docs"
    return name if name[0].isalpha() else f"t_{name}"


def normalize_documents(docs: list[dict[str, Any]], root: str, target: str = "3nf", max_lhs: int = 3,
                        engines: tuple[str, ...] = ("sqlite", "postgresql"), pg_cluster: Any = None) -> dict[str, Any]:
    """Nested documents → child tables per array, entity tables found by FD discovery, with proof."""
    flat = flatten_documents(docs, root)
    used: set[str] = set()
    plans = []
    main_of: dict[str, str] = {}
    for ft in flat.tables:
        td = ft.table_data(f"{root} documents")
        td.name = f"raw_{ft.name}"
        plan = normalize_table(td, target=target, max_lhs=max_lhs, engines=engines, pg_cluster=pg_cluster,
                               used=used, main_name=ft.name)
        plan["flat_table"] = {"name": ft.name, "path": ft.path or "(root)", "key": ft.key,
                              "parent": ft.parent, "parent_key": ft.parent_key}
        main_of[ft.name] = next((t["name"] for t in plan["tables"] if t["name"] == ft.name), plan["tables"][0]["name"])
        plans.append(plan)
    for plan, ft in zip(plans, flat.tables, strict=True):
        if ft.parent is None:
            continue
        parent = main_of[ft.parent]
        for t in plan["tables"]:
            if t["name"] == main_of[ft.name] and set(ft.parent_key) <= set(t["columns"]):
                t["foreign_keys"].append({"columns": ft.parent_key, "references": parent,
                                          "referenced_columns": ft.parent_key, "on_delete": "CASCADE"})
    findings = [Finding("NORM010", Severity.WARNING,
                        f"field '{p['path']}' holds {' and '.join(p['types'])} values across documents",
                        Location(path=p["path"]),
                        "a polymorphic field cannot map to one typed column; the flattening kept each shape "
                        "in its own columns, which leaves most of them NULL",
                        "model the variants explicitly: a discriminator column plus one column (or table) "
                        "per variant, or normalize the values to one shape before loading").to_dict()
                for p in flat.polymorphic]
    types: dict[str, str] = {}
    for plan in plans:
        types.update(plan["types"])
    every = [TargetTable.from_dict(t) for plan in plans for t in plan["tables"]]
    merged = FlatSource(root, sorted(types), types, [])
    ddl = {d: render_ddl(merged, every, d) for d in ("postgresql", "sqlite", "mysql")}
    return {"kind": "nested", "root": root, "documents": len(docs), "key_source": flat.key_source, "ddl": ddl,
            "polymorphic": flat.polymorphic, "tables": plans, "findings": findings,
            "lossless": all(p["lossless"] for p in plans)}


# --- specs, profiling, output -----------------------------------------------------------------

def normalize_spec(path: str | Path, target: str = "3nf") -> dict[str, Any]:
    """Decompose every spec entity that declares functional dependencies (DDL, reasoning, no data)."""
    spec, _ = load_spec_or_raise(path)
    plans = []
    used: set[str] = set()
    for name, entity in spec.entities.items():
        if not entity.functional_dependencies:
            continue
        try:
            info = analyze_entity(name, entity)
        except FDError as exc:
            raise DbwrightError(f"entities.{name}.functional_dependencies: {exc}") from None
        attrs = info["attributes"]
        fds = _fds(entity.functional_dependencies, attrs, f"entities.{name}")
        plan = plan_tables(snake(name), attrs, fds, target, used)
        types = entity_types(entity, attrs)
        source = FlatSource(snake(name), attrs, types, [])
        targets: list[TargetTable] = plan["tables"]
        plan["tables"] = [t.to_dict() for t in targets]
        plan["ddl"] = {d: render_ddl(source, targets, d) for d in ("postgresql", "sqlite", "mysql")}
        plan["fill_sql"] = {d: render_fill_sql(source, targets, d) for d in ("postgresql", "sqlite")}
        plan["types"] = types
        plan["proofs"] = []
        plan["findings"] = [f.to_dict() for f in _findings(plan)]
        plans.append(plan)
    if not plans:
        raise DbwrightError(f"{path}: no entity declares functional_dependencies (e.g. 'zip -> city, state')")
    return {"kind": "spec", "spec": str(path), "tables": plans, "lossless": all(p["lossless_by_chase"] for p in plans)}


def _is_spec(path: Path) -> bool:
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        doc = YAML(typ="safe").load(path.read_text())
    except Exception:
        return False
    return isinstance(doc, dict) and "entities" in doc


def normalize(source: str, table: str | None = None, target: str = "3nf", max_lhs: int = 3,
              fds: list[str] | None = None, engines: tuple[str, ...] = ("sqlite", "postgresql"),
              sample: int = DEFAULT_SAMPLE) -> dict[str, Any]:
    """``dbwright normalize``: a spec (declared FDs) or data (profiled FDs, proof on engines)."""
    if target not in ("3nf", "bcnf"):
        raise DbwrightError(f"--target must be 3nf or bcnf, got {target!r}")
    if "://" not in source and _is_spec(Path(source)):
        return normalize_spec(source, target)
    return normalize_data(source, table, target, max_lhs, fds, engines, sample)


def write_normalization(result: dict[str, Any], out_dir: str | Path, force: bool = False) -> list[str]:
    """Write NORMALIZATION.md, normalization.json and per-dialect schema/fill SQL; returns the paths."""
    import json

    from dbwright.io import write_tree

    files: dict[str, str] = {"NORMALIZATION.md": render_report(result),
                             "normalization.json": json.dumps(result, indent=2, default=str) + "\n"}
    if result.get("ddl"):
        for d, text in result["ddl"].items():
            files[f"schema.{d}.sql"] = text
    for plan in result["tables"]:
        stem = plan["relation"]
        if not result.get("ddl"):
            for d, text in plan["ddl"].items():
                files[f"{stem}.schema.{d}.sql"] = text
        for d, text in plan.get("fill_sql", {}).items():
            files[f"{stem}.fill.{d}.sql"] = text
    return [str(p) for p in write_tree(Path(out_dir), files, force=force).files]


def profile_data(data: str, table: str | None = None, max_lhs: int = 3, error: float = 0.0,
                 sample: int = DEFAULT_SAMPLE) -> dict[str, Any]:
    """``dbwright profile``: mined FDs (ranked), UCCs, INDs and the sample size."""
    if max_lhs < 1:
        raise DbwrightError("--max-lhs must be at least 1")
    return profile(data, table, max_lhs, error, sample).to_dict()


def write_spec_fds(result: dict[str, Any], spec_path: str | Path, min_score: float = 0.6) -> dict[str, Any]:
    """Write the likely FDs of a profile into a spec entity (created with inferred attributes if absent)."""
    p = Path(spec_path)
    yaml = YAML(typ="rt")
    doc: Any = yaml.load(p.read_text()) if p.exists() else None
    if doc is None:
        doc = {"version": 1, "project": result["table"].replace("_", "-"), "entities": {}}
    if not isinstance(doc, dict) or not isinstance(doc.get("entities", {}), dict):
        raise DbwrightError(f"{p}: not a dbwright spec (a mapping with 'entities')")
    entity_name = "".join(w.capitalize() for w in words(result["table"])) or "Data"
    entities = doc.setdefault("entities", {})
    entity = entities.setdefault(entity_name, {})
    attrs = entity.setdefault("attributes", {})
    kinds = {"int": "bigint", "float": "float", "bool": "bool", "date": "date", "timestamp": "timestamp"}
    for c in result["columns"]:
        if c["name"] not in attrs:
            attrs[c["name"]] = kinds.get(c["type"], "text") + ("?" if c["nulls"] else "")
    if entity.get("key", "auto") != "natural":
        # a unique, NULL-free column of the sample keeps its values as the key (an attribute named
        # id would otherwise collide with the surrogate id the design adds)
        singles = [u[0] for u in result.get("unique_column_combinations", []) if len(u) == 1]
        nonnull = {c["name"] for c in result["columns"] if not c["nulls"]}
        ids = [c for c in singles if c in nonnull and ("id" in c.lower().split("_") or c.lower() == "id")]
        if "id" in attrs or ids:
            entity["key"] = "natural"
            entity["natural_key"] = ["id" if "id" in attrs and "id" in singles else (ids or singles)[0]]
    chosen = [FD(frozenset(f["lhs"]), frozenset({f["rhs"]}))
              for f in result["fds"] if f["score"] >= min_score and f["error"] == 0]
    order = [c["name"] for c in result["columns"]]
    existing = list(entity.get("functional_dependencies") or [])
    new = [f"{', '.join(ordered(fd.lhs, order))} -> {', '.join(ordered(fd.rhs, order))}"
           for fd in group_rhs(minimal_cover(chosen))]
    entity["functional_dependencies"] = existing + [n for n in new if n not in existing]
    import io

    buf = io.StringIO()
    yaml.dump(doc, buf)  # render fully before touching the file: a failure leaves it as it was
    tmp = p.with_name(f".{p.name}.dbwright.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(p)
    return {"spec": str(p), "entity": entity_name, "added": [n for n in new if n not in existing]}


def normalization_report(result: dict[str, Any]) -> str:
    """The Markdown report of a ``normalize`` result."""
    return render_report(result)
