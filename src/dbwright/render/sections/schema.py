"""Schema section body: conceptual relationships, then tables with per-dialect types."""

from __future__ import annotations

from dbwright.design import Section


def render_markdown(section: Section) -> str:
    data = section.data
    out = ["### Conceptual model", "", "| From | Relationship | To | Via | Optional | Owned |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in data["conceptual"]["relationships"]:
        out.append(f"| {r['from']} | {r['cardinality']} | {r['to']} | {r['via']} | "
                   f"{'yes' if r['optional'] else 'no'} | {'yes' if r['owned'] else 'no'} |")
    out += ["", "### Tables (logical → physical)", ""]
    for t in data["tables"]:
        flags = [t["kind"]] + (["tenant-scoped, RLS"] if t["row_level_security"] else [])
        out += [f"#### `{t['name']}` ({', '.join(flags)})", "",
                "| Column | Logical | PostgreSQL | MariaDB/MySQL | SQLite | Null | Notes |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for c in t["columns"]:
            notes = "; ".join(x for x in [c.get("comment") or ""] if x)
            out.append(f"| {c['name']} | {c['logical']} | {c['types']['postgresql']} | {c['types']['mysql']} | "
                       f"{c['types']['sqlite']} | {'yes' if c['nullable'] else 'no'} | {notes} |")
        out.append("")
        out.append(f"- primary key: ({', '.join(t['primary_key'])})")
        for fk in t["foreign_keys"]:
            out.append(f"- foreign key ({', '.join(fk['columns'])}) → {fk['references']}"
                       f"({', '.join(fk['referenced_columns'])}) ON DELETE {fk['on_delete'] or 'NO ACTION'}")
        for u in t["unique"]:
            out.append(f"- unique ({', '.join(u)})")
        for ix in t["indexes"]:
            out.append(f"- {'unique ' if ix['unique'] else ''}index {ix['name']} ({', '.join(ix['columns'])})")
        for ck in t["checks"]:
            out.append(f"- check {ck}")
        out.append("")
    return "\n".join(out)
