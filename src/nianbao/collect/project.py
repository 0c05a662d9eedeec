"""A Scrapy settings module, so the spider runs under plain `scrapy`, scrapyd or a shared queue.

    SCRAPY_SETTINGS_MODULE=nianbao.collect.project \\
      scrapy crawl nianbao -a urls="https://a.gov.cn/ndbg/ https://b.gov.cn/nb/" -a out=collected

Politeness comes from the same settings `nianbao collect` uses; NIANBAO_COLLECT_DELAY,
NIANBAO_COLLECT_CONTACT and NIANBAO_COLLECT_ALLOW_PRIVATE set them here (docs/collect.md).
"""

from __future__ import annotations

import os

from nianbao.collect.spider import settings as _settings

BOT_NAME = "nianbao"
SPIDER_MODULES = ["nianbao.collect.spider"]

globals().update(
    _settings(
        delay=float(os.environ.get("NIANBAO_COLLECT_DELAY", "1")),
        contact=os.environ.get("NIANBAO_COLLECT_CONTACT"),
        allow_private=bool(os.environ.get("NIANBAO_COLLECT_ALLOW_PRIVATE")),
    )
)
