"""DESIGN.md as GitHub renders it: tidy the blank lines tables need, and check tables and anchors.

GitHub-flavoured Markdown only starts a table at a line that begins a new block: a table written
right after a bullet or a paragraph line becomes part of it and shows as raw pipes. :func:`tidy`
puts a blank line around every table outside code fences; :func:`problems` renders the text with
markdown-it-py (CommonMark + the GFM table extension) and reports every table that still does not
render as one and every ``(#anchor)`` link without a heading or ``<a id>`` it points to.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

_DELIM = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"\]\(#([^)\s]+)\)")
_HTML_ID = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def _table_starts(lines: list[str]) -> list[int]:
    """0-based line numbers of header rows followed by a delimiter row, outside code fences."""
    starts, fenced = [], False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and i + 1 < len(lines) and _is_row(line) and _DELIM.match(lines[i + 1]) \
                and "|" in lines[i + 1]:
            starts.append(i)
    return starts


def tidy(text: str) -> str:
    """A blank line before and after every table block (outside code fences); nothing else changes."""
    lines = text.split("\n")
    starts = set(_table_starts(lines))
    out: list[str] = []
    in_table = False
    for i, line in enumerate(lines):
        if i in starts and out and out[-1].strip():
            out.append("")
        if in_table and not _is_row(line) and line.strip():
            out.append("")  # a line glued under a table would be read as another row
        in_table = (i in starts) or (in_table and _is_row(line))
        out.append(line)
    return "\n".join(out)


def github_slug(heading: str, seen: Counter[str]) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens, -N for repeats."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
    n = seen[slug]
    seen[slug] += 1
    return slug if n == 0 else f"{slug}-{n}"


def anchor(heading: str) -> str:
    """The anchor of the first heading with this text."""
    return github_slug(heading, Counter())


def problems(text: str) -> list[str]:
    """Every table that does not render as a table and every broken in-page link, located by line."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    lines = text.split("\n")
    rendered = {t.map[0] for t in tokens if t.type == "table_open" and t.map}
    found = [f"line {i + 1}: table does not render (raw pipes on GitHub): {lines[i][:60]!r}"
             for i in _table_starts(lines) if i not in rendered]
    seen: Counter[str] = Counter()
    anchors = set(_HTML_ID.findall(text))
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            anchors.add(github_slug(tokens[i + 1].content, seen))
    fenced = False
    for n, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        for target in _LINK.findall(line):
            if target not in anchors:
                found.append(f"line {n}: link to #{target} has no heading or <a id> to land on")
    return found


def number(v: Any) -> str:
    """A number as a reader wants it: thousands separators, 4 significant digits, no float noise."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
            return f"{v:.3g}"
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def plain(v: Any) -> str:
    """Any value as prose, never a Python repr: ``{'a': 1}`` → ``a 1``, lists comma-separated."""
    if isinstance(v, dict):
        if "display" in v:
            return str(v["display"])
        return ", ".join(f"{k} {plain(x)}" if not isinstance(x, dict) else f"{k} ({plain(x)})"
                         for k, x in v.items())
    if isinstance(v, list | tuple | set | frozenset):
        return ", ".join(plain(x) for x in v)
    if v is None:
        return ""
    return number(v)


def cell(v: Any) -> str:
    """A table cell: plain text with pipes escaped and newlines folded."""
    return plain(v).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[Any]], fmt: Callable[[Any], str] = cell) -> str:
    """A GFM table with blank lines around it, so it renders wherever it is placed."""
    out = ["", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(fmt(c) for c in r) + " |" for r in rows]
    return "\n".join([*out, ""])
