"""Property-based API tests: schemathesis over /openapi.json with all its checks: no server error
(5xx), every status code and content type documented, replies that match their schemas, invalid
data refused and valid data accepted."""

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

from schemathesis.config import SchemathesisConfig  # noqa: E402

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


# A report file's type is in its name and its bytes (a `.txt` of nothing is empty, `file` has no
# type), which no schema can say: for the two upload operations a schema-valid request may also be
# refused with 400 (empty) or 415 (type), the reasons test_web_security checks.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path": ["/api/check", "/api/reports"],
                "include-method": "POST",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", 400, 401, 403, 404, 409, 415, 429]}
                },
            }
        ]
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), config=CONFIG)


from schemathesis.checks import CHECKS, load_all_checks  # noqa: E402

load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract(case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS)
