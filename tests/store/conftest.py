"""Store tests run on SQLite always, and on PostgreSQL when NIANBAO_TEST_PG_URL is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from nianbao.store.db import dispose_all, engine_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PG_URL = os.environ.get("NIANBAO_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "corpus.db")
    if not PG_URL:
        pytest.skip("未设置 NIANBAO_TEST_PG_URL，跳过 PostgreSQL（CI 用 scripts/ci-postgres.sh 启动）")
    # A schema of our own (others may share the database): dropped and made anew for every test.
    schema = f"nianbao_store_test_{os.getpid()}"
    eng = engine_for(PG_URL)
    with eng.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    dispose_all()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
