"""What every command shares: error handling without tracebacks, JSON output, progress, exit codes.

Exit codes: 0 ok; 1 result produced but error-level findings; 2 bad input or usage;
3 internal error (a bug — the message says how to get the traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from dbwright.engines.connect import as_connection_failure
from dbwright.model import DbwrightError, Finding, Severity, SpecError
from dbwright.model.secrets import redact

console = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# -1 --quiet (errors only), 0 default, 1 --verbose (rationale, progress lines, tracebacks of bugs)
VERBOSITY = {"level": 0}

F = TypeVar("F", bound=Callable[..., Any])


def print_findings(findings: list[Finding]) -> None:
    style = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    level = VERBOSITY["level"]
    for f in findings:
        if level < 0 and f.severity is not Severity.ERROR:
            continue
        # user text (locations, messages, fixes) is escaped: never read as Rich markup
        console.print(f"[{style[f.severity]}]{f.severity.value}[/] [bold]{f.code}[/] {escape(str(f.location))}: "
                      + escape(f.message) + (f"\n    fix: {escape(f.remediation)}" if f.remediation else ""),
                      markup=True, emoji=False)
        if level > 0 and f.rationale:
            console.print(f"[dim]    why: {escape(f.rationale)}[/]", emoji=False)


def guarded(fn: F) -> F:
    """Turn every failure into a clear message and an exit code; never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except SpecError as exc:
            print_findings(exc.findings)
            n = sum(1 for f in exc.findings if f.severity is Severity.ERROR)
            console.print(f"[red]{n} error(s) in the spec[/]")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except DbwrightError as exc:
            console.print("[red]error:[/] " + escape(redact(str(exc))))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted: sandboxes stopped and removed[/]")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("DBWRIGHT_DEBUG") or VERBOSITY["level"] > 0:
                raise
            failed = as_connection_failure(exc)
            if failed is not None:  # a driver error that escaped a connect helper is still a user error
                console.print("[red]error:[/] " + escape(str(failed)))
                raise typer.Exit(EXIT_BAD_INPUT) from None
            console.print(f"[red]internal error:[/] {type(exc).__name__}: " + escape(redact(str(exc))) + "\n"
                          "This is a bug in dbwright. Re-run with DBWRIGHT_DEBUG=1 for the traceback.")
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    sys.stdout.write(redact(json.dumps(data, indent=2, default=str)) + "\n")


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner for steps that may take over a second (sandbox start, data load, verification)."""
    if not sys.stderr.isatty() or VERBOSITY["level"] < 0:
        yield
        return
    with console.status(message):
        yield


def engines_option(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(v.strip() for v in value.split(",") if v.strip())
    bad = [n for n in names if n not in ("sqlite", "postgresql", "mariadb")]
    if bad:
        raise typer.BadParameter(f"unknown engine(s) {', '.join(bad)}; choose from sqlite,postgresql,mariadb")
    return names


FORMAT_HELP = "Output: text | json | sarif | github (default: the config file's, else text)."
CONFIG_HELP = "Config file (default: the nearest dbwright.toml, or pyproject.toml with a tool.dbwright table)."


def output_format(fmt: str | None, json_flag: bool, config: Any) -> str:
    """The format in force: --format, else the legacy --json, else the config's, else text."""
    chosen = fmt or ("json" if json_flag else None) or getattr(config, "format", None) or "text"
    from dbwright.model.config import FORMATS

    if chosen not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    return str(chosen)


def emit_findings(findings: list[Finding], fmt: str, extra: dict[str, Any] | None = None) -> None:
    """Machine formats to stdout (redacted); text as coloured lines on stderr."""
    if fmt == "text":
        print_findings(findings)
        return
    from dbwright.api import render_findings

    sys.stdout.write(redact(render_findings(findings, fmt, extra)))
