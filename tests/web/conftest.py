"""Fixtures for the web tests: an app on a fresh SQLite store with three users."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from webutil import PASSWORD, login  # noqa: E402

from nianbao.store.db import dispose_all  # noqa: E402
from nianbao.web.app import Settings, create_app  # noqa: E402
from nianbao.web.auth import add_user  # noqa: E402


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    a = create_app(Settings(db=str(tmp_path / "web.db"), max_upload=2 * 1024 * 1024, secret="test-secret"))
    add_user(a.state.engine, "admin", PASSWORD, "admin")
    add_user(a.state.engine, "reviewer", PASSWORD, "reviewer")
    add_user(a.state.engine, "viewer", PASSWORD, "viewer")
    yield a
    dispose_all()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture
def reviewer(app: FastAPI) -> tuple[TestClient, str]:
    c = TestClient(app)
    return c, login(c, "reviewer")
