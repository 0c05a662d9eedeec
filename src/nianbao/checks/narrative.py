"""Rules that read the narrative against the tables (FORMAT.md §6 rule 20, 21 and copy signs)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.checks.registry import finding, rule
from nianbao.model import Finding, Report, Value
from nianbao.template.sums import APPLICANT_KEYS

_ENDS = "。；;\n！？!?"
_SENTENCE_END = re.compile("[" + _ENDS + "]")
# Whitespace within a line (line breaks end a sentence); str.replace is far faster than re.sub.
_INLINE_SPACES = (" ", "\u3000", "\xa0", "\r", "\t")
# Sentences about other channels (mailboxes, hotlines) count other things in 件.
_OTHER_CHANNEL = re.compile(r"信箱|留言|热线|工单|来电|咨询|建议|提案|12345|来信|诉求")


@dataclass(frozen=True)
class Claim:
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
_REVIEW = (
    re.compile(r"行政复议(?:案件|申请)?(?:共)?(?P<n>\d+)(?:件|起|宗)"),
    re.compile(r"(?P<n>\d+)(?:件|起|宗)(?:政府信息公开)?(?:相关)?行政复议"),
)
_LITIGATION = (
    re.compile(r"行政诉讼(?:案件)?(?:共)?(?P<n>\d+)(?:件|起|宗)"),
    re.compile(r"(?P<n>\d+)(?:件|起|宗)(?:政府信息公开)?(?:相关)?行政诉讼"),
)
_NONE = r"(?:无|未发生|未收到|未出现|没有|不存在|未有|未产生)"
_NO_REVIEW = re.compile(_NONE + r"[^，,。；]{0,20}?行政复议")
_NO_LITIGATION = re.compile(_NONE + r"[^，,。；]{0,20}?行政诉讼")
_NO_RECEIVED = re.compile(r"未(?:收到|受理|接到|接收)[^，,。；0-9]{0,12}申请")
_LICENSING_ITEMS = (
    re.compile(r"(?P<n>\d+)项行政许可"),
    re.compile(r"行政许可(?:事项|项目)(?:共)?(?P<n>\d+)项"),
)


# Sentences worth reading for claims: a count in 件/起/宗/项, or a "none" statement.
_INTERESTING = re.compile(r"\d(?:件|起|宗|项)|行政复议|行政诉讼|未(?:收到|受理|接到|接收)")


def _prose(report: Report) -> str:
    """The narrative without table rows, whitespace removed within lines. Computed once per report."""
    cached = report.derived.get("prose")
    if cached is None:
        cached = "\n".join(
            ln for ln in report.narrative().split("\n") if "\t" not in ln and not ln.lstrip().startswith("|")
        )
        # NFKC over a whole report costs more than all the checks together, so only
        # whitespace goes; the patterns accept full- and half-width forms.
        for ws in _INLINE_SPACES:
            cached = cached.replace(ws, "")
        report.derived["prose"] = cached
    return cached


def _sentence_at(prose: str, pos: int) -> tuple[int, int]:
    m = _SENTENCE_END.search(prose, pos)
    end = m.start() if m else len(prose)
    start = max(prose.rfind(c, 0, pos) for c in _ENDS) + 1
    return start, end


def _sentences_with(report: Report, rx: re.Pattern[str]) -> Iterator[str]:
    """Each sentence of the prose in which `rx` matches, once, in order."""
    prose = _prose(report)
    pos = 0
    while True:
        m = rx.search(prose, pos)
        if not m:
            return
        start, end = _sentence_at(prose, m.start())
        yield prose[start:end]
        pos = end + 1


def _clause(s: str, start: int, end: int) -> str:
    """The comma-delimited stretch of a sentence around s[start:end]."""
    lo = max(s.rfind(",", 0, start), s.rfind("，", 0, start)) + 1
    ends = [i for i in (s.find(",", end), s.find("，", end)) if i >= 0]
    return s[lo : min(ends) if ends else len(s)]


def _clause_of(s: str, m: re.Match[str]) -> str:
    return _clause(s, m.start(), m.end())


def claims(report: Report) -> list[Claim]:
    """Numbers the narrative states about applications, reviews and lawsuits."""
    out: list[Claim] = []
    for s in _sentences_with(report, _INTERESTING):
        about_applications = "申请" in s and not _OTHER_CHANNEL.search(s)
        if about_applications:
            for m in _RECEIVED.finditer(s):
                f = m.group("f")
                if "申请" not in f and "申请" not in s[max(0, m.start() - 6) : m.start()]:
                    continue
                q = (
                    "natural_person"
                    if re.search(r"公民|自然人|个人", f)
                    else "org"
                    if re.search(r"法人|企业|组织", f)
                    else "total"
                )
                out.append(Claim("received", int(m.group("n")), _clause_of(s, m), q))
            for m in _PROCESSED.finditer(s):
                out.append(Claim("processed", int(m.group("n")), _clause_of(s, m)))
            for rx in _FORWARD:
                out.extend(Claim("carried_forward", int(m.group("n")), _clause_of(s, m)) for m in rx.finditer(s))
            out.extend(Claim("carried_over", int(m.group("n")), _clause_of(s, m)) for m in _OVER.finditer(s))
            m0 = _NO_RECEIVED.search(s)
            if m0:
                out.append(Claim("received", 0, _clause_of(s, m0)))
        for rx in _REVIEW:
            out.extend(Claim("review", int(m.group("n")), _clause_of(s, m)) for m in rx.finditer(s))
        for rx in _LITIGATION:
            out.extend(Claim("litigation", int(m.group("n")), _clause_of(s, m)) for m in rx.finditer(s))
        for kind, rx0 in (("review", _NO_REVIEW), ("litigation", _NO_LITIGATION)):
            m0 = rx0.search(s)
            if m0:
                out.append(Claim(kind, 0, _clause_of(s, m0)))
        for rx in _LICENSING_ITEMS:
            out.extend(Claim("licensing_items", int(m.group("n")), _clause_of(s, m)) for m in rx.finditer(s))
    return out


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


def _quote(s: str) -> str:
    return s if len(s) <= 60 else s[:58] + "…"


@rule("narrative.numbers", "HEUR", "正文所述数字与表格一致")
def narrative_numbers(report: Report) -> Iterator[Finding]:
    seen: set[tuple[str, int, str]] = set()
    for c in claims(report):
        got = _table_values(report, c)
        if got is None:
            continue
        values, label, table, row, column = got
        if c.n in values or (c.kind, c.n, c.text) in seen:
            continue
        seen.add((c.kind, c.n, c.text))
        name = label if label.startswith("表") else f"表三{label}"
        yield finding(
            "narrative.numbers",
            f"正文称「{_quote(c.text)}」（{c.n}），但{name}为 {values[0]}。",
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
    for s in _sentences_with(report, _ALL_ANSWERED):
        m = _ALL_ANSWERED.search(s) if "申请" in s and not _OTHER_CHANNEL.search(s) else None
        if m:
            yield finding(
                "narrative.all_answered",
                f"正文称「{_quote(_clause_of(s, m))}」，但表三有 {fwd} 件申请结转下年度继续办理，并非全部办结。",
                table="applications",
                row="carried_forward",
                column="total",
                actual=fwd,
            )
            return


@rule("narrative.fee_statement", "HEUR", "2021 版第六部分应说明信息处理费收取情况")
def fee_statement(report: Report) -> Iterator[Finding]:
    if report.format != "2021" or "处理费" in report.narrative():
        return
    yield finding("narrative.fee_statement", "报告未说明信息处理费的收取情况（即使未收取，也应在第六部分写明）。")


# A sentence opening with a year ("2022年，我局…"), and a report quoted by name.
_YEAR_START = re.compile(r"(?:(?<=[" + _ENDS + r"])|^)(?P<y>(?:19|20)\d{2})年度?(?!以来|起|至|底|末|[0-9])")
_QUOTED_REPORT = re.compile(r"《[^》]{0,40}?(?P<y>(?:19|20)\d{2})年度?[^》]{0,20}?(?:年度报告|年报)》")


@rule("narrative.other_year", "HEUR", "正文在应写本年度处写了其他年份（疑似照抄往年）")
def other_year(report: Report) -> Iterator[Finding]:
    if report.year is None:
        return
    ok = {report.year, report.year + 1}  # next year's plans are normal
    flagged: set[int] = set()
    prose = _prose(report)
    for rx in (_YEAR_START, _QUOTED_REPORT):
        for m in rx.finditer(prose):
            y = int(m.group("y"))
            if y in ok or y in flagged:
                continue
            flagged.add(y)
            start, end = _sentence_at(prose, m.start())
            sentence = prose[start:end]
            clause = _clause(sentence, m.start() - start, m.end() - start)
            yield finding(
                "narrative.other_year",
                f"报告年度为 {report.year} 年，正文却写「{_quote(clause)}」，疑似沿用往年报告的文字，请核实。",
                expected=report.year,
                actual=y,
            )
