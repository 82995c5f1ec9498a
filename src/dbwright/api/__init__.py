"""The public library API. The CLI, MCP server and web layer call only these functions.

Each concern lives in its own module of this package; everything public is re-exported here.
"""

from dbwright.api.architecture import (
    attach_throughput,
    capacity,
    compare,
    list_engines,
    measure_throughput,
    recommend,
    section_markdown,
)
from dbwright.api.blueprints import init_spec, list_blueprints
from dbwright.api.critique import CritiqueReport, critique, critique_database, critique_formats
from dbwright.api.design import (
    DesignOptions,
    DesignResult,
    design,
    design_spec,
    erd,
    spec_json_schema,
    validate,
)
from dbwright.api.design_from import design_from, merge_spec
from dbwright.api.dr import dr_files, dr_markdown, dr_plan_json, plan_dr, plan_dr_file, write_dr_files
from dbwright.api.drills import KINDS as DRILL_KINDS
from dbwright.api.drills import drill, drill_history, drill_history_svg
from dbwright.api.indexes import IndexAdvice, advise_indexes, prove_indexes
from dbwright.api.inspect import InspectResult, inspect_database
from dbwright.api.migrate import (
    MigrationPlan,
    execute_migration,
    lint_migration,
    lint_sarif,
    lint_text,
    migration_locks,
    plan_migration,
    plan_mysql_migration,
    rehearse_migration,
    switch_engine,
)
from dbwright.api.normalize import (
    fd_analyze,
    normalization_report,
    normalize,
    profile_data,
    write_normalization,
    write_spec_fds,
)
from dbwright.engines.connect import ConnectionFailed, as_connection_failure
from dbwright.model import DbwrightError, Decision, Evidence, Finding, Location, Severity
from dbwright.model.secrets import install_redacting_streams, redact, redact_any, register_dsn
from dbwright.spec import Spec, SpecError, load_spec

__all__ = [
    "DRILL_KINDS",
    "ConnectionFailed",
    "CritiqueReport",
    "DbwrightError",
    "Decision",
    "DesignOptions",
    "DesignResult",
    "Evidence",
    "Finding",
    "IndexAdvice",
    "InspectResult",
    "Location",
    "MigrationPlan",
    "Severity",
    "Spec",
    "SpecError",
    "advise_indexes",
    "as_connection_failure",
    "attach_throughput",
    "capacity",
    "compare",
    "critique",
    "critique_database",
    "critique_formats",
    "design",
    "design_from",
    "design_spec",
    "dr_files",
    "dr_markdown",
    "dr_plan_json",
    "drill",
    "drill_history",
    "drill_history_svg",
    "erd",
    "execute_migration",
    "fd_analyze",
    "init_spec",
    "inspect_database",
    "install_redacting_streams",
    "lint_migration",
    "lint_sarif",
    "lint_text",
    "list_blueprints",
    "list_engines",
    "load_spec",
    "measure_throughput",
    "merge_spec",
    "migration_locks",
    "normalization_report",
    "normalize",
    "plan_dr",
    "plan_dr_file",
    "plan_migration",
    "plan_mysql_migration",
    "profile_data",
    "prove_indexes",
    "recommend",
    "redact",
    "redact_any",
    "register_dsn",
    "rehearse_migration",
    "section_markdown",
    "spec_json_schema",
    "switch_engine",
    "validate",
    "write_dr_files",
    "write_normalization",
    "write_spec_fds",
]
