"""Title, agency, year, statistics period, publication date and contact details."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from nianbao.document import Line
from nianbao.textnorm import cn_number, nfkc, squash

_TITLE_WORDS = re.compile(r"(政府信息公开|政务公开).{0,8}(年度报告|年报|报告)")
_TITLE = re.compile(
    r"^(?P<pre>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<post>.*?)"
    r"(?:政府信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?(?:报告|年报)"
)
_DATE = r"(?P<{p}y>(?:19|20)\d{{2}})年(?P<{p}m>\d{{1,2}})月(?P<{p}d>\d{{1,2}})日"
_PERIOD = re.compile(
    r"统计.{0,12}?" + _DATE.format(p="a") + r"(?:起)?(?:至|到|—|-|~|－)"
    r"(?:(?P<by>(?:19|20)\d{2})年)?(?P<bm>\d{1,2})月(?P<bd>\d{1,2})日"
)
_LONE_DATE = re.compile(r"^" + _DATE.format(p="") + r"$")
_CN_DATE = re.compile(
    r"^(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日$"
)
_PHONE = re.compile(
    r"(?:电话|联系电话|咨询电话)(?:及传真)?[:：]?\s*((?:\d{3,4}[-－—])?\d{7,8}(?:[、,，/]\s*(?:\d{3,4}[-－—])?\d{7,8})*)"
)
_ADDRESS = re.compile(r"地址[:：]\s*([^；;，,。）)\n]{4,60})")
_POSTCODE = re.compile(r"邮(?:政)?编(?:码)?[:：]?\s*(\d{6})")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s)）>\]，。；]+")
_CONTACT_HINT = re.compile(r"电话|地址|邮编|邮政编码|@|http|网址")
_STRIP_AGENCY = re.compile(r"^[《\"“\s]+|[》\"”\s:：]+$")


@dataclass
class Meta:
    title: str | None = None
    title_line: int | None = None  # index into lines
    agency: str | None = None
    year: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    published: dt.date | None = None
    contact: dict[str, str] = field(default_factory=dict)


def find_title(lines: list[Line]) -> tuple[str | None, int | None]:
    """The report's title: the first short line naming the annual report and its year.

    PDF conversions wrap long titles, so it may be split over two or three
    lines: "XX局" / "2023年政府信息公开工作年度报告", or
    "XX局2023年政府信息公开" / "工作年度报告". A line naming the report
    without a year (a portal's breadcrumb, a column heading) is passed over.
    """
    for i, line in enumerate(lines[:40]):
        t = _title_text(line)
        if not t or len(t) > 80 or "。" in t:
            continue
        if not _TITLE_WORDS.search(t):
            nxt = _next_text(lines, i)
            # The wrap falls inside the title words: joined, they name the report.
            if nxt is None or _TITLE_WORDS.search(nxt) or not _TITLE_WORDS.search(t + nxt):
                continue
            if len(t) >= 60 or "。" in nxt:
                continue
            t += nxt
        if not re.search(r"\d{4}\s*年", t) or re.match(r"^\d{4}\s*年", t):
            # The agency on the line before: "XX局" / "2023年政府信息公开工作年度报告".
            prev = _prev_text(lines, i)
            if prev and len(prev) < 40 and "。" not in prev and not _TITLE_WORDS.search(prev):
                t = prev + t
        if parse_title(t)[1] is not None:
            return t, i
    return None, None


def _title_text(line: Line) -> str:
    return line.text.strip().strip("#* ")


def _next_text(lines: list[Line], i: int) -> str | None:
    for j in range(i + 1, min(len(lines), i + 5)):
        t = _title_text(lines[j])
        if t:
            return t
    return None


def _prev_text(lines: list[Line], i: int) -> str | None:
    # Layout converters (pdftotext -layout) keep the blank lines between title lines.
    for j in range(i - 1, max(-1, i - 5), -1):
        t = _title_text(lines[j])
        if t:
            return t
    return None


def parse_title(title: str) -> tuple[str | None, int | None]:
    t = nfkc(title).replace("\u3000", " ")
    m = _TITLE.search(t)
    if not m:
        return None, None
    year = int(m.group("year"))
    agency = (m.group("pre") or "").strip() or (m.group("post") or "").strip()
    agency = re.sub(r"\s+", "", _STRIP_AGENCY.sub("", agency))
    agency = re.sub(r"^关于|(关于|的)$", "", agency)
    return agency or None, year


def extract_meta(lines: list[Line]) -> Meta:
    meta = Meta()
    meta.title, meta.title_line = find_title(lines)
    if meta.title:
        meta.agency, meta.year = parse_title(meta.title)
    # NFKC over a whole report is slow: normalise only the lines that can hold what we look for.
    flat = squash(
        "".join(ln.text for ln in lines if "统计" in ln.text or ("月" in ln.text and "日" in ln.text))[:20000]
    )
    m = _PERIOD.search(flat)
    if m:
        try:
            start = dt.date(int(m["ay"]), int(m["am"]), int(m["ad"]))
            end = dt.date(int(m["by"] or m["ay"]), int(m["bm"]), int(m["bd"]))
            meta.period_start, meta.period_end = start, end
        except ValueError:
            pass
    if meta.year is None and meta.period_start:
        meta.year = meta.period_start.year
    meta.published = _publication_date(lines)
    meta.contact = _contact("\n".join(w for ln in lines for w in _hint_windows(ln.text)))
    return meta


def _hint_windows(text: str, width: int = 200, most: int = 50) -> list[str]:
    """The parts of a line that may hold contact details. A long line (13 MB on one line) gives
    only windows around its hints: the e-mail pattern backtracks over every run of letters."""
    if len(text) <= 2 * width:
        return [text] if _CONTACT_HINT.search(text) else []
    out = []
    for k, m in enumerate(_CONTACT_HINT.finditer(text)):
        if k >= most:
            break
        out.append(text[max(0, m.start() - width) : m.end() + width])
    return out


def _publication_date(lines: list[Line]) -> dt.date | None:
    # The date under the signature: a line of its own near the end.
    tail = [ln.text for ln in lines[-15:] if ln.text.strip()]
    for raw in reversed(tail):
        t = squash(raw)
        m = _LONE_DATE.match(t)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
        m = _CN_DATE.match(t)
        if m:
            y, mo, d = cn_number(m["y"]), cn_number(m["m"]), cn_number(m["d"])
            if y and mo and d:
                try:
                    return dt.date(y, mo, d)
                except ValueError:
                    return None
    return None


def _contact(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    t = nfkc(text)
    for key, rx in (("phone", _PHONE), ("address", _ADDRESS), ("postcode", _POSTCODE)):
        m = rx.search(t)
        if m:
            out[key] = m.group(1).strip()
    m = _EMAIL.search(t)
    if m:
        out["email"] = m.group(0)
    m = _URL.search(t)
    if m:
        out["website"] = m.group(0)
    return out
