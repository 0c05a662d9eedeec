"""HTML pages as portals serve them: encodings, the article among the noise,
tables with row/column spans (also tables split in pieces or laid out in divs)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from nianbao.document import Document, Line
from nianbao.readers.errors import ReadError
from nianbao.readers.pictures import Pictures
from nianbao.readers.text import _utf16_without_bom, decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")

_DROP = ("script", "style", "noscript", "head", "iframe", "form", "select", "button", "nav", "footer", "header", "svg")
_NOISE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|foot|header|top-?bar|breadcrumb|crumbs?|sidebar|side|copyright|share|related|"
    r"fenxiang|dh|daohang|bottom|banner|search|login)([\s_-]|$)",
    re.I,
)
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
    ]
)
MAX_CELLS = 20000  # a table larger than this is not a report's table (and would be slow)
MAX_HTML_BYTES = 30 * 1024 * 1024  # a report page is far smaller; parsing more costs too much memory


def decode_html(data: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are valid UTF-8 (whatever the page declares), else the declared charset, else GB18030."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        return decode(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace") if m else None
    if declared and declared.lower().replace("_", "-") in ("utf-8", "utf8"):
        declared = None  # declared wrongly: the bytes are not UTF-8
    return decode(data, declared)


def _text(el: etree._Element) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def _cell_text(el: etree._Element) -> str:
    """A cell's text: its paragraphs and line breaks are one wrapped label."""
    parts: list[str] = []
    for t in el.itertext():
        t = _WS.sub(" ", t).strip()
        if t:
            parts.append(t)
    out = ""
    for p in parts:
        # Keep a space between ASCII words/numbers, none between CJK pieces.
        if out and out[-1].isascii() and p[0].isascii() and out[-1].isalnum() and p[0].isalnum():
            out += " "
        out += p
    return out.replace("\t", " ")


def _strip_noise(root: etree._Element) -> None:
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _NOISE.search(attrs) and "勾稽" not in _text(el)[:20000]:
            el.drop_tree()


def _plain_len(el: etree._Element) -> int:
    total = len(_WS.sub("", "".join(el.itertext())))
    links = sum(len(_WS.sub("", "".join(a.itertext()))) for a in el.iter("a"))
    return total - links


def _main_content(root: etree._Element) -> etree._Element:
    """The deepest element holding nearly all of the page's non-link text."""
    body = root.find(".//body")
    top = body if body is not None else root
    whole = _plain_len(top)
    if whole == 0:
        return top
    best = top
    while True:
        nxt = None
        for child in best:
            if isinstance(child.tag, str) and _plain_len(child) >= 0.8 * whole:
                nxt = child
                break
        if nxt is None or nxt.tag in ("table", "tbody", "tr", "p"):
            return best
        best = nxt


def _grid(table: etree._Element) -> list[list[str]]:
    """Rows of cells with spans expanded: text in the top-left cell, empty strings elsewhere."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) already taken by a rowspan
    trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
    cells_seen = 0
    for r, tr in enumerate(trs):
        row: list[str] = []
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            span_c = _span(cell.get("colspan"))
            span_r = _span(cell.get("rowspan"))
            cells_seen += span_c * span_r
            if cells_seen > MAX_CELLS:
                raise ReadError("网页中的表格过大，不像是年度报告的统计表")
            row.append(_cell_text(cell))
            row += [""] * (span_c - 1)
            for dr in range(1, span_r):
                for dc in range(span_c):
                    pending[(r + dr, col + dc)] = ""
            col += span_c
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        rows.append(row)
    return rows


def _span(v: str | None) -> int:
    try:
        return max(1, min(int((v or "1").strip() or 1), 200))
    except ValueError:
        return 1


def _owner(tr: etree._Element) -> etree._Element | None:
    p = tr.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _is_div_row(el: etree._Element) -> bool:
    """A div laid out as a table row: several short leaf children and no text of its own."""
    kids = [c for c in el if isinstance(c.tag, str)]
    if len(kids) < 2 or (el.text or "").strip():
        return False
    for k in kids:
        if k.tag not in ("div", "span", "li") or (k.tail or "").strip():
            return False
        if any(isinstance(d.tag, str) and d.tag in ("div", "table", "p", "ul") for d in k.iterdescendants()):
            return False
        if len(_text(k)) > 60:
            return False
    return True


def _may_hold_table(img: etree._Element) -> bool:
    """An <img> not declared smaller than a table could be (icons, seals, spacers)."""
    for attr, least in (("width", 300), ("height", 80)):
        v = (img.get(attr) or "").strip().removesuffix("px")
        if v.isdigit() and int(v) < least:
            return False
    return True


Resolver = Callable[[str], bytes | None]


def _data_uri(src: str) -> bytes | None:
    """The bytes of a picture embedded in the page (data:image/png;base64,…)."""
    head, _, body = src.partition(",")
    if not head.lower().startswith("data:image/") or not head.lower().endswith(";base64"):
        return None
    try:
        return base64.b64decode(body, validate=False)
    except (binascii.Error, ValueError):
        return None


class _Walker:
    def __init__(self, resolve: Resolver) -> None:
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.resolve = resolve
        self.pictures = Pictures()

    def add(self, text: str) -> None:
        self.lines.append(Line(text, 0))

    def flush(self) -> None:
        text = _WS.sub(" ", "".join(self.buf)).strip()
        if text:
            self.add(text)
        self.buf = []

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not any(t is not el for t in el.iter("table")):
            self.flush()
            for row in _grid(el):
                if any(c.strip() for c in row):
                    self.add("\t".join(row) if len(row) > 1 else row[0])
            self._tail(el)
            return
        if tag == "div" and _is_div_row(el):
            self.flush()
            self.add("\t".join(_cell_text(k) for k in el if isinstance(k.tag, str)))
            self._tail(el)
            return
        if tag == "br":
            self.flush()
            self._tail(el)
            return
        if tag == "img" and _may_hold_table(el):
            src = (el.get("src") or "").strip()
            self.flush()
            self.lines += self.pictures.lines(_data_uri(src) or self.resolve(src))
        block = tag in _BLOCK
        if block:
            self.flush()
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        self._tail(el)

    def _tail(self, el: etree._Element) -> None:
        if el.tail:
            self.buf.append(el.tail)


def read_html(source: str, data: bytes) -> Document:
    if len(data) > MAX_HTML_BYTES:
        raise ReadError(f"网页文件过大（{len(data) / 1024 / 1024:.0f} MB），不像是一份年度报告")
    text, encoding = decode_html(data)
    return html_document(source, text, encoding)


def html_document(source: str, text: str, encoding: str | None, resolve: Resolver = lambda src: None) -> Document:
    """The page's article as lines; `resolve` gives the bytes behind an <img> src when the
    pictures travel with the page (MHTML), so tables printed as pictures are read by OCR."""
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise ReadError("网页内容为空")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("网页无法解析（HTML 格式错误）") from exc
    title_el = root.find(".//title")
    page_title = _text(title_el) if title_el is not None else ""
    _strip_noise(root)
    content = _main_content(root)
    w = _Walker(resolve)
    w.walk(content)
    w.flush()
    lines = w.lines
    if page_title and not any("年度报告" in ln.text for ln in lines[:5]) and "年度报告" in page_title:
        # Portals often print the report's title only in <title> or a stripped header.
        lines.insert(0, Line(page_title.split("_")[0].split("|")[0].split("-")[0].strip(), 0))
    for i, ln in enumerate(lines, start=1):
        ln.number = i
    kind = "html-ocr" if w.pictures.read else "html"
    return Document(source, kind, lines, encoding=encoding, unread_pictures=w.pictures.unread)
