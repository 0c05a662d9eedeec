"""`nianbao collect` against look-alike portals on 127.0.0.1: what was saved, and what the server saw."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import portal
import pytest
from typer.testing import CliRunner

from nianbao import __version__
from nianbao.cli import app
from nianbao.collect.ledger import read_manifest
from nianbao.store import open_store
from nianbao.store import queries as q
from nianbao.store.db import dispose_all

DELAY = 0.05
STARTS = ("/trs/index.html", "/list?page=1", "/chain/a.html", "/single/t2023.html")
# What the three columns hold: the report documents, by the URL the column links to.
DOCS = {
    "/trs/202401/t20240115_1.html",  # inline, UTF-8 (TRS column, first page)
    "PDF",  # hongze-2023.pdf attached to an article (second page) and linked again from the chain
    "/trs/old.html",  # 301 → /trs/new/report.html (third page)
    "/files/report-2024.docx",  # DOCX linked from a GBK ?page=N list
    "/slow/report.html",  # inline GBK, slow
    "/busy/report.html",  # inline GBK, 429 with Retry-After first
    "/chain/docs/report4.html",  # inline, under <base href> in the 下一页 chain
    "/single/P2023.docx",  # attached to an article page given as a start URL (served as application/msword)
}
PDFS = ("/trs/202302/P020230201.pdf", "/chain/docs/hongze.pdf")  # whichever comes first is saved
CHANGED = "/trs/new/report.html"


@dataclass
class Runs:
    portal: portal.Portal
    out: Path
    db: str
    first: Any  # click Result
    second: Any
    split: int  # index in portal.seen where the second run starts


def _cli(p: portal.Portal, out: Path, db: str, *extra: str) -> Any:
    args = ["collect", *(p.base + s for s in STARTS), "--out", str(out), "--db", db, "--delay", str(DELAY)]
    return CliRunner().invoke(app, [*args, "--allow-private", "--contact", "ops@example.org", *extra])


def _changed_text() -> str:
    lines = portal.fixture_text(portal.STEMS[1]).splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    cells[-2] = "3"  # 总计 0 → 3
    lines[i] = "\t".join(cells)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("collect")
    p = portal.build()
    db = str(tmp / "corpus.db")
    first = _cli(p, tmp / "out", db)
    split = len(p.seen)
    title = portal.first_line(portal.fixture_text(portal.STEMS[1]))
    p.add(CHANGED, portal.Resource(portal.text_to_html(_changed_text(), title)))
    second = _cli(p, tmp / "out", db, "--changes")
    yield Runs(p, tmp / "out", db, first, second, split)
    p.stop()
    dispose_all()


def _said(text: str, output: str) -> bool:
    """`text` in the command's output, however Rich wrapped the lines."""
    return re.sub(r"\s+", "", text) in re.sub(r"\s+", "", output)


def _path(url: str) -> str:
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    return "PDF" if path in PDFS else path


def test_first_run_saves_every_report_once_with_its_manifest_line(runs: Runs) -> None:
    assert runs.first.exit_code == 2, runs.first.output  # 2: some links failed (the dead and the refused one)
    lines = read_manifest(runs.out)
    first = lines[: len(DOCS)]
    assert {_path(e["url"]) for e in first} == DOCS
    for e in first:
        assert set(e) >= {"url", "final_url", "title", "list_url", "fetched_at", "status", "content_type", "etag",
                          "last_modified", "sha256", "size", "path"}  # fmt: skip
        data = (runs.out / e["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == e["sha256"] and len(data) == e["size"]
        assert "年度报告" in e["title"] and e["list_url"]
    by_url = {_path(e["url"]): e for e in first}
    assert _path(by_url["/trs/old.html"]["final_url"]) == CHANGED
    assert by_url["PDF"]["content_type"] == "application/pdf"
    assert (runs.out / by_url["/files/report-2024.docx"]["path"]).suffix == ".docx"
    # The PDF is linked twice (the article's attachment, the chain's direct link): saved once.
    pdf = (portal.FIXTURES / "hongze-2023.pdf").read_bytes()
    assert sum(e["sha256"] == hashlib.sha256(pdf).hexdigest() for e in lines) == 1
    assert _said("重复链接 1 个", runs.first.output)


def test_failures_are_named_and_the_rest_goes_on(runs: Runs) -> None:
    out = runs.first.output
    assert _said("/trs/gone.html：页面不存在（HTTP 404）", out)
    assert _said("/go/report.html：链路本地地址 169.254.169.254", out)
    assert _said("/private/t1.html：robots.txt 不允许访问", out)


def test_server_never_saw_a_notice_a_disallowed_path_or_a_refused_address(runs: Runs) -> None:
    paths = [s.path for s in runs.portal.seen]
    assert "/trs/202401/notice.html" not in paths
    assert not [x for x in paths if x.startswith("/private/")]
    assert paths[0] == "/robots.txt"
    # The refused hop was never requested from anyone: the guard stops it before a connection.
    assert runs.portal.hits("/go/report.html") and all(s.status == 302 for s in runs.portal.hits("/go/report.html"))


def test_polite_one_request_at_a_time_with_the_delay_and_a_named_user_agent(runs: Runs) -> None:
    seen = runs.portal.seen[: runs.split]
    ua = seen[0].headers.get("User-Agent", "")
    assert f"nianbao/{__version__}" in ua and "ops@example.org" in ua
    for a, b in itertools.pairwise(seen):
        assert b.arrived >= a.done - 0.01, f"{b.path} arrived while {a.path} was being served"
    # The delay runs from one request's start to the next; the server sees it give or take a connection set-up.
    gaps = [b.arrived - a.arrived for a, b in itertools.pairwise(seen[1:])]
    assert sum(gaps) >= len(gaps) * DELAY * 0.8, gaps
    busy = runs.portal.hits("/busy/report.html")
    assert busy[0].status == 429 and busy[1].status == 200
    assert busy[1].arrived - busy[0].arrived >= 0.9  # Retry-After: 1


def test_second_run_asks_conditionally_and_downloads_only_the_changed_report(runs: Runs) -> None:
    assert runs.second.exit_code == 2, runs.second.output
    second = runs.portal.seen[runs.split :]
    for s in second:
        if s.path in ("/robots.txt", CHANGED) or s.status in (301, 302, 404):
            continue
        assert s.headers.get("If-None-Match") and s.status == 304, s.path
    full = [s.path for s in runs.portal.seen if s.status == 200 and s.path != "/robots.txt"]
    twice = {x for x in full if full.count(x) > 1}
    assert twice == {CHANGED}
    assert _said("新版本 1 份", runs.second.output) and _said("未变 8 份", runs.second.output)


def test_changed_report_is_a_new_version_beside_the_old_one(runs: Runs) -> None:
    lines = [e for e in read_manifest(runs.out) if _path(e["url"]) == "/trs/old.html"]
    assert len(lines) == 2 and lines[1]["previous_sha256"] == lines[0]["sha256"]
    assert all((runs.out / e["path"]).exists() for e in lines)
    eng = open_store(runs.db)
    from nianbao.store.origin import versions

    url = lines[0]["url"]
    with eng.connect() as conn:
        from sqlalchemy import select

        from nianbao.store import tables as T

        rows = conn.execute(
            select(T.reports.c.id, T.reports.c.fetched_at).where(T.reports.c.source_url == url).order_by(T.reports.c.id)
        ).all()
    assert len(rows) == 2 and all(r.fetched_at is not None for r in rows)
    old, new = rows[0].id, rows[1].id
    assert [v["id"] for v in versions(eng, new)] == [old, new]
    assert _said(f"报告 {old} → {new}）1 个单元格不同", runs.second.output)
    assert _said("表三「一、本年新收政府信息公开申请数量」「总计」：0 → 3", runs.second.output)
    res = CliRunner().invoke(app, ["diff", str(old), str(new), "--db", runs.db, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [
        {
            "table": "applications",
            "row": "new_received",
            "column": "total",
            "label": "表三「一、本年新收政府信息公开申请数量」「总计」",
            "before": 0.0,
            "after": 3.0,
        }
    ]


def test_collected_reports_are_read_and_checked_in_the_store(runs: Runs) -> None:
    eng = open_store(runs.db)
    with eng.connect() as conn:
        from sqlalchemy import select

        from nianbao.store import tables as T

        rows = conn.execute(select(T.reports.c.id, T.reports.c.source_url, T.reports.c.status, T.reports.c.error)).all()
    assert len(rows) == len(DOCS) + 1  # and the changed version
    assert all(r.status == "ok" for r in rows), [r.error for r in rows]
    assert all(r.source_url.startswith(runs.portal.base) for r in rows)
    # The GBK article extracts cell-exact (decoding and the page's table survived the trip).
    slow = next(r.id for r in rows if r.source_url.endswith("/slow/report.html"))
    expected = json.loads((portal.FIXTURES / f"{portal.STEMS[2]}.expected.json").read_text(encoding="utf-8"))
    got = q.get_report(eng, slow)
    assert got is not None
    for table, trows in expected["tables"].items():
        for rk, cols in trows.items():
            for ck, v in cols.items():
                assert got["cells"].get(f"{table}.{rk}.{ck}") == v, (table, rk, ck)


def test_a_killed_run_resumes_without_fetching_again(tmp_path: Path) -> None:
    p = portal.build(slow=0.0)
    out = tmp_path / "out"
    opts = {"urls": [p.base + s for s in STARTS], "out": str(out), "delay": 0.1, "allow_private": True}
    child = subprocess.Popen(
        [sys.executable, "-m", "nianbao.collect.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps(opts).encode())
    child.stdin.close()
    saved = 0
    deadline = time.monotonic() + 60
    for raw in child.stdout:
        if json.loads(raw).get("event") == "new":
            saved += 1
            if saved == 2:
                break
        assert time.monotonic() < deadline
    child.send_signal(signal.SIGKILL)
    child.wait()
    before = len(p.seen)
    assert saved == 2 and len(read_manifest(out)) == 2
    from nianbao.collect.run import Options, collect

    summary = collect(Options(urls=opts["urls"], out=str(out), delay=DELAY, allow_private=True))
    p.stop()
    assert summary.finished and len(summary.saved) == len(DOCS) - 2 and summary.unchanged == 2
    again = [s.path for s in p.seen[before:]]
    done_before = {s.path for s in p.seen[:before] if s.status == 200 and s.path != "/robots.txt"}
    assert not done_before & set(again), done_before & set(again)
    assert {_path(e["url"]) for e in read_manifest(out)} == DOCS


def test_a_collected_folder_is_ingested_later_with_its_urls(runs: Runs, tmp_path: Path) -> None:
    db = str(tmp_path / "later.db")
    res = CliRunner().invoke(app, ["collect", "--out", str(runs.out), "--db", db])
    assert res.exit_code == 0, res.output
    with open_store(db).connect() as conn:
        from sqlalchemy import select

        from nianbao.store import tables as T

        urls = conn.execute(select(T.reports.c.source_url)).scalars().all()
    assert len(urls) == len(DOCS) + 1 and all(u and u.startswith(runs.portal.base) for u in urls)


def test_since_timeout_and_size_limit(tmp_path: Path) -> None:
    p = portal.Portal()
    p.add("/robots.txt", portal.Resource(b"", "text/plain"))
    p.add("/nb/index.html", portal.Resource(portal.list_page([
        ("/nb/2020.html", "某局2020年政府信息公开工作年度报告"),
        ("/nb/2023.html", "某局2023年政府信息公开工作年度报告"),
        ("/nb/2024.pdf", "某局2024年政府信息公开工作年度报告"),
    ])))  # fmt: skip
    p.add("/nb/2020.html", portal.Resource(portal.text_to_html(portal.fixture_text(portal.STEMS[0]), "x")))
    p.add("/nb/2023.html", portal.Resource(b"<html></html>", delay=2.5))
    p.add("/nb/2024.pdf", portal.Resource(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), "application/pdf"))
    p.start()
    args = ["collect", p.base + "/nb/index.html", "--out", str(tmp_path / "out"), "--delay", str(DELAY)]
    opts = ["--allow-private", "--since", "2022", "--timeout", "1", "--retries", "0", "--max-size-mb", "1"]
    res = CliRunner().invoke(app, [*args, *opts])
    p.stop()
    assert res.exit_code == 2, res.output
    assert not p.hits("/nb/2020.html")  # older than --since: never asked for
    assert _said("/nb/2023.html：超时（1 秒内没有完成）", res.output)
    assert _said("/nb/2024.pdf：文件超过大小上限", res.output)
    assert read_manifest(tmp_path / "out") == []


def test_the_resolver_refuses_too_when_the_request_check_is_bypassed(tmp_path: Path) -> None:
    """DNS rebinding: a name checked as public may resolve to a private address at connection time."""
    p = portal.build()
    port = p.server.server_address[1]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "nianbao.collect.project", "NIANBAO_COLLECT_DELAY": "0"}
    env.pop("NIANBAO_COLLECT_ALLOW_PRIVATE", None)
    no_guard = 'DOWNLOADER_MIDDLEWARES={"nianbao.collect.spider.GuardMiddleware": null}'
    run = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "nianbao", "-a", f"urls=http://localhost:{port}/trs/index.html",
         "-a", f"out={tmp_path / 'out'}", "-s", no_guard, "-s", "RETRY_TIMES=0"],
        env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    p.stop()
    assert "内网或本机地址 127.0.0.1" in run.stderr
    assert p.seen == []
