"""What every command shares: error handling without tracebacks, JSON output, progress, exit codes.

Exit codes: 0 ok; 1 result produced but error-level findings; 2 bad input or usage;
3 internal error (a bug — the message says how to get the traceback).

Results go to stdout (``out``), diagnostics and progress to stderr (``console``). Both consoles
interpret neither markup nor emoji codes: user text (a location, a fix, a column name) is printed
verbatim. Colour is added with :func:`styled`, which builds a ``rich.text.Text`` and so never
parses its arguments. Off a terminal nothing is wrapped (CI logs keep ``file:line:col`` whole).
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
from rich.text import Text

from dbwright.engines.connect import as_connection_failure
from dbwright.model import DbwrightError, Finding, Severity, SpecError
from dbwright.model.secrets import redact


def _console(stream: Any, stderr: bool = False) -> Console:
    # Off a terminal Rich would assume 80 columns and wrap; tables still need a width to lay out.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 10_000
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True, width=width)


console = _console(sys.stderr, stderr=True)
out = _console(sys.stdout)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line from plain strings and (text, style) pairs; no part is ever read as markup."""
    return Text.assemble(*parts)

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
        console.print(styled((f.severity.value, style[f.severity]), " ", (f.code, "bold"),
                             f" {f.location}: {f.message}" + (f"\n    fix: {f.remediation}" if f.remediation else "")))
        if level > 0 and f.rationale:
            console.print(styled((f"    why: {f.rationale}", "dim")))


def print_write_notes(result: Any) -> None:
    """What an output-tree write kept or left (a WriteResult); on stderr, one line each."""
    for line in result.notes():
        console.print(line, markup=False)


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
            console.print(styled((f"{n} error(s) in the spec", "red")))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except DbwrightError as exc:
            console.print(styled(("error:", "red"), " " + redact(str(exc))))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            console.print(styled(("interrupted: sandboxes stopped and removed", "yellow")))
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("DBWRIGHT_DEBUG") or VERBOSITY["level"] > 0:
                raise
            failed = as_connection_failure(exc)
            if failed is not None:  # a driver error that escaped a connect helper is still a user error
                console.print(styled(("error:", "red"), " " + redact(str(failed))))
                raise typer.Exit(EXIT_BAD_INPUT) from None
            console.print(styled(("internal error:", "red"), f" {type(exc).__name__}: " + redact(str(exc)) + "\n"
                                 "This is a bug in dbwright. Re-run with DBWRIGHT_DEBUG=1 for the traceback."))
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
