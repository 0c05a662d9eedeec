"""The fill-in workbook: layout, formulas from the template sums, validation, reading back, check and render."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from nianbao.batch import process
from nianbao.cli import app
from nianbao.readers import ReadError, read_bytes
from nianbao.readers.workbook import is_workbook, load_workbook
from nianbao.render import load_data, render_bytes
from nianbao.render.workbook import (
    ROW0,
    SHEET_INFO,
    SHEET_NAMES,
    SHEET_TEXT,
    formulas,
    write_workbook,
)
from nianbao.schema import load_report
from nianbao.template import APPLICANT_COLUMNS, SECTIONS, template_for
from nianbao.template.layout import grid

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T3 = SHEET_NAMES["applications"]
T4 = SHEET_NAMES["review_litigation"]


def _pos(fmt: str, table: str) -> dict[tuple[str, str], str]:
    g = grid(template_for(fmt).table(table))
    return {c.ref: f"{openpyxl.utils.get_column_letter(1 + c.col)}{ROW0 + c.row}" for c in g.cells if c.ref}


@pytest.fixture()
def blank(tmp_path: Path) -> Path:
    r = CliRunner().invoke(app, ["template", "--to", "xlsx", "-o", str(tmp_path / "t.xlsx")])
    assert r.exit_code == 0, r.output
    return tmp_path / "t.xlsx"


def test_template_layout_formulas_and_validation(blank: Path) -> None:
    assert is_workbook(blank.read_bytes())
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == [SHEET_INFO, SHEET_TEXT, *SHEET_NAMES.values()]
    ws = wb[T3]
    pos = _pos("2021", "applications")
    # Row totals and （七）总计 are formulas derived from nianbao.template.sums.
    assert (
        ws[pos["new_received", "total"]].value
        == "=SUM(" + ",".join(pos["new_received", c.key] for c in APPLICANT_COLUMNS if c.key != "total") + ")"
    )
    f = ws[pos["total_processed", "natural_person"]].value
    assert f.startswith("=SUM(") and f.count(",") == 20  # 21 outcome rows of the 2021 template
    assert pos["other_other", "natural_person"] in f and pos["carried_forward", "natural_person"] not in f
    assert ws[pos["carried_forward", "natural_person"]].value is None  # entered, not computed
    fml = formulas("applications", template_for("2021").table("applications").row_keys)
    n_formula = sum(1 for ref in pos if isinstance(ws[pos[ref]].value, str) and ws[pos[ref]].value.startswith("="))
    assert n_formula == len(fml) == 25 + 6  # 25 row totals + six column sums of （七）总计
    # Merged cells as the template prints them.
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert f"A{ROW0}:C{ROW0 + 2}" in merged
    # Data validation: non-negative integers for counts, decimals for money.
    kinds = {(dv.type, dv.operator, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual", "0") in kinds
    t2 = wb[SHEET_NAMES["active_disclosure"]]
    assert ("decimal", "greaterThanOrEqual", "0") in {
        (dv.type, dv.operator, dv.formula1) for dv in t2.data_validations.dataValidation if dv.sqref
    }
    t4 = wb[T4]
    p4 = _pos("2021", "review_litigation")
    assert t4[p4["review", "total"]].value.startswith("=SUM(")
    text = wb[SHEET_TEXT]
    assert [text.cell(3 + i, 1).value for i in range(6)] == [f"{s.number}、{s.title}" for s in SECTIONS]


def test_2019_template_has_single_other_row(tmp_path: Path) -> None:
    p = tmp_path / "t19.xlsx"
    p.write_bytes(write_workbook("2019"))
    ws = openpyxl.load_workbook(p)[T3]
    labels = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "（六）其他处理" in labels and not any("逾期不补正" in str(v) for v in labels)
    assert load_workbook(p).format == "2019"


def _fill(path: Path, values: dict[tuple[str, str], int], *, agency: str = "某某局", year: int = 2024) -> None:
    wb = openpyxl.load_workbook(path)
    wb[SHEET_INFO]["B2"] = agency
    wb[SHEET_INFO]["B3"] = year
    pos3 = _pos("2021", "applications")
    ws = wb[T3]
    for ref, cell in pos3.items():
        v = ws[cell].value
        if not (isinstance(v, str) and v.startswith("=")):
            ws[cell] = values.get(ref, 0)
    for table in ("active_disclosure", "review_litigation"):
        ws = wb[SHEET_NAMES[table]]
        for _ref, cell in _pos("2021", table).items():
            v = ws[cell].value
            if not (isinstance(v, str) and v.startswith("=")):
                ws[cell] = 0
    for i in range(6):
        wb[SHEET_TEXT].cell(3 + i, 2, f"第{i + 1}部分的正文。")
    wb.save(path)  # openpyxl writes no cached values: totals must be computed on reading


def test_filled_workbook_reads_back_with_computed_totals(blank: Path) -> None:
    _fill(
        blank,
        {
            ("new_received", "natural_person"): 5,
            ("disclosed", "natural_person"): 3,
            ("carried_forward", "natural_person"): 2,
            ("new_received", "commercial"): 1,
            ("other_other", "commercial"): 1,
        },
    )
    r = load_workbook(blank)
    assert (r.agency, r.year, r.format) == ("某某局", 2024, "2021")
    assert r.value("applications", "new_received", "total") == 6
    assert r.value("applications", "total_processed", "natural_person") == 3
    assert r.value("applications", "total_processed", "total") == 4
    assert r.value("review_litigation", "review", "total") == 0
    assert r.sections["overview"].text == "第1部分的正文。"
    out = process(str(blank))
    assert out.error is None and out.report is not None
    assert not [f for f in out.findings if f.severity == "error"], [f.message for f in out.findings]


def test_number_typed_over_a_formula_is_checked_as_entered(blank: Path) -> None:
    _fill(blank, {("new_received", "natural_person"): 5, ("disclosed", "natural_person"): 5})
    wb = openpyxl.load_workbook(blank)
    pos = _pos("2021", "applications")
    wb[T3][pos["total_processed", "natural_person"]] = 4  # a clerk overwrote the formula
    wb.save(blank)
    r = load_workbook(blank)
    assert r.value("applications", "total_processed", "natural_person") == 4
    out = process(str(blank))
    rules = {f.rule for f in out.findings if f.severity == "error"}
    assert "t3.outcome_sum" in rules or "t3.balance" in rules
    res = CliRunner().invoke(app, ["check", str(blank)])
    assert res.exit_code == 1
    res = CliRunner().invoke(app, ["render", str(blank), "--to", "md", "-o", str(blank.with_suffix(".md"))])
    assert res.exit_code == 1 and "未生成报告" in res.output


def test_render_from_workbook(blank: Path, tmp_path: Path) -> None:
    _fill(blank, {("new_received", "research"): 2, ("partially_disclosed", "research"): 2})
    out = tmp_path / "r.docx"
    res = CliRunner().invoke(app, ["render", str(blank), "--to", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    md = render_bytes(load_data(blank), "md").decode("utf-8")
    assert md.startswith("# 某某局2024年政府信息公开工作年度报告")
    assert "第3部分的正文。" in md


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.expected.json")))
def test_prefilled_workbook_round_trip(fixture: str, tmp_path: Path) -> None:
    exp = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    rep = load_report(exp)
    p = tmp_path / "w.xlsx"
    p.write_bytes(write_workbook(rep.format or "2021", rep))
    back = load_workbook(p).to_dict(provenance=False, texts=False)["tables"]
    assert back == exp["tables"]  # printed totals that do not add up are kept as printed


def test_foreign_xlsx_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(p)
    assert not is_workbook(p.read_bytes())
    with pytest.raises(ReadError, match="不是由 nianbao template 生成"):
        load_workbook(p)
    out = process(str(p))  # a batch names the same reason
    assert out.report is None and out.error is not None and "不是由 nianbao template 生成" in out.error


def test_workbook_is_sniffed_by_content_not_name(blank: Path, tmp_path: Path) -> None:
    """Renamed .bin, the fill-in workbook is still found by its content and read by its reader."""
    renamed = tmp_path / "填报表.bin"
    renamed.write_bytes(blank.read_bytes())
    doc = read_bytes("填报表.bin", renamed.read_bytes())
    assert doc.kind == "xlsx" and doc.report is not None and not doc.lines
    out = process(str(renamed))
    assert out.error is None and out.report is not None and out.report.source.endswith("填报表.bin")
    assert out.report.format == "2021" and set(out.report.tables) == set(SHEET_NAMES)
    res = CliRunner().invoke(app, ["check", str(renamed)])
    assert res.exit_code == 1 and "cells.blank" in res.output, res.output  # read and checked: a blank form


def test_workbook_without_xlsx_suffix_stays_unsupported_zip(tmp_path: Path) -> None:
    """A ZIP that is no XLSX keeps its reason; an XLSX renamed .zip is still a workbook."""
    import zipfile

    p = tmp_path / "a.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(ReadError, match="暂不支持读取压缩包"):
        read_bytes("a.zip", p.read_bytes())
