"""The ``dbwright`` command. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Any

import typer

from dbwright import __version__

app = typer.Typer(
    name="dbwright",
    help="A database architect you can run: requirements in, a design proven on real engines out.\n\n"
         "Exit codes: 0 ok; 1 produced, but with error-level findings; 2 bad input or usage; "
         "3 internal error.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

# Each module defines register(app). Order is the order of `dbwright --help`.
COMMAND_MODULES = ("design", "inspect", "dr", "drills", "indexes", "migrate", "normalize", "architecture")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dbwright {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Show the version and exit."),
         quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors and results only."),
         verbose: bool = typer.Option(False, "--verbose", "-v",
                                      help="Also print each finding's rationale and, on a bug, the traceback.")) -> None:
    """dbwright."""
    from dbwright.cli.common import VERBOSITY

    VERBOSITY["level"] = -1 if quiet else (1 if verbose else 0)


for _name in COMMAND_MODULES:
    importlib.import_module(f"dbwright.cli.{_name}").register(app)


def run() -> None:
    """Console entry: every line printed goes through the password redaction first."""
    import sys

    from dbwright.model.secrets import install_redacting_streams, register_dsn

    for arg in sys.argv[1:]:  # a DSN echoed anywhere (even by Typer itself) loses its password
        register_dsn(arg)
    install_redacting_streams()
    command()


def polished() -> Any:
    """The click command behind ``app``, with readable metavars and an example per command."""
    import typer.main

    from dbwright.cli.conventions import polish

    cmd = typer.main.get_command(app)
    polish(cmd)
    return cmd


def command() -> None:
    polished()(prog_name="dbwright")
