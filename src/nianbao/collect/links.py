"""Reading a portal page: which links are reports, attachments or further pages of the column.

Pure functions over a page's bytes and URL, so they are tested without a crawl.
A report link is one whose title carries a year and 年度报告/年报 and is not a
notice about reports (关于报送…的通知, 解读, 图解 …). Pagination comes in the
forms Chinese portals use: TRS/WCM's `createPageHTML(total, current, "index",
"html")` script (pages index.html, index_1.html …), `?page=N` style links and
"下一页" links.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from nianbao.readers.html import decode_html

DOC_EXTS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".txt", ".rtf", ".odt", ".mht", ".mhtml")
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_REPORT = re.compile(r"年度报告|年报|年度工作报告")
# Titles about reports that are not reports: notices, readings, charts, tasks.
_NOT_REPORT = re.compile(
    r"通知|通告|征集|报送|编制|做好|印发|转发|解读|图解|一图|图读|答记者问|新闻发布|工作要点|工作方案|考核|评议结果|"
    r"目录|指南|意见|公示|的函|回复"
)
# Other kinds of annual report a portal publishes beside the disclosure one.
_OTHER_REPORT = re.compile(r"法治政府|统计公报|决算|预算|审计|社会责任|环境状况|环境信息|质量报告|信用")
_DISCLOSURE = re.compile(r"信息公开|政务公开")
# Headings of the national template: two of them on a page mean the report is inline.
_INLINE_MARKS = (
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
_NEXT = re.compile(r"^(下一页|下页|后一页|下一頁|next|>|›|»|>>)$", re.I)
_PAGE_TEXT = re.compile(r"^(\d{1,4}|上一页|上页|前一页|尾页|末页|最后一页|last|<|<<|‹|«)$", re.I)
_PAGE_PARAMS = frozenset(["page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "pn", "p", "pagenumber"])
_CREATE_PAGE = re.compile(
    r"createPageHTML\s*\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]", re.I
)
_JS_VAR = r"(?:var|let|const)?\s*{name}\s*=\s*['\"]?(\d+)"


def normalize(text: str) -> str:
    return _WS.sub(" ", text).strip()


def title_year(title: str) -> int | None:
    """The year a title is about (the first year it names), in Arabic or Chinese numerals."""
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(title)
    if m:
        y = int("".join(_CN_DIGITS[c] for c in m.group(1)))
        return y if 1990 <= y <= 2100 else None
    return None


def looks_like_report(title: str) -> bool:
    """A title with a year and 年度报告/年报 that is not a notice or another kind of annual report."""
    t = _WS.sub("", title)
    if not t or title_year(t) is None or not _REPORT.search(t):
        return False
    if _NOT_REPORT.search(t):
        return False
    return bool(_DISCLOSURE.search(t)) or not _OTHER_REPORT.search(t)


def is_document_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(DOC_EXTS)


def _doc_name(text: str) -> bool:
    return normalize(text).lower().endswith(DOC_EXTS)


# Page chrome around the article: navigation, header, footer, sidebars (portal templates name them so).
_CHROME_TAGS = frozenset(["nav", "header", "footer", "aside"])
_CHROME = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|foot|header|topbar|breadcrumb|crumbs?|sidebar|side|copyright|"
    r"share|related|friend|yqlj|dh|daohang|bottom|banner|search|login)([\s_-]|$)",
    re.I,
)


def _in_chrome(el: etree._Element) -> bool:
    for anc in el.iterancestors():
        if anc.tag in _CHROME_TAGS:
            return True
        label = f"{anc.get('class') or ''} {anc.get('id') or ''}"
        if label.strip() and _CHROME.search(label):
            return True
    return False


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    chrome: bool = False  # in the page's navigation, header or footer rather than its content


@dataclass
class Page:
    url: str
    title: str
    text: str  # the visible text, whitespace collapsed
    links: list[Link]
    scripts: str

    @property
    def inline_report(self) -> bool:
        """The page itself holds a report: at least two of the template's part headings."""
        t = _WS.sub("", self.text)
        return sum(m in t for m in _INLINE_MARKS) >= 2


def parse_page(url: str, body: bytes) -> Page:
    """Links (absolute, resolved against `<base href>`), title, text and scripts of an HTML page."""
    text, _enc = decode_html(body)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        return Page(url, "", "", [], "")
    base = url
    for b in root.iter("base"):
        href = (b.get("href") or "").strip()
        if href:
            base = urljoin(url, href)
            break
    scripts = "\n".join(s.text_content() for s in root.iter("script"))
    links: list[Link] = []
    for a in root.iter("a", "area"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        label = normalize(a.text_content()) or normalize(a.get("title") or "")
        if a.get("title") and not looks_like_report(label) and looks_like_report(a.get("title") or ""):
            label = normalize(a.get("title") or "")  # the list shows a shortened title; the full one is in @title
        links.append(Link(urldefrag(urljoin(base, href))[0], label, _in_chrome(a)))
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    title_el = root.find(".//title")
    title = normalize(title_el.text_content()) if title_el is not None else ""
    for h in root.iter("h1", "h2"):
        ht = normalize(h.text_content())
        if looks_like_report(ht):
            title = ht
            break
    return Page(url, title, normalize(root.text_content()), links, scripts)


def report_links(page: Page) -> list[Link]:
    """Links whose title looks like an annual report (each URL once, in page order)."""
    seen: set[str] = set()
    out = []
    for link in page.links:
        if link.url not in seen and looks_like_report(link.text):
            seen.add(link.url)
            out.append(link)
    return out


def attachments(page: Page) -> list[Link]:
    """Links to files (PDF, Word, WPS, OFD, Excel …), by the URL's extension or the link's file name,
    outside the page's navigation and footer (where portals keep their own help documents)."""
    seen: set[str] = set()
    out = []
    for link in page.links:
        if link.url in seen or link.chrome:
            continue
        if is_document_url(link.url) or _doc_name(link.text):
            seen.add(link.url)
            out.append(link)
    return out


def _js_int(token: str, scripts: str) -> int | None:
    if token.isdigit():
        return int(token)
    name = token.rsplit(".", 1)[-1]
    m = re.search(_JS_VAR.format(name=re.escape(name)), scripts)
    return int(m.group(1)) if m else None


def _page_param(url: str) -> bool:
    return any(k.lower() in _PAGE_PARAMS for k, _v in parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _numbered(url: str) -> bool:
    """index_3.html, list_2.shtml, 2.html: a static numbered page."""
    name = posixpath.basename(urlsplit(url).path)
    return bool(re.fullmatch(r"(\w+_)?\d{1,4}\.s?html?", name))


def pagination(page: Page) -> list[str]:
    """Other pages of the same column list, in the order found."""
    out: list[str] = []
    here = urlsplit(page.url)

    def add(u: str) -> None:
        if u != page.url and u not in out:
            out.append(u)

    for m in _CREATE_PAGE.finditer(page.scripts):
        total = _js_int(m.group(1), page.scripts)
        stem, ext = m.group(3), m.group(4)
        if total is None:
            continue
        for i in range(min(total, 10000)):
            add(urljoin(page.url, f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}"))
    for link in page.links:
        target = urlsplit(link.url)
        if target.scheme not in ("http", "https") or target.netloc != here.netloc:
            continue
        if _NEXT.match(link.text) or (_PAGE_TEXT.match(link.text) and (_page_param(link.url) or _numbered(link.url))):
            add(link.url)
    return out
