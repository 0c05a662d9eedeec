"""`check` reports every anomaly the fixtures README lists for the text fixtures,
and no error where the tables are consistent."""

from __future__ import annotations

from conftest import FIXTURES
from nianbao.checks import check
from nianbao.extract import extract
from nianbao.model import Finding
from nianbao.readers import read_path
from nianbao.template.sums import APPLICANT_KEYS


def _findings(stem: str) -> list[Finding]:
    return check(extract(read_path(FIXTURES / f"{stem}.txt")))


def _errors(fs: list[Finding]) -> list[Finding]:
    return [f for f in fs if f.severity == "error"]


def test_000_all_answered_yet_carried_forward() -> None:
    fs = _findings("000_43e3c9ba6b70e239")
    assert _errors(fs) == []
    hit = [f for f in fs if f.rule == "narrative.all_answered"]
    assert len(hit) == 1 and hit[0].severity == "warning" and hit[0].actual == 1


def test_001_blank_cells_are_errors() -> None:
    fs = _findings("001_aa665f4df32367ae")
    blank = {(f.table, f.row, f.column) for f in fs if f.rule == "cells.blank"}
    # All six applicant columns blank in every Table 3 row.
    rows = {r for t, r, _ in blank if t == "applications"}
    assert len(rows) == 23
    for r in rows:
        assert {("applications", r, c) for c in APPLICANT_KEYS} <= blank
    # The two rows blank through their 总计.
    assert ("applications", "not_handled_complaint", "total") in blank
    assert ("applications", "not_handled_excessive", "total") in blank
    assert ("applications", "new_received", "total") not in blank
    # Table 4: 13 blank cells, all five of 未经复议直接起诉.
    t4 = {(r, c) for t, r, c in blank if t == "review_litigation"}
    assert len(t4) == 13
    assert {("litigation_direct", c) for c in ("upheld", "corrected", "other", "pending", "total")} <= t4
    assert ("review", "total") not in t4 and ("litigation_after_review", "total") not in t4
    assert all(f.severity == "error" for f in fs if f.rule == "cells.blank")


def test_001_licensing_columns_look_like_items() -> None:
    fs = _findings("001_aa665f4df32367ae")
    rules = {f.rule for f in fs}
    assert "t2.items_vs_decisions" in rules
    narr = [f for f in fs if f.rule == "narrative.numbers"]
    assert any(f.actual == 82 and f.row == "licensing" for f in narr)


def test_002_review_blank() -> None:
    fs = _findings("002_5e18f5f84cd8f932")
    errs = _errors(fs)
    assert {(f.rule, f.table, f.row) for f in errs} == {("cells.blank", "review_litigation", "review")}
    assert len(errs) == 5


def test_003_clean() -> None:
    assert _findings("003_c12fc4cb6f2af7bf") == []


def test_004_narrative_processed_contradiction() -> None:
    fs = _findings("004_29f7b36afe8cbcfb")
    assert _errors(fs) == []
    hit = [f for f in fs if f.rule == "narrative.numbers"]
    assert len(hit) == 1
    assert (hit[0].row, hit[0].actual, hit[0].expected) == ("total_processed", 19, 17)


def _pdf_findings(stem: str) -> list[Finding]:
    return check(extract(read_path(FIXTURES / f"{stem}.pdf")))


def test_hongze_2023_table4_totals_and_template_variant() -> None:
    fs = _pdf_findings("hongze-2023")
    t4 = {(f.row, f.expected, f.actual) for f in fs if f.rule == "t4.group_total"}
    assert t4 == {("review", 11, 0), ("litigation_after_review", 5, 0)}
    assert any(f.rule == "t3.rows" and f.row == "other" and f.severity == "error" for f in fs)
    assert not [f for f in fs if f.rule.startswith("t3.") and f.rule != "t3.rows"]


def test_hongze_2024_narrative_contradicts_table() -> None:
    fs = _pdf_findings("hongze-2024")
    hit = [f for f in fs if f.rule == "narrative.numbers"]
    assert [(f.row, f.actual, f.expected) for f in hit] == [("new_received", 17, 95)]
    assert any(f.rule == "t3.rows" for f in fs)
    assert not [f for f in fs if f.rule in ("t3.balance", "t3.outcome_sum", "t3.row_total", "t4.group_total")]
