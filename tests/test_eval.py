"""The eval figures: exact, wrong with a finding, wrong silently, blanks blamed on the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from nianbao.eval import compare, form_of, main
from nianbao.extract import extract
from nianbao.model import Finding, Report
from nianbao.readers import read_path

STEM = "000_43e3c9ba6b70e239"


def _fixture() -> tuple[Report, dict[str, Any]]:
    expected = json.loads((FIXTURES / f"{STEM}.expected.json").read_text(encoding="utf-8"))
    return extract(read_path(FIXTURES / f"{STEM}.txt")), expected


def _figures(report: Report, expected: dict[str, Any], findings: list[Finding]) -> tuple[int, int, int, int]:
    s = compare(report, expected, "x.txt", findings)
    return s.cells - s.exact, s.flagged, s.silent, s.blamed


def test_a_wrong_cell_no_finding_points_at_is_silent() -> None:
    report, expected = _fixture()
    report.tables["active_disclosure"]["normative_documents"]["repealed"].value = 8  # printed 7
    elsewhere = Finding("cells.value", "error", "…", "active_disclosure", "regulations", "repealed")
    assert _figures(report, expected, [elsewhere]) == (1, 0, 1, 0)


@pytest.mark.parametrize(
    ("row", "column"),
    [("normative_documents", "repealed"), ("normative_documents", None), (None, "repealed"), (None, None)],
)
def test_a_wrong_cell_with_a_finding_on_its_cell_row_column_or_table_is_flagged(
    row: str | None, column: str | None
) -> None:
    report, expected = _fixture()
    report.tables["active_disclosure"]["normative_documents"]["repealed"].value = 8
    f = Finding("extract.unplaced", "warning", "…", "active_disclosure", row, column)
    assert _figures(report, expected, [f]) == (1, 1, 0, 0)


def test_an_identity_points_at_every_term_of_its_equation() -> None:
    report, expected = _fixture()
    report.tables["applications"]["carried_over"]["natural_person"].value = 5  # printed 0
    # t3.balance names 三、本年度办理结果 总计 but is about new + carried over = processed + forward.
    balance = Finding("t3.balance", "error", "…", "applications", "total_processed", "natural_person")
    assert _figures(report, expected, [balance]) == (1, 1, 0, 0)
    other_column = Finding("t3.balance", "error", "…", "applications", "total_processed", "commercial")
    assert _figures(report, expected, [other_column]) == (1, 0, 1, 0)


def test_a_figure_read_blank_that_a_report_finding_points_at_is_a_blamed_blank() -> None:
    report, expected = _fixture()
    report.tables["applications"]["new_received"]["natural_person"].value = None  # printed 2
    blank = Finding("cells.blank", "error", "…", "applications", "new_received", "natural_person")
    assert _figures(report, expected, [blank]) == (1, 0, 0, 1)
    # Named as the reader's problem only: wrong, flagged, not blamed.
    unread = Finding("extract.unplaced", "warning", "…", "applications", "new_received", None)
    assert _figures(report, expected, [unread]) == (1, 1, 0, 0)
    # Both: the report is still blamed.
    assert _figures(report, expected, [unread, blank]) == (1, 0, 0, 1)
    # A blank the report prints is right, whatever is said about it.
    report, expected = _fixture()
    expected["tables"]["applications"]["new_received"]["natural_person"] = None
    report.tables["applications"]["new_received"]["natural_person"].value = None
    assert _figures(report, expected, [blank]) == (0, 0, 0, 0)


def test_a_missing_table_blamed_on_the_report_counts_every_figure() -> None:
    report, expected = _fixture()
    del report.tables["review_litigation"]
    missing = Finding("structure.tables", "error", "…", "review_litigation")
    n = sum(len(c) for c in expected["tables"]["review_litigation"].values())
    assert _figures(report, expected, [missing]) == (n, 0, 0, n)


def test_forms_from_file_names() -> None:
    assert form_of("d/000_x.scan-150dpi-tilt1.pdf", "000_x") == "scan"
    assert form_of("hongze-2023.pdfplumber-layout.txt", "hongze-2023") == "pdfplumber"
    assert form_of("hongze-2023.pdfium.txt", "hongze-2023") == "pdfium"
    assert form_of("000_x.txt", "000_x") == "txt"


def _damaged(tmp_path: Path) -> Path:
    """The fixture, and a copy with one figure of Table 3 rubbed out (its tab cell left empty)."""
    shutil.copy(FIXTURES / f"{STEM}.txt", tmp_path / f"{STEM}.txt")
    shutil.copy(FIXTURES / f"{STEM}.expected.json", tmp_path / f"{STEM}.expected.json")
    lines = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    assert cells[2] == "2"
    cells[2] = ""
    lines[i] = "\t".join(cells)
    (tmp_path / f"{STEM}.rubbed-one.txt").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path


def test_eval_json_by_form_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _damaged(tmp_path)
    status = main([str(d), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert set(out["forms"]) == {"txt", "rubbed"}
    assert (out["forms"]["txt"]["exact"], out["forms"]["txt"]["cells"]) == (200, 200)
    rubbed = out["forms"]["rubbed"]
    # The cell is printed empty (cells.blank) where the labelled report holds a figure:
    # what a reader that loses a figure without saying so looks like.
    assert (rubbed["exact"], rubbed["flagged"], rubbed["silent"], rubbed["blamed"]) == (199, 0, 0, 1)
    assert status == 1
    assert out["total"]["files"] == 2


def test_eval_text_prints_the_four_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(_damaged(tmp_path)), "-v"])
    out = capsys.readouterr().out
    assert "[rubbed] 1 files\texact 199/200" in out
    assert "applications.new_received.natural_person: got None, expected 2" in out


def _unread_cell(tmp_path: Path) -> Path:
    """The fixture with one figure of Table 3 replaced by the mark of a cell the reader could not read."""
    from nianbao.document import UNREAD

    lines = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    cells[2] = UNREAD
    lines[i] = "\t".join(cells)
    shutil.copy(FIXTURES / f"{STEM}.expected.json", tmp_path / f"{STEM}.expected.json")
    path = tmp_path / f"{STEM}.unread-one.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_an_unread_cell_is_flagged_not_blamed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _unread_cell(tmp_path)
    assert main([str(tmp_path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)["total"]
    assert (s["exact"], s["flagged"], s["silent"], s["blamed"]) == (199, 1, 0, 0)
