"""psql script splitting: meta-commands, COPY data, quoting — never a statement swallowed."""

from __future__ import annotations

import pglast

from dbwright.ddl.psql import blank_meta, split_psql

SCRIPT = r"""\restrict Q1w2e3
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
-- a comment; with a semicolon
CREATE TABLE public.t (a int, b text DEFAULT ';', c text DEFAULT E'it\'s');
\set ON_ERROR_STOP on
CREATE INDEX t_a ON public.t (a);
COPY public.t (a, b) FROM stdin;
1	x;y
2	\N
\.
SELECT $body$ ; \x $body$ \gset
SELECT 2
\pset format csv
;
CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
\copy public.t from stdin
3	z
\.
CREATE RULE r AS ON INSERT TO public.t DO ALSO (SELECT 1; SELECT 2);
\unrestrict Q1w2e3
"""


def test_meta_commands_are_separate_and_statements_kept() -> None:
    sc = split_psql(SCRIPT)
    meta = [(c.name, c.line) for c in sc.meta]
    assert meta == [("restrict", 1), ("set", 6), ("gset", 12), ("pset", 14), ("copy", 17), ("unrestrict", 21)]
    stmts = sc.statements
    heads = [s.text.split()[0].upper() for s in stmts]
    assert heads == ["SET", "SELECT", "CREATE", "CREATE", "COPY", "SELECT", "SELECT", "CREATE", "CREATE"]
    assert [s.line for s in stmts] == [2, 3, 5, 7, 8, 12, 13, 16, 20]
    # the meta-command inside "SELECT 2 … ;" is cut out of the statement, which still parses
    assert "\\pset" not in stmts[6].text
    for s in stmts:
        pglast.parse_sql(s.text)
    assert sc.unterminated is None


def test_copy_data_is_attached_not_parsed() -> None:
    sc = split_psql(SCRIPT)
    copy = sc.statements[4]
    assert copy.data == "1\tx;y\n2\t\\N\n" and copy.data_line == 9
    meta_copy = next(c for c in sc.meta if c.name == "copy")
    assert meta_copy.data == "3\tz\n"


def test_blank_meta_keeps_lines_for_sql_splitters() -> None:
    blanked = blank_meta(SCRIPT)
    assert blanked.count("\n") == SCRIPT.count("\n")
    assert "\\restrict" not in blanked and "x;y" not in blanked
    texts = [blanked[s].strip() for s in pglast.split(blanked, with_parser=False, only_slices=True)]
    assert "SELECT 2" in [t.split("\n")[0] for t in texts]  # \gset ended the statement before it


def test_unterminated_statement_is_reported() -> None:
    sc = split_psql("CREATE TABLE a (x int);\nCREATE TABLE b (y int)\n")
    assert sc.unterminated == "CREATE TABLE b (y int)"
    assert [s.text for s in sc.statements][-1] == "CREATE TABLE b (y int)"


def test_standard_conforming_strings_off_makes_backslash_an_escape() -> None:
    sql = "SET standard_conforming_strings = off;\nINSERT INTO t VALUES ('a\\';b');\nSELECT 1;\n"
    assert [s.text for s in split_psql(sql).statements] == [
        "SET standard_conforming_strings = off;", "INSERT INTO t VALUES ('a\\';b');", "SELECT 1;"]
