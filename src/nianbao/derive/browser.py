"""Browser-printed PDFs: a fixture laid out as a web page and saved with headless chromium's
print to PDF, as users save portal pages.

Two page styles: the print-ready HTML of `nianbao render` (rows kept whole), and a portal
article (a ~700 px column, small type, cells without padding so the figures of narrow
neighbouring cells almost touch, rows allowed to split across pages as browsers split
them, the table header repeated on each page, the browser's own header and footer).
Each is printed at several page sizes and scales so that tables break at different rows.
Output is deterministic: fixed header texts and the PDF's dates cleared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.model import Report
from nianbao.render.html import FANGSONG, SONGTI, to_html
from nianbao.render.model import layout
from nianbao.schema import load_report

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--font-render-hinting=none",
]


@dataclass(frozen=True)
class Variant:
    name: str
    style: str  # "print" (render's HTML as is) or "portal"
    paper: str  # chromium paper format
    scale: float
    header_footer: bool = False  # the browser's date/title header and URL/page footer
    tall: bool = False  # labels wrapped every few characters: tall rows, which page breaks cut
    thead: bool = True  # header rows in <thead>, repeated on every page (Word-pasted tables have none)


VARIANTS = (
    Variant("print-a4", "print", "A4", 1.0),
    Variant("print-letter-s80", "print", "Letter", 0.8),
    Variant("portal-a4", "portal", "A4", 1.0, header_footer=True),
    Variant("portal-a4-s70", "portal", "A4", 0.7, header_footer=True),
    Variant("portal-letter-s90", "portal", "Letter", 0.9),
    Variant("portal-a5", "portal", "A5", 1.0, header_footer=True),
    Variant("portal-tall-a4", "portal", "A4", 1.0, tall=True),
    Variant("portal-tall-a4-s80", "portal", "A4", 0.8, header_footer=True, tall=True),
    Variant("portal-tall-a5-s90", "portal", "A5", 0.9, tall=True),
    Variant("portal-tall-letter-s70", "portal", "Letter", 0.7, header_footer=True, tall=True),
    Variant("portal-tall-nothead-a4-s90", "portal", "A4", 0.9, tall=True, thead=False),
    Variant("portal-tall-nothead-letter-s80", "portal", "Letter", 0.8, header_footer=True, tall=True, thead=False),
)

# A portal's article page: narrow column, small type, Word-pasted tables without padding.
# Header cells are set smaller than the figures and may wrap at any character, so a value
# column is as narrow as its widest figure and neighbouring figures nearly touch.
PORTAL_CSS = f"""
@page {{ margin: 12mm 10mm; }}
html {{ font-family: {SONGTI}; font-size: 12px; line-height: 1.6; color: #333; }}
body {{ margin: 0; }}
.main {{ width: 700px; margin: 0 auto; }}
.crumb {{ font-size: 12px; color: #666; border-bottom: 1px solid #ccc; padding: 4px 0; }}
.meta {{ text-align: center; font-size: 12px; color: #666; margin: 6px 0 12px; }}
h1 {{ font-size: 20px; text-align: center; font-family: {FANGSONG}; margin: 12px 0 4px; }}
h2 {{ font-size: 14px; margin: 10px 0 4px; }}
p {{ margin: 0 0 4px; text-indent: 2em; }}
table {{ border-collapse: collapse; margin: 4px auto 10px; }}
th, td {{ border: 1px solid #000; padding: 0; text-align: center; vertical-align: middle; font-weight: normal; }}
th {{ font-size: 8px; line-height: 1.25; word-break: break-all; }}
td {{ font-size: 12px; line-height: 1.4; }}
td.label {{ text-align: left; font-size: 11px; max-width: 9em; }}
td.value {{ white-space: nowrap; }}
tr, td, th {{ break-inside: auto; page-break-inside: auto; }}
.foot {{ border-top: 1px solid #ccc; margin-top: 16px; font-size: 11px; color: #666; text-align: center; }}
"""

# Row labels in a column a few characters wide: every row several lines tall.
TALL_CSS = "td.label, th { width: 3.2em; word-break: break-all; }"

HEADER = (
    '<div style="font-size:8px;width:100%;padding:0 10mm;display:flex;justify-content:space-between">'
    '<span>2024/3/1 09:30</span><span class="title"></span><span></span></div>'
)
FOOTER = (
    '<div style="font-size:8px;width:100%;padding:0 10mm;display:flex;justify-content:space-between">'
    "<span>https://www.example.gov.cn/zwgk/xxgkndbg/art_1.html</span>"
    '<span><span class="pageNumber"></span>/<span class="totalPages"></span></span></div>'
)


def portal_html(report: Report, tall: bool = False, thead: bool = True) -> str:
    """The report as a portal shows it: breadcrumb, title, date line, article, site footer."""
    page = to_html(layout(report))
    if not thead:
        page = page.replace("<thead>", "").replace("</thead>", "")
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    title = re.search(r"<h1>(.*?)</h1>", body, re.S)
    head_title = title.group(1) if title else ""
    date = report.published.isoformat() if report.published else f"{(report.year or 2024) + 1}-01-20"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{head_title}</title><style>{PORTAL_CSS}{TALL_CSS if tall else ''}</style></head>\n<body><div class='main'>\n"
        "<div class='crumb'>当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>\n"
        f"{body.replace('</h1>', '</h1>' + chr(10) + '<div class=meta>发布日期：' + date + '　浏览次数：128</div>', 1)}"
        "<div class='foot'>版权所有 © 本网站　网站标识码 0000000000　技术支持：信息中心</div>\n"
        "</div></body></html>\n"
    )


def chromium_path() -> str | None:
    env = os.environ.get("NIANBAO_CHROMIUM")
    if env and os.path.exists(env):
        return env
    return shutil.which("chromium") or shutil.which("chromium-browser")


def report_for(source: Path, stem: str) -> Report:
    """The fixture's expected data, with its narrative (read from the fixture) so that the
    page looks like the report; the tables are the expected ones, cell for cell."""
    data = json.loads(source.with_name(stem + ".expected.json").read_text(encoding="utf-8"))
    report = load_report(data, source=str(source))
    if not report.sections:
        from nianbao.batch import process

        outcome = process(str(source), run_checks=False)
        if outcome.report is not None:
            report.sections = outcome.report.sections
            report.preamble = outcome.report.preamble
            report.published = report.published or outcome.report.published
    return report


def _deterministic(pdf: bytes) -> bytes:
    """Chromium stamps the print time; clear it (same length, so offsets hold)."""
    return re.sub(rb"\((D:\d{14}[^)]*)\)", lambda m: b"(" + b"D:20240301000000" + b" " * (len(m[1]) - 16) + b")", pdf)


def print_pdfs(pages: list[tuple[str, Variant]], out: Path, stem: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("未找到 chromium（apt-get install -y chromium），无法生成浏览器打印的 PDF")
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(locale="zh-CN", viewport={"width": 1000, "height": 1400})
            page = ctx.new_page()
            for html, v in pages:
                page.set_content(html, wait_until="load")
                opts: dict[str, Any] = {"format": v.paper, "scale": v.scale, "print_background": True}
                if v.header_footer:
                    opts |= {
                        "display_header_footer": True,
                        "header_template": HEADER,
                        "footer_template": FOOTER,
                        "margin": {"top": "15mm", "bottom": "15mm", "left": "10mm", "right": "10mm"},
                    }
                elif v.style == "print":
                    opts["prefer_css_page_size"] = False
                target = out / f"{stem}.browser-{v.name}.pdf"
                target.write_bytes(_deterministic(page.pdf(**opts)))
                written.append(target)
        finally:
            browser.close()
    return written


def derive(source: Path, out: Path, stem: str) -> list[Path]:
    report = report_for(source, stem)
    print_page = to_html(layout(report))
    pages = [(print_page if v.style == "print" else portal_html(report, v.tall, v.thead), v) for v in VARIANTS]
    return print_pdfs(pages, out, stem)
