"""Sign-in: sessions end on the server (logout, password and role change), failed sign-ins are
limited (form and HTTP Basic), and `--private` closes every route but /login, /static and /health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from webutil import HTML, PASSWORD, TXT, csrf_of, login, upload

from nianbao.web.auth import add_user


def _comment(c: TestClient, rid: int, tok: str, text: str) -> int:
    r = c.post(f"/reports/{rid}/comment", data={"text": text, "csrf": tok}, headers=HTML, follow_redirects=False)
    return r.status_code


def _stolen(app: Any, c: TestClient) -> TestClient:
    """Another client holding a copy of `c`'s session cookie (saved before anything happens)."""
    thief = TestClient(app)
    thief.cookies.set("nianbao_session", c.cookies["nianbao_session"])
    return thief


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app: Any, reviewer: tuple[TestClient, str]) -> None:
    c, tok = reviewer
    rid = upload(c, tok, TXT)
    thief = _stolen(app, c)
    assert _comment(thief, rid, tok, "复制的会话") == 303
    assert c.post("/logout", data={"csrf": tok}, headers=HTML, follow_redirects=False).status_code == 303
    assert _comment(thief, rid, tok, "退出后仍可评论") == 401
    assert thief.get("/api/reports/1/findings").status_code == 200  # public reading still works
    texts = [x["text"] for x in _comments(app, rid)]
    assert texts == ["复制的会话"]


def _comments(app: Any, rid: int) -> list[dict[str, Any]]:
    from nianbao.web import service

    return service.comments(app.state.engine, rid)


def test_password_reset_and_role_change_end_sessions(app: Any, reviewer: tuple[TestClient, str]) -> None:
    c, tok = reviewer
    rid = upload(c, tok, TXT)
    thief = _stolen(app, c)
    add_user(app.state.engine, "reviewer", "another-password-2", "reviewer")  # password reset
    assert _comment(thief, rid, tok, "改密后") == 401
    assert _comment(c, rid, tok, "改密后") == 401
    v = TestClient(app)
    vtok = login(v, "viewer")
    kept = _stolen(app, v)
    add_user(app.state.engine, "viewer", PASSWORD, "reviewer")  # role change (same password)
    assert _comment(kept, rid, vtok, "改角色后") == 401
    assert _comments(app, rid) == []
    # Signing in again gives a working session with the new role.
    vtok = login(v, "viewer")
    assert _comment(v, rid, vtok, "重新登录") == 303


def _try_form(app: Any, name: str, password: str, client: TestClient | None = None) -> Any:
    c = client or TestClient(app)
    tok = csrf_of(c, "/login")
    return c.post(
        "/login", data={"name": name, "password": password, "csrf": tok}, headers=HTML, follow_redirects=False
    )


def test_login_form_is_limited_per_account(app: Any) -> None:
    for _ in range(10):
        assert _try_form(app, "admin", "wrong-password").status_code == 401
    r = _try_form(app, "admin", PASSWORD)  # the right password no longer helps
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    assert 0 < int(r.headers["retry-after"]) <= 600
    # HTTP Basic counts against the same account.
    r = TestClient(app).get("/api/reports", auth=("admin", PASSWORD))
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_login_limit_per_address_and_window(app: Any, monkeypatch: Any) -> None:
    import datetime as dt

    from nianbao.web import throttle

    for i in range(10):  # many accounts from one address
        assert _try_form(app, f"nobody{i}", "wrong-password").status_code == 401
    assert _try_form(app, "viewer", PASSWORD).status_code == 429
    # Eleven minutes later the window has passed.
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=11)
    monkeypatch.setattr(throttle, "_now", lambda: later)
    assert _try_form(app, "viewer", PASSWORD).status_code == 303


def test_basic_auth_is_limited(app: Any) -> None:
    c = TestClient(app)
    for _ in range(10):
        assert (
            c.post("/api/reports", files={"file": (TXT.name, b"x")}, auth=("reviewer", "nope-nope")).status_code == 401
        )
    r = c.post("/api/reports", files={"file": (TXT.name, TXT.read_bytes())}, auth=("reviewer", PASSWORD))
    assert r.status_code == 429 and "登录失败次数过多" in r.json()["detail"]
    assert c.get("/api/reports").json()["total"] == 0


def test_success_clears_own_failures(app: Any) -> None:
    for _ in range(9):
        _try_form(app, "admin", "wrong-password")
    assert _try_form(app, "admin", PASSWORD).status_code == 303
    for _ in range(9):
        assert _try_form(app, "admin", "wrong-password").status_code == 401
    assert _try_form(app, "admin", PASSWORD).status_code == 303


def test_private_deployment_closes_every_route(tmp_path: Path) -> None:
    from nianbao.web.app import Settings, create_app

    app = create_app(Settings(db=str(tmp_path / "p.db"), public_read=False, secret="s"))
    add_user(app.state.engine, "v", PASSWORD, "viewer")
    c = TestClient(app)
    tok = csrf_of(c, "/login")
    for method, path in [
        ("GET", "/"),
        ("GET", "/write"),
        ("GET", "/api/docs"),
        ("GET", "/openapi.json"),
        ("GET", "/api/template/2021"),
        ("GET", "/reports"),
    ]:
        r = c.request(method, path, headers=HTML, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        assert c.request(method, path).status_code == 401, path
    r = c.post("/api/check", files={"file": (TXT.name, TXT.read_bytes())})
    assert r.status_code == 401 and "登录" in r.json()["detail"]
    r = c.post("/check", data={"csrf": tok}, files={"files": (TXT.name, TXT.read_bytes())}, headers=HTML)
    assert r.status_code in (303, 401) and "核查结果" not in r.text
    assert c.post("/write", data={"csrf": tok, "format": "2021"}).status_code == 401
    for path in ("/login", "/static/app.css", "/static/app.js", "/health"):
        assert c.get(path).status_code == 200, path
    assert c.get("/api/check").status_code == 401  # not even a 405 tells what exists
    # Signed in, all of it works.
    assert c.post("/api/check", files={"file": (TXT.name, TXT.read_bytes())}, auth=("v", PASSWORD)).status_code == 200
    login(c, "v")
    assert c.get("/write", headers=HTML).status_code == 200


def test_cli_user_logout_ends_every_session(app: Any, reviewer: tuple[TestClient, str], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nianbao.cli import app as cli

    c, tok = reviewer
    rid = upload(c, tok, TXT)
    db = str(tmp_path / "web.db")
    r = CliRunner().invoke(cli, ["user", "logout", "reviewer", "--db", db])
    assert r.exit_code == 0 and "1 个会话" in r.output, r.output
    assert _comment(c, rid, tok, "强制退出后") == 401
    assert CliRunner().invoke(cli, ["user", "logout", "nobody", "--db", db]).exit_code == 2
