"""``python -m dbwright.cli``."""

from dbwright.cli.main import run

run()
