"""Title, agency, year, statistics period, publication date and contact details."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from nianbao.document import Line
from nianbao.extract.agency import body_name, clean, is_furniture, name_at_end
from nianbao.textnorm import cn_number, nfkc, squash

_TITLE_WORDS = re.compile(r"(政府信息公开|政务公开).{0,10}(年度报告|年报|报告)")
# "…2023年(度)…政府信息公开工作(情况的)(年度)报告"; the agency before the year or between it and the title words.
_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<post>.*?)(?:政府信息公开|政务公开)[^。]{0,10}?(?:报告|年报)"
)
# "…政府信息公开工作年度报告（2023年度）": the year after the title words.
_TITLE_YEAR_AFTER = re.compile(
    r"^(?P<pre>.*?)(?:政府信息公开|政务公开)[^。]{0,10}?(?:报告|年报)\s*[（(\[【]?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[）)\]】]?$"
)
_FIELD_END = re.compile(r"发布|时间|日期|字号|浏览|索引|点击|作者|编辑|【")
_YEAR_ONLY = re.compile(r"^[（(\[【]?\s*(?:19|20)\d{2}\s*年\s*度?\s*[）)\]】]?$")
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
_CN_DIGIT = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_SIGNATURE_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日$"
)
# "发布机构：XX局  发布时间：…": a page's field naming the publishing body.
_SOURCE_FIELD = re.compile(
    r"(?:发布机构|发布单位|发布机关|发文机关|发文单位|公开主体|公开机构|信息来源|主办单位|来\s*源)\s*[:：]\s*(?P<name>[^\s|｜:：]{2,40})"
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
    agency_note: str | None = None  # why no agency could be named (a reading finding)
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
    without a year (a portal's breadcrumb, a column heading) is passed over, and so
    is page furniture around the title ("正文", "当前位置：首页 > …", "发布时间：…").
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
        agency, year = parse_title(t)
        if year is None:
            # The year on a line of its own: "2023年度" / "XX局政府信息公开工作年度报告", or "（2023年度）" below.
            prev, nxt = _prev_line(lines, i), _next_text(lines, i)
            if prev and _YEAR_ONLY.match(_years_as_digits(prev)):
                t = prev + t
            elif nxt and _YEAR_ONLY.match(_years_as_digits(nxt)):
                t = t + nxt
            else:
                continue
            agency, year = parse_title(t)
            if year is None:
                continue
        if agency is None:
            # The agency on the line(s) before: "XX局" / "2023年政府信息公开工作年度报告".
            above = _agency_above(lines, i)
            if above:
                t = above + t
        return t, i
    return None, None


def _title_text(line: Line) -> str:
    t = line.text.strip().strip("#* ")
    if len(t) > 200:  # no title; cleaning a 13 MB line would only cost time
        return t
    return clean(t) if t and ("：" in t or ":" in t or ">" in t or "＞" in t or "»" in t) else t


def _next_text(lines: list[Line], i: int) -> str | None:
    for j in range(i + 1, min(len(lines), i + 5)):
        t = _title_text(lines[j])
        if t:
            return t
    return None


def _prev_line(lines: list[Line], i: int) -> str | None:
    for j in range(i - 1, max(-1, i - 5), -1):
        t = _title_text(lines[j])
        if t:
            return t
    return None


def _agency_above(lines: list[Line], i: int) -> str | None:
    """A body's name on the line above the title (page furniture skipped), joined with the
    line above it when the name was wrapped after a place ("宁夏回族自治区中卫市" / "沙坡头区商务局")."""
    above: list[str] = []
    # Layout converters (pdftotext -layout) keep the blank lines between title lines.
    for j in range(i - 1, max(-1, i - 6), -1):
        raw = lines[j].text.strip().strip("#* ")
        if len(raw) > 200:
            break
        if not raw or (is_furniture(raw) and not above):
            continue
        if is_furniture(raw) or _TITLE_WORDS.search(raw) or "。" in raw or len(raw) >= 40:
            break
        above.insert(0, raw)
        if len(above) == 2:
            break
    if not above:
        return None
    name = body_name(above[-1])
    if name and len(above) == 2:
        joined = body_name(above[0] + above[1])
        if joined and re.search(r"(?:省|自治区|市|自治州|州|盟|地区|县|区|旗)$", clean(above[0])):
            return joined
    return name


def _years_as_digits(text: str) -> str:
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGIT), text)


def parse_title(title: str) -> tuple[str | None, int | None]:
    """The agency (None unless it reads as a public body's name) and the year a title names."""
    t = _years_as_digits(nfkc(title).replace("\u3000", " "))
    m = _TITLE.search(t) or _TITLE_YEAR_AFTER.search(t)
    if not m:
        return None, None
    year = int(m.group("year"))
    pre = m.group("pre") or ""
    post = m.groupdict().get("post") or ""
    if "关于" in pre:
        # "XX县人民政府办公室关于XX县人民政府2023年…": the report is of the body after 关于.
        before, _, after = pre.rpartition("关于")
        agency = name_at_end(after) or name_at_end(before)
    else:
        agency = name_at_end(pre)
    return agency or body_name(post), year


def extract_meta(lines: list[Line]) -> Meta:
    meta = Meta()
    meta.title, meta.title_line = find_title(lines)
    if meta.title:
        meta.agency, meta.year = parse_title(meta.title)
    if meta.agency is None:
        meta.agency, meta.agency_note = _agency_elsewhere(lines, meta.title)
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


def _agency_elsewhere(lines: list[Line], title: str | None) -> tuple[str | None, str | None]:
    """When the title names no body: the page's 来源/发布机构 field, or the signature above the date.

    Both, when they disagree, leave the agency unknown: (None, the reason in Chinese).
    """
    field_name = None
    for ln in lines[:60]:
        head = ln.text[:400]  # page fields are short; a report dumped on one line is not scanned whole
        if "：" in head or ":" in head:
            for m in _SOURCE_FIELD.finditer(nfkc(head)):
                field_name = field_name or body_name(_FIELD_END.split(m["name"], maxsplit=1)[0])
    signed = _signature(lines)
    if field_name and signed and field_name != signed and not (field_name in signed or signed in field_name):
        return None, f"页面信息的发布机构「{field_name}」与落款「{signed}」不一致，无法确定发布机关"
    if field_name or signed:
        return max((field_name or "", signed or ""), key=len), None
    if title:
        return None, f"标题「{title}」中没有可以确认的机关名称，落款和页面信息中也没有"
    return None, "没有找到报告标题，也没有可以确认的机关名称"


def _signature(lines: list[Line]) -> str | None:
    """The body signed above the date at the end: "中卫市商务局" / "2024年1月20日"."""
    tail = [squash(ln.text[-200:]) for ln in lines[-15:] if ln.text.strip()]
    for k in range(len(tail) - 1, -1, -1):
        m = _SIGNATURE_DATE.search(tail[k])
        if not m:
            continue
        same_line = tail[k][: m.start()]
        if same_line:
            return body_name(same_line)
        return body_name(tail[k - 1]) if k > 0 else None
    return None


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
