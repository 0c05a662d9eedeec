"""Title, agency and year as printed, including titles wrapped over lines by PDF conversion."""

from __future__ import annotations

import pytest

from nianbao.document import Document
from nianbao.extract.metadata import extract_meta

BODY = "\n一、总体情况\n本报告统计数据从2023年1月1日至12月31日。\n"


@pytest.mark.parametrize(
    "head",
    [
        "中卫市商务局2023年政府信息公开工作年度报告",
        "# 中卫市商务局 2023 年政府信息公开工作年度报告",
        "中卫市商务局\n2023年政府信息公开工作年度报告",  # agency on its own line
        "中卫市商务局\n\n\n2023   年政府信息公开工作年度报告",  # pdftotext -layout: blank lines, spaces
        "中卫市商务局 2023 年政府信息公开\n工作年度报告",  # wrapped inside the title words
        "中卫市商务局\n2023年政府信息公开\n工作年度报告",  # three lines
        "关于中卫市商务局2023年度政府信息公开工作年度报告",
    ],
)
def test_title_variants(head: str) -> None:
    meta = extract_meta(Document.from_text("t.txt", head + BODY).lines)
    assert (meta.agency, meta.year) == ("中卫市商务局", 2023), meta.title


def test_a_line_above_the_title_is_not_joined_to_it() -> None:
    text = "首页 > 政务公开 > 年度报告\n中卫市商务局2023年政府信息公开工作年度报告" + BODY
    meta = extract_meta(Document.from_text("t.txt", text).lines)
    assert meta.agency == "中卫市商务局"


def test_a_sentence_naming_the_report_is_not_its_title() -> None:
    text = "现发布《中卫市商务局2023年政府信息公开工作年度报告》。" + BODY
    meta = extract_meta(Document.from_text("t.txt", text).lines)
    assert meta.title is None and meta.agency is None
    assert meta.year == 2023  # from the statistics period
