from __future__ import annotations

import psycopg
import pytest

pytestmark = pytest.mark.postgres


class TestPostgresFixture:
    def test_fresh_database_answers_queries(self, postgres_url: str) -> None:
        with psycopg.connect(postgres_url) as connection:
            assert connection.execute("select 1").fetchone() == (1,)

    def test_each_test_gets_its_own_empty_database(self, postgres_url: str) -> None:
        with psycopg.connect(postgres_url) as connection:
            name = connection.execute("select current_database()").fetchone()
            tables = connection.execute(
                "select count(*) from information_schema.tables where table_schema = 'public'"
            ).fetchone()
        assert name is not None and name[0] == postgres_url.rsplit("/", 1)[1]
        assert name[0].startswith("statusboard_test_")
        assert tables == (0,)
