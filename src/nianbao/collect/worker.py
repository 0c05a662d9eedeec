"""The child process of a collection: `python -m nianbao.collect.worker` with its options as JSON on stdin.

Twisted's reactor starts once per process, so every collection runs in a
process of its own (from the CLI and from the web application alike). Events
go to stdout, one JSON object a line; Scrapy's own log goes to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def main() -> int:
    opts: dict[str, Any] = json.loads(sys.stdin.read())
    from scrapy.crawler import CrawlerProcess

    from nianbao.collect import spider as sp

    def emit(event: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    process = CrawlerProcess(
        sp.settings(
            delay=float(opts.get("delay", 1.0)),
            contact=opts.get("contact"),
            allow_private=bool(opts.get("allow_private")),
            timeout=float(opts.get("timeout", 30.0)),
            retries=int(opts.get("retries", 2)),
            max_size=int(opts.get("max_size", 100 * 1024 * 1024)),
        )
    )
    crawler = process.create_crawler(sp.CollectSpider)

    def closed(spider: Any, reason: str) -> None:
        emit({"event": "closed", "reason": reason, "stats": _stats(crawler)})

    from scrapy import signals

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(
        crawler,
        urls=list(opts["urls"]),
        out=str(opts["out"]),
        since=opts.get("since"),
        max_pages=int(opts.get("max_pages", 50)),
        emit=emit,
    )
    process.start()
    return 0


def _stats(crawler: Any) -> dict[str, Any]:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    keep = (
        "downloader/request_count",
        "downloader/response_count",
        "downloader/response_bytes",
        "elapsed_time_seconds",
    )
    return {k: stats[k] for k in keep if k in stats}


if __name__ == "__main__":
    sys.exit(main())
