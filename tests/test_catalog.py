"""The engine catalogue: complete, sourced, typed."""

from __future__ import annotations

import pytest

from dbwright.catalog import CATEGORIES, DIMENSIONS, PROVIDERS, load_catalog

NAMED_IN_ISSUE = [
    "postgresql", "mysql", "mariadb", "sqlserver", "oracle", "sqlite", "cockroachdb", "yugabytedb", "tidb",
    "spanner", "citus", "vitess", "mongodb", "firestore", "couchbase", "dynamodb", "redis", "valkey",
    "memcached", "etcd", "cassandra", "scylladb", "bigtable", "hbase", "timescaledb", "influxdb", "questdb",
    "clickhouse", "duckdb", "bigquery", "snowflake", "druid", "elasticsearch", "opensearch", "meilisearch",
    "typesense", "neo4j", "neptune", "arangodb", "pgvector", "qdrant", "kafka",
]


def test_catalogue_loads_with_every_category():
    cat = load_catalog()
    assert len(cat.engines) >= 40
    assert {e.category for e in cat.engines} == set(CATEGORIES)


@pytest.mark.parametrize("name", NAMED_IN_ISSUE)
def test_every_engine_named_in_the_requirement_is_there(name):
    assert load_catalog().resolve(name) is not None, name


def test_every_fact_has_an_https_source_and_known_dimensions():
    for e in load_catalog().engines:
        assert e.facts, e.id
        assert set(e.scores) == set(DIMENSIONS)
        for f in e.facts:
            assert f.source.startswith("https://"), (e.id, f.claim)
            assert set(f.dims) <= set(DIMENSIONS)


def test_managed_offerings_of_all_three_clouds():
    providers = {m.provider for e in load_catalog().engines for m in e.managed}
    assert providers == set(PROVIDERS)
    pg = load_catalog().get("postgresql")
    assert set(pg.providers()) == {"aws", "azure", "gcp"}
    assert load_catalog().get("dynamodb").managed_only


def test_unknown_engine_names_the_known_ones():
    with pytest.raises(KeyError, match="known engines"):
        load_catalog().get("foodb")
