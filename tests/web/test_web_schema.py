"""Property-based API tests: schemathesis over /openapi.json finds no server error (5xx)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from webutil import PASSWORD, TXT

schemathesis = pytest.importorskip("schemathesis")

from nianbao.web.app import Settings, create_app  # noqa: E402
from nianbao.web.auth import add_user  # noqa: E402

warnings.filterwarnings("ignore", message=".*httpx2.*")


def _app() -> Any:
    folder = tempfile.mkdtemp(prefix="nianbao-schema-")
    atexit.register(shutil.rmtree, folder, True)
    db = Path(folder) / "s.db"
    app = create_app(Settings(db=str(db), max_upload=1024 * 1024, secret="schema-test"))
    add_user(app.state.engine, "admin", PASSWORD, "admin")
    from fastapi.testclient import TestClient

    c = TestClient(app)
    c.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("admin", PASSWORD))
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.path} → {response.status_code}: {response.text[:500]}"
