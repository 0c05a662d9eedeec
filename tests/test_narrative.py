"""Narrative rules on small hand-written reports: what the text says against the tables."""

from __future__ import annotations

from nianbao.checks import RULES
from nianbao.checks.narrative import claims
from nianbao.checks.text import sentence_text
from nianbao.model import Cell, Finding, Report, SectionText


def _report(text: str, *, year: int = 2023, fmt: str = "2021", **totals: int) -> Report:
    """A report whose overview says `text` and whose Table 3/4 totals are `totals` (row=value)."""
    r = Report(source="t.txt", format=fmt, year=year, agency="某市某局")
    r.sections["overview"] = SectionText("overview", "一、总体情况", text)
    # A table row inside a section is not prose: its numbers must not be read as claims.
    r.sections["applications"] = SectionText(
        "applications", "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t999\t1"
    )
    t3 = r.tables.setdefault("applications", {})
    t4 = r.tables.setdefault("review_litigation", {})
    for key, v in totals.items():
        if key in ("review", "litigation_direct", "litigation_after_review"):
            t4[key] = {"total": Cell(v)}
        else:
            t3[key] = {"total": Cell(v)}
    return r


def _run(rule_id: str, report: Report) -> list[Finding]:
    return list(RULES[rule_id].func(report))


def test_sentences_cut_at_every_end_mark_and_table_rows_dropped() -> None:
    r = _report("第一句。第二句；第三句！第四句？\n第五句; 第 六 句")
    text = sentence_text(r)
    assert text.startswith("\n") and text.endswith("\n")
    assert [s for s in text.split("\n") if s] == ["第一句", "第二句", "第三句", "第四句", "第五句", "第六句"]


def test_claims_are_read_per_sentence() -> None:
    r = _report(
        "全年共收到政府信息公开申请12件，其中收到自然人申请10件。办结申请11件；1件申请结转下年度继续办理。"
        "收到行政复议2件。未发生政府信息公开行政诉讼。"
    )
    got = [(c.kind, c.n, c.qualifier) for c in claims(r)]
    assert got == [
        ("received", 12, "total"),
        ("received", 10, "natural_person"),
        ("processed", 11, "total"),
        ("carried_forward", 1, "total"),
        ("review", 2, "total"),
        ("litigation", 0, "total"),
    ]


def test_counts_before_their_subject() -> None:
    r = _report(
        "本年发生2起政府信息公开行政复议，1件相关行政诉讼。公示了36项行政许可，行政许可事项共40项。", fmt="2019"
    )
    got = [(c.kind, c.n) for c in claims(r)]
    assert got == [("review", 2), ("litigation", 1), ("licensing_items", 36), ("licensing_items", 40)]


def test_mailbox_counts_are_not_application_claims() -> None:
    r = _report("通过领导信箱收到群众申请和留言300件。", new_received=5)
    assert [c.kind for c in claims(r)] == []
    assert _run("narrative.numbers", r) == []


def test_numbers_that_contradict_the_tables() -> None:
    r = _report(
        "共收到政府信息公开申请12件。办结11件申请。行政复议3件。",
        new_received=12,
        carried_over=0,
        total_processed=10,
        review=1,
    )
    fs = _run("narrative.numbers", r)
    assert [(f.row, f.expected, f.actual) for f in fs] == [("total_processed", 10, 11), ("review", 1, 3)]
    assert "办结11件申请" in fs[0].message


def test_all_answered_while_carrying_forward() -> None:
    text = "对收到的申请均已按时答复。"
    assert _run("narrative.all_answered", _report(text, carried_forward=0)) == []
    fs = _run("narrative.all_answered", _report(text, carried_forward=2))
    assert len(fs) == 1 and fs[0].actual == 2
    # The same words about a hotline are not about applications.
    assert _run("narrative.all_answered", _report("热线收到的申请均已答复。", carried_forward=2)) == []


def test_other_year_at_sentence_start_and_in_a_quoted_title() -> None:
    r = _report(
        "2023年，我局扎实推进政务公开。2022年，我局收到申请5件。"
        "2024年将继续努力。现发布《某局2021年政府信息公开工作年度报告》。"
        "2020年以来持续推进。"
    )
    fs = _run("narrative.other_year", r)
    assert [f.actual for f in fs] == [2022, 2021]
    assert "2022年" in fs[0].message and "《某局2021年政府信息公开工作年度报告》" in fs[1].message


def test_fee_statement_and_government_coverage_read_the_prose() -> None:
    assert _run("narrative.fee_statement", _report("未收取信息 处理费。")) == []
    assert len(_run("narrative.fee_statement", _report("无。"))) == 1
    gov = _report("本年度开展工作考核和社会评议，未发生责任追究。")
    gov.agency = "某县人民政府"
    assert _run("structure.government_coverage", gov) == []
    gov.sections["overview"].text = "本年度开展工作考核。"
    gov.derived.clear()
    fs = _run("structure.government_coverage", gov)
    assert len(fs) == 1 and fs[0].actual == ["社会评议", "责任追究"]
