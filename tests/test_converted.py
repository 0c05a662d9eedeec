"""Real reports converted to text by other tools extract cell-exact and are checked like the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from nianbao.checks import check
from nianbao.eval import compare
from nianbao.extract import extract
from nianbao.readers import read_path

CONVERTED = sorted((Path(__file__).parent / "converted").glob("*.txt"))
# What `check` finds in the PDFs themselves (tests/test_checks_fixtures.py).
EXPECTED_FINDINGS = {
    "hongze-2023": {
        ("t4.group_total", "review", "total"),
        ("t4.group_total", "litigation_after_review", "total"),
        ("t3.rows", "other", None),
        ("structure.government_coverage", None, None),
    },
    "hongze-2024": {
        ("narrative.numbers", "new_received", "total"),
        ("t3.rows", "other", None),
        ("structure.government_coverage", None, None),
    },
}


def test_every_converter_is_covered() -> None:
    assert {p.name.split(".", 1)[1] for p in CONVERTED} == {"pdfplumber.txt", "pdfplumber-layout.txt", "pdfium.txt"}


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.name)
def test_converted_text_is_cell_exact(path: Path) -> None:
    stem = path.name.split(".")[0]
    expected = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    report = extract(read_path(path))
    score = compare(report, expected)
    assert score.diffs == [] and score.right == score.total
    assert report.period_start is not None and len(report.sections) == 6


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.name)
def test_converted_text_gets_the_findings_of_the_pdf(path: Path) -> None:
    stem = path.name.split(".")[0]
    got = {(f.rule, f.row, f.column) for f in check(extract(read_path(path)))}
    assert got == EXPECTED_FINDINGS[stem]
