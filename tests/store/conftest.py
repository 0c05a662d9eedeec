"""Store tests run on SQLite always, and on PostgreSQL when NIANBAO_TEST_PG_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from nianbao.store.db import dispose_all, engine_for
from nianbao.store.tables import metadata

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PG_URL = os.environ.get("NIANBAO_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    if not PG_URL:
        pytest.skip("未设置 NIANBAO_TEST_PG_URL，跳过 PostgreSQL（CI 用 scripts/ci-postgres.sh 启动）")
    eng = engine_for(PG_URL)
    with eng.begin() as conn:  # a clean database for every test
        metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    dispose_all()
    return PG_URL


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
