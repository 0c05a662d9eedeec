"""What evaluators read in the narrative: part 五 names problems and measures, part 一 covers
the aspects the 2021 format describes, no part is template wording or a copy of another part."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.registry import finding, rule
from nianbao.model import Finding, Report
from nianbao.template import SECTIONS

_TITLE = {s.key: f"{s.number}、{s.title}" for s in SECTIONS}
# A part that says nothing: "无", "暂无", "略", "无。", "（无）", "本年度无".
_NOTHING = re.compile(r"^[（(]?(本年度?|本年)?(暂)?(无|没有|略)[）)]?[。.；;]?$")

# Words that name a problem, and words that name what will be done about it. Generous on
# purpose (a HEUR rule): the finding is for a part that has neither kind of sentence.
_PROBLEM = re.compile(
    r"问题|不足|差距|短板|薄弱|欠缺|有待|不够|不到位|不充分|不高|不强|不规范|不及时|滞后|仍需|还需|尚需"
)
_MEASURE = re.compile(r"下一步|今后|将|加强|改进|完善|提升|推进|持续|健全|强化|落实|整改|措施|加大|优化|规范")

# The aspects the 2021 format asks part 一 to cover (国办公开办函〔2021〕30号), each with the
# wordings reports use for it.
ASPECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("主动公开", ("主动公开",)),
    ("依申请公开", ("依申请", "申请公开", "公开申请")),
    ("政府信息管理", ("信息管理", "审查", "审核", "公开属性", "动态更新", "清理", "目录")),
    ("政府信息公开平台建设", ("平台", "网站", "门户", "政务新媒体", "公开栏", "公开专栏")),
    ("监督保障", ("监督", "保障", "考核", "培训", "评议", "责任追究")),
)

# Wording of the template itself, left in a published report: instructions and placeholders.
# Looked for as plain substrings first (C speed); the pattern only names what was found.
_TEMPLATE_WORDS = ("此处", "填写", "示例：", "XX", "ＸＸ", "××", "xx年")
_TEMPLATE_WORDING = re.compile(
    r"此处填写|请填写|在此填写|填写说明|示例：|XX|ＸＸ|××|xx年|（此处[^）]{0,20}）|[按根]据实际情况填写"
)
_SPACES = (" ", "\u3000", "\xa0", "\r", "\n")


def _plain(report: Report, key: str) -> str:
    """A part's prose without whitespace and table rows (tab-separated), once per check."""
    cache_key = "content.plain." + key
    text: str | None = report.derived.get(cache_key)
    if text is None:
        raw = report.sections[key].text
        if "\t" in raw:
            raw = "\n".join(ln for ln in raw.split("\n") if "\t" not in ln)
        for ws in _SPACES:
            if ws in raw:
                raw = raw.replace(ws, "")
        text = report.derived[cache_key] = raw
    return text


@rule("content.problems", "MUST", "第五部分应报告存在的主要问题及改进情况")
def problems(report: Report) -> Iterator[Finding]:
    part = report.sections.get("problems")
    if part is None:
        return  # a missing part is structure.sections
    text = _plain(report, "problems")
    if not text and any(n.rule == "extract.pictures" for n in report.notes):
        return  # pictures the reader could not read may hold the part: not the report's fault
    if not text or _NOTHING.match(text):
        yield finding(
            "content.problems",
            f"第{_TITLE['problems']}部分{'为空' if not text else '只写了“' + text + '”'}，"
            "应报告本年度存在的主要问题和改进措施。",
            actual=text or None,
            line=part.line,
        )


@rule("content.problems_detail", "HEUR", "第五部分既应指出问题，也应说明改进措施")
def problems_detail(report: Report) -> Iterator[Finding]:
    part = report.sections.get("problems")
    if part is None:
        return
    text = _plain(report, "problems")
    if not text or _NOTHING.match(text):
        return  # content.problems says it
    lacking = [name for name, pat in (("存在的问题", _PROBLEM), ("改进措施", _MEASURE)) if not pat.search(text)]
    if lacking:
        yield finding(
            "content.problems_detail",
            f"第{_TITLE['problems']}部分未见{'和'.join(lacking)}的表述，请核实是否完整报告了问题及改进情况。",
            expected=["存在的问题", "改进措施"],
            actual=lacking,
            line=part.line,
        )


def missing_aspects(text: str) -> list[str]:
    return [name for name, words in ASPECTS if not any(w in text for w in words)]


@rule("content.overview_aspects", "HEUR", "总体情况应涵盖主动公开、依申请公开、信息管理、平台建设、监督保障")
def overview_aspects(report: Report) -> Iterator[Finding]:
    part = report.sections.get("overview")
    if part is None or report.format == "2019":  # the 2019 trial format does not list the aspects
        return
    missing = missing_aspects(_plain(report, "overview"))
    if missing:
        yield finding(
            "content.overview_aspects",
            f"第{_TITLE['overview']}部分未见以下方面的情况：{'、'.join(missing)}"
            "（2021年模板要求总体情况涵盖主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障）。",
            expected=[name for name, _ in ASPECTS],
            actual=missing,
            line=part.line,
        )


# A part shorter than this is not compared with the others: "无。" twice is not a copy.
_MIN_COMPARED = 30
_NARRATIVE_PARTS = ("overview", "problems", "other")
_DIGITS = re.compile(r"[0-9一二三四五六七八九十]+")  # part numbers and years aside


@rule("content.boilerplate", "HEUR", "部分内容为模板文字或与其他部分重复")
def boilerplate(report: Report) -> Iterator[Finding]:
    # The narrative parts: 二–四 are tables, whose printed notes are the template's own.
    texts = {k: _plain(report, k) for k in _NARRATIVE_PARTS if k in report.sections}
    for key, text in texts.items():
        m = _TEMPLATE_WORDING.search(text) if any(w in text for w in _TEMPLATE_WORDS) else None
        if m:
            yield finding(
                "content.boilerplate",
                f"第{_TITLE.get(key, key)}部分含有模板说明或占位文字“{m.group(0)}”，像是未按实际情况填写。",
                actual=m.group(0),
                line=report.sections[key].line,
            )
    # Two parts the same apart from numbers: compared only when their lengths are close.
    parts = [(k, texts[k]) for k in _NARRATIVE_PARTS if len(texts.get(k, "")) >= _MIN_COMPARED]
    for i, (key, text) in enumerate(parts):
        for other, earlier in parts[:i]:
            if abs(len(text) - len(earlier)) > 0.2 * len(text):
                continue
            if _DIGITS.sub("", text) == _DIGITS.sub("", earlier):
                yield finding(
                    "content.boilerplate",
                    f"第{_TITLE.get(key, key)}部分与第{_TITLE.get(other, other)}部分内容相同。",
                    expected=other,
                    actual=key,
                    line=report.sections[key].line,
                )
                break
