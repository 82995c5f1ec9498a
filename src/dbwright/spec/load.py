"""Load a spec from YAML, reporting every error at once with file, line, column and field path."""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from dbwright.io.inputs import InputError, read_input
from dbwright.io.yamlsafe import load_yaml
from dbwright.model import Finding, Location, Severity
from dbwright.model.errors import SpecError
from dbwright.spec.models import Spec

PathT = tuple[str | int, ...]


@dataclass
class Positions:
    """Maps a field path to the (line, column) where it is written (1-based)."""

    file: str | None
    table: dict[PathT, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathT) -> Location:
        dotted = _dotted(path)
        probe = tuple(path)
        while probe:
            if probe in self.table:
                line, col = self.table[probe]
                return Location(self.file, line, col, dotted)
            probe = probe[:-1]
        # Not written in the file (a missing field of the document itself): its first line.
        return Location(self.file, 1 if self.file else None, 1 if self.file else None, dotted or None)

    def locate_dotted(self, dotted: str) -> Location:
        """``locate`` for a dotted path as findings carry it (``entities.Order.attributes``, ``a[0].b``)."""
        parts: list[str | int] = []
        for piece in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
            parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
        loc = self.locate(tuple(parts))
        return Location(loc.file, loc.line, loc.column, dotted)


@dataclass
class LoadedSpec:
    spec: Spec | None
    findings: list[Finding]
    positions: Positions
    raw: Any = None

    @property
    def ok(self) -> bool:
        return self.spec is not None and not any(f.severity is Severity.ERROR for f in self.findings)


def _dotted(path: PathT) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (("." if out else "") + str(p))
    return out


def _index(node: Any, path: PathT, table: dict[PathT, tuple[int, int]]) -> None:
    if isinstance(node, CommentedMap):
        for key in node:
            try:
                line, col = node.lc.key(key)
                table[(*path, str(key))] = (line + 1, col + 1)
            except (KeyError, TypeError):
                pass
            _index(node[key], (*path, str(key)), table)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            try:
                line, col = node.lc.item(i)
                table[(*path, i)] = (line + 1, col + 1)
            except (KeyError, TypeError):
                pass
            _index(item, (*path, i), table)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _model_at(path: PathT) -> type[BaseModel] | None:
    """The pydantic model that owns the mapping at ``path`` (for 'did you mean' suggestions)."""
    model: Any = Spec
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        fld = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        if fld is None:
            # a key of a dict-valued field (entity or attribute name)
            continue
        ann = fld.annotation
        model = _unwrap(ann)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(ann: Any) -> Any:
    args = getattr(ann, "__args__", None)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if args:
        for a in reversed(args):
            got = _unwrap(a)
            if isinstance(got, type) and issubclass(got, BaseModel):
                return got
        for a in args:
            meta = getattr(a, "__origin__", None)
            if meta is not None:
                got = _unwrap(a)
                if got is not None:
                    return got
    origin = getattr(ann, "__origin__", None)
    if origin is not None:
        return _unwrap(origin)
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _data_loc(loc: tuple[str | int, ...], data: Any) -> PathT:
    """The part of a pydantic error location that names data in the document.

    pydantic adds validator and union tags (``function-after[...]``, ``[key]``) into locations;
    a part is kept when it is a key or index of the document at that point (so a user's key that
    happens to contain ``[`` survives), or when it looks like a field name (a missing field).
    """
    out: list[str | int] = []
    node: Any = data
    for p in loc:
        in_dict = isinstance(node, dict) and isinstance(p, str) and p in node
        if in_dict or (isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node)):
            node = node[p]
        elif isinstance(p, str) and ("[" in p or p.startswith("function-")):
            continue
        else:
            node = None
        out.append(p)
    return tuple(out)


_TYPE_FIXES = {
    "int": "write a whole number, e.g. 20",
    "float": "write a number, e.g. 2.5",
    "bool": "write true or false",
    "string": "write text (quote it when it looks like a number, a date or true/false)",
    "dict": "write a mapping here (indented 'key: value' lines or {key: value})",
    "model": "write a mapping here (indented 'key: value' lines or {key: value})",
    "list": "write a list here, e.g. [a, b] or '- item' lines",
    "too": "check the number of items",
}


def _remedy(e: Any, loc: PathT, msg: str) -> str:
    """A fix for a value or type error: the valid forms, an example, or where the docs are."""
    m = re.match(r"expected (.+? such as .+?)(?:, got .*)?$", msg)
    if m:
        return f"write {m.group(1)}"
    if e["type"] in ("literal_error", "enum"):
        expected = re.findall(r"'([^']*)'", str((e.get("ctx") or {}).get("expected", "")))
        close = difflib.get_close_matches(str(e.get("input")), expected, n=1, cutoff=0.5)
        return f"did you mean '{close[0]}'?" if close else "use one of: " + ", ".join(expected)
    fix = _TYPE_FIXES.get(str(e["type"]).split("_", 1)[0])
    if fix:
        return fix
    model = _model_at(loc[:-1]) if loc else None
    field_name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    anchor = f"#{model.__name__.lower()}" if model is not None and model is not Spec else ""
    return f"see '{field_name}' in docs/spec-reference.md{anchor}" if field_name else \
        "see docs/spec-reference.md"


def _pydantic_findings(err: ValidationError, pos: Positions, data: Any = None) -> list[Finding]:
    out: list[Finding] = []
    for e in err.errors():
        loc = _data_loc(e["loc"], data)
        msg = e["msg"].removeprefix("Value error, ")
        remediation = ""
        if e["type"] == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            model = _model_at(loc[:-1])
            names = _field_names(model) if model else []
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
            msg = f"unknown key '{key}'"
            remediation = (f"did you mean '{close[0]}'?" if close else
                           ("valid keys here: " + ", ".join(names) if names else "remove it"))
        elif e["type"] == "missing":
            msg = f"required field '{loc[-1]}' is missing"
            remediation = f"add '{loc[-1]}:'"
        else:
            m = re.search(r";? did you mean '([^']+)'\?", msg)
            if m:
                remediation = f"use '{m.group(1)}'"
                msg = msg.replace(m.group(0), "")
            else:
                remediation = _remedy(e, loc, msg)
        out.append(Finding("SPEC001" if e["type"] == "extra_forbidden" else "SPEC002",
                           Severity.ERROR, msg, pos.locate(loc), remediation=remediation))
    return out


def load_spec_text(text: str, file: str | None = None) -> LoadedSpec:
    """Parse and validate spec text; never raises for bad input."""
    pos = Positions(file)
    try:
        raw = load_yaml(text, file, typ="rt")
    except InputError as exc:
        return LoadedSpec(None, [exc.finding("SPEC000")], pos)
    if not isinstance(raw, dict) or not _looks_like_spec(raw):
        # Not a spec at all (maybe not even meant as one): say so without quoting any of it.
        what = "a YAML mapping with none of the spec's keys" if isinstance(raw, dict) else "not a YAML mapping"
        return LoadedSpec(None, [Finding("SPEC000", Severity.ERROR,
                                         f"not a dbwright spec: {what} (a spec is a mapping with at least "
                                         "'project' and 'entities')", Location(file, 1, 1),
                                         remediation="run 'dbwright init spec.yaml' for a starter")], pos)
    _index(raw, (), pos.table)
    data = _plain(raw)
    from dbwright.spec.semantic import check_references

    try:
        spec = Spec.model_validate(data)
    except ValidationError as err:
        findings = _pydantic_findings(err, pos, data)
        partial, pruned = _prune_until_valid(data, err)
        if partial is not None:
            findings += [f for f in check_references(partial, pos)
                         if not any((f.location.path or "").startswith(p) for p in pruned)]
        return LoadedSpec(None, findings, pos, data)
    return LoadedSpec(spec, check_references(spec, pos), pos, data)


def _looks_like_spec(raw: dict[Any, Any]) -> bool:
    """A top-level key is a spec key, or a near miss of one (a typo in a spec, not another file)."""
    names = _field_names(Spec)
    return any(str(k) in names or difflib.get_close_matches(str(k), names, n=1, cutoff=0.75) for k in raw)


def _prune_until_valid(data: Any, err: ValidationError) -> tuple[Spec | None, list[str]]:
    """Drop the failing parts so the rest can still be cross-checked: every error at once."""
    work = copy.deepcopy(data)
    pruned: list[str] = []
    for _ in range(20):
        for e in err.errors():
            loc = list(_data_loc(e["loc"], work))
            if e["type"] == "missing":
                loc = loc[:-1]
            if len(loc) < 2:
                return None, pruned
            parent: Any = work
            try:
                for p in loc[:-1]:
                    parent = parent[p]
                if isinstance(parent, list) and isinstance(loc[-1], int):
                    parent[loc[-1]] = None
                elif isinstance(parent, dict):
                    parent.pop(loc[-1], None)
            except (KeyError, IndexError, TypeError):
                continue
            pruned.append(_dotted(tuple(loc)))
        for key, val in list(work.items()) if isinstance(work, dict) else []:
            if isinstance(val, list):
                work[key] = [v for v in val if v is not None]
        try:
            return Spec.model_validate(work), pruned
        except ValidationError as again:
            err = again
    return None, pruned


def load_spec(path: str | Path) -> LoadedSpec:
    """Read (regular files only, within the spec size limit) and load a spec file."""
    p = Path(path)
    try:
        text = read_input(p, "spec")
    except InputError as exc:
        if exc.problem == "no such file":
            exc.fix = "check the path, or create one with 'dbwright init'"
        return LoadedSpec(None, [exc.finding("SPEC000")], Positions(str(p)))
    return load_spec_text(text, str(p))


def load_spec_or_raise(path: str | Path) -> tuple[Spec, Positions]:
    loaded = load_spec(path)
    if not loaded.ok or loaded.spec is None:
        raise SpecError(loaded.findings)
    return loaded.spec, loaded.positions
