"""Security: login for writes, escaping of report text, upload limits, CSRF, no user paths on disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webutil import HTML, PASSWORD, TXT, csrf_of, login, upload


def test_anonymous_upload_to_store_is_refused(client: TestClient) -> None:
    r = client.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())})
    assert r.status_code == 401
    assert client.get("/api/reports").json()["total"] == 0
    # The form too: storing needs a reviewer, checking does not.
    tok = csrf_of(client)
    r = client.post(
        "/check",
        data={"csrf": tok, "store": "1"},
        files={"files": (TXT.name, TXT.read_bytes())},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code in (303, 401) and client.get("/api/reports").json()["total"] == 0


def _evil_report() -> bytes:
    text = TXT.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[0] = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' + lines[0]
    lines.insert(3, "<script>alert(1)</script> 本机关认真贯彻落实。")
    return "\n".join(lines).encode("utf-8")


def test_script_in_report_text_renders_inert(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c, tok = reviewer
    page = c.post(
        "/check",
        data={"csrf": tok},
        files={"files": ("<img src=x onerror=alert(3)>.txt", _evil_report())},
        headers=HTML,
    ).text
    assert "<script>alert(1)</script>" not in page
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x onerror=alert(3)>" not in page and "&lt;img src=x onerror=alert(3)&gt;.txt" in page
    rid = upload(c, tok, TXT, name='"><script>x()</script>.txt')
    stored = c.get(f"/reports/{rid}", headers=HTML).text
    assert "<script>x()</script>" not in stored
    # Provenance JSON inside <script type="application/json"> cannot close the tag.
    assert stored.count("</script>") == stored.count("<script")


def test_oversized_upload_refused_with_clear_message(client: TestClient, reviewer) -> None:  # type: ignore[no-untyped-def]
    big = b"x" * (2 * 1024 * 1024 + 10)  # the test app allows 2 MB per file
    r = client.post("/api/check", files={"file": ("big.txt", big)})
    assert r.status_code == 413
    assert "过大" in r.json()["detail"] and "2 MB" in r.json()["detail"]
    c, tok = reviewer
    r = c.post("/check", data={"csrf": tok}, files={"files": ("big.txt", big)}, headers=HTML)
    assert r.status_code == 413 and "过大" in r.text
    # A declared body far beyond the limit is refused before it is read.
    r = client.post(
        "/api/check",
        content=b"0" * 10,
        headers={"content-length": str(500 * 1024 * 1024), "content-type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 413 and "过大" in r.json()["detail"]


def test_wrong_type_refused(client: TestClient) -> None:
    r = client.post("/api/check", files={"file": ("tool.exe", b"MZ\x90\x00")})
    assert r.status_code == 415 and "不支持的文件类型" in r.json()["detail"]


def test_csrf_missing_is_refused(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    r = c.post("/login", data={"name": "admin", "password": PASSWORD}, headers=HTML)
    assert r.status_code == 403 and "CSRF" in r.text
    rc, tok = reviewer
    rid = upload(rc, tok, TXT)
    fid = rc.get(f"/api/reports/{rid}/findings").json()[0]["id"]
    for data in ({"decision": "confirmed"}, {"decision": "confirmed", "csrf": "forged"}):
        r = rc.post(f"/findings/{fid}/review", data=data, headers=HTML, follow_redirects=False)
        assert r.status_code == 403
    # Session-authenticated API writes need the token header too.
    r = rc.post("/api/reports", files={"file": ("again.txt", TXT.read_bytes() + b"\n")})
    assert r.status_code == 403
    r = rc.post("/api/reports", files={"file": ("again.txt", TXT.read_bytes() + b"\n")}, headers={"x-csrf-token": tok})
    assert r.status_code == 201
    r = rc.post("/check", data={}, files={"files": (TXT.name, TXT.read_bytes())}, headers=HTML)
    assert r.status_code == 403
    assert rc.post("/logout", headers=HTML, follow_redirects=False).status_code == 403


def test_wrong_password_and_roles(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    tok = csrf_of(c, "/login")
    r = c.post("/login", data={"name": "admin", "password": "wrong-password", "csrf": tok}, headers=HTML)
    assert r.status_code == 401 and "不正确" in r.text
    v = TestClient(app)
    vtok = login(v, "viewer")
    r = v.post("/check", data={"csrf": vtok, "store": "1"}, files={"files": (TXT.name, TXT.read_bytes())}, headers=HTML)
    assert r.status_code == 403


def test_uploaded_name_never_reaches_filesystem(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A temp folder of its own: other processes on the machine make nianbao-* files in /tmp too.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(os.listdir(tempfile.gettempdir()))
    r = client.post("/api/check", files={"file": ("../../etc/passwd.txt", TXT.read_bytes())})
    assert r.status_code == 200 and r.json()["source"] == "passwd.txt"
    after = set(os.listdir(tempfile.gettempdir()))
    assert not any("passwd" in n for n in after - before)
    assert not [n for n in after - before if n.startswith("nianbao-")]  # temp copies are removed


def test_login_redirect_is_local_only(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    tok = csrf_of(c, "/login")
    r = c.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "csrf": tok, "next": "//evil.example/"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_no_safe_filter_on_report_text() -> None:
    from pathlib import Path

    import nianbao.web

    for t in (Path(nianbao.web.__file__).parent / "templates").glob("*.html"):
        assert "|safe" not in t.read_text(encoding="utf-8").replace(" ", ""), t.name
