"""YAML with limits: alias expansion and nesting are checked on the event stream before anything
is built, so a billion-laughs document fails in milliseconds with the line of the alias.

Errors are :class:`InputError` with file:line:col. Their message says what kind of problem it is
and never quotes the document (a file that is not YAML may be anything, e.g. a password file).
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)

from dbwright.io.inputs import InputError, at

MAX_DEPTH = 64  # a spec is 6–8 levels deep
MAX_ALIAS_NODES = 100_000  # nodes that aliases add when expanded (a spec's anchors add hundreds)


def _where(file: str | None, text: str, exc: BaseException) -> Any:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None and getattr(mark, "line", None) is not None:
        return at(file, line=mark.line + 1, column=mark.column + 1)
    pos = getattr(exc, "position", None)  # ReaderError knows only a character offset
    if isinstance(pos, int):
        return at(file, text, pos)
    return at(file)


def _kind_of(exc: BaseException) -> str:
    """What went wrong, without the document's text (quoted fragments of it are dropped)."""
    name = type(exc).__name__
    if "Duplicate" in name:
        return "a key appears twice in the same mapping"
    if name == "ReaderError":
        return "a character YAML does not allow (control characters or binary data)"
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "not valid YAML"
    problem = re.sub(r"""\s*(['"]).*?\1""", "", str(problem))
    problem = re.sub(r"\s*#x[0-9a-fA-F]+", "", problem)
    return " ".join(problem.split()).rstrip(":") or "not valid YAML"


def yaml_error(exc: BaseException, text: str, file: str | None) -> InputError:
    kind = _kind_of(exc)
    fix = ("keep one of the two keys" if kind.startswith("a key appears twice") else
           "remove the character, or save the file as UTF-8 text" if kind.startswith("a character") else
           "check indentation and quoting at this line")
    return InputError(f"not valid YAML: {kind}", _where(file, text, exc), fix)


def check_yaml(text: str, file: str | None = None, max_depth: int = MAX_DEPTH,
               max_alias_nodes: int = MAX_ALIAS_NODES) -> None:
    """Scan the event stream: InputError at the first point nesting or alias expansion passes a limit."""
    anchors: dict[str, int] = {}
    stack: list[list[Any]] = []  # [anchor, expanded size] per open collection
    aliased = 0
    try:
        for ev in YAML(typ="rt").parse(text):
            size = 0
            if isinstance(ev, CollectionStartEvent):
                if len(stack) >= max_depth:
                    raise InputError(f"nested more than {max_depth} levels deep", _mark(file, ev),
                                     "a spec is a few levels deep: look for runaway brackets or indentation")
                stack.append([ev.anchor, 1])
                continue
            if isinstance(ev, CollectionEndEvent):
                anchor, size = stack.pop()
                if anchor:
                    anchors[anchor] = size
            elif isinstance(ev, ScalarEvent):
                size = 1
                if ev.anchor:
                    anchors[ev.anchor] = 1
            elif isinstance(ev, AliasEvent):
                size = anchors.get(ev.anchor, 1)
                aliased += size
                if aliased > max_alias_nodes:
                    raise InputError(f"aliases expand to more than {max_alias_nodes:,} nodes (an alias bomb?)",
                                     _mark(file, ev), "write the repeated parts out, or use fewer nested aliases")
            elif not isinstance(ev, NodeEvent):
                continue
            if stack:
                stack[-1][1] += size
    except (MarkedYAMLError, YAMLError) as exc:
        raise yaml_error(exc, text, file) from None
    except RecursionError:
        raise InputError("nested too deeply to parse", at(file), "look for runaway brackets") from None


def _mark(file: str | None, ev: Any) -> Any:
    m = ev.start_mark
    return at(file, line=m.line + 1, column=m.column + 1)


def load_yaml(text: str, file: str | None = None, typ: str = "safe", max_depth: int = MAX_DEPTH,
              max_alias_nodes: int = MAX_ALIAS_NODES) -> Any:
    """Check, then load (``typ`` ``rt`` keeps positions, as the spec loader needs)."""
    check_yaml(text, file, max_depth, max_alias_nodes)
    try:
        return YAML(typ=typ, pure=True).load(text)
    except (MarkedYAMLError, YAMLError) as exc:
        raise yaml_error(exc, text, file) from None
    except RecursionError:
        raise InputError("nested too deeply to parse", at(file), "look for runaway brackets") from None
    except Exception as exc:  # ruamel raises a few unmarked errors (constructor problems)
        raise InputError(f"not valid YAML: {type(exc).__name__}", _where(file, text, exc)) from None
