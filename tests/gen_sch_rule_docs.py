"""Generate docs/rules/SCH*.md from the schema rules' docstrings: `.venv/bin/python tests/gen_sch_rule_docs.py`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_dr_rule_docs import ROOT, render_page


def main() -> None:
    from dbwright.rules import load_bundle

    out = ROOT / "docs" / "rules"
    out.mkdir(parents=True, exist_ok=True)
    for rule in load_bundle("schema"):
        page = render_page(rule).replace("gen_dr_rule_docs", "gen_sch_rule_docs")
        (out / f"{rule.code}.md").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
