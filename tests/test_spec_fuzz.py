"""Malformed specs never raise: random YAML, random trees, mutated examples, broken text.

Every error finding carries a line number whenever the thing it points at is written in the file,
and a spec with several mistakes gets every one reported, each with its line and a fix.
"""

from __future__ import annotations

import copy
import io
import math
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from dbwright.model import Finding, Severity
from dbwright.spec import load_spec_text
from dbwright.spec.load import LoadedSpec

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
# Longer campaigns: DBWRIGHT_FUZZ_EXAMPLES=5000 pytest tests/test_spec_fuzz.py
FUZZ = settings(max_examples=int(os.environ.get("DBWRIGHT_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words a spec uses, so random trees reach deep into the models instead of failing at the top.
VOCAB = [
    "version", "project", "description", "entities", "relationships", "access_patterns", "workload",
    "consistency", "tenancy", "availability", "dr", "regions", "compliance", "team", "budget",
    "technology", "outputs", "attributes", "rows", "growth", "row_bytes", "key", "unique", "global",
    "tenant", "skew", "functional_dependencies", "between", "name", "sql", "entity", "kind", "equals",
    "range", "order_by", "limit", "writes", "rate", "p99", "staleness", "rpo", "rto", "logical",
    "host", "zone", "region", "list", "rtt_ms", "location", "lat", "lon", "model", "tenants",
    "Customer", "Order", "email", "ref", "type", "values", "nullable", "sensitivity", "min", "max",
]
UNIT_GARBAGE = ["40 parsecs", "fast", "-3", "1e400", "∞", "12k/fortnight", "%", "3%/eon", "1..2MB",
                "", "NaN", "0x10", "9" * 400, "５０ms", "1_0_0", "ms20", "1,5k"]
SHORTHAND_GARBAGE = ["ref", "ref Nope?", "enum()", "decimal(a,b)", "string(x)", "int >= x", "text uniq",
                     "money(EUR", "text ??", "json default=", "ref Customer owned 1:1 phi", "被 text"]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(UNIT_GARBAGE + SHORTHAND_GARBAGE + VOCAB),
)
keys = st.one_of(st.sampled_from(VOCAB), st.text(min_size=1, max_size=12))
trees = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=5)),
    max_leaves=40,
)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _load_example(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


EXAMPLE_DATA = [_load_example(p) for p in EXAMPLES]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _top_keys(text: str) -> set[str]:
    try:
        raw = YAML(typ="safe", pure=True).load(text)
    except Exception:
        return set()
    return {str(k) for k in raw} if isinstance(raw, dict) else set()


def _check(text: str) -> LoadedSpec:
    """load_spec_text must not raise; error findings point at a line whenever one exists."""
    loaded = load_spec_text(text, "fuzz.yaml")
    assert isinstance(loaded, LoadedSpec)
    if loaded.spec is None:
        assert any(f.severity is Severity.ERROR for f in loaded.findings)
    top = _top_keys(text)
    for f in loaded.findings:
        assert isinstance(f, Finding)
        str(f)  # renders
        if f.severity is not Severity.ERROR:
            continue
        assert f.message
        path = f.location.path or ""
        head = path.split(".", 1)[0].split("[", 1)[0]
        if head in top:
            assert f.location.line is not None, f"no line for {f}"
            assert f.location.line >= 1
    return loaded


@FUZZ
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    _check(text)


@FUZZ
@given(trees)
def test_random_yaml_trees_never_raise(tree: Any) -> None:
    _check(_dump(tree))


@FUZZ
@given(st.dictionaries(st.sampled_from(VOCAB), trees, max_size=8))
def test_random_top_level_sections_never_raise(tree: dict[str, Any]) -> None:
    tree.setdefault("project", "fuzz")
    _check(_dump(tree))


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    data = copy.deepcopy(draw(st.sampled_from(EXAMPLE_DATA)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths[1:]))
        parent: Any = data
        for p in path[:-1]:
            parent = parent[p]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "unknown_key", "delete", "unit", "shorthand",
                                       "nest", "huge", "unicode_key"]))
        if action == "replace":
            parent[last] = draw(trees)
        elif action == "unknown_key" and isinstance(parent, dict):
            parent[str(last) + draw(st.sampled_from(["x", "s", "_", "é"]))] = parent.pop(last)
        elif action == "delete":
            if isinstance(parent, dict):
                parent.pop(last)
            else:
                parent.pop(last)
        elif action == "unit":
            parent[last] = draw(st.sampled_from(UNIT_GARBAGE))
        elif action == "shorthand":
            parent[last] = draw(st.sampled_from(SHORTHAND_GARBAGE))
        elif action == "nest":
            value = parent[last]
            for _ in range(draw(st.integers(min_value=1, max_value=60))):
                value = draw(st.sampled_from([[value], {"a": value}]))
            parent[last] = value
        elif action == "huge":
            parent[last] = draw(st.sampled_from([10**300, -(10**300), 1e308, math.inf, -math.inf,
                                                  2**63, -(2**63) - 1]))
        elif action == "unicode_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = parent.pop(last)
    return _dump(data)


@FUZZ
@given(mutated_examples())
def test_mutated_examples_never_raise(text: str) -> None:
    _check(text)


@FUZZ
@given(st.sampled_from(EXAMPLES), st.data())
def test_broken_yaml_text_never_raises(path: Path, data: st.DataObject) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    how = data.draw(st.sampled_from(["indent", "tab", "colon", "quote", "bracket", "truncate",
                                     "duplicate", "nul", "bom"]))
    if how == "indent":
        lines[i] = "   " + lines[i]
    elif how == "tab":
        lines[i] = "\t" + lines[i]
    elif how == "colon":
        lines[i] = lines[i] + ": x: y"
    elif how == "quote":
        lines[i] = lines[i] + ' "unterminated'
    elif how == "bracket":
        lines[i] = lines[i] + " [a, {b"
    elif how == "truncate":
        lines = lines[:i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "nul":
        lines[i] = lines[i] + "\x00"
    elif how == "bom":
        lines[i] = "\ufeff" + lines[i]
    _check("\n".join(lines))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for depth in (100, 1000, 50_000):
        for text in ("project: x\nentities: " + "[" * depth + "]" * depth,
                     "project: x\nentities: " + "{a: " * depth + "1" + "}" * depth):
            loaded = _check(text)
            assert loaded.spec is None


def test_huge_and_special_numbers() -> None:
    for value in ("1e400", "10" + "0" * 400, ".inf", "-.inf", ".nan", "-1", "0"):
        text = f"""project: x
entities:
  A:
    rows: {value}
    growth: {value}
    row_bytes: {value}
    attributes: {{n: int >= {value}}}
access_patterns:
  - {{name: a, entity: A, rate: {value}, p99: {value}, limit: {value}}}
workload: {{read_share: {value}, peak_qps: {value}, peak_multiplier: {value}}}
availability: {{target: {value}}}
"""
        _check(text)


MISTAKES = """\
version: 1
project: shop
entities:
  Customer:
    rows: 40M
    growht: 3%/month
    attributes:
      email: email unique pii
  Order:
    rows: 1M
    attributes:
      customer: ref Custmer
      total: money(EUR)
      placed_at: timestamp
      status: enum(new, paid) indexd
access_patterns:
  - name: history
    entity: Order
    equals: [customer_id, placed]
    rate: 800/s
    p99: 20 parsecs
  - name: lookup
    entity: Customer
    equals: [email]
    limit: many
    rate: 10/s
workload:
  read_share: true
"""


def test_several_mistakes_are_all_reported_with_line_and_fix() -> None:
    loaded = load_spec_text(MISTAKES, "shop.yaml")
    errors = [f for f in loaded.findings if f.severity is Severity.ERROR]
    by_line = {f.location.line: f for f in errors}
    expected = {
        6: ("growht", "growth"),              # unknown key with a typo → nearest key
        12: ("Custmer", "Customer"),          # unknown ref entity → nearest entity
        15: ("indexd", "indexed"),            # unknown shorthand modifier → nearest
        19: ("placed", "placed_at"),          # unknown attribute in an access pattern
        21: ("parsecs", "20ms"),              # bad unit → an example of a valid one
        25: ("integer", "whole number"),      # bad type → what to write
        28: ("percentage", "%"),              # bad type for a quantity
    }
    for line, (in_message, in_fix) in expected.items():
        assert line in by_line, f"line {line} not reported: {[str(f) for f in errors]}"
        f = by_line[line]
        assert in_message in f.message + " " + (f.remediation or ""), str(f)
        assert f.remediation, f"no fix for {f}"
        assert in_fix in f.remediation + " " + f.message, str(f)
    assert len(errors) == len(expected), [str(f) for f in errors]
    for f in errors:
        assert f.location.line and f.location.column and f.location.path and f.remediation, str(f)
