"""The public library API. The CLI, MCP server and web layer call only these functions.

Each concern lives in its own module of this package; everything public is re-exported here.
Names are resolved on first use (PEP 562), so ``import dbwright.api`` — and every CLI command —
loads only the modules it touches: ``dbwright --help`` does not import SQLAlchemy or the stages.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbwright.api.architecture import (
        attach_throughput as attach_throughput,
    )
    from dbwright.api.architecture import (
        capacity as capacity,
    )
    from dbwright.api.architecture import (
        compare as compare,
    )
    from dbwright.api.architecture import (
        list_engines as list_engines,
    )
    from dbwright.api.architecture import (
        measure_throughput as measure_throughput,
    )
    from dbwright.api.architecture import (
        recommend as recommend,
    )
    from dbwright.api.architecture import (
        section_markdown as section_markdown,
    )
    from dbwright.api.blueprints import (
        init_spec as init_spec,
    )
    from dbwright.api.blueprints import (
        list_blueprints as list_blueprints,
    )
    from dbwright.api.blueprints import (
        write_spec as write_spec,
    )
    from dbwright.api.critique import (
        CritiqueReport as CritiqueReport,
    )
    from dbwright.api.critique import (
        critique as critique,
    )
    from dbwright.api.critique import (
        critique_database as critique_database,
    )
    from dbwright.api.critique import (
        critique_formats as critique_formats,
    )
    from dbwright.api.design import (
        DesignOptions as DesignOptions,
    )
    from dbwright.api.design import (
        DesignResult as DesignResult,
    )
    from dbwright.api.design import (
        design as design,
    )
    from dbwright.api.design import (
        design_spec as design_spec,
    )
    from dbwright.api.design import (
        erd as erd,
    )
    from dbwright.api.design import (
        spec_json_schema as spec_json_schema,
    )
    from dbwright.api.design import (
        validate as validate,
    )
    from dbwright.api.design_from import (
        design_from as design_from,
    )
    from dbwright.api.design_from import (
        merge_spec as merge_spec,
    )
    from dbwright.api.dr import (
        dr_files as dr_files,
    )
    from dbwright.api.dr import (
        dr_markdown as dr_markdown,
    )
    from dbwright.api.dr import (
        dr_plan_json as dr_plan_json,
    )
    from dbwright.api.dr import (
        plan_dr as plan_dr,
    )
    from dbwright.api.dr import (
        plan_dr_file as plan_dr_file,
    )
    from dbwright.api.dr import (
        write_dr_files as write_dr_files,
    )
    from dbwright.api.drills import (
        DRILL_KINDS as DRILL_KINDS,
    )
    from dbwright.api.drills import (
        drill as drill,
    )
    from dbwright.api.drills import (
        drill_history as drill_history,
    )
    from dbwright.api.drills import (
        drill_history_svg as drill_history_svg,
    )
    from dbwright.api.indexes import (
        IndexAdvice as IndexAdvice,
    )
    from dbwright.api.indexes import (
        advise_indexes as advise_indexes,
    )
    from dbwright.api.indexes import (
        prove_indexes as prove_indexes,
    )
    from dbwright.api.inspect import (
        InspectResult as InspectResult,
    )
    from dbwright.api.inspect import (
        inspect_database as inspect_database,
    )
    from dbwright.api.migrate import (
        MigrationPlan as MigrationPlan,
    )
    from dbwright.api.migrate import (
        execute_migration as execute_migration,
    )
    from dbwright.api.migrate import (
        lint_migration as lint_migration,
    )
    from dbwright.api.migrate import (
        lint_sarif as lint_sarif,
    )
    from dbwright.api.migrate import (
        lint_text as lint_text,
    )
    from dbwright.api.migrate import (
        migration_locks as migration_locks,
    )
    from dbwright.api.migrate import (
        plan_migration as plan_migration,
    )
    from dbwright.api.migrate import (
        plan_mysql_migration as plan_mysql_migration,
    )
    from dbwright.api.migrate import (
        rehearse_migration as rehearse_migration,
    )
    from dbwright.api.migrate import (
        switch_engine as switch_engine,
    )
    from dbwright.api.normalize import (
        fd_analyze as fd_analyze,
    )
    from dbwright.api.normalize import (
        normalization_report as normalization_report,
    )
    from dbwright.api.normalize import (
        normalize as normalize,
    )
    from dbwright.api.normalize import (
        profile_data as profile_data,
    )
    from dbwright.api.normalize import (
        write_normalization as write_normalization,
    )
    from dbwright.api.normalize import (
        write_spec_fds as write_spec_fds,
    )
    from dbwright.api.report import (
        FORMATS as FORMATS,
    )
    from dbwright.api.report import (
        Config as Config,
    )
    from dbwright.api.report import (
        finalize_findings as finalize_findings,
    )
    from dbwright.api.report import (
        load_config as load_config,
    )
    from dbwright.api.report import (
        render_findings as render_findings,
    )
    from dbwright.engines.connect import (
        ConnectionFailed as ConnectionFailed,
    )
    from dbwright.engines.connect import (
        as_connection_failure as as_connection_failure,
    )
    from dbwright.model import (
        DbwrightError as DbwrightError,
    )
    from dbwright.model import (
        Decision as Decision,
    )
    from dbwright.model import (
        Evidence as Evidence,
    )
    from dbwright.model import (
        Finding as Finding,
    )
    from dbwright.model import (
        Location as Location,
    )
    from dbwright.model import (
        Severity as Severity,
    )
    from dbwright.model.secrets import (
        install_redacting_streams as install_redacting_streams,
    )
    from dbwright.model.secrets import (
        redact as redact,
    )
    from dbwright.model.secrets import (
        redact_any as redact_any,
    )
    from dbwright.model.secrets import (
        register_dsn as register_dsn,
    )
    from dbwright.spec import (
        Spec as Spec,
    )
    from dbwright.spec import (
        SpecError as SpecError,
    )
    from dbwright.spec import (
        load_spec as load_spec,
    )

# public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "ConnectionFailed": ("dbwright.engines.connect", "ConnectionFailed"),
    "CritiqueReport": ("dbwright.api.critique", "CritiqueReport"),
    "DRILL_KINDS": ("dbwright.api.drills", "DRILL_KINDS"),
    "DbwrightError": ("dbwright.model", "DbwrightError"),
    "Decision": ("dbwright.model", "Decision"),
    "DesignOptions": ("dbwright.api.design", "DesignOptions"),
    "DesignResult": ("dbwright.api.design", "DesignResult"),
    "Config": ("dbwright.api.report", "Config"),
    "Evidence": ("dbwright.model", "Evidence"),
    "FORMATS": ("dbwright.api.report", "FORMATS"),
    "finalize_findings": ("dbwright.api.report", "finalize_findings"),
    "load_config": ("dbwright.api.report", "load_config"),
    "render_findings": ("dbwright.api.report", "render_findings"),
    "Finding": ("dbwright.model", "Finding"),
    "IndexAdvice": ("dbwright.api.indexes", "IndexAdvice"),
    "InspectResult": ("dbwright.api.inspect", "InspectResult"),
    "Location": ("dbwright.model", "Location"),
    "MigrationPlan": ("dbwright.api.migrate", "MigrationPlan"),
    "Severity": ("dbwright.model", "Severity"),
    "Spec": ("dbwright.spec", "Spec"),
    "SpecError": ("dbwright.spec", "SpecError"),
    "advise_indexes": ("dbwright.api.indexes", "advise_indexes"),
    "as_connection_failure": ("dbwright.engines.connect", "as_connection_failure"),
    "attach_throughput": ("dbwright.api.architecture", "attach_throughput"),
    "capacity": ("dbwright.api.architecture", "capacity"),
    "compare": ("dbwright.api.architecture", "compare"),
    "critique": ("dbwright.api.critique", "critique"),
    "critique_database": ("dbwright.api.critique", "critique_database"),
    "critique_formats": ("dbwright.api.critique", "critique_formats"),
    "design": ("dbwright.api.design", "design"),
    "design_from": ("dbwright.api.design_from", "design_from"),
    "design_spec": ("dbwright.api.design", "design_spec"),
    "dr_files": ("dbwright.api.dr", "dr_files"),
    "dr_markdown": ("dbwright.api.dr", "dr_markdown"),
    "dr_plan_json": ("dbwright.api.dr", "dr_plan_json"),
    "drill": ("dbwright.api.drills", "drill"),
    "drill_history": ("dbwright.api.drills", "drill_history"),
    "drill_history_svg": ("dbwright.api.drills", "drill_history_svg"),
    "erd": ("dbwright.api.design", "erd"),
    "execute_migration": ("dbwright.api.migrate", "execute_migration"),
    "fd_analyze": ("dbwright.api.normalize", "fd_analyze"),
    "init_spec": ("dbwright.api.blueprints", "init_spec"),
    "inspect_database": ("dbwright.api.inspect", "inspect_database"),
    "install_redacting_streams": ("dbwright.model.secrets", "install_redacting_streams"),
    "lint_migration": ("dbwright.api.lint", "lint_migration"),
    "lint_sarif": ("dbwright.api.lint", "lint_sarif"),
    "lint_text": ("dbwright.api.lint", "lint_text"),
    "list_blueprints": ("dbwright.api.blueprints", "list_blueprints"),
    "list_engines": ("dbwright.api.architecture", "list_engines"),
    "load_spec": ("dbwright.spec", "load_spec"),
    "measure_throughput": ("dbwright.api.architecture", "measure_throughput"),
    "merge_spec": ("dbwright.api.design_from", "merge_spec"),
    "migration_locks": ("dbwright.api.migrate", "migration_locks"),
    "normalization_report": ("dbwright.api.normalize", "normalization_report"),
    "normalize": ("dbwright.api.normalize", "normalize"),
    "plan_dr": ("dbwright.api.dr", "plan_dr"),
    "plan_dr_file": ("dbwright.api.dr", "plan_dr_file"),
    "plan_migration": ("dbwright.api.migrate", "plan_migration"),
    "plan_mysql_migration": ("dbwright.api.migrate", "plan_mysql_migration"),
    "profile_data": ("dbwright.api.normalize", "profile_data"),
    "prove_indexes": ("dbwright.api.indexes", "prove_indexes"),
    "recommend": ("dbwright.api.architecture", "recommend"),
    "redact": ("dbwright.model.secrets", "redact"),
    "redact_any": ("dbwright.model.secrets", "redact_any"),
    "register_dsn": ("dbwright.model.secrets", "register_dsn"),
    "rehearse_migration": ("dbwright.api.migrate", "rehearse_migration"),
    "section_markdown": ("dbwright.api.architecture", "section_markdown"),
    "spec_json_schema": ("dbwright.api.design", "spec_json_schema"),
    "switch_engine": ("dbwright.api.migrate", "switch_engine"),
    "validate": ("dbwright.api.design", "validate"),
    "write_dr_files": ("dbwright.api.dr", "write_dr_files"),
    "write_normalization": ("dbwright.api.normalize", "write_normalization"),
    "write_spec": ("dbwright.api.blueprints", "write_spec"),
    "write_spec_fds": ("dbwright.api.normalize", "write_spec_fds"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'dbwright.api' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return __all__


class _Api(types.ModuleType):
    """Keeps ``api.design`` the function when the submodule ``dbwright.api.design`` is imported.

    The import system binds a loaded submodule as an attribute of its package; three submodules
    share their name with the function they export (design, critique, normalize).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Api
