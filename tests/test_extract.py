"""Extraction edge cases that real conversions produce."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from layouts import render_text
from nianbao.checks import check
from nianbao.document import Document
from nianbao.extract import extract
from nianbao.model import Report
from nianbao.template import APPLICANT_COLUMNS, TEMPLATES


def _zero_data(fmt: str = "2021") -> dict[str, Any]:
    tpl = TEMPLATES[fmt]
    return {
        "format": fmt,
        "agency": "某市统计局",
        "year": 2023 if fmt == "2021" else 2020,
        "tables": {t.key: {r.key: {c.key: 0 for c in r.columns} for r in t.rows} for t in tpl.tables},
    }


def _extract(text: str) -> Report:
    return extract(Document.from_text("t.txt", text))


def test_slash_cells_are_blank_not_zero() -> None:
    text = render_text(_zero_data(), "tabs").replace("四、结转下年度继续办理\t0\t0", "四、结转下年度继续办理\t/\t0")
    r = _extract(text)
    cell = r.tables["applications"]["carried_forward"]["natural_person"]
    assert cell.value is None and cell.raw == "/"
    assert any(f.rule == "cells.blank" and f.row == "carried_forward" for f in check(r))


def test_missing_row_is_absent_and_reported() -> None:
    lines = [ln for ln in render_text(_zero_data(), "tabs").split("\n") if not ln.startswith("7.属于行政执法案卷")]
    r = _extract("\n".join(lines))
    assert "withheld_enforcement_files" not in r.tables["applications"]
    assert any(
        f.rule == "t3.rows" and f.row == "withheld_enforcement_files" and f.severity == "error" for f in check(r)
    )


def test_values_that_cannot_be_placed_are_left_blank_and_flagged() -> None:
    # Space-separated, only three of seven numbers: their columns are unknowable.
    text = render_text(_zero_data(), "spaces").replace(
        "2.重复申请    0    0    0    0    0    0    0", "2.重复申请    4    1    5"
    )
    r = _extract(text)
    row = r.tables["applications"]["not_handled_repeated"]
    assert all(c.value is None for c in row.values())
    notes = [f for f in check(r) if f.rule == "extract.unplaced"]
    assert notes and notes[0].row == "not_handled_repeated" and notes[0].actual == ["4", "1", "5"]


def test_lone_total_in_positional_layout_goes_to_total() -> None:
    text = render_text(_zero_data(), "pipes").replace(
        "| 2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 2.重复申请 |  |  |  |  |  |  | 3 |"
    )
    row = _extract(text).tables["applications"]["not_handled_repeated"]
    assert row["total"].value == 3
    assert [row[c.key].value for c in APPLICANT_COLUMNS[:-1]] == [None] * 6


def test_table4_as_a_sentence_is_blank() -> None:
    text = render_text(_zero_data(), "tabs")
    start = text.index("四、政府信息公开行政复议")
    end = text.index("五、存在的主要问题")
    text = (
        text[:start]
        + "四、政府信息公开行政复议、行政诉讼情况\n本年度未发生政府信息公开行政复议、行政诉讼。\n"
        + text[end:]
    )
    r = _extract(text)
    t4 = r.tables["review_litigation"]
    assert all(c.value is None for row in t4.values() for c in row.values())


def test_2021_report_printing_a_single_other_row() -> None:
    data = _zero_data("2021")
    apps = data["tables"]["applications"]
    for k in ("other_no_correction", "other_fee_unpaid", "other_other"):
        del apps[k]
    apps["other"] = {c.key: 0 for c in APPLICANT_COLUMNS}
    # Lay it out with the 2019 Table 3 rows but the 2021 Table 2.
    text2019 = render_text({**_zero_data("2019"), "year": 2023, "agency": "某市统计局"}, "tabs")
    text2021 = render_text(_zero_data("2021"), "tabs")
    t3_2019 = text2019[text2019.index("三、收到和处理") : text2019.index("四、政府信息公开行政复议")]
    t3_2021 = text2021[text2021.index("三、收到和处理") : text2021.index("四、政府信息公开行政复议")]
    r = _extract(text2021.replace(t3_2021, t3_2019))
    assert r.format == "2021"
    assert "other" in r.tables["applications"] and "other_other" not in r.tables["applications"]
    rows = [f for f in check(r) if f.rule == "t3.rows"]
    assert len(rows) == 1 and rows[0].severity == "error" and rows[0].row == "other"


def test_format_from_table3_when_table2_is_missing() -> None:
    text = render_text(_zero_data("2021"), "tabs")
    start = text.index("二、主动公开政府信息情况")
    end = text.index("三、收到和处理")
    r = _extract(text[:start] + "二、主动公开政府信息情况\n详见附件。\n" + text[end:])
    assert r.format == "2021" and r.format_basis == "table"
    assert any(f.rule == "structure.tables" and f.table == "active_disclosure" for f in check(r))


def test_garbled_header_rows_and_page_numbers_are_ignored() -> None:
    text = render_text(_zero_data(), "tabs").replace(
        "（七）总计", "—  4  —\n申请人情况 自然人 法人或其他组织\n商业 企业 科研 机构\n（七）总计"
    )
    r = _extract(text)
    assert all(c.value == 0 for row in r.tables["applications"].values() for c in row.values())
    assert not [f for f in check(r) if f.severity == "error"]


def test_fixed_width_layout_places_blanks_by_column_position() -> None:
    # `pdftotext -layout` style: columns aligned with spaces; one row prints only its 总计,
    # another only 自然人 and 总计.
    text = render_text(_zero_data(), "tabs")
    lines = []
    for ln in text.split("\n"):
        if "\t" in ln:
            label, *vals = ln.split("\t")
            ln = f"{label:<40}" + "".join(f"{v:>8}" for v in vals)
        lines.append(ln)
    text = "\n".join(lines)
    label = "2.重复申请"
    row = next(ln for ln in lines if ln.startswith(label))
    head = row[:40]
    lines[lines.index(row)] = head + " " * 48 + f"{3:>8}"
    row = next(ln for ln in lines if ln.startswith("3.要求提供公开出版物"))
    lines[lines.index(row)] = row[:40] + f"{2:>8}" + " " * 40 + f"{2:>8}"
    r = _extract("\n".join(lines))
    rep = r.tables["applications"]["not_handled_repeated"]
    assert rep["total"].value == 3 and rep["natural_person"].value is None
    pub = r.tables["applications"]["not_handled_publication"]
    assert (pub["natural_person"].value, pub["commercial"].value, pub["total"].value) == (2, None, 2)
    assert not [n for n in r.notes if n.rule == "extract.unplaced"]


def _events(*texts: str) -> list[tuple[str | None, list[str]]]:
    from nianbao.document import Line
    from nianbao.extract.align import events_for
    from nianbao.template import T3_ROWS_ALL

    lines = [Line(t, i) for i, t in enumerate(texts, start=1)]
    return [(e.row.key if e.row else None, [t.text for t in e.values]) for e in events_for(lines, T3_ROWS_ALL)]


def test_figures_between_the_halves_of_a_label_go_to_that_row() -> None:
    got = _events("4.无正当理由大量反复申请", "5.要求行政机关确认或", "                 3", "重新出具已获取信息")
    assert got == [("not_handled_excessive", []), ("not_handled_confirmation", ["3"])]


def test_figures_after_a_label_tail_are_not_taken_by_the_next_row() -> None:
    # "申请" ends the row above; the next row's label starts afresh ("5."): the 3 is not its.
    got = _events("4.无正当理由大量反复", "申请", "                 3", "5.要求行政机关确认或重新出具已获取信息")
    assert ("not_handled_confirmation", ["3"]) not in got and (None, ["3"]) in got


def _cells(r: Report, table: str, row: str) -> list[Any]:
    return [c.value for c in r.tables[table][row].values()]


def _join_lines(text: str, first: str, sep: str = " ") -> str:
    """The line starting with `first` and the next one run together, as a PDF conversion may."""
    lines = text.split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith(first))
    lines[i : i + 2] = [lines[i] + sep + lines[i + 1]]
    return "\n".join(lines)


def test_two_rows_run_together_on_one_line_are_split() -> None:
    data = _zero_data()
    data["tables"]["active_disclosure"]["normative_documents"] = {"issued": 17, "repealed": 26, "in_force": 68}
    data["tables"]["applications"]["carried_over"]["natural_person"] = 2
    data["tables"]["applications"]["carried_over"]["total"] = 2
    for layout in ("tabs", "spaces"):
        lines = render_text(data, layout).split("\n")
        i = next(k for k, ln in enumerate(lines) if ln.startswith("规章"))
        assert lines[i + 1].startswith("信息内容")  # the header repeated above each row
        del lines[i + 1]
        text = _join_lines(_join_lines("\n".join(lines), "规章"), "一、本年新收")
        r = _extract(text)
        assert _cells(r, "active_disclosure", "regulations") == [0, 0, 0], layout
        assert _cells(r, "active_disclosure", "normative_documents") == [17, 26, 68], layout
        assert _cells(r, "applications", "new_received") == [0] * 7, layout
        assert _cells(r, "applications", "carried_over") == [2, 0, 0, 0, 0, 0, 2], layout
        assert not [f for f in check(r) if f.rule.startswith("extract.")], layout


def test_figures_are_kept_by_the_label_they_follow() -> None:
    # A header run onto a row's line, a figure and the next label in one cell, a unit after a figure.
    data = _zero_data()
    data["tables"]["active_disclosure"]["regulations"] = {"issued": 1, "repealed": 2, "in_force": 3}
    data["tables"]["active_disclosure"]["normative_documents"] = {"issued": 17, "repealed": 26, "in_force": 68}
    text = _join_lines(render_text(data, "tabs"), "规章")  # "规章\t1\t2\t3 信息内容  本年制发件数…"
    text = _join_lines(text, "规章")  # "…现行有效件数 行政规范性文件\t17\t26\t68"
    text = text.replace("行政事业性收费\t0", "行政事业性收费\t7730.28\t万元")
    r = _extract(text)
    assert _cells(r, "active_disclosure", "regulations") == [1, 2, 3]
    assert _cells(r, "active_disclosure", "normative_documents") == [17, 26, 68]
    assert _cells(r, "active_disclosure", "fees") == [Decimal("7730.28")]
    assert not [f for f in check(r) if f.rule.startswith("extract.")]


def test_figure_and_next_label_in_one_cell_are_split() -> None:
    # "规章\t0\t0\t0 行政规范性文件\t17\t26\t68": the last figure and the next label share a cell.
    data = _zero_data()
    data["tables"]["active_disclosure"]["normative_documents"] = {"issued": 17, "repealed": 26, "in_force": 68}
    text = render_text(data, "tabs").replace(
        "规章\t0\t0\t0\n信息内容  本年制发件数  本年废止件数  现行有效件数\n", "规章\t0\t0\t0 "
    )
    r = _extract(text)
    assert _cells(r, "active_disclosure", "regulations") == [0, 0, 0]
    assert _cells(r, "active_disclosure", "normative_documents") == [17, 26, 68]


def test_two_labels_on_one_line_give_the_figures_to_the_second() -> None:
    # The first row printed no figures at all; its label and the next row's ran together.
    data = _zero_data()
    data["tables"]["applications"]["not_handled_repeated"] = {
        c.key: 6 if c.key == "total" else 1 for c in APPLICANT_COLUMNS
    }
    text = render_text(data, "tabs").replace(
        "（五）不予处理 1.信访举报投诉类申请\t0\t0\t0\t0\t0\t0\t0", "（五）不予处理 1.信访举报投诉类申请"
    )
    r = _extract(_join_lines(text, "（五）不予处理", "\t"))
    assert _cells(r, "applications", "not_handled_complaint") == [None] * 7
    assert _cells(r, "applications", "not_handled_repeated") == [1, 1, 1, 1, 1, 1, 6]


def test_figures_among_label_text_are_reported() -> None:
    # Figures inside a label that no row's name follows or precedes: not taken, and said so.
    text = render_text(_zero_data(), "tabs").replace(
        "行政规范性文件\t0\t0\t0", "合计\t9\t行政规范性文件\t0\t0\t0\t（含）"
    )
    r = _extract(text)
    assert _cells(r, "active_disclosure", "normative_documents") == [None] * 3
    notes = [f for f in check(r) if f.rule == "extract.unplaced" and f.row == "normative_documents"]
    assert notes and notes[0].actual == ["9", "0", "0", "0"]


def test_lone_figure_is_a_total_only_where_the_last_column_is_one() -> None:
    # Table 2's last column (现行有效件数) is no total: a row cut short is not placed.
    text = render_text(_zero_data(), "tabs").replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t16\n48\t61")
    r = _extract(text)
    assert _cells(r, "active_disclosure", "normative_documents") == [None] * 3
    assert [f.rule for f in check(r) if f.rule == "extract.unplaced"]


def test_row_with_a_cell_fewer_than_its_neighbours_is_not_placed() -> None:
    # Tab rows all hold nine cells; one holds eight with a blank: a cell was lost, which is unknown.
    data = _zero_data()
    data["tables"]["applications"]["disclosed"] = (
        {"natural_person": 2, "commercial": 1}
        | {k: 0 for k in ("research", "social_welfare", "legal_services", "other_org")}
        | {"total": 3}
    )
    text = render_text(data, "tabs").replace("\n", "\t\n")  # every row ends with an empty cell
    text = text.replace("（一）予以公开\t2\t1\t0\t0\t0\t0\t3\t", "（一）予以公开\t2\t1\t0\t0\t3\t\t")
    r = _extract(text)
    assert _cells(r, "applications", "disclosed") == [None] * 7
    assert any(f.rule == "extract.unplaced" and f.row == "disclosed" for f in check(r))
