from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.corpus.indicators import INDICATORS, compute, rate, values
from nianbao.schema import load_report

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def _expected(name: str):  # type: ignore[no-untyped-def]
    return load_report(json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8")))


def test_indicators_of_qingtongxia() -> None:
    v = values(_expected("004_29f7b36afe8cbcfb"))
    r = _expected("004_29f7b36afe8cbcfb")
    processed = r.value("applications", "total_processed", "total")
    assert processed == 17
    disclosed = (r.value("applications", "disclosed", "total") or 0) + (
        r.value("applications", "partially_disclosed", "total") or 0
    )
    assert v["disclosure_rate"] == pytest.approx(disclosed / 17)
    assert v["carry_forward_rate"] == pytest.approx(2 / 19)
    # 未经复议直接起诉 0+0+1+1: one closed case, not corrected.
    assert v["litigation_correction_rate"] == 0.0
    assert v["review_correction_rate"] is None  # no review cases


def test_review_correction_rate_uses_closed_cases_not_the_printed_total() -> None:
    # hongze-2023 prints 行政复议 维持 10 + 纠正 1 but 总计 0.
    n, d = compute(_expected("hongze-2023"))["review_correction_rate"]
    assert (n, d) == (1, 11)


def test_blank_cells_make_an_indicator_unknown() -> None:
    v = values(_expected("001_aa665f4df32367ae"))
    assert v["review_correction_rate"] is None


def test_rate_guards() -> None:
    assert rate(1, 0) is None and rate(None, 3) is None and rate(1, 4) == 0.25


def test_every_indicator_is_documented() -> None:
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for key, ind in INDICATORS.items():
        assert f"`{key}`" in doc and ind.name in doc
        assert f"{ind.min_cases}" in doc
