"""A cell the reader could not read is the reader's problem, never the report's blank."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from nianbao.checks import check
from nianbao.cli import app
from nianbao.document import UNREAD, Document
from nianbao.extract import extract
from nianbao.model import rule_kind
from nianbao.schema import load_report

STEM = "000_43e3c9ba6b70e239"


def _text(mark: str = UNREAD) -> str:
    lines = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    assert cells[2] == "2"
    cells[2] = mark
    lines[i] = "\t".join(cells)
    return "\n".join(lines)


def test_an_unread_cell_is_named_and_never_blank() -> None:
    report = extract(Document.from_text("u.txt", _text()))
    cell = report.cell("applications", "new_received", "natural_person")
    assert cell is not None and cell.value is None and cell.unread and cell.state == "unread"
    findings = check(report)
    assert not [f for f in findings if f.rule == "cells.blank"]
    unread = [f for f in findings if f.rule == "extract.unread"]
    assert [(f.table, f.row, f.column) for f in unread] == [("applications", "new_received", "natural_person")]
    assert all(f.kind == "reading" and f.severity == "warning" for f in unread)
    # The identities over that cell's row and column cannot be checked, and say so; so does
    # the narrative's count of applications from natural persons.
    unchecked = {(f.expected, f.row, f.column) for f in findings if f.rule == "extract.unchecked"}
    assert unchecked == {
        ("t3.balance", "total_processed", "natural_person"),
        ("t3.row_total", "new_received", "total"),
        ("narrative.numbers", "new_received", "natural_person"),
    }
    assert all(f.kind == "reading" for f in findings if f.rule == "extract.unchecked")
    assert not [f for f in findings if f.kind == "report" and f.severity == "error"]


def test_a_figure_partly_unread_is_unread_and_a_printed_blank_is_blank() -> None:
    partly = extract(Document.from_text("u.txt", _text("1" + UNREAD)))
    assert partly.cell("applications", "new_received", "natural_person").unread  # type: ignore[union-attr]
    blank = extract(Document.from_text("u.txt", _text("/")))
    cell = blank.cell("applications", "new_received", "natural_person")
    assert cell is not None and cell.value is None and not cell.unread and cell.state == "empty"
    assert [f.rule for f in check(blank) if f.row == "new_received" and f.column == "natural_person"] == ["cells.blank"]


def test_unread_cells_in_the_report_json_round_trip() -> None:
    report = extract(Document.from_text("u.txt", _text()))
    data = report.to_dict()
    assert data["tables"]["applications"]["new_received"]["natural_person"] is None  # blank stays null
    assert data["unread"] == ["applications.new_received.natural_person"]
    assert data["provenance"]["applications.new_received.natural_person"]["state"] == "unread"
    back = load_report(json.loads(json.dumps(data)))
    assert back.cell("applications", "new_received", "natural_person").unread  # type: ignore[union-attr]
    assert not [f for f in check(back) if f.rule == "cells.blank"]


def test_rule_kinds_come_from_the_registry() -> None:
    assert rule_kind("cells.blank") == "report" and rule_kind("t3.balance") == "report"
    for r in ("extract.unread", "extract.unchecked", "extract.unplaced", "extract.low_confidence", "extract.pictures"):
        assert rule_kind(r) == "reading", r


def test_check_exit_status_counts_only_report_errors(tmp_path: Path) -> None:
    path = tmp_path / "u.txt"
    path.write_text(_text(), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    items = json.loads(res.stdout)
    kinds = {f["rule"]: f["kind"] for f in items[0]["findings"]}
    assert kinds["extract.unread"] == "reading" and kinds["narrative.all_answered"] == "report"
    assert "cells.blank" not in kinds


def test_piped_text_keeps_one_finding_per_line(tmp_path: Path) -> None:
    path = tmp_path / "u.txt"
    path.write_text(_text(), encoding="utf-8")
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    # Reading problems are listed apart, after the report's own, each whole on its line.
    head = next(i for i, ln in enumerate(lines) if "读取问题（" in ln)
    unread = [ln for ln in lines if "extract.unread" in ln]
    assert len(unread) == 1 and lines.index(unread[0]) > head
    assert unread[0].rstrip().endswith("请对照原件核实。") and len(unread[0]) > 80
    assert all("narrative.all_answered" not in ln for ln in lines[head:])


def test_narrative_and_carry_over_over_an_unread_cell_cannot_be_checked() -> None:
    import copy

    from nianbao.corpus.history import carry_over

    path = Path(__file__).parent / "converted" / "hongze-2024.pdfplumber.txt"
    text = path.read_text(encoding="utf-8").replace(
        "本年新收政府信息公开申请数量 95 0 0 0 0 0 95", f"本年新收政府信息公开申请数量 95 0 0 0 0 0 {UNREAD}"
    )
    report = extract(Document.from_text("h.txt", text))
    findings = check(report)
    # The narrative states the applications received; the table's figure was not read.
    narrative = [f for f in findings if f.rule == "extract.unchecked" and f.expected == "narrative.numbers"]
    assert narrative and all("未能读取" in f.message for f in narrative)
    assert not [f for f in findings if f.rule == "narrative.numbers" and f.row == "new_received"]
    # Across years: this year's 上年结转 unread is not compared with last year's 结转下年度.
    nxt = copy.deepcopy(report)
    assert report.year is not None
    nxt.year = report.year + 1
    cell = nxt.tables["applications"]["carried_over"]["natural_person"]
    cell.value, cell.unread = None, True
    got = carry_over(report, nxt)
    assert [(f.rule, f.column) for f in got if f.column == "natural_person"] == [
        ("extract.unchecked", "natural_person")
    ]


def test_a_figure_read_with_no_confidence_at_all_is_unread() -> None:
    from nianbao.document import Line

    text = _text("0")  # the placeholder a recogniser writes for ink it could not make out
    doc = Document.from_text("u.txt", text)
    for i, ln in enumerate(doc.lines):
        if ln.text.startswith("一、本年新收"):
            confs = [1.0] * len(ln.text.split("\t"))
            confs[2] = 0.0
            doc.lines[i] = Line(ln.text, ln.number, ln.page, None, tuple(confs))
    report = extract(doc)
    cell = report.cell("applications", "new_received", "natural_person")
    assert cell is not None and cell.value is None and cell.unread
    assert "extract.unread" in {f.rule for f in check(report)}


def test_a_row_not_found_while_its_figures_lie_unplaced_is_not_blamed() -> None:
    lines = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("二、上年结转"))
    lines[i] = "\t".join(["（此处标签无法辨认）", *lines[i].split("\t")[1:]])
    report = extract(Document.from_text("u.txt", "\n".join(lines)))
    assert "carried_over" not in report.tables["applications"]
    findings = check(report)
    assert not [f for f in findings if f.rule == "t3.rows"]
    missing = [f for f in findings if f.rule == "extract.unchecked" and f.row == "carried_over"]
    assert len(missing) == 1 and missing[0].kind == "reading" and "未能归位" in missing[0].message
    # Without figures left over, a missing row is the report's.
    del lines[i]
    findings = check(extract(Document.from_text("u.txt", "\n".join(lines))))
    assert [f.row for f in findings if f.rule == "t3.rows"] == ["carried_over"]


def test_csv_extract_tells_unread_from_empty(tmp_path: Path) -> None:
    import csv
    import io

    path = tmp_path / "u.txt"
    path.write_text(_text(), encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", str(path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    state = {(r["table"], r["row"], r["column"]): (r["value"], r["state"]) for r in rows}
    assert state[("applications", "new_received", "natural_person")] == ("", "unread")
    assert state[("applications", "new_received", "total")] == ("2", "value")
    blank = tmp_path / "b.txt"
    blank.write_text(_text("/"), encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", str(blank), "--format", "csv"])
    row = next(
        r
        for r in csv.DictReader(io.StringIO(res.stdout))
        if r["row"] == "new_received" and r["column"] == "natural_person"
    )
    assert (row["value"], row["state"]) == ("", "empty")  # printed “/”: the report's own blank


def test_table4_figures_among_its_header_words_leave_the_rest_unread() -> None:
    # OCR of a borderless scan ran a row of figures into the header's last line; the figures
    # left on their own line cannot say which cells the others were.
    lines = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("0\t0\t0\t0\t0\t0\t0"))
    lines[i - 1] = "0 0 0 0 0 0 0 0 审结0 0 维持0 纠正0 结果0 审结"
    lines[i] = "\t" * 14 + "0\t0"
    report = extract(Document.from_text("u.txt", "\n".join(lines)))
    t4 = report.tables["review_litigation"]
    assert all(c.unread for cols in t4.values() for c in cols.values() if c.value is None)
    findings = check(report)
    assert not [f for f in findings if f.rule == "cells.blank" and f.table == "review_litigation"]
    assert any(f.rule == "extract.unplaced" and f.table == "review_litigation" and f.row is None for f in findings)


def test_a_recognised_row_with_figures_but_no_total_is_unread_not_blank() -> None:
    from nianbao.document import Line

    # Table 3 as a recogniser lays out a borderless scan: the label, then one cell a column.
    t = (FIXTURES / f"{STEM}.txt").read_text(encoding="utf-8").split("\n")
    a = next(k for k, ln in enumerate(t) if ln.startswith("一、本年新收"))
    b = next(k for k, ln in enumerate(t) if ln.startswith("四、结转"))
    for k in range(a, b + 1):
        cells = [c for c in t[k].split("\t") if c.strip()]
        if len(cells) >= 8:
            t[k] = "\t".join(["".join(cells[:-7]), *cells[-7:]])
    i = next(k for k, ln in enumerate(t) if "保护第三方" in ln)
    cells = t[i].split("\t")
    cells[-3:] = ["", "", ""]  # the last figures' ink missed by the recogniser
    t[i] = "\t".join(cells)
    doc = Document.from_text("u.txt", "\n".join(t))
    doc.lines[i] = Line(t[i], doc.lines[i].number, doc.lines[i].page, None, tuple(0.95 for _ in cells))
    report = extract(doc)
    row = report.tables["applications"]["withheld_third_party_rights"]
    assert [row[c].value for c in ("natural_person", "commercial", "research", "social_welfare")] == [0, 0, 0, 0]
    assert all(row[c].unread for c in ("legal_services", "other_org", "total"))
    assert not [f for f in check(report) if f.rule == "cells.blank" and f.row == "withheld_third_party_rights"]
