"""The Scrapy spider and its middlewares.

A plain Scrapy spider: it runs under `nianbao collect` (one child process per
collection, see `nianbao.collect.run`), and equally under scrapyd or with a
shared scrapy-redis queue (docs/collect.md). Politeness comes from Scrapy's own
settings — robots.txt, one request at a time per host, DOWNLOAD_DELAY and
AutoThrottle, retries — plus two middlewares of ours: the SSRF guard, checked
on every request including each redirect hop and robots.txt, and Retry-After
on 429/503, which holds the whole host back rather than just the one request.
"""

from __future__ import annotations

import email.utils
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from nianbao import __version__
from nianbao.collect import links
from nianbao.collect.guard import Refused, address_refusal, check_url
from nianbao.collect.ledger import Ledger

Emit = Callable[[dict[str, Any]], None]
_UA_SAFE = "@:/.+-_~!$&'*,;=?# "
MAX_RETRY_AFTER = 300.0  # seconds; a server asking for longer is given up on for this run


class RefusedRequest(IgnoreRequest):
    """A request the guard refused (the message is the Chinese reason)."""


def user_agent(contact: str | None) -> str:
    """Names nianbao and its version, and the operator's contact (HTTP headers are ASCII: the rest is %-escaped)."""
    extra = f"; +{quote(contact.strip(), safe=_UA_SAFE)}" if contact and contact.strip() else ""
    return f"nianbao/{__version__} (government information disclosure annual reports{extra})"


def settings(
    *,
    delay: float,
    contact: str | None,
    allow_private: bool,
    timeout: float = 30.0,
    retries: int = 2,
    max_size: int = 100 * 1024 * 1024,
) -> dict[str, Any]:
    return {
        "USER_AGENT": user_agent(contact),
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": "nianbao",
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": delay,
        **_version_settings(),
        "AUTOTHROTTLE_ENABLED": delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": max_size,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": retries,
        "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],  # 429 and 503: RetryAfterMiddleware
        "NIANBAO_RETRIES": retries,
        "REDIRECT_MAX_TIMES": 10,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "NIANBAO_ALLOW_PRIVATE": allow_private,
        "DOWNLOADER_MIDDLEWARES": {
            # Before robots.txt (100) so robots.txt itself and every hop are checked first.
            "nianbao.collect.spider.GuardMiddleware": 50,
            "nianbao.collect.spider.RetryAfterMiddleware": 560,
        },
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }


def _version_settings() -> dict[str, Any]:
    # Recent Scrapy renamed two settings; the old names still work there, with a warning.
    from scrapy.settings import default_settings

    resolver = "nianbao.collect.spider.GuardedResolver"
    if hasattr(default_settings, "DOWNLOAD_DELAY_JITTER"):
        return {"DOWNLOAD_DELAY_JITTER": 0, "TWISTED_DNS_RESOLVER": resolver}  # --delay is a floor, not an average
    return {"RANDOMIZE_DOWNLOAD_DELAY": False, "DNS_RESOLVER": resolver}


class GuardMiddleware:
    """Refuses any request whose URL the SSRF guard refuses (including redirect hops and robots.txt)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardMiddleware:
        return cls(crawler.settings.getbool("NIANBAO_ALLOW_PRIVATE"))

    def process_request(self, request: Request) -> None:
        try:
            check_url(request.url, self.allow_private)
        except Refused as exc:
            raise RefusedRequest(str(exc)) from exc


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's resolver, refusing at connection time any address the guard refuses (DNS rebinding)."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> GuardedResolver:
        r: GuardedResolver = super().from_crawler(crawler, reactor)
        r.allow_private = crawler.settings.getbool("NIANBAO_ALLOW_PRIVATE")
        return r

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:
        d = super().getHostByName(name, timeout)

        def check(addr: str) -> str:
            import ipaddress

            reason = address_refusal(ipaddress.ip_address(addr), self.allow_private)
            if reason:
                raise Refused(f"{name}：{reason}")
            return addr

        d.addCallback(check)
        return d


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RetryAfterMiddleware:
    """429/503: wait as the server asks (Retry-After, else doubling back-off) before the host sees us again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.retries = crawler.settings.getint("NIANBAO_RETRIES", 2)
        self.base = max(1.0, crawler.settings.getfloat("DOWNLOAD_DELAY"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503):
            return response
        n = int(request.meta.get("nianbao_busy", 0))
        if n >= self.retries:
            return response
        asked = retry_after(_header(response, "Retry-After"))
        wait = asked if asked is not None else self.base * 2**n
        if wait > MAX_RETRY_AFTER:
            return response
        self._hold_host(request, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["nianbao_busy"] = n + 1
        return retry

    def _hold_host(self, request: Request, wait: float) -> None:
        # The downloader sends the host's next request no sooner than lastseen + delay.
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        slot.delay = max(slot.delay, 0.001)
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)


def _header(response: Response, name: str) -> str:
    v = response.headers.get(name)
    return v.decode("latin-1", "replace") if v else ""


def reason_of(failure: Failure, timeout: float) -> str:
    """One Chinese reason for a failed request."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        if status in (301, 302, 303, 307, 308):
            loc = _header(exc.response, "Location")
            return f"重定向到不允许访问的地址（{loc}）"
        if status == 404 or status == 410:
            return f"页面不存在（HTTP {status}）"
        if status in (401, 403):
            return f"服务器拒绝访问（HTTP {status}）"
        if status in (429, 503):
            return f"服务器繁忙，等待重试后仍未成功（HTTP {status}）"
        return f"服务器返回错误（HTTP {status}）"
    if isinstance(exc, RefusedRequest):
        return str(exc)
    if isinstance(exc, Refused):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        if "robots" in str(exc).lower():
            return "robots.txt 不允许访问"
        return f"请求被忽略（{exc}）"
    name = type(exc).__name__
    if "Timeout" in name or "TimedOut" in name:
        return f"超时（{timeout:g} 秒内没有完成）"
    if "Cancelled" in name or "maxsize" in str(exc).lower():
        return "文件超过大小上限"
    if "DNS" in name or "Resolve" in name:
        return "无法解析域名"
    if "ConnectionRefused" in name:
        return "无法连接服务器（连接被拒绝）"
    if "Connection" in name or "DataLoss" in name:
        return "连接中断"
    return f"下载失败（{name}: {exc}）"


def _is_html(response: Response) -> bool:
    ct = _header(response, "Content-Type").lower()
    if "html" in ct:
        return True
    if ct and not ct.startswith(("text/plain", "application/octet-stream")):
        return False
    if links.is_document_url(response.url):
        return False
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta"))


class CollectSpider(scrapy.Spider):
    """Collects annual reports from portal columns (list pages) or article pages."""

    name = "nianbao"
    handle_httpstatus_list = [304]  # noqa: RUF012  (Scrapy's class attribute)

    def __init__(
        self,
        *,
        urls: list[str] | str,
        out: str = "collected",
        since: int | str | None = None,
        max_pages: int | str = 50,
        emit: Emit | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        # Under `scrapy crawl -a` or scrapyd the arguments arrive as strings.
        self.urls = urls.replace(",", " ").split() if isinstance(urls, str) else list(urls)
        self.ledger = Ledger(out)
        self.since = int(since) if since not in (None, "") else None
        self.max_pages = int(max_pages)
        self.emit: Emit = emit or (lambda _e: None)
        self.list_pages: dict[int, set[str]] = {}
        self.followed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CollectSpider:
        spider: CollectSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _closed(self, reason: str) -> None:
        if reason == "finished":
            self.ledger.finish()
        else:
            self.ledger.close()  # resumable: run.json still says unfinished

    async def start(self) -> AsyncIterator[Any]:
        for i, url in enumerate(self.urls):
            for r in self._follow({"url": url, "kind": "start", "title": ""}, column=i, list_url=None):
                yield r

    # --- following a link (or replaying it from the ledger) ----------------------------

    def _follow(self, action: dict[str, Any], column: int, list_url: str | None) -> Iterator[Request]:
        url, kind = action["url"], action["kind"]
        if kind == "list":
            seen = self.list_pages.setdefault(column, set())
            if url in seen or len(seen) >= self.max_pages:
                return
            seen.add(url)
        elif kind == "start":
            self.list_pages.setdefault(column, set()).add(url)
        if url in self.followed:
            return
        self.followed.add(url)
        meta = {"kind": kind, "title": action.get("title", ""), "column": column, "list_url": list_url}
        done = self.ledger.done_in_this_run(url)
        if done is not None:  # resuming: already fetched by the interrupted run
            yield from self._replay(url, done, meta, resumed=True)
            return
        yield self._request(url, meta)

    def _request(self, url: str, meta: dict[str, Any], fresh: bool = False) -> Request:
        return Request(
            url,
            callback=self.on_response,
            errback=self.on_error,
            headers=None if fresh else self.ledger.validators(url),
            meta=meta,
            dont_filter=fresh or meta["kind"] == "start",
        )

    def _replay(self, url: str, state: dict[str, Any], meta: dict[str, Any], resumed: bool) -> Iterator[Request]:
        if state.get("saved") or state.get("type") == "document":
            self.emit({"event": "unchanged", "url": url, "title": meta["title"], "resumed": resumed})
        if state.get("type") == "page":
            self.emit({"event": "page", "url": url, "status": 304})
            for a in state.get("actions", []):
                yield from self._follow(a, meta["column"], url)

    # --- responses -----------------------------------------------------------------------

    def on_response(self, response: Response) -> Iterator[Request]:
        meta = response.meta
        url = (meta.get("redirect_urls") or [response.url])[0]
        if response.status == 304:
            state = self.ledger.state.get(url)
            if not self.ledger.complete(state):  # nothing usable kept for it: ask again in full
                yield self._request(url, {k: meta[k] for k in ("kind", "title", "column", "list_url")}, fresh=True)
                return
            state = self.ledger.remember(url, status=304)
            yield from self._replay(url, state, meta, resumed=False)
            return
        validators = {
            "etag": _header(response, "ETag") or None,
            "last_modified": _header(response, "Last-Modified") or None,
        }
        sha = hashlib.sha256(response.body).hexdigest()
        if not _is_html(response):
            # The state line first: a run killed before the manifest line asks for the file again.
            self.ledger.remember(url, type="document", status=response.status, sha256=sha, **validators)
            self._save(url, response, meta, validators)
            return
        page = links.parse_page(response.url, response.body)
        self.emit({"event": "page", "url": url, "status": response.status})
        actions: list[dict[str, Any]] = []
        kind = meta["kind"]
        inline = False
        title = meta["title"] or page.title
        if kind in ("start", "list"):
            for link in links.report_links(page):
                if self.since is not None and (links.title_year(link.text) or 0) < self.since:
                    continue
                doc = links.is_document_url(link.url)
                actions.append({"url": link.url, "kind": "file" if doc else "article", "title": link.text})
            actions += [{"url": u, "kind": "list", "title": ""} for u in links.pagination(page)]
        if kind == "article" or (kind == "start" and links.looks_like_report(page.title)):
            for link in links.attachments(page):
                actions.append({"url": link.url, "kind": "file", "title": link.text or title})
            inline = page.inline_report
            if not inline and kind == "article" and not any(a["kind"] == "file" for a in actions):
                self.emit({"event": "failed", "url": url, "title": title, "reason": "页面上没有找到报告正文或附件"})
        self.ledger.remember(
            url, type="page", status=response.status, saved=inline, sha256=sha if inline else None,
            actions=actions, **validators,
        )  # fmt: skip
        if inline:
            self._save(url, response, {**meta, "title": title}, validators)
        for a in actions:
            yield from self._follow(a, meta["column"], url)

    def _save(self, url: str, response: Response, meta: dict[str, Any], validators: dict[str, Any]) -> None:
        ct = _header(response, "Content-Type") or None
        res = self.ledger.save(
            url=url,
            final_url=response.url,
            title=meta.get("title") or "",
            list_url=meta.get("list_url"),
            status=response.status,
            content_type=ct,
            body=response.body,
            **validators,
        )
        self.emit({**res.entry, "event": res.outcome, "url": url})

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        timeout = float(self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT"))
        reason = reason_of(failure, timeout)
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        self.emit(
            {
                "event": "failed",
                "url": url,
                "title": request.meta.get("title", ""),
                "kind": request.meta.get("kind"),
                "reason": reason,
                "at": urlsplit(request.url).geturl(),
            }
        )
