"""Columns that must not enter FD discovery as they are: empty or constant ones, and lists.

- A column that is NULL in every row (or holds one value) is determined by the empty set: FD
  miners report ``∅ → c``, which a left-side-based key search then ignores, so the column ends up
  in every candidate key — a key of six all-NULL columns, whose join on NULLs loses every row.
  Such columns carry no information about the others: they are set aside and reported.
- A text column holding delimited lists (``"sql,python"``) is not atomic (1NF): it is kept as a
  value for the decomposition and reported with the child table that would hold its items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dbwright.inspect.profile import TableData
from dbwright.theory.first_normal_form import DelimitedList, delimited_list


@dataclass
class Degenerate:
    table: TableData  # the columns FD discovery should see
    empty: list[str] = field(default_factory=list)  # NULL in every row
    constant: dict[str, str] = field(default_factory=dict)  # column -> its one value
    lists: dict[str, DelimitedList] = field(default_factory=dict)


def split_degenerate(t: TableData) -> Degenerate:
    empty, constant, lists = [], {}, {}
    for i, c in enumerate(t.columns):
        vals = [r[i] for r in t.rows]
        distinct = set(vals)
        if distinct <= {None}:
            empty.append(c)
        elif len(distinct) == 1 and len(t.rows) > 1:
            constant[c] = str(next(iter(distinct)))
        else:
            found = delimited_list(v for v in vals if v is not None)
            if found is not None:
                lists[c] = found
    drop = set(empty) | set(constant)
    if not drop or len(drop) >= len(t.columns):
        return Degenerate(t, empty if drop != set(t.columns) else [], {}, lists)
    keep = [i for i, c in enumerate(t.columns) if c not in drop]
    kept = TableData(t.name, [t.columns[i] for i in keep], [tuple(r[i] for i in keep) for r in t.rows],
                     t.total_rows, t.source, {c: v for c, v in t.types.items() if c not in drop})
    return Degenerate(kept, empty, constant, lists)


def list_child_sql(table: str, key: list[str], column: str, sep: str) -> dict[str, str]:
    """DDL and fill SQL (PostgreSQL) for the child table of a list column."""
    child = f"{table}_{column}"
    keys = ", ".join(key)
    return {
        "ddl": (f"CREATE TABLE {child} (\n    " + ",\n    ".join(f"{k} text NOT NULL" for k in key)
                + f",\n    position integer NOT NULL,\n    {column} text NOT NULL,\n    PRIMARY KEY ({keys}, position)\n);"),
        "fill": (f"INSERT INTO {child} ({keys}, position, {column})\nSELECT {', '.join('s.' + k for k in key)}, x.n, "
                 f"trim(x.item)\nFROM {table} s, unnest(string_to_array(s.{column}, '{sep}')) WITH ORDINALITY "
                 f"x(item, n)\nWHERE trim(x.item) <> '';"),
    }
