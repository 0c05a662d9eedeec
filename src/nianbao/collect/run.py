"""Running a collection from the parent process: start the child, follow its events, sum them up.

`collect()` is what both `nianbao collect` and the web application's 采集 page
call; the crawl itself runs in a child process (`nianbao.collect.worker`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nianbao.collect.guard import Refused, check_url
from nianbao.collect.ledger import STATE_DIR, Busy, lock

Event = dict[str, Any]


@dataclass
class Options:
    urls: list[str]
    out: str
    delay: float = 1.0
    since: int | None = None
    max_pages: int = 50
    contact: str | None = None
    allow_private: bool = False
    timeout: float = 30.0
    retries: int = 2
    max_size: int = 100 * 1024 * 1024


@dataclass
class Summary:
    pages: int = 0  # list and article pages seen (fetched or unchanged)
    saved: list[Event] = field(default_factory=list)  # new documents (manifest lines)
    changed: list[Event] = field(default_factory=list)  # new versions of documents saved before
    unchanged: int = 0
    duplicates: int = 0  # the same content under another link, saved once
    failed: list[Event] = field(default_factory=list)  # {url, title, reason}
    stats: dict[str, Any] = field(default_factory=dict)  # Scrapy's request and byte counts
    finished: bool = False  # False when the run was stopped before the end (it resumes next time)
    error: str | None = None  # the child could not run at all

    def add(self, e: Event) -> None:
        kind = e.get("event")
        if kind == "page":
            self.pages += 1
        elif kind == "new":
            self.saved.append(e)
        elif kind == "changed":
            self.changed.append(e)
        elif kind == "unchanged":
            self.unchanged += 1
        elif kind == "duplicate":
            self.duplicates += 1
        elif kind == "failed":
            self.failed.append(e)
        elif kind == "closed":
            self.stats = e.get("stats") or {}
            self.finished = e.get("reason") == "finished"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate(urls: list[str], allow_private: bool) -> list[tuple[str, str]]:
    """The start URLs the guard refuses, with the reason (checked before any request)."""
    bad = []
    for u in urls:
        try:
            check_url(u, allow_private)
        except Refused as exc:
            bad.append((u, str(exc)))
    return bad


def collect(opts: Options, on_event: Callable[[Event], None] | None = None) -> Summary:
    """Run one collection in a child process; `on_event` sees each event as it happens."""
    if importlib.util.find_spec("scrapy") is None:
        return Summary(error="没有安装采集引擎 Scrapy：pip install 'nianbao[collect]'")
    out = Path(opts.out)
    try:
        lock(out).close()  # a clear message now rather than a failed child
    except Busy as exc:
        return Summary(error=str(exc))
    summary = Summary()
    payload = json.dumps({**asdict(opts), "out": str(out)})
    log = (out / STATE_DIR / "crawl.log").open("ab")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.collect.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(payload.encode("utf-8"))
        proc.stdin.close()
        for raw in proc.stdout:
            try:
                e = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(e, dict):
                continue
            summary.add(e)
            if on_event:
                on_event(e)
        code = proc.wait()
    except BaseException:
        proc.terminate()  # Ctrl-C: the child closes its files; the next run resumes
        proc.wait()
        raise
    finally:
        log.close()
    if code != 0 and not summary.finished:
        tail = (out / STATE_DIR / "crawl.log").read_bytes()[-2000:].decode("utf-8", "replace").strip()
        summary.error = f"采集进程异常退出（代码 {code}）" + (f"：{tail.splitlines()[-1]}" if tail else "")
    return summary
