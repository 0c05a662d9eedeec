"""The REST API: /api/check matches `nianbao check --format json`, ingest needs login, reads and exports."""

from __future__ import annotations

import io
import json
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner
from webutil import PASSWORD, PDF, TXT

from nianbao.cli import app as cli_app


def _cli_json(path: str) -> dict:
    out = CliRunner().invoke(cli_app, ["check", path, "--format", "json"]).stdout
    return json.loads(out[out.index("[") :])[0]


def test_check_matches_cli_and_stores_nothing(client: TestClient) -> None:
    r = client.post("/api/check", files={"file": (TXT.name, TXT.read_bytes())})
    assert r.status_code == 200
    got = r.json()
    want = _cli_json(str(TXT))
    assert got["source"] == TXT.name
    want["source"] = TXT.name
    assert got == want
    assert set(got) == {"source", "agency", "year", "format", "findings"}
    assert client.get("/api/reports").json()["total"] == 0


def test_check_pdf_and_unusable_file(client: TestClient) -> None:
    r = client.post("/api/check", files={"file": (PDF.name, PDF.read_bytes())})
    assert r.status_code == 200 and r.json()["agency"] and r.json()["findings"]
    bad = client.post("/api/check", files={"file": ("x.txt", "这不是一份年度报告。".encode())}).json()
    assert bad["source"] == "x.txt" and "error" in bad and re.search(r"[\u4e00-\u9fff]", bad["error"])


def test_ingest_requires_login_then_reads(client: TestClient) -> None:
    r = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())})
    assert r.status_code == 401 and "登录" in r.json()["detail"]
    r = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("viewer", PASSWORD))
    assert r.status_code == 403
    r = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("reviewer", PASSWORD))
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["created"] is True
    again = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("reviewer", PASSWORD))
    assert again.json() == {**again.json(), "id": rid, "created": False}
    lst = client.get("/api/reports").json()
    assert lst["total"] == 1 and lst["items"][0]["id"] == rid
    detail = client.get(f"/api/reports/{rid}").json()
    assert detail["agency"] == "中卫市审批服务管理局" and detail["cells"]["applications.new_received.total"] == 2
    findings = client.get(f"/api/reports/{rid}/findings").json()
    assert findings and all(f["decision"] is None for f in findings)
    assert client.get("/api/reports/999999").status_code == 404


def test_review_through_api(client: TestClient) -> None:
    rid = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("admin", PASSWORD)).json()[
        "id"
    ]
    fid = client.get(f"/api/reports/{rid}/findings").json()[0]["id"]
    assert client.post(f"/api/findings/{fid}/review", data={"decision": "dismissed"}).status_code == 401
    r = client.post(f"/api/findings/{fid}/review", data={"decision": "dismissed"}, auth=("reviewer", PASSWORD))
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = client.post(
        f"/api/findings/{fid}/review",
        data={"decision": "dismissed", "comment": "正文已说明"},
        auth=("reviewer", PASSWORD),
    )
    assert r.status_code == 200
    f = next(x for x in client.get(f"/api/reports/{rid}/findings").json() if x["id"] == fid)
    assert f["decision"] == "dismissed" and f["review_comment"] == "正文已说明"
    # Deleting needs an admin.
    assert client.delete(f"/api/reports/{rid}", auth=("reviewer", PASSWORD)).status_code == 403
    assert client.delete(f"/api/reports/{rid}", auth=("admin", PASSWORD)).status_code == 200
    assert client.get(f"/api/reports/{rid}").status_code == 404


def test_indicators_dashboard_export_template(client: TestClient) -> None:
    for p in (TXT, PDF):
        client.post("/api/reports", files={"file": (p.name, p.read_bytes())}, auth=("admin", PASSWORD))
    d = client.get("/api/dashboard").json()
    assert d["total"] == 2 and d["years"] == [2023] and len(d["outcomes"]) == 6
    assert (
        client.get("/api/indicators", params={"indicator": "disclosure_rate", "level": "province"}).status_code == 200
    )
    assert client.get("/api/indicators", params={"indicator": "nope"}).status_code == 422
    assert client.get("/api/rankings", params={"year": 2023}).json()["indicator"] == "disclosure_rate"
    csv = client.get("/api/export", params={"to": "csv", "form": "wide"})
    assert csv.status_code == 200 and csv.content.decode("utf-8-sig").startswith("agency,year,format")
    xlsx = client.get("/api/export", params={"to": "xlsx", "form": "long"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert ws.max_row > 100
    tpl = client.get("/api/template/2021").json()
    assert {e["rule"] for e in tpl["equations"]} == {"t3.balance", "t3.outcome_sum", "t3.row_total", "t4.group_total"}
    assert client.get("/openapi.json").json()["paths"]["/api/check"]["post"]


def test_private_deployment_needs_login(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nianbao.web.app import Settings, create_app
    from nianbao.web.auth import add_user

    app = create_app(Settings(db=str(tmp_path / "p.db"), public_read=False))
    add_user(app.state.engine, "v", PASSWORD, "viewer")
    c = TestClient(app)
    assert c.get("/api/reports").status_code == 401
    assert c.get("/api/reports", auth=("v", PASSWORD)).status_code == 200


def test_error_contract(client: TestClient) -> None:
    """Errors are `{"detail": Chinese}`; a 422 adds the machine-readable list; all are documented."""
    r = client.get("/api/reports", params={"limit": 0})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].startswith("请求参数不正确") and body["errors"][0]["loc"] == ["query", "limit"]
    r = client.patch("/api/reports/1")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "DELETE"}
    assert "不支持" in r.json()["detail"]
    assert client.get("/api/nothing-here").json()["detail"] == "没有这个页面或接口"
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/export"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    check = spec["paths"]["/api/check"]["post"]["responses"]
    assert {"400", "401", "408", "413", "415", "422", "429"} <= set(check)
    assert check["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationProblem")
