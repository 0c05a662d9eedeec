"""Collection throughput and memory against a loopback portal.

    python benchmarks/bench_collect.py N [--per-page 20] [--keep]

Serves a TRS-style column of N reports (list pages announced by createPageHTML,
every report an inline article page built from a fixture's text, each with its
own title so none is a duplicate) on 127.0.0.1 and collects it with
`nianbao collect --delay 0`, then collects it again (every answer a 304). Prints
the time, requests per second as the server saw them, and the peak RSS of the
crawling child process and of the parent. The portal answers at once, so the
numbers are nianbao's (and Scrapy's) cost, not the network's; on a real portal
the delay and the server set the pace.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import resource
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from nianbao.collect.run import Options, collect

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "000_43e3c9ba6b70e239.txt"


def build(n: int, per_page: int) -> dict[str, bytes]:
    text = FIXTURE.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    pages = (n + per_page - 1) // per_page
    site: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    for p in range(pages):
        items = "".join(
            f"<li><a href='./a/{i}.html'>第{i}号单位2023年政府信息公开工作年度报告</a></li>"
            for i in range(p * per_page, min(n, (p + 1) * per_page))
        )
        script = f"<script>var countPage = {pages};createPageHTML(countPage, {p}, 'index', 'html');</script>"
        name = "/col/index.html" if p == 0 else f"/col/index_{p}.html"
        site[name] = f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul>{script}</body></html>".encode()
    for i in range(n):
        title = f"第{i}号单位2023年政府信息公开工作年度报告"
        site[f"/col/a/{i}.html"] = (
            f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
        ).encode()
    return site


def serve(site: dict[str, bytes]) -> tuple[ThreadingHTTPServer, list[float]]:
    hits: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        disable_nagle_algorithm = True  # as web servers do; else each keep-alive answer waits for a delayed ACK

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            hits.append(time.monotonic())
            data = site.get(self.path)
            if data is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header(
                "Content-Type",
                "text/plain; charset=utf-8" if self.path.endswith(".txt") else "text/html; charset=utf-8",
            )
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 drops connections under load: the client retries after 1 s

    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, hits


def run(base: str, out: Path, hits: list[float], label: str) -> None:
    before = len(hits)
    t0 = time.monotonic()
    s = collect(Options(urls=[base + "/col/index.html"], out=str(out), delay=0, allow_private=True, max_pages=10_000))
    took = time.monotonic() - t0
    n = len(hits) - before
    span = hits[-1] - hits[before] if n > 1 else took
    print(
        f"{label}: {took:.1f} s in all (child start-up included), {n} requests, "
        f"{n / span:.0f} requests/s while crawling; saved {len(s.saved)}, unchanged {s.unchanged}, "
        f"failed {len(s.failed)}, pages {s.pages}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--per-page", type=int, default=20)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    site = build(args.n, args.per_page)
    srv, hits = serve(site)
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    out = Path(tempfile.mkdtemp(prefix="nianbao-collect-bench-"))
    try:
        run(base, out, hits, "first run")
        run(base, out, hits, "second run (unchanged)")
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
        print(f"peak RSS: crawling child {child:.0f} MB, parent {own:.0f} MB; {size:.1f} MB written to {out}")
    finally:
        srv.shutdown()
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
