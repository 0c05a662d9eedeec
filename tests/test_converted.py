"""Real reports converted to text by other tools extract cell-exact and are checked like the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from nianbao.checks import check
from nianbao.document import Document
from nianbao.eval import compare
from nianbao.extract import extract
from nianbao.model import Finding
from nianbao.readers import read_path

HERE = Path(__file__).parent / "converted"
CONVERTED = sorted(HERE.glob("hongze-*.txt"))
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


def _diffs(name: str, stem: str) -> tuple[list[str], list[Finding]]:
    expected = json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))
    report = extract(read_path(HERE / name))
    return compare(report, expected).diffs, [f for f in check(report) if f.rule.startswith("extract.")]


def test_lone_totals_under_the_total_heading_in_a_fixed_width_layout() -> None:
    # Every Table 3 row prints only its 总计, under the heading; two rows are wholly blank,
    # and a row's figure may stand between the two lines of its label.
    diffs, notes = _diffs("001-rendered.pdfplumber-layout.txt", "001_aa665f4df32367ae")
    # Table 4 prints 2 figures on one line for 15 columns: placed under their headings, whose
    # words ("结果" over "维持") are gathered into the template's 15 columns by position.
    assert diffs == []
    assert notes == []


def test_table4_figure_between_header_columns_is_not_placed() -> None:
    text = (HERE / "001-rendered.pdfplumber-layout.txt").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(text) if ln.strip() == "0                                        0")
    text[i] = text[i].replace(" 0  ", "   0", 1)  # two characters right: between two columns
    report = extract(Document.from_text("t.txt", "\n".join(text)))
    assert all(c.value is None for cols in report.tables["review_litigation"].values() for c in cols.values())
    assert any(f.rule == "extract.unplaced" and f.table == "review_litigation" for f in check(report))


def test_lone_figures_are_not_placed_by_position_without_a_fixed_width_layout() -> None:
    text = (HERE / "001-rendered.pdfplumber-layout.txt").read_text(encoding="utf-8")
    squeezed = "\n".join(" ".join(ln.split()) for ln in text.splitlines())
    report = extract(Document.from_text("t.txt", squeezed))
    assert report.value("applications", "new_received", "total") is None
    assert any(f.rule == "extract.unplaced" and f.row == "new_received" for f in check(report))


def test_figures_beside_the_tail_of_a_label_belong_to_its_row() -> None:
    # "1.本机关不掌握相关政" / "府信息 18 0 0 1 0 0 19" / "2.没有现成信息需要另" / "行制作 0 …"
    diffs, _ = _diffs("002-rendered.pdfium.txt", "002_5e18f5f84cd8f932")
    assert not [d for d in diffs if d.startswith("applications.")]
    assert all("got None" in d for d in diffs)  # only the ambiguous Table 4 blanks, never a wrong figure


@pytest.mark.parametrize("stem", ["001_aa665f4df32367ae", "002_5e18f5f84cd8f932", "003_c12fc4cb6f2af7bf"])
def test_one_cell_per_line_from_libreoffice(stem: str) -> None:
    # An empty line stands for an empty cell: 001's blank applicant columns and 002's
    # blank Table 4 cells are placed exactly, where other conversions lose them.
    diffs, notes = _diffs(f"{stem[:3]}-rendered.libreoffice.txt", stem)
    assert diffs == [] and notes == []


def test_one_cell_per_line_needs_unindented_figures() -> None:
    # Indented figures are a fixed-width layout's, whose blank lines mean nothing.
    text = (HERE / "001-rendered.libreoffice.txt").read_text(encoding="utf-8")
    indented = "\n".join(f"    {ln}" if ln.strip().isdigit() else ln for ln in text.splitlines())
    report = extract(Document.from_text("t.txt", indented))
    assert report.value("applications", "new_received", "total") is None
    assert any(f.rule == "extract.unplaced" and f.row == "new_received" for f in check(report))


def test_eval_command_scores_the_conversions(capsys: pytest.CaptureFixture[str]) -> None:
    from nianbao.eval import main

    assert main([str(HERE), "--expected", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert out.count("189/189") == len(CONVERTED) and "cells right / total: 1134/1134" in out
