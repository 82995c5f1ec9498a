"""``dbwright design --from DSN|FILE [SPEC]``: re-architect an existing database.

1. inspect the source (read-only) into a spec that keeps its names, keys and statistics;
2. overlay the user's targets (a partial spec: scale, access patterns, availability, RPO/RTO,
   new entities), merged key by key;
3. design that spec as usual (pipeline + verification on engines);
4. the Migration section: for a PostgreSQL source, the phased zero-downtime plan from the current
   schema to the designed one (``migrate plan``), rehearsed on a sandbox copy with synthetic rows
   under a concurrent workload, with a rollback per phase; for other sources, the source-specific
   CDC/backfill/switch-over/verification phases of ``stages.migration``.

Only the inspection touches the user's database, read-only; plans and rehearsals run on throwaway
clusters this function starts and removes.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dbwright.api.design import DesignOptions, DesignResult, design
from dbwright.api.inspect import dump_yaml, inspect_database
from dbwright.ddl.psql import split_psql
from dbwright.inspect.source import kind_of, redact
from dbwright.model import DbwrightError, Finding, Location, Severity

# data and database-level statements: the rehearsal loads its own synthetic rows into its own database
_SKIP_STMT = re.compile(r"^\s*(copy|insert|update|delete|truncate|create\s+database|drop\s+database|"
                        r"alter\s+database|select\s+(?!pg_catalog\.set_config))\b", re.IGNORECASE)


def merge_spec(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """``overlay`` on top of ``base``: mappings merged key by key, access patterns by name, other
    values replaced. An entity in the overlay but not in the base is a new entity of the design."""
    out = dict(base)
    for k, v in overlay.items():
        if k == "access_patterns" and isinstance(v, list):
            names = {p.get("name") for p in v if isinstance(p, dict)}
            out[k] = [p for p in base.get(k, []) if p.get("name") not in names] + list(v)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_spec(out[k], v)
        else:
            out[k] = v
    return out


def schema_only_sql(text: str) -> str:
    """A psql script's statements without meta-commands, data (COPY, INSERT, …) and database-level
    statements: the schema as one string a session can execute."""
    stmts = [c.text for c in split_psql(text).statements if not _SKIP_STMT.match(c.text)]
    return ";\n".join(s.rstrip().rstrip(";") for s in stmts) + ";\n"


def _pg_dump_schema(dsn: str) -> str:
    """The current schema of a live PostgreSQL, read with pg_dump (a read-only, repeatable-read snapshot)."""
    from dbwright.engines.postgresql import find_bindir

    bindir = find_bindir()
    tool = shutil.which("pg_dump") or (str(bindir / "pg_dump") if bindir and (bindir / "pg_dump").exists() else None)
    if tool is None:
        raise DbwrightError("design --from a DSN rehearses on a copy of the schema read with pg_dump, which is not "
                            "installed: install postgresql-client, or give the schema as a DDL file")
    proc = subprocess.run([tool, "--schema-only", "--no-owner", "--no-privileges", "--dbname", dsn],
                          capture_output=True, timeout=600)
    if proc.returncode:
        raise DbwrightError(f"pg_dump --schema-only of {redact(dsn)} failed: "
                            f"{redact(proc.stderr.decode(errors='replace').strip()[-300:])}")
    return schema_only_sql(proc.stdout.decode())


def keep_current_names(cluster: Any, old_sql: str, new_sql: str) -> str:
    """The designed DDL plus renames that give its constraints and indexes the current names where
    the definition is the same: a re-architecture changes what it must, not every name (renaming a
    primary key would otherwise mean building a second unique index and swapping it in)."""
    from dbwright.migration.diff import load_schema
    from dbwright.migration.ops import qname, quote

    try:
        old = load_schema(cluster, "dbw_from_names_a", old_sql)
        new = load_schema(cluster, "dbw_from_names_b", new_sql)
    finally:
        for db in ("dbw_from_names_a", "dbw_from_names_b"):
            with contextlib.suppress(Exception):
                cluster.drop_database(db)
    renames: list[str] = []
    for key, nt in new.tables.items():
        ot = old.tables.get(key)
        if ot is None:
            continue
        taken = set(nt.constraints) | set(nt.indexes)
        for name, c in nt.constraints.items():
            if name in ot.constraints:
                continue
            same = [o for o, oc in ot.constraints.items() if oc.kind == c.kind and oc.definition == c.definition
                    and o not in taken]
            if same:
                renames.append(f"ALTER TABLE {qname(nt.schema, nt.name)} RENAME CONSTRAINT {quote(name)} TO "
                               f"{quote(same[0])}")
                taken.add(same[0])
        for name, idef in nt.indexes.items():
            if name in ot.indexes:
                continue
            shape = _index_shape(idef, name)
            same = [o for o, odef in ot.indexes.items() if _index_shape(odef, o) == shape and o not in taken]
            if same:
                renames.append(f"ALTER INDEX {qname(nt.schema, name)} RENAME TO {quote(same[0])}")
                taken.add(same[0])
    return new_sql.rstrip().rstrip(";") + ";\n" + "".join(r + ";\n" for r in renames)


def _index_shape(definition: str, name: str) -> str:
    return definition.replace(f"INDEX {name} ON", "INDEX ON").replace(f'INDEX "{name}" ON', "INDEX ON")


def design_from(source: str, spec: str | Path | None = None, out_dir: str | Path | None = None,
                options: DesignOptions | None = None, force: bool = False, schemas: list[str] | None = None,
                exclude_schemas: list[str] | None = None, engine: str | None = None, sample_rows: int = 0,
                rehearse: bool = True, rehearse_rows: int = 2000, cluster: Any = None, maria: Any = None,
                progress: Callable[[str], None] = lambda _m: None) -> DesignResult:
    from ruamel.yaml import YAML

    opts = options or DesignOptions()
    progress(f"inspecting {redact(source)} (read-only)")
    inspected = inspect_database(source, None, schemas, exclude_schemas, engine, sample_rows, cluster=cluster,
                                 maria=maria, docs=False)
    if inspected.has_errors:
        load_errors = [f for f in inspected.findings if f.code == "INS001"]
        if load_errors:
            raise DbwrightError("the source could not be read whole: " + "; ".join(str(f) for f in load_errors[:3]))
    merged = dict(inspected.spec)
    if spec is not None:
        p = Path(spec)
        if not p.is_file():
            raise DbwrightError(f"{spec}: no such spec file")
        try:
            overlay = YAML(typ="safe").load(p.read_text(encoding="utf-8")) or {}
        except Exception as exc:
            raise DbwrightError(f"{spec}: not valid YAML ({exc})") from None
        if not isinstance(overlay, dict):
            raise DbwrightError(f"{spec}: a spec overlay is a mapping (project, entities, workload, …)")
        merged = merge_spec(merged, overlay)
    db = inspected.database
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dbwright-from-")))
        spec_path = tmp / "spec.yaml"
        spec_path.write_text(dump_yaml(merged), encoding="utf-8")

        def add_migration(design_: Any, _ctx: Any) -> None:
            section = design_.section("migration")
            if section is None:
                return
            section.data["from"] = redact(source)
            section.data["files"] = {"spec.yaml": spec_path.read_text(encoding="utf-8")}
            if db.engine != "postgresql":
                section.data["rehearsal_skipped"] = (
                    f"the source is {db.engine}: the schema plan and its rehearsal are PostgreSQL's; the phases below "
                    "move the data between engines")
                return
            from dbwright.engines.postgresql import PostgresCluster

            cl = cluster or stack.enter_context(PostgresCluster())
            _plan_and_rehearse(section, source, spec_path, cl, tmp, rehearse, rehearse_rows, progress)

        opts.before_write = add_migration
        progress("designing the target")
        return design(spec_path, out_dir, opts, force=force, progress=progress)


def _plan_and_rehearse(section: Any, source: str, spec_path: Path, cl: Any, tmp: Path, rehearse: bool,
                       rows: int, progress: Callable[[str], None]) -> None:
    from dbwright.api.migrate import plan_migration, spec_ddl
    from dbwright.migration.outputs import plan_files

    if kind_of(source) == "postgresql":
        old_sql = _pg_dump_schema(source)
        from_: str = source
    else:
        old_sql = schema_only_sql(Path(source).read_text(encoding="utf-8", errors="replace"))
        current = tmp / "current.sql"
        current.write_text(old_sql, encoding="utf-8")
        from_ = str(current)
    progress("planning the migration from the current schema to the designed one")
    new_sql = keep_current_names(cl, old_sql, spec_ddl(spec_path))
    target = tmp / "target.sql"
    target.write_text(new_sql, encoding="utf-8")
    section.data["files"]["migration/target.postgresql.sql"] = new_sql
    mp = plan_migration(from_, target, cluster=cl)
    section.data["plan"] = mp.to_dict()
    for rel, text in plan_files(mp.plan, "Migration plan: current schema → designed schema").items():
        section.data["files"][f"migration/{rel}"] = text
    for s in mp.plan.blocking_steps():
        section.findings.append(Finding("MIGR002", Severity.WARNING, f"plan step holds ACCESS EXCLUSIVE while "
                                        f"scanning or rewriting: {s.title}", Location(path="migration"),
                                        remediation="run it in a maintenance window, or split the change"))
    if not rehearse:
        section.data["rehearsal_skipped"] = "--no-rehearse"
        return
    from dbwright.verify.rehearse import rehearse as run_rehearsal

    progress(f"rehearsing the plan on a sandbox copy with {rows:,} rows per table")
    try:
        result = run_rehearsal(cl, old_sql, new_sql, mp.plan, rows=rows, threads=1,
                               database="dbw_from_rehearse")
    except Exception as exc:  # a plan the sandbox rejects is a finding, not a crash
        section.findings.append(Finding("MIGR001", Severity.ERROR, f"the rehearsal could not run: {exc}",
                                        Location(path="migration"),
                                        remediation="run `dbwright migrate rehearse` on the files in migration/"))
        section.data["rehearsal_skipped"] = str(exc)
        return
    reh = result.to_dict()
    reh["postgresql"] = str(getattr(cl, "version", ""))
    section.data["rehearsal"] = reh
    for check, ok in result.checks.items():
        if not ok:
            section.findings.append(Finding("MIGR001", Severity.ERROR, f"rehearsal check failed: {check}",
                                            Location(path="migration"),
                                            remediation="see migration/rehearsal.json; fix the plan's open decisions"))
    for st in result.steps:
        if st.error:
            section.findings.append(Finding("MIGR001", Severity.ERROR, f"step failed in rehearsal ({st.phase}): "
                                            f"{st.title}: {st.error}", Location(path="migration")))
