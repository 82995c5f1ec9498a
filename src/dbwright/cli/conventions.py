"""What every command shares on its face: readable metavars, an example per command, verbosity.

Typer labels values with Python types (``<bool>``, ``<list[str]>``); a user reads ``PATH``, ``N``
or ``TEXT``, and a flag takes no value at all. Each command's help ends with a worked example.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

# One example per command, as a user would type it (kept runnable: tests run the --help of each).
EXAMPLES: dict[str, str] = {
    "init": "dbwright init shop.yaml --blueprint saas-ecommerce",
    "validate": "dbwright validate shop.yaml --format github",
    "design": "dbwright design shop.yaml -o out/shop --erd",
    "erd": "dbwright erd shop.yaml > erd.mmd",
    "spec-schema": "dbwright spec-schema > dbwright.schema.json",
    "inspect": "dbwright inspect postgresql://app@db/shop -o out/inspect --schema 'public'",
    "critique": "dbwright critique schema.sql --format sarif > critique.sarif",
    "drill": "dbwright drill pitr --scale-mb 64",
    "drill-history": "dbwright drill-history --svg drills.svg",
    "indexes": "dbwright indexes shop.yaml --budget-mb 500",
    "profile": "dbwright profile orders.csv --write-spec orders.yaml",
    "fd analyze": "dbwright fd analyze fds.yaml",
    "normalize": "dbwright normalize orders.csv --target 3nf -o out/norm",
    "dr plan": "dbwright dr plan shop.yaml -o out/dr",
    "compare": "dbwright compare postgresql mongodb --spec shop.yaml",
    "capacity": "dbwright capacity shop.yaml --measure",
    "engines": "dbwright engines --json",
    "migrate lint": "dbwright migrate lint migrations/*.sql --format github",
    "migrate plan": "dbwright migrate plan --from old.sql --to new.sql -o out/plan",
    "migrate locks": "dbwright migrate locks change.sql --schema schema.sql",
    "migrate rehearse": "dbwright migrate rehearse --from old.sql --to new.sql --rows 100000",
    "migrate switch": "dbwright migrate switch --schema-file mysql.sql --rehearse -o out/switch",
}


def _label(param: Any) -> str:
    desc = getattr(param, "type_descriptor", None)
    ann = getattr(desc, "annotation", None)
    if desc is not None and getattr(desc, "is_list", False):
        args = typing.get_args(ann)
        inner = args[0] if args else str
        return _base_label(inner) + "…"
    return _base_label(ann)


def _base_label(ann: Any) -> str:
    if ann is None:
        return "TEXT"
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if args:
        ann = args[0]
    if ann is bool:
        return ""
    if isinstance(ann, type) and issubclass(ann, Path):
        return "PATH"
    if ann is int:
        return "N"
    if ann is float:
        return "X"
    return "TEXT"


def _show_as(param: Any, label: str) -> None:
    # instance attributes shadow the class's methods: Typer asks these for the type column
    param.display_type_rich = lambda ctx=None: label or None
    param.display_type = lambda ctx=None: label


def _flag_help(command: Any) -> None:
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        opt = original(ctx)
        if opt is not None:
            _show_as(opt, "")
        return opt

    command.get_help_option = get_help_option


def polish(command: Any, name: str | None = None) -> None:
    """Readable metavars and an example epilog on ``command`` and every sub-command, in place."""
    for p in getattr(command, "params", []):
        label = _label(p)
        if getattr(p, "param_type_name", "") == "option":
            if p.metavar is None:
                p.metavar = label
            _show_as(p, p.metavar)
        else:
            if p.metavar is None:
                p.metavar = p.name.upper()
            _show_as(p, label)
    _flag_help(command)
    if name in EXAMPLES and not getattr(command, "epilog", None):
        command.epilog = "Example:  " + EXAMPLES[name]
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        polish(sub, f"{name} {sub_name}" if name else sub_name)
