"""The one place passwords are taken out of text: every message, log line, report and file goes
through :func:`redact` before a person or a file sees it.

Two mechanisms, both needed:

- **Patterns** for every way a connection string carries a password: URL userinfo
  (``postgresql://u:pw@h/db``, ``mysql+pymysql://``, ``mariadb://``), query strings
  (``?password=pw``, ``&passwd=``), libpq keyword form (``password=pw``, ``password='p w'``),
  MySQL client options (``--password=pw``), and ``"password": "pw"`` in JSON / Python reprs.
- **Known secrets**: the passwords of every DSN dbwright was given (:func:`register_dsn`) and of
  ``PGPASSWORD`` / ``MYSQL_PWD``, replaced wherever they appear, in any syntax — a driver message
  that quotes a password in a form no pattern knows still loses it.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
from collections.abc import Iterable
from typing import Any

MASK = "***"
# Shorter known secrets are left to the patterns: replacing every "ab" in a report would garble it.
MIN_LITERAL = 4
ENV_SECRETS = ("PGPASSWORD", "MYSQL_PWD", "MARIADB_PWD")

_KEYS = r"(?:password|passwd|pwd|pass)"
_URL = re.compile(r"(?P<pre>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@'\"]*:)(?P<pw>[^\s@'\"]*)@")
_QUERY = re.compile(rf"(?P<pre>[?&;]{_KEYS}=)(?P<pw>[^&\s'\"#]*)", re.IGNORECASE)
_QUOTED_KV = re.compile(rf"(?P<pre>(?P<q0>['\"]?)\b{_KEYS}(?P=q0)\s*[:=]\s*)(?P<q>['\"])(?P<pw>(?:\\.|(?!(?P=q)).)*)(?P=q)",
                        re.IGNORECASE)
_PLAIN_KV = re.compile(rf"(?P<pre>(?<![\w.-])(?:--)?{_KEYS}\s*=\s*)(?P<pw>[^\s'\",;&#)}}\]]+)", re.IGNORECASE)

_known: set[str] = set()
_lock = threading.Lock()


def register_secret(secret: str | None) -> None:
    """Redact ``secret`` (and its URL-encoded/decoded forms) wherever it appears from now on."""
    if not secret:
        return
    forms = {secret, urllib.parse.unquote(secret), urllib.parse.quote(secret, safe=""),
             urllib.parse.quote_plus(secret)}
    with _lock:
        _known.update(f for f in forms if len(f) >= MIN_LITERAL)


def passwords_in(dsn: str) -> list[str]:
    """The passwords written in a DSN (any of the forms above)."""
    found = [m.group("pw") for rx in (_URL, _QUERY, _PLAIN_KV) for m in rx.finditer(dsn)]
    found += [_unescape(m.group("pw")) for m in _QUOTED_KV.finditer(dsn)]
    return [p for p in found if p and p != MASK]


def register_dsn(dsn: str | None) -> None:
    """Remember the passwords of a DSN the user gave, so no later text can show them."""
    if dsn:
        for pw in passwords_in(dsn):
            register_secret(pw)


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _env_secrets() -> Iterable[str]:
    for name in ENV_SECRETS:
        value = os.environ.get(name)
        if value and len(value) >= MIN_LITERAL:
            yield value


def redact(text: str) -> str:
    """``text`` with every password replaced by ``***``."""
    if not text:
        return text
    text = _URL.sub(lambda m: m.group("pre") + (MASK if m.group("pw") else "") + "@", text)
    text = _QUERY.sub(lambda m: m.group("pre") + MASK, text)
    text = _QUOTED_KV.sub(lambda m: m.group("pre") + m.group("q") + MASK + m.group("q"), text)
    text = _PLAIN_KV.sub(lambda m: m.group("pre") + MASK, text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in [*known, *_env_secrets()]:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_any(value: object) -> object:
    """A JSON-like value with every string in it redacted (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: redact_any(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_any(v) for v in value]
    return value


class RedactingStream:
    """A text stream that redacts whole lines before they reach ``target`` (stdout/stderr of the CLI).

    Lines are held until their newline (or ``flush``) so a password split across two ``write``
    calls is still seen whole.
    """

    def __init__(self, target: Any):
        self._target = target
        self._buf = ""

    def write(self, text: str) -> int:
        self._buf += text
        if "\n" in self._buf:
            done, _, self._buf = self._buf.rpartition("\n")
            self._target.write(redact(done + "\n"))
        return len(text)

    def flush(self) -> None:
        if self._buf:
            self._target.write(redact(self._buf))
            self._buf = ""
        self._target.flush()

    def isatty(self) -> bool:
        return bool(self._target.isatty())

    def fileno(self) -> int:
        return int(self._target.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def install_redacting_streams() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`RedactingStream` (idempotent)."""
    import atexit
    import sys

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, RedactingStream):
            wrapped = RedactingStream(stream)
            setattr(sys, name, wrapped)
            atexit.register(wrapped.flush)
