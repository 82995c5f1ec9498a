"""Bounded input reading: every spec, SQL, CSV, JSON and YAML file dbwright reads comes through here.

``read_input(path, kind)`` accepts regular files only (``/dev/zero``, FIFOs, sockets and
directories are refused without blocking or reading), refuses files over the kind's size limit
before reading them (and stops reading at the limit if a file grows), and decodes UTF-8 with the
line and column of a bad byte. Errors are :class:`InputError`: a ``DbwrightError`` (exit 2) with a
``file:line:col`` location, and never any of the file's content.

Limits per kind (MB), overridable by ``DBWRIGHT_MAX_<KIND>_MB`` (e.g. ``DBWRIGHT_MAX_SQL_MB=4096``)
or the ``limit`` argument (bytes): see ``LIMITS_MB``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from dbwright.model import DbwrightError, Finding, Location, Severity

LIMITS_MB = {
    "spec": 16,  # a spec with thousands of entities is a few MB
    "yaml": 16,  # FD case files, profiles written into specs
    "json": 256,
    "sql": 1024,  # schema dumps and migration scripts (MusicBrainz' schema is 1.5 MB)
    "data": 4096,  # CSV / JSON lines for profiling (sampled while reading)
    "text": 64,
}


class InputError(DbwrightError):
    """A file that cannot be read as input; ``location`` says where (file:line:col)."""

    def __init__(self, message: str, location: Location, fix: str = ""):
        self.location = location
        self.problem = message
        self.fix = fix
        super().__init__(f"{location}: {message}" + (f" (fix: {fix})" if fix else ""))

    def finding(self, code: str = "INPUT000") -> Finding:
        return Finding(code, Severity.ERROR, self.problem, self.location, remediation=self.fix)


def limit_for(kind: str, limit: int | None = None) -> int:
    """Bytes allowed for ``kind``: the argument, else ``DBWRIGHT_MAX_<KIND>_MB``, else the default."""
    if limit is not None:
        return limit
    env = os.environ.get(f"DBWRIGHT_MAX_{kind.upper()}_MB")
    if env:
        with contextlib.suppress(ValueError):
            return int(float(env) * 1024 * 1024)
    return LIMITS_MB.get(kind, LIMITS_MB["text"]) * 1024 * 1024


def at(file: str | Path | None, text: str | None = None, offset: int | None = None,
       line: int | None = None, column: int | None = None) -> Location:
    """A Location from 1-based line/column, or from a character offset into ``text``; 1:1 otherwise."""
    if offset is not None and text is not None:
        offset = max(0, min(offset, len(text)))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(str(file) if file is not None else None, line or 1, column or 1)


def _kind_word(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


@contextlib.contextmanager
def open_input(path: str | Path, kind: str = "text", limit: int | None = None) -> Iterator[IO[bytes]]:
    """A binary file object for streaming readers (CSV), after the regular-file and size checks."""
    fd, _size, _cap = _open_checked(path, kind, limit)
    with os.fdopen(fd, "rb") as fh:
        yield fh


def _open_checked(path: str | Path, kind: str, limit: int | None) -> tuple[int, int, int]:
    p = Path(path)
    loc = at(p)
    cap = limit_for(kind, limit)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore the flag.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("no such file", loc, "check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", loc, f"give a {kind} file") from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", loc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"is {_kind_word(st.st_mode)}; dbwright reads only regular files", loc,
                             f"give a {kind} file" + ("" if stat.S_ISDIR(st.st_mode)
                                                      else " (copy the stream into a file first)"))
        if st.st_size > cap:
            raise InputError(f"is {_human(st.st_size)}, over the {_human(cap)} limit for {kind} input", loc,
                             f"raise it with DBWRIGHT_MAX_{kind.upper()}_MB if the file is really this big")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size, cap


def read_bytes(path: str | Path, kind: str = "text", limit: int | None = None) -> bytes:
    """The bytes of a regular file within the kind's limit (stops reading past it)."""
    fd, _size, cap = _open_checked(path, kind, limit)
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise InputError(f"grew past the {_human(cap)} limit for {kind} input while being read",
                                 at(path), f"raise it with DBWRIGHT_MAX_{kind.upper()}_MB")
    finally:
        os.close(fd)
    return b"".join(chunks)


def decode(data: bytes, path: str | Path | None, kind: str = "text") -> str:
    """UTF-8 text (a BOM dropped); InputError with line:col of the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[:exc.start].decode("utf-8", errors="replace")
        raise InputError(f"not UTF-8 text (a {kind} file must be UTF-8)", at(path, good, len(good)),
                         "save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def read_input(path: str | Path, kind: str = "text", limit: int | None = None) -> str:
    """The text of an input file: regular file, within the size limit, UTF-8. See the module docstring."""
    return decode(read_bytes(path, kind, limit), path, kind)
