"""The web application's 采集 page: admins start a background collection, watch it, see what was stored."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import portal
import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent.parent / "web"))

from webutil import HTML, PASSWORD, csrf_of, login

from nianbao.store.db import dispose_all
from nianbao.web.app import Settings, create_app
from nianbao.web.auth import add_user


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        db=str(tmp_path / "web.db"),
        secret="test-secret",
        collect_dir=str(tmp_path / "collect"),
        collect_allow_private=True,  # the test portal is on 127.0.0.1
    )
    app = create_app(settings)
    add_user(app.state.engine, "admin", PASSWORD, "admin")
    add_user(app.state.engine, "reviewer", PASSWORD, "reviewer")
    yield TestClient(app)
    dispose_all()


def _wait(client: TestClient, job_url: str) -> str:
    deadline = time.monotonic() + 180
    while True:
        page = client.get(job_url, headers=HTML).text
        if 'data-active="1"' not in page:
            return page
        assert 'http-equiv="refresh"' in page
        assert time.monotonic() < deadline, "collection did not finish"
        time.sleep(0.5)


def test_only_admins_reach_the_page(client: TestClient) -> None:
    r = client.get("/collect", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login(client, "reviewer")
    assert client.get("/collect", headers=HTML).status_code == 403
    assert "/collect" not in client.get("/", headers=HTML).text


def test_form_needs_csrf_and_refuses_link_local_addresses(client: TestClient) -> None:
    tok = login(client, "admin")
    assert 'href="/collect"' in client.get("/", headers=HTML).text
    r = client.post("/collect", data={"urls": "http://127.0.0.1:9/"}, headers=HTML)
    assert r.status_code == 403
    r = client.post(
        "/collect", data={"urls": "http://169.254.169.254/latest/\nfile:///etc/passwd", "csrf": tok}, headers=HTML
    )
    assert r.status_code == 400
    assert "链路本地地址" in r.text and "只采集 http/https 网址" in r.text


def test_background_collection_stores_reports_with_their_origin_and_versions(client: TestClient) -> None:
    p = portal.build()
    try:
        tok = login(client, "admin")
        form = {"urls": p.base + "/trs/index.html", "delay": "0.05", "csrf": tok}
        r = client.post("/collect", data=form, headers=HTML, follow_redirects=False)
        assert r.status_code == 303, r.text
        page = _wait(client, r.headers["location"])
        assert "已完成" in page
        saved = re.findall(r'href="/reports/(\d+)"', page)
        assert len(saved) == 3  # the inline article, the attached PDF, the redirected article
        assert "页面不存在（HTTP 404）" in page and "robots.txt 不允许访问" in page
        report = client.get(f"/reports/{saved[0]}", headers=HTML).text
        assert f'href="{p.base}/trs/' in report and "采集于" in report
        assert r.headers["location"].split("/")[-1] in client.get("/collect", headers=HTML).text

        title = portal.first_line(portal.fixture_text(portal.STEMS[1]))
        text = portal.fixture_text(portal.STEMS[1]).replace("\t\t\t\t\t\t\t\t0\t", "\t\t\t\t\t\t\t\t5\t", 1)
        p.add("/trs/new/report.html", portal.Resource(portal.text_to_html(text, title)))
        r = client.post(
            "/collect", data={**form, "csrf": csrf_of(client, "/collect")}, headers=HTML, follow_redirects=False
        )
        page = _wait(client, r.headers["location"])
        m = re.search(r'href="/compare\?a=(\d+)&(?:amp;)?b=(\d+)"', page)
        assert m, page
        compare = client.get(f"/compare?a={m.group(1)}&b={m.group(2)}", headers=HTML).text
        assert re.search(r"不同的单元格：<b>[1-9]\d*</b>", compare)
        newest = client.get(f"/reports/{m.group(2)}", headers=HTML).text
        assert "同一网址的各个版本" in newest and f"/compare?a={m.group(1)}&b={m.group(2)}" in newest
    finally:
        p.stop()
