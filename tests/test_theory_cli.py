"""`dbwright fd analyze` on the corpus layout: one case, a file of many, a folder; JSON and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dbwright.cli.main import app

runner = CliRunner()


def test_fd_analyze_whole_corpus_json(corpora: Path) -> None:
    r = runner.invoke(app, ["fd", "analyze", str(corpora / "normalization"), "--json"])
    assert r.exit_code == 0, r.output
    results = json.loads(r.stdout)
    assert len(results) == 54
    assert all(all(c.values()) for c in (x["checks"] for x in results))
    for x in results:
        assert {"candidate_keys", "normal_form", "minimal_cover", "synthesis_3nf", "bcnf_decomposition"} <= set(x)


def test_fd_analyze_text_single_case(tmp_path: Path) -> None:
    f = tmp_path / "one.yaml"
    f.write_text("name: addr\nattributes: [street, city, zip]\nfds: ['street,city -> zip', 'zip -> city']\n"
                 "normal_form: 3NF\n")
    r = runner.invoke(app, ["fd", "analyze", str(f)])
    assert r.exit_code == 0, r.output
    for needle in ("candidate_keys:     (street, city)  (street, zip)", "normal_form:        3NF",
                   "minimal_cover:", "synthesis_3nf:      (street, city, zip)",
                   "bcnf_decomposition:", "loses street,city -> zip", "all stated answers match"):
        assert needle in r.stdout, r.stdout


def test_fd_analyze_reports_mismatch_and_bad_input(tmp_path: Path) -> None:
    f = tmp_path / "wrong.yaml"
    f.write_text("cases:\n- name: w\n  attributes: [A, B]\n  fds: ['A -> B']\n  normal_form: 2NF\n")
    r = runner.invoke(app, ["fd", "analyze", str(f)])
    assert r.exit_code == 1 and "mismatch: normal_form" in r.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n- name: b\n  attributes: [A, B]\n  fds: ['A -> Q']\n")
    r = runner.invoke(app, ["fd", "analyze", str(bad)])
    assert r.exit_code == 2 and "unknown attribute(s) Q" in r.output
    empty = tmp_path / "empty.yaml"
    empty.write_text("cases:\n- name: e\n  attributes: [A, B]\n  fds: ['A -> ']\n")
    r = runner.invoke(app, ["fd", "analyze", str(empty)])
    assert r.exit_code == 2 and "right side is empty" in r.output
    r = runner.invoke(app, ["fd", "analyze", str(tmp_path / "none.yaml")])
    assert r.exit_code == 2 and "no such file" in r.output


def test_fd_analyze_all_covers(corpora: Path) -> None:
    r = runner.invoke(app, ["fd", "analyze", str(corpora / "normalization" / "cs5421_nus.yaml"), "--json",
                            "--all-covers"])
    assert r.exit_code == 0, r.output
    by_name = {x["name"]: x for x in json.loads(r.stdout)}
    assert len(by_name["cs5421-tutorial-abcde"]["all_minimal_covers"]) == 15
    assert len(by_name["cs5421-min-covers-cycle"]["all_minimal_covers"]) == 5


def test_fd_analyze_with_declared_mvds(tmp_path: Path) -> None:
    f = tmp_path / "mvd.yaml"
    f.write_text("cases:\n"
                 "- {name: ctb, attributes: [course, teacher, book], fds: [], mvds: ['course ->> teacher']}\n"
                 "- {name: ct, attributes: [course, teacher], fds: [], mvds: ['course ->> teacher']}\n"
                 "- {name: bad, attributes: [a, b], fds: [], mvds: ['a -> b']}\n")
    r = runner.invoke(app, ["fd", "analyze", str(f), "--json"])
    assert r.exit_code == 2 and "'->>'" in r.output
    f.write_text("\n".join(f.read_text().splitlines()[:-1]) + "\n")
    r = runner.invoke(app, ["fd", "analyze", str(f), "--json"])
    assert r.exit_code == 0, r.output
    ctb, ct = json.loads(r.stdout)
    assert ctb["normal_form"] == "BCNF" and ctb["violations"][0]["form"] == "4NF"
    assert ct["normal_form"] == "4NF"
