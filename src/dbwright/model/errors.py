"""User-facing errors: the CLI prints their message and exits 2, never a traceback."""


class DbwrightError(Exception):
    """Bad input or an unmet precondition; the message says what to do."""
