"""Property: any valid spec → DDL → apply → reflect equals the design, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbwright.engines import sqlite
from helpers_design import assert_round_trip, spec_from

TYPES = ["text", "string(40)", "int", "bigint", "smallint", "decimal(10,2)", "money(EUR)", "float", "bool",
         "date", "timestamp", "datetime", "time", "duration", "email", "uuid", "json", "bytes", "url",
         "phone", "ip", "enum(a, bb, ccc)"]
_db = itertools.count()


@st.composite
def specs(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 5))
    tenancy = draw(st.sampled_from(["none", "shared"]))
    names = [f"Ent{i}" for i in range(n)]
    entities: dict[str, Any] = {}
    if tenancy == "shared":
        entities["Tenant"] = {"tenant": True, "attributes": {"name": "text"}}
    for i, name in enumerate(names):
        attrs: dict[str, str] = {}
        for j in range(draw(st.integers(1, 6))):
            t = draw(st.sampled_from(TYPES))
            mods = []
            if draw(st.booleans()):
                t += "?"
            if t.startswith(("int", "decimal", "money", "smallint")) and draw(st.booleans()):
                mods.append(">= 0")
            if t.rstrip("?") in ("email", "string(40)", "int") and draw(st.integers(0, 3)) == 0:
                mods.append("unique-per-tenant" if tenancy == "shared" else "unique")
            attrs[f"a{j}"] = " ".join([t, *mods])
        if i and draw(st.booleans()):
            target = names[draw(st.integers(0, i - 1))]
            kind = draw(st.sampled_from(["", "?", " owned", " 1:1"]))
            attrs["link"] = f"ref {target}?" if kind == "?" else f"ref {target}{kind}"
        if draw(st.integers(0, 4)) == 0:
            attrs["parent"] = f"ref {name}?"
        entities[name] = {"attributes": attrs, "audit": draw(st.booleans()),
                          "soft_delete": draw(st.booleans()), "history": draw(st.integers(0, 3)) == 0,
                          "exposed": draw(st.booleans())}
    spec: dict[str, Any] = {"project": "prop", "entities": entities}
    if tenancy == "shared":
        spec["tenancy"] = {"model": "shared", "tenants": 100}
    if n >= 2 and draw(st.booleans()):
        spec["relationships"] = [{"between": [names[0], names[1]], "attributes": {"weight": "int?"}}]
    return spec


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(specs())
def test_random_specs_round_trip(pg_cluster, raw: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    spec = spec_from(json.dumps(raw, indent=2))  # JSON is YAML
    with sqlite.sandbox() as box:
        assert_round_trip(spec, "sqlite", box, "prop")
    name = f"prop{next(_db)}"
    assert_round_trip(spec, "postgresql", pg_cluster, name)
    pg_cluster.drop_database(name)
