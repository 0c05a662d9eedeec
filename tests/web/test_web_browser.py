"""Browser tests (Playwright + Debian's chromium) against a real uvicorn server on 127.0.0.1.

Screenshots go to tests/web/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webutil import PASSWORD, PDF, TXT

CHROMIUM = os.environ.get("NIANBAO_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).parent / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium); browser tests skipped", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from nianbao.web.app import Settings, create_app
    from nianbao.web.auth import add_user

    db = tmp_path_factory.mktemp("web") / "browser.db"
    app = create_app(Settings(db=str(db), secret="browser-test"))
    add_user(app.state.engine, "reviewer", PASSWORD, "reviewer")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), args=ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _shot(page: Any, name: str, full: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full)


def test_check_upload_click_cell_shows_source(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.set_input_files("#files", [str(TXT), str(PDF)])
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("section.rv#rv-2")
    # Text report: its findings are listed and its problem cells highlighted.
    rv1 = page.locator("#rv-1")
    assert rv1.locator(".finding").count() >= 1
    cell = rv1.locator("td.value.warning, td.value.error").first
    cell.scroll_into_view_if_needed()
    cell.click()
    mark = rv1.locator(".ln.hl mark")
    mark.wait_for(state="visible")
    assert mark.inner_text().strip() == cell.inner_text().strip()
    assert "出处：第" in rv1.locator(".src-status").inner_text()
    _shot(page, "check-text-cell.png")
    # PDF report: clicking a highlighted cell draws its box on the rendered page.
    rv2 = page.locator("#rv-2")
    assert rv2.locator(".finding.sev-error").count() >= 1
    pcell = rv2.locator("td.value.error").first
    pcell.scroll_into_view_if_needed()
    pcell.click()
    box = rv2.locator(".bbox:not([hidden])")
    box.wait_for(state="visible")
    bb = box.bounding_box()
    assert bb is not None and bb["width"] > 3 and bb["height"] > 3
    assert "第 " in rv2.locator(".src-status").inner_text() and "页" in rv2.locator(".src-status").inner_text()
    rv2.scroll_into_view_if_needed()
    _shot(page, "check-pdf-cell.png")


def test_stored_report_and_dashboard_charts(server: str, page: Any) -> None:
    import httpx

    with httpx.Client(base_url=server, auth=("reviewer", PASSWORD), timeout=120) as c:
        ids = []
        for p in (TXT, PDF, PDF.with_name("hongze-2024.pdf")):
            r = c.post("/api/reports", files={"file": (p.name, p.read_bytes())})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
    # Sign in and review on the stored report page.
    page.goto(server + "/login")
    page.fill("input[name=name]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.box button")
    page.wait_for_url(server + "/")
    page.goto(f"{server}/reports/{ids[1]}")
    cell = page.locator("td.value.error").first
    cell.click()
    page.locator(".bbox:not([hidden])").wait_for(state="visible")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.page-img img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    bb = page.locator(".bbox:not([hidden])").bounding_box()
    assert bb is not None and bb["width"] > 3 and bb["height"] > 3
    _shot(page, "report-pdf-stored.png")
    page.locator(".review-form input[name=comment]").first.fill("表格合计有误，请整改")
    page.locator(".review-form button[value=confirmed]").first.click()
    page.wait_for_load_state("load")
    assert "表格合计有误，请整改" in page.content()
    # Dashboard: every chart is drawn on a non-empty canvas.
    page.goto(server + "/dashboard")
    page.wait_for_selector('#charts[data-ready="1"]', timeout=30000)
    page.wait_for_timeout(300)
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('#charts .chart')).map(div => {
            const cv = div.querySelector('canvas');
            if (!cv) return 0;
            const ctx = cv.getContext('2d');
            const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        })"""
    )
    assert len(painted) == 6 and all(n > 500 for n in painted), painted
    _shot(page, "dashboard.png", full=True)


def test_no_csp_violations_on_the_main_pages(server: str, page: Any) -> None:
    """The pages run under a Content-Security-Policy without inline scripts: nothing is refused."""
    import httpx

    with httpx.Client(base_url=server, auth=("reviewer", PASSWORD), timeout=120) as c:
        rid = c.post("/api/reports", files={"file": ("csp-" + TXT.name, TXT.read_bytes() + b"\n")}).json()["id"]
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    for path in (
        "/",
        "/reports",
        f"/reports/{rid}",
        "/agencies",
        "/issues",
        "/compare",
        "/write",
        "/login",
        "/score",
        "/no-such-page",
    ):
        page.goto(server + path)
        page.wait_for_load_state("load")
    page.goto(server + "/dashboard")
    page.wait_for_selector('#charts[data-ready="1"]', timeout=30000)
    # The behaviour moved out of inline handlers still works: the template switch submits its form.
    page.goto(server + "/write")
    page.select_option("select[name=format]", "2019")
    page.wait_for_url("**format=2019**")
    bad = [m for m in messages if "Content Security Policy" in m or "Refused to" in m or m.startswith("pageerror")]
    assert not bad, bad
