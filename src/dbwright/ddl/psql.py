"""Split a psql script (pg_dump output, hand-written scripts) the way psql reads it.

psql, not the server, handles backslash meta-commands (``\\restrict`` of newer pg_dump, ``\\connect``,
``\\set``, ``\\pset``, ``\\copy``…) and the data lines of ``COPY … FROM stdin``. The server's parser
(pglast) rejects them, and a splitter that only knows ``;`` glues a meta-command to the statement
after it. This scanner follows psql's lexer rules (psqlscan.l):

- a backslash outside quotes and comments starts a meta-command that runs to the end of the line;
  ``\\g``, ``\\gx``, ``\\gset``, ``\\gexec``, ``\\gdesc``, ``\\crosstabview`` and ``\\watch`` also end
  the statement typed so far (like ``;``); other meta-commands leave it open;
- ``;`` ends a statement only outside quotes, comments and parentheses, and outside the
  ``BEGIN … END`` body of an SQL-standard ``CREATE FUNCTION/PROCEDURE``;
- after ``COPY … FROM stdin;`` (or ``\\copy … from stdin``) the following lines up to ``\\.`` are data.

Every statement and meta-command keeps its 1-based line, so callers can point at ``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# meta-commands that send the query buffer to the server, as ';' does
SEND_COMMANDS = frozenset({"g", "gx", "gset", "gexec", "gdesc", "crosstabview", "watch"})

_COPY_STDIN = re.compile(r"^\s*copy\b.*\bfrom\s+stdin\b", re.IGNORECASE | re.DOTALL)
_META_COPY_STDIN = re.compile(r".*\bfrom\s+(stdin|pstdin)\b", re.IGNORECASE | re.DOTALL)
_ROUTINE = re.compile(r"^\s*create\s+(or\s+replace\s+)?(function|procedure)\b", re.IGNORECASE)
_SCS = re.compile(r"^\s*set\s+(?:session\s+)?standard_conforming_strings\s*(?:=|to)\s*'?(\w+)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_DOLLAR = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")


@dataclass
class Chunk:
    """A statement (``kind='sql'``) or a meta-command (``kind='meta'``) of a psql script."""

    kind: str
    text: str
    line: int
    offset: int
    name: str = ""  # meta-command name without the backslash, lower case
    args: str = ""  # meta-command arguments (rest of the line)
    data: str | None = None  # COPY FROM stdin / \copy from stdin: the data lines (without the \. line)
    data_line: int | None = None  # line of the first data line
    data_span: tuple[int, int] | None = None  # offsets of the data block including the \. line


@dataclass
class PsqlScript:
    chunks: list[Chunk] = field(default_factory=list)
    unterminated: str | None = None  # text after the last ';' that never ended (psql would not send it)

    @property
    def statements(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "sql"]

    @property
    def meta(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kind == "meta"]


def _line_at(text: str, offset: int, cache: list[int]) -> int:
    # cache[0] = last offset, cache[1] = its line: offsets only grow while scanning
    if offset < cache[0]:
        cache[0], cache[1] = 0, 1
    cache[1] += text.count("\n", cache[0], offset)
    cache[0] = offset
    return cache[1]


def split_psql(text: str) -> PsqlScript:
    """Split ``text`` into statements and meta-commands (see the module docstring)."""
    out = PsqlScript()
    n = len(text)
    i = 0
    start: int | None = None  # offset of the first token of the current statement
    paren = 0
    begin_depth = 0
    holes: list[tuple[int, int]] = []  # meta-command spans inside the current statement
    standard_strings = True  # standard_conforming_strings: off makes '\\' an escape in every string
    cache = [0, 1]

    def emit_sql(end: int) -> None:
        nonlocal start, paren, begin_depth, holes, standard_strings
        if start is None:
            return
        pieces, pos = [], start
        for a, b in holes:
            pieces.append(text[pos:a])
            pos = b
        pieces.append(text[pos:end])
        stmt = "".join(pieces).strip()
        line = _line_at(text, start, cache)
        if stmt:
            chunk = Chunk("sql", stmt, line, start)
            out.chunks.append(chunk)
        start, paren, begin_depth, holes = None, 0, 0, []
        if not stmt:
            return
        scs = _SCS.match(stmt)
        if scs:
            standard_strings = scs.group(1).lower() not in ("off", "false", "0")
        if _COPY_STDIN.match(_strip_comments(stmt)):
            _read_copy_data(chunk)

    def _read_copy_data(chunk: Chunk) -> None:
        nonlocal i
        eol = text.find("\n", i)
        if eol < 0:
            chunk.data = ""
            i = n
            return
        pos = eol + 1
        first = pos
        while pos < n:
            e = text.find("\n", pos)
            line = text[pos:e if e >= 0 else n]
            if line.rstrip("\r") == "\\.":
                chunk.data = text[first:pos]
                chunk.data_line = _line_at(text, first, cache)
                i = e + 1 if e >= 0 else n
                chunk.data_span = (first, e if e >= 0 else n)
                return
            pos = e + 1 if e >= 0 else n
        chunk.data = text[first:n]
        chunk.data_line = _line_at(text, first, cache)
        chunk.data_span = (first, n)
        i = n

    while i < n:
        c = text[i]
        if c in " \t\r\n\f":
            i += 1
            continue
        if c == "-" and text.startswith("--", i):
            e = text.find("\n", i)
            i = n if e < 0 else e + 1
            continue
        if c == "/" and text.startswith("/*", i):
            i = _skip_block_comment(text, i)
            continue
        if c == "\\":
            e = text.find("\n", i)
            line_end = n if e < 0 else e
            raw = text[i + 1:line_end]
            # a meta-command also ends at '\\' (psql's separator between two commands on one line)
            raw = raw.split("\\\\", 1)[0]
            m = re.match(r"([A-Za-z!?.;]+|\S)", raw)
            name = (m.group(1) if m else "").lower()
            args = raw[m.end():].strip() if m else raw.strip()
            if name in SEND_COMMANDS and start is not None:
                emit_sql(i)
            if name == ";":  # \; : a literal semicolon that does not send; keep scanning the statement
                i += 2
                continue
            chunk = Chunk("meta", "\\" + raw.strip(), _line_at(text, i, cache), i, name, args)
            out.chunks.append(chunk)
            if start is not None:
                holes.append((i, line_end))
            i = line_end + 1
            if name == "copy" and _META_COPY_STDIN.match(args):
                i = line_end
                _read_copy_data(chunk)
            continue
        if start is None:
            start = i
        if c == "'":
            i = _skip_string(text, i, escape=not standard_strings or _is_e_string(text, i))
            continue
        if c == '"':
            e = text.find('"', i + 1)
            while e >= 0 and text.startswith('""', e):
                e = text.find('"', e + 2)
            i = n if e < 0 else e + 1
            continue
        if c == "$":
            m = _DOLLAR.match(text, i)
            if m and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                tag = m.group(0)
                e = text.find(tag, m.end())
                i = n if e < 0 else e + len(tag)
                continue
            i += 1
            continue
        if c == "(":
            paren += 1
        elif c == ")":
            paren = max(0, paren - 1)
        elif c == ";" and paren == 0 and begin_depth == 0:
            i += 1
            emit_sql(i)  # may move i past COPY data
            continue
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            assert m is not None
            word = m.group(0).lower()
            if begin_depth and word in ("begin", "case"):
                begin_depth += 1
            elif word == "begin" and re.match(r"begin\s+atomic\b", text[i:i + 40], re.IGNORECASE) and \
                    _ROUTINE.match(text[start:i]):
                begin_depth = 1
            elif word == "end" and begin_depth:
                begin_depth -= 1
            i = m.end()
            continue
        i += 1
    if start is not None:
        rest = text[start:].strip()
        if rest:
            out.unterminated = rest
            out.chunks.append(Chunk("sql", rest, _line_at(text, start, cache), start))
    return out


def _is_e_string(text: str, i: int) -> bool:
    return i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_"))


def _skip_string(text: str, i: int, escape: bool) -> int:
    n = len(text)
    j = i + 1
    while j < n:
        ch = text[j]
        if escape and ch == "\\":
            j += 2
            continue
        if ch == "'":
            if j + 1 < n and text[j + 1] == "'":
                j += 2
                continue
            return j + 1
        j += 1
    return n


def _skip_block_comment(text: str, i: int) -> int:
    depth = 0
    n = len(text)
    j = i
    while j < n:
        if text.startswith("/*", j):
            depth += 1
            j += 2
        elif text.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    return n


def _strip_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", " ", sql)


def blank_meta(text: str) -> str:
    """``text`` with every meta-command line and COPY data block blanked (newlines kept), so a
    statement splitter that knows only SQL sees the same statements at the same lines. (pglast's
    scanner still splits SQL-standard ``BEGIN ATOMIC`` bodies at their inner ``;``: prefer
    :func:`split_psql`.)"""
    script = split_psql(text)
    chars = list(text)
    for ch in script.chunks:
        spans: list[tuple[int, int]] = []
        if ch.kind == "meta":
            e = text.find("\n", ch.offset)
            spans.append((ch.offset, len(text) if e < 0 else e))
        if ch.data_span is not None:
            spans.append(ch.data_span)
        for a, b in spans:
            for k in range(a, b):
                if chars[k] != "\n":
                    chars[k] = " "
        if ch.kind == "meta" and ch.name in SEND_COMMANDS:
            chars[ch.offset] = ";"  # it ended the statement before it, as ';' does
    return "".join(chars)
