"""Security headers (CSP without inline scripts), Secure cookies (by option and behind an HTTPS
proxy that is trusted), and no server paths shown to anonymous readers."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webutil import HTML, PASSWORD, TXT, csrf_of, login

import nianbao.web
from nianbao.web.app import Settings, create_app
from nianbao.web.auth import add_user

TEMPLATES = Path(nianbao.web.__file__).parent / "templates"


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_pages_carry_security_headers(client: TestClient) -> None:
    for path in ("/", "/reports", "/login", "/write", "/dashboard", "/api/reports", "/static/app.js", "/nope"):
        r = client.get(path, headers=HTML)
        csp = _directives(r.headers["content-security-policy"])
        assert csp["script-src"] == ["'self'"], path
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "camera=()" in r.headers["permissions-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in r.headers  # plain HTTP
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    script = _directives(docs.headers["content-security-policy"])["script-src"]
    assert "'unsafe-inline'" not in script and any(s.startswith("'sha256-") for s in script)


def test_templates_have_no_inline_script() -> None:
    for t in TEMPLATES.glob("*.html"):
        text = t.read_text(encoding="utf-8")
        for m in re.finditer(r"<script([^>]*)>", text):
            attrs = m.group(1)
            assert "src=" in attrs or 'type="application/json"' in attrs, (t.name, m.group(0))
        assert not re.search(r"\son[a-z]+\s*=", text), t.name
        assert "javascript:" not in text, t.name


def _login_cookie(c: TestClient) -> str:
    tok = csrf_of(c, "/login")
    r = c.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf": tok}, headers=HTML, follow_redirects=False
    )
    assert r.status_code == 303
    return r.headers["set-cookie"]


def _app(tmp_path: Path, **kw: Any) -> Any:
    app = create_app(Settings(db=str(tmp_path / "h.db"), secret="s", **kw))
    add_user(app.state.engine, "admin", PASSWORD, "admin")
    return app


def test_secure_cookies_by_option(tmp_path: Path) -> None:
    assert "secure" not in _login_cookie(TestClient(_app(tmp_path))).lower()
    # A Secure cookie is not sent back over plain HTTP: look at the first one set.
    first = TestClient(_app(tmp_path, secure_cookies=True)).get("/login", headers=HTML)
    assert "; secure" in first.headers["set-cookie"].lower()
    assert "; secure" in _login_cookie(TestClient(_app(tmp_path, secure_cookies=True), base_url="https://t")).lower()


def test_secure_cookies_behind_a_trusted_https_proxy(tmp_path: Path) -> None:
    """uvicorn's proxy-header handling (what `serve --forwarded-allow-ips` configures) makes the
    request HTTPS; the cookie then carries Secure and the reply HSTS. An untrusted peer cannot."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = _app(tmp_path)
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    trusted = TestClient(ProxyHeadersMiddleware(app, trusted_hosts="*"), headers=https)  # type: ignore[arg-type]
    r = trusted.get("/login", headers=HTML)  # the browser talks HTTPS to the proxy, the proxy HTTP to us
    assert "; secure" in r.headers["set-cookie"].lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")
    untrusted = TestClient(ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.1"), headers=https)  # type: ignore[arg-type]
    r = untrusted.get("/login", headers=HTML)
    assert "secure" not in r.headers["set-cookie"].lower() and "strict-transport-security" not in r.headers


def test_anonymous_readers_see_file_names_not_server_paths(app: Any, tmp_path: Path) -> None:
    from nianbao.store.ingest import ingest

    folder = tmp_path / "内部资料-qzx7"
    folder.mkdir()
    src = folder / "report.txt"
    src.write_bytes(TXT.read_bytes())
    bad = folder / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 not really")
    ingest([str(src), str(bad)], str(tmp_path / "web.db"), workers=1)
    anon = TestClient(app)
    items = anon.get("/api/reports").json()["items"] + anon.get("/api/reports?status=failed").json()["items"]
    assert len(items) == 2
    ok = next(r for r in items if r["status"] == "ok")
    pages = [
        anon.get("/reports", headers=HTML).text,
        anon.get("/reports?to=csv").text,
        anon.get("/reports?status=failed", headers=HTML).text,
        anon.get("/api/reports?status=failed").text,
        anon.get(f"/reports/{ok['id']}", headers=HTML).text,
        *(anon.get(f"/reports/{r['id']}", headers=HTML).text for r in items),
        anon.get("/api/reports").text,
        *(anon.get(f"/api/reports/{r['id']}").text for r in items),
        anon.get("/api/export?to=csv&form=wide").content.decode("utf-8-sig"),
    ]
    score = load_workbook(io.BytesIO(anon.get("/score?pack=national&to=xlsx").content))
    pages.append(" ".join(str(c.value) for ws in score for row in ws.iter_rows() for c in row))
    assert "report.txt" in pages[-1]
    for text in pages:
        assert str(folder) not in text and "qzx7" not in text
    assert "report.txt" in pages[0] and "report.txt" in pages[-2]
    assert anon.get("/api/reports", params={"q": "qzx7"}).json()["total"] == 0  # no probing of folders
    # Signed-in users see where the file was read from.
    c = TestClient(app)
    login(c, "viewer")
    assert str(folder) in c.get("/reports", headers=HTML).text
    assert c.get("/api/reports", params={"q": "qzx7"}).json()["total"] == 1


def test_temp_paths_hidden_in_reasons() -> None:
    import tempfile

    from nianbao.web.uploads import hide_temp_paths

    tmp = tempfile.gettempdir()
    reason = f"文件已损坏（UnidentifiedImageError: cannot identify image file '{tmp}/nianbao-abc123.png'）"
    assert (
        hide_temp_paths(reason, "扫描件.png")
        == "文件已损坏（UnidentifiedImageError: cannot identify image file '扫描件.png'）"
    )
    assert hide_temp_paths("无法读取", "a.txt") == "无法读取"
