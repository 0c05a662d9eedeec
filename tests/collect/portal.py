"""Look-alike government portals served on 127.0.0.1 for the collection tests.

Three column styles (TRS/WCM static pages announced by `createPageHTML`, a
`?page=N` list in GBK, a "下一页" chain under `<base href>`), inline reports
(fixture texts as article pages) and attachments (a real PDF, a DOCX rendered
by nianbao), and the awkward cases: a notice that is not a report, a dead link,
a redirect, a robots.txt Disallow, a slow page, a 429 with Retry-After and a
redirect to a link-local address. Every request is logged with its time and
headers, so tests assert on what the server saw. Resources carry an ETag and a
Last-Modified date and answer conditional requests with 304.
"""

from __future__ import annotations

import hashlib
import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent.parent / "fixtures"
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


def text_to_html(text: str, title: str, encoding: str = "utf-8") -> bytes:
    """An article page from a report's text: paragraphs, tab rows as a table, inside portal chrome."""
    parts: list[str] = []
    rows: list[str] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            parts.append("<table border='1'>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    if rows:
        parts.append("<table border='1'>" + "".join(rows) + "</table>")
    page = (
        f"<!DOCTYPE html><html><head><meta charset='{encoding}'><title>{html.escape(title)}</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/trs/index.html'>政府信息公开年报</a></div>"
        f"<h1>{html.escape(title)}</h1><div class='article'>{''.join(parts)}</div>"
        "<div class='footer'>主办单位：某某人民政府办公室</div></body></html>"
    )
    return page.encode(encoding)


def list_page(
    items: list[tuple[str, str]],
    extra: str = "",
    encoding: str = "utf-8",
    base: str | None = None,
    declare: bool = True,
) -> bytes:
    lis = "".join(
        f"<li><a href='{html.escape(h)}' target='_blank'>{html.escape(t)}</a><span>2024-01-15</span></li>"
        for h, t in items
    )
    head = (f"<meta charset='{encoding}'>" if declare else "") + (f"<base href='{base}'>" if base else "")
    page = (
        f"<!DOCTYPE html><html><head>{head}<title>政府信息公开年报</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div>"
        f"<ul class='list'>{lis}</ul>{extra}</body></html>"
    )
    return page.encode(encoding)


@dataclass
class Seen:
    path: str
    arrived: float  # time.monotonic() when the request came in
    done: float  # … and when its answer was ready
    status: int
    headers: dict[str, str]


@dataclass
class Resource:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    busy: int = 0  # answer 429 with Retry-After this many times first


class Portal:
    """A threaded HTTP server with a table of resources; `seen` logs every request."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource | Callable[[], Resource]] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                portal.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Portal:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, path: str, res: Resource) -> None:
        self.resources[path] = res

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        path = h.path
        key = path if path in self.resources else urlsplit(path).path
        res = self.resources.get(key)
        status = 404
        if res is not None and not isinstance(res, Resource):
            res = res()
        with self.lock:
            busy = res is not None and res.busy > 0
            if busy and res is not None:
                res.busy -= 1
        headers = {k: v for k, v in h.headers.items()}
        if res is None:
            body, ctype, extra = "<html><body>404 页面不存在</body></html>".encode(), "text/html; charset=utf-8", {}
        elif busy:
            status, body, ctype, extra = 429, b"busy", "text/plain", {"Retry-After": "1"}
        else:
            if res.delay:
                time.sleep(res.delay)
            status, body, ctype, extra = res.status, res.body, res.content_type, dict(res.headers)
            if status == 200:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                extra.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
                if h.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
        with self.lock:
            self.seen.append(Seen(path, arrived, time.monotonic(), status, headers))
        h.send_response(status)
        if status != 304:
            h.send_header("Content-Type", ctype)
        for k, v in extra.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


def fixture_text(stem: str) -> str:
    return (FIXTURES / f"{stem}.txt").read_text(encoding="utf-8")


def first_line(text: str) -> str:
    """The report's title: its first line, with the next one when the title is printed on two lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:2]
    return lines[0] if "年度报告" in lines[0] else "".join(lines)


def docx_report(name: str = "hongze-2024") -> bytes:
    from nianbao.render import load_data, render_bytes

    return render_bytes(load_data(FIXTURES / f"{name}.expected.json"), "docx")


STEMS = [
    "000_43e3c9ba6b70e239",
    "001_aa665f4df32367ae",
    "002_5e18f5f84cd8f932",
    "003_c12fc4cb6f2af7bf",
    "004_29f7b36afe8cbcfb",
]


def build(slow: float = 0.3) -> Portal:
    """The three columns; see the module docstring. Returns a started portal."""
    p = Portal()
    t = {s: fixture_text(s) for s in STEMS}
    title = {s: first_line(t[s]) for s in STEMS}
    gbk = "text/html; charset=gbk"
    p.add("/robots.txt", Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain"))

    # 1. TRS/WCM column: index.html, index_1.html, index_2.html announced by createPageHTML.
    pager = '<script>var countPage = 3; var currentPage = {cur};createPageHTML(countPage, currentPage, "index", "html");</script>'
    p.add("/trs/index.html", Resource(list_page([
        ("./202401/t20240115_1.html", title[STEMS[0]]),
        ("./202401/notice.html", "关于报送2023年政府信息公开工作年度报告的通知"),
        ("/private/t1.html", "某某局2023年政府信息公开工作年度报告"),
    ], pager.format(cur=0))))  # fmt: skip
    p.add(
        "/trs/index_1.html",
        Resource(
            list_page([("./202302/t20230201_2.html", "洪泽区2023年政府信息公开工作年度报告")], pager.format(cur=1))
        ),
    )
    p.add("/trs/index_2.html", Resource(list_page([
        ("./gone.html", "某镇2022年政府信息公开工作年度报告"),
        ("./old.html", title[STEMS[1]]),
    ], pager.format(cur=2))))  # fmt: skip
    p.add("/trs/202401/t20240115_1.html", Resource(text_to_html(t[STEMS[0]], title[STEMS[0]])))
    p.add("/trs/202401/notice.html", Resource(text_to_html("请各单位报送年报。", "通知")))
    p.add("/private/t1.html", Resource(text_to_html(t[STEMS[0]], "不应访问")))
    pdf = (FIXTURES / "hongze-2023.pdf").read_bytes()
    p.add("/trs/202302/t20230201_2.html", Resource(
        "<html><head><meta charset='utf-8'><title>洪泽区2023年政府信息公开工作年度报告</title></head><body>"
        "<h1>洪泽区2023年政府信息公开工作年度报告</h1><p>详见附件。</p>"
        "<p>附件：<a href='./P020230201.pdf'>洪泽区2023年政府信息公开工作年度报告.pdf</a></p></body></html>".encode()
    ))  # fmt: skip
    p.add("/trs/202302/P020230201.pdf", Resource(pdf, "application/pdf"))
    p.add("/trs/old.html", Resource(b"", status=301, headers={"Location": "/trs/new/report.html"}))
    p.add("/trs/new/report.html", Resource(text_to_html(t[STEMS[1]], title[STEMS[1]])))

    # 2. A ?page=N list in GBK declared nowhere (no meta, no charset in the header), a DOCX linked from it,
    #    articles in GBK declared by their meta tag.
    nums = "<div class='page'><a href='/list?page=1'>1</a> <a href='/list?page=2'>2</a></div>"
    p.add("/list?page=1", Resource(list_page([
        ("/files/report-2024.docx", "洪泽区2024年政府信息公开工作年度报告"),
        ("/slow/report.html", title[STEMS[2]]),
    ], nums, "gbk", declare=False), "text/html"))  # fmt: skip
    p.add("/list?page=2", Resource(list_page([
        ("/busy/report.html", title[STEMS[3]]),
        ("/go/report.html", "某区2023年政府信息公开工作年度报告"),
    ], nums, "gbk", declare=False), "text/html"))  # fmt: skip
    p.add(
        "/files/report-2024.docx",
        Resource(docx_report(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    )
    p.add("/slow/report.html", Resource(text_to_html(t[STEMS[2]], title[STEMS[2]], "gbk"), gbk, delay=slow))
    p.add("/busy/report.html", Resource(text_to_html(t[STEMS[3]], title[STEMS[3]], "gbk"), gbk, busy=1))
    p.add(
        "/go/report.html", Resource(b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )

    # 3. A "下一页" chain under <base href>; page b links the PDF again under another URL.
    p.add("/chain/a.html", Resource(list_page(
        [("report4.html", title[STEMS[4]])], "<a href='../b.html'>下一页</a>", base="/chain/docs/"
    )))  # fmt: skip
    p.add(
        "/chain/b.html",
        Resource(list_page([("/chain/docs/hongze.pdf", "洪泽区2023年政府信息公开工作年度报告（附件）")])),
    )
    p.add("/chain/docs/report4.html", Resource(text_to_html(t[STEMS[4]], title[STEMS[4]])))
    p.add("/chain/docs/hongze.pdf", Resource(pdf, "application/pdf"))
    # 4. An article page given as a start URL, its report attached as a DOCX.
    p.add("/single/t2023.html", Resource(
        "<html><head><meta charset='utf-8'><title>某某县2023年政府信息公开工作年度报告</title></head><body>"
        "<h1>某某县2023年政府信息公开工作年度报告</h1><p>附件下载：</p>"
        "<p><a href='P2023.docx'>某某县2023年政府信息公开工作年度报告.docx</a></p></body></html>".encode()
    ))  # fmt: skip
    p.add("/single/P2023.docx", Resource(docx_report(STEMS[0]), "application/msword"))
    return p.start()
