"""The MySQL/MariaDB online-DDL model against what the session MariaDB really accepts
(ALGORITHM=INSTANT/NOCOPY/INPLACE/COPY and LOCK=NONE/SHARED, cheapest first)."""

from __future__ import annotations

from dbwright.migration.parse import parse_script
from dbwright.verify.locks import probe_algorithm

BASE = ("CREATE TABLE t (id INT PRIMARY KEY, a INT, name VARCHAR(50), e ENUM('x','y'), c INT, "
        "body TEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")
SETUP = ["DROP TABLE IF EXISTS t", "DROP TABLE IF EXISTS p", "CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB", BASE]
FORMS = [
    "ALTER TABLE t ADD COLUMN z INT",
    "ALTER TABLE t ADD COLUMN z INT AFTER a",
    "ALTER TABLE t DROP COLUMN c",
    "ALTER TABLE t MODIFY name VARCHAR(60)",
    "ALTER TABLE t MODIFY name VARCHAR(100)",
    "ALTER TABLE t MODIFY e ENUM('x','y','z')",
    "ALTER TABLE t MODIFY e ENUM('y','x')",
    "ALTER TABLE t MODIFY c BIGINT",
    "ALTER TABLE t ADD INDEX ia (a)",
    "ALTER TABLE t ADD FULLTEXT INDEX ft (body)",
    "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)",
    "ALTER TABLE t RENAME COLUMN c TO c2",
    "ALTER TABLE t ALTER COLUMN a SET DEFAULT 5",
]


def test_online_ddl_model_matches_mariadb(maria, maria_db) -> None:  # type: ignore[no-untyped-def]
    version = tuple(int(x) for x in str(maria.version).split("-")[0].split(".")[:2])
    mismatches = []
    for alter in FORMS:
        st = parse_script(alter + ";", engine="mariadb", version=version, context_sql=BASE + ";").stmts[0]
        algo, lock = probe_algorithm(maria, maria_db, SETUP, alter)
        if (st.detail["algorithm"], st.detail["lock"]) != (algo, lock):
            mismatches.append(f"{alter}: server {algo}/{lock}, model {st.detail['algorithm']}/{st.detail['lock']}")
    assert not mismatches, "\n".join(mismatches)


V1 = """CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(60) NOT NULL) ENGINE=InnoDB
  DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, note VARCHAR(50),
  status ENUM('new','paid'), total INT NOT NULL, CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;"""
V2 = """CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(60) NOT NULL) ENGINE=InnoDB
  DEFAULT CHARSET=utf8mb4;
CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id BIGINT NOT NULL, comment VARCHAR(50),
  status ENUM('new','paid','shipped'), total BIGINT NOT NULL, placed_at DATETIME NULL,
  CONSTRAINT fk_c FOREIGN KEY (customer_id) REFERENCES customers (id), KEY ix_placed (placed_at))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;"""


def test_mariadb_plan_states_algorithms_the_server_accepts(maria, maria_db) -> None:  # type: ignore[no-untyped-def]
    from dbwright.migration.diff_mysql import diff_mysql
    from dbwright.migration.parse_mysql import split_mysql

    assert any("--rename orders.note=comment" in p for p in diff_mysql(maria, V1, V2).prompts)
    plan = diff_mysql(maria, V1, V2, {"orders.note": "comment"})
    by_title = {s.title.split(" (")[0]: s for s in plan.steps}
    assert by_title["add column orders.placed_at DATETIME"].algorithm == "INSTANT"
    assert [s.title for s in plan.blocking_steps()] == ["modify orders.total INTEGER(11) → BIGINT(20)"]
    assert plan.blocking_steps()[0].online_tool.startswith("gh-ost")
    conn = maria.connect(maria_db)
    try:
        with conn.cursor() as cur:
            for _line, stmt in split_mysql(V1):
                cur.execute(stmt)
            for step in plan.steps:  # the server would refuse a wrong ALGORITHM/LOCK clause
                cur.execute(step.sql)
    finally:
        conn.close()
