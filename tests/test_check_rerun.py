"""A second `check()` after the report was edited sees the edit: what checks derive from a
report (prose, sentences, the cell scan, broken equations) lives for one call only."""

from __future__ import annotations

from pathlib import Path

from nianbao.checks import check
from nianbao.extract import extract
from nianbao.model import Cell, Report, SectionText
from nianbao.readers import read_path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _report() -> Report:
    for p in sorted(FIXTURES.glob("*.txt")):
        r = extract(read_path(p))
        if r.format == "2021" and "narrative.fee_statement" not in {f.rule for f in check(r)}:
            return r
    raise AssertionError("no 2021 fixture stating its fees")


def test_edited_section_is_seen_by_the_next_check() -> None:
    r = _report()
    assert "narrative.fee_statement" not in {f.rule for f in check(r)}
    for key, sec in list(r.sections.items()):  # the fee sentence removed from every part
        r.sections[key] = SectionText(sec.key, sec.title, sec.text.replace("处理费", ""), sec.line)
    assert "narrative.fee_statement" in {f.rule for f in check(r)}


def test_edited_table_is_seen_by_the_next_check() -> None:
    r = _report()
    first = {(f.rule, f.message) for f in check(r)}
    row = r.tables["applications"]["new_received"]
    old = row["natural_person"].value
    assert isinstance(old, int)
    row["natural_person"] = Cell(old + 7, str(old + 7), row["natural_person"].line)
    second = {(f.rule, f.message) for f in check(r)}
    assert {rule for rule, _ in second - first if rule.startswith("t3.")}, second - first
