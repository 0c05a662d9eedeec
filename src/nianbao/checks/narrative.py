"""Rules that read the narrative against the tables (FORMAT.md §6 rule 20, 21 and copy signs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from nianbao.checks.registry import finding, rule
from nianbao.checks.text import clause, prose, quote, sentence_at, sentence_text, sentences_with
from nianbao.model import Finding, Report, Value
from nianbao.template import cell_label
from nianbao.template.sums import APPLICANT_KEYS

# Sentences about other channels (mailboxes, hotlines) count other things in 件.
_OTHER_CHANNEL = re.compile(r"信箱|留言|热线|工单|来电|咨询|建议|提案|12345|来信|诉求")


class Claim(NamedTuple):  # a tuple: built by the thousand, and frozen dataclasses are slow to build
    kind: str  # received | processed | carried_forward | carried_over | review | litigation | licensing_items
    n: int
    text: str  # the clause that states it, for the message
    qualifier: str = "total"  # total | natural_person | org


_RECEIVED = re.compile(r"(?:收到|受理|接收|新收|接到)(?P<f>[^，,、；]{0,24}?)(?P<n>\d+)件")
_PROCESSED = re.compile(r"办结(?P<f>[^，,、；率]{0,24}?)(?P<n>\d+)件")
_FORWARD = (
    re.compile(r"结转(?:至|到)?(?:\d{4}年度?|下一?年度?)(?:继续办理)?(?:的)?(?:申请)?(?P<n>\d+)件"),
    re.compile(r"(?P<n>\d+)件(?:申请)?(?:需)?(?:结转|转)(?:至|到|入)?(?:\d{4}年度?|下一?年度?)"),
)
_OVER = re.compile(r"上一?年度?结转(?P<f>[^，,；;]{0,10}?)(?P<n>\d+)件")
# Patterns that open with the number scan slowly (the engine tries every digit), so each
# count pattern carries the words one of which its match must contain: `in` tests go first.
Gated = tuple[re.Pattern[str], tuple[str, ...]]


def _after_count(word: str) -> tuple[str, ...]:
    return tuple(x + word for x in ("件", "起", "宗", "公开", "相关"))


_REVIEW: tuple[Gated, ...] = (
    (re.compile(r"行政复议(?:案件|申请)?(?:共)?(?P<n>\d+)(?:件|起|宗)"), ("行政复议",)),
    (re.compile(r"(?P<n>\d+)(?:件|起|宗)(?:政府信息公开)?(?:相关)?行政复议"), _after_count("行政复议")),
)
_LITIGATION: tuple[Gated, ...] = (
    (re.compile(r"行政诉讼(?:案件)?(?:共)?(?P<n>\d+)(?:件|起|宗)"), ("行政诉讼",)),
    (re.compile(r"(?P<n>\d+)(?:件|起|宗)(?:政府信息公开)?(?:相关)?行政诉讼"), _after_count("行政诉讼")),
)
_NONE = r"(?:无|未发生|未收到|未出现|没有|不存在|未有|未产生)"
_NO_REVIEW = re.compile(_NONE + r"[^，,。；]{0,20}?行政复议")
_NO_LITIGATION = re.compile(_NONE + r"[^，,。；]{0,20}?行政诉讼")
_NO_RECEIVED = re.compile(r"未(?:收到|受理|接到|接收)[^，,。；0-9]{0,12}申请")
_LICENSING_ITEMS: tuple[Gated, ...] = (
    (re.compile(r"(?P<n>\d+)项行政许可"), ("项行政许可",)),
    (re.compile(r"行政许可(?:事项|项目)(?:共)?(?P<n>\d+)项"), ("行政许可事项", "行政许可项目")),
)


def _matches(s: str, patterns: tuple[Gated, ...]) -> Iterator[re.Match[str]]:
    for rx, words in patterns:
        for w in words:
            if w in s:
                yield from rx.finditer(s)
                break


# Every claim names 申请 or a 行政复议/诉讼/许可; patterns with a literal start scan fastest.
_APPLICATION = re.compile("申请")
_PROCEEDINGS = re.compile("行政(?:复议|诉讼|许可)")


def _clause_of(s: str, m: re.Match[str]) -> str:
    return clause(s, m.start(), m.end())


def _about_applications(s: str) -> bool:
    return "申请" in s and not _OTHER_CHANNEL.search(s)


def _qualifier(f: str) -> str:
    if "公民" in f or "自然人" in f or "个人" in f:
        return "natural_person"
    if "法人" in f or "企业" in f or "组织" in f:
        return "org"
    return "total"


def _sentence_claims(s: str) -> Iterator[Claim]:
    # Each pattern runs only on sentences holding its key words: str `in` is far cheaper than a regex scan.
    counted = "件" in s or "起" in s or "宗" in s or "项" in s
    if "件" in s and _about_applications(s):
        for m in _RECEIVED.finditer(s):
            f = m.group("f")
            if "申请" in f or "申请" in s[max(0, m.start() - 6) : m.start()]:
                yield Claim("received", int(m.group("n")), _clause_of(s, m), _qualifier(f))
        if "办结" in s:
            for m in _PROCESSED.finditer(s):
                yield Claim("processed", int(m.group("n")), _clause_of(s, m))
        if "转" in s:
            for rx in _FORWARD:
                for m in rx.finditer(s):
                    yield Claim("carried_forward", int(m.group("n")), _clause_of(s, m))
            for m in _OVER.finditer(s):
                yield Claim("carried_over", int(m.group("n")), _clause_of(s, m))
    if "未" in s and _about_applications(s):
        m0 = _NO_RECEIVED.search(s)
        if m0:
            yield Claim("received", 0, _clause_of(s, m0))
    for kind, word, counts, none in (
        ("review", "行政复议", _REVIEW, _NO_REVIEW),
        ("litigation", "行政诉讼", _LITIGATION, _NO_LITIGATION),
    ):
        if word not in s:
            continue
        if counted:
            for m in _matches(s, counts):
                yield Claim(kind, int(m.group("n")), _clause_of(s, m))
        m0 = none.search(s)
        if m0:
            yield Claim(kind, 0, _clause_of(s, m0))
    for m in _matches(s, _LICENSING_ITEMS):
        yield Claim("licensing_items", int(m.group("n")), _clause_of(s, m))


def claims(report: Report) -> list[Claim]:
    """Numbers the narrative states about applications, reviews and lawsuits."""
    return [c for s in sentences_with(report, _APPLICATION, _PROCEEDINGS) for c in _sentence_claims(s)]


def _sum(report: Report, table: str, cells: list[tuple[str, str]]) -> Value | None:
    vals = [report.value(table, r, c) for r, c in cells]
    if any(v is None for v in vals):
        return None
    return sum(v for v in vals if v is not None)


def _table_values(report: Report, c: Claim) -> tuple[list[Value], str, str, str, str] | None:
    """Acceptable table values for a claim, and the cell it is compared with (label, table, row, column)."""
    a = "applications"
    if c.kind == "received":
        if c.qualifier == "natural_person":
            v = report.value(a, "new_received", "natural_person")
            return ([v], "本年新收（自然人）", a, "new_received", "natural_person") if v is not None else None
        if c.qualifier == "org":
            v = _sum(report, a, [("new_received", k) for k in APPLICANT_KEYS if k != "natural_person"])
            return ([v], "本年新收（法人或其他组织）", a, "new_received", "total") if v is not None else None
        new, over = report.value(a, "new_received", "total"), report.value(a, "carried_over", "total")
        if new is None:
            return None
        # "收到申请N件" sometimes counts last year's carried-over ones too.
        return ([new, new + over] if over else [new]), "本年新收", a, "new_received", "total"
    simple = {
        "processed": ("total_processed", "（七）总计"),
        "carried_forward": ("carried_forward", "结转下年度继续办理"),
        "carried_over": ("carried_over", "上年结转"),
    }
    if c.kind in simple:
        row, label = simple[c.kind]
        v = report.value(a, row, "total")
        return ([v], label, a, row, "total") if v is not None else None
    t4 = "review_litigation"
    if c.kind == "review":
        v = report.value(t4, "review", "total")
        return ([v], "表四行政复议总计", t4, "review", "total") if v is not None else None
    if c.kind == "litigation":
        v = _sum(report, t4, [("litigation_direct", "total"), ("litigation_after_review", "total")])
        return ([v], "表四行政诉讼总计", t4, "litigation_direct", "total") if v is not None else None
    if c.kind == "licensing_items" and report.format == "2019":
        v = _sum(report, "active_disclosure", [("licensing", "previous_items"), ("licensing", "change")])
        return (
            ([v], "表二行政许可项目数（上一年项目数量加本年增/减）", "active_disclosure", "licensing", "previous_items")
            if v is not None
            else None
        )
    return None


def _claim_cells(report: Report, c: Claim) -> list[tuple[str, str, str]]:
    """The cells a claim is compared with (as `_table_values` reads them)."""
    a, t4 = "applications", "review_litigation"
    if c.kind == "received":
        if c.qualifier == "natural_person":
            return [(a, "new_received", "natural_person")]
        if c.qualifier == "org":
            return [(a, "new_received", k) for k in APPLICANT_KEYS if k != "natural_person"]
        return [(a, "new_received", "total")]
    rows = {"processed": "total_processed", "carried_forward": "carried_forward", "carried_over": "carried_over"}
    if c.kind in rows:
        return [(a, rows[c.kind], "total")]
    if c.kind == "review":
        return [(t4, "review", "total")]
    if c.kind == "litigation":
        return [(t4, "litigation_direct", "total"), (t4, "litigation_after_review", "total")]
    if c.kind == "licensing_items" and report.format == "2019":
        return [("active_disclosure", "licensing", "previous_items"), ("active_disclosure", "licensing", "change")]
    return []


def _unchecked(report: Report, c: Claim) -> Finding | None:
    """A claim whose table cells the reader could not read: not judged, and said so."""
    unread = [(t, r, k) for t, r, k in _claim_cells(report, c) if (x := report.cell(t, r, k)) is not None and x.unread]
    if not unread:
        return None
    t, r, k = unread[0]
    names = "、".join(cell_label(*u, report.format) for u in unread)
    return finding(
        "extract.unchecked",
        f"正文称「{quote(c.text)}」（{c.n}），无法与表格核对：{names}未能读取。",
        table=t,
        row=r,
        column=k,
        expected="narrative.numbers",
        actual=c.n,
    )


@rule("narrative.numbers", "HEUR", "正文所述数字与表格一致")
def narrative_numbers(report: Report) -> Iterator[Finding]:
    seen: set[tuple[str, int, str]] = set()
    for c in claims(report):
        got = _table_values(report, c)
        if got is None:
            u = _unchecked(report, c)
            if u is not None and (c.kind, c.n, c.text) not in seen:
                seen.add((c.kind, c.n, c.text))
                yield u
            continue
        values, label, table, row, column = got
        if c.n in values or (c.kind, c.n, c.text) in seen:
            continue
        seen.add((c.kind, c.n, c.text))
        name = label if label.startswith("表") else f"表三{label}"
        yield finding(
            "narrative.numbers",
            f"正文称「{quote(c.text)}」（{c.n}），但{name}为 {values[0]}。",
            table=table,
            row=row,
            column=column,
            expected=values[0],
            actual=c.n,
        )


_ALL_ANSWERED = re.compile(
    r"(?:均|全部|都|悉数)(?:已|己)?[^，,。；]{0,14}?(?:答复|办结|办理完毕|处理完毕|予以回复)(?!率)"
)


@rule("narrative.all_answered", "HEUR", "正文称申请均已答复，但表三有结转")
def all_answered(report: Report) -> Iterator[Finding]:
    fwd = report.value("applications", "carried_forward", "total")
    if not fwd:
        return
    for s in sentences_with(report, _APPLICATION):
        m = _ALL_ANSWERED.search(s)
        if m and not _OTHER_CHANNEL.search(s):
            yield finding(
                "narrative.all_answered",
                f"正文称「{quote(_clause_of(s, m))}」，但表三有 {fwd} 件申请结转下年度继续办理，并非全部办结。",
                table="applications",
                row="carried_forward",
                column="total",
                actual=fwd,
            )
            return


@rule("narrative.fee_statement", "HEUR", "2021 版第六部分应说明信息处理费收取情况")
def fee_statement(report: Report) -> Iterator[Finding]:
    if report.format != "2021" or "处理费" in prose(report):
        return
    yield finding("narrative.fee_statement", "报告未说明信息处理费的收取情况（即使未收取，也应在第六部分写明）。")


# A sentence opening with a year ("2022年，我局…"), and a report quoted by name.
_YEAR_START = re.compile(r"\n(?P<y>(?:19|20)\d{2})年度?(?!以来|起|至|底|末|[0-9])")
# Titles are found first and read in Python: one pattern doing both backtracks for microseconds per 《.
_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})年")


def _year_mentions(text: str) -> Iterator[tuple[int, int, int]]:
    """(year, start, end) of each sentence opening with a year, then of each report quoted by name."""
    for m in _YEAR_START.finditer(text):
        yield int(m.group("y")), m.start() + 1, m.end()
    if "报告》" not in text and "年报》" not in text:
        return
    for t in _TITLE.finditer(text):
        if t.group(1).endswith(("年度报告", "年报")):
            y = _TITLE_YEAR.search(t.group(1))
            if y:
                yield int(y.group("y")), t.start(), t.end()


@rule("narrative.other_year", "HEUR", "正文在应写本年度处写了其他年份（疑似照抄往年）")
def other_year(report: Report) -> Iterator[Finding]:
    if report.year is None:
        return
    flagged = {report.year, report.year + 1}  # next year's plans are normal
    text = sentence_text(report)
    for y, start, end in _year_mentions(text):
        if y in flagged:
            continue
        flagged.add(y)
        lo, hi = sentence_at(text, start)
        yield finding(
            "narrative.other_year",
            f"报告年度为 {report.year} 年，正文却写「{quote(clause(text[lo:hi], start - lo, end - lo))}」，"
            "疑似沿用往年报告的文字，请核实。",
            expected=report.year,
            actual=y,
        )
