"""Checks as rules with stable codes (sqlfluff/ruff style).

A rule is a class in ``rules/<bundle>/<CODE>.py`` decorated with :func:`register`. Its docstring's
first line is the summary; the rest has the fixed sections listed in ``DOC_SECTIONS`` (a test
enforces them). Each rule has YAML cases in ``tests/fixtures/rules/<CODE>.yml``.
"""

from dbwright.rules.base import DOC_SECTIONS, Rule, all_rules, get_rule, load_bundle, register

__all__ = ["DOC_SECTIONS", "Rule", "all_rules", "get_rule", "load_bundle", "register"]
