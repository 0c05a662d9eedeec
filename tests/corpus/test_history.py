from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

from nianbao.batch import process
from nianbao.corpus.history import CARRY_OVER, IN_FORCE, carry_over, compare_years, in_force
from nianbao.model import Cell, Report
from nianbao.schema import load_report
from nianbao.store import ingest, open_store
from nianbao.store import queries as q

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _expected(name: str) -> Report:
    return load_report(json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8")))


def test_hongze_carry_over_from_expected_data_passes() -> None:
    prev, cur = _expected("hongze-2023"), _expected("hongze-2024")
    assert (prev.year, cur.year) == (2023, 2024)
    assert compare_years(prev, cur) == []


def test_carry_over_mismatch_is_found_per_column() -> None:
    prev, cur = _expected("hongze-2023"), _expected("hongze-2024")
    cur = copy.deepcopy(cur)
    cur.tables["applications"]["carried_over"]["natural_person"] = Cell(3)
    found = carry_over(prev, cur)
    assert [(f.rule, f.column, f.expected, f.actual) for f in found] == [
        (CARRY_OVER, "natural_person", prev.value("applications", "carried_forward", "natural_person"), 3)
    ]
    assert found[0].severity == "warning" and "上年结转" in found[0].message and "2023" in found[0].message


def test_carry_over_needs_consecutive_years() -> None:
    prev, cur = _expected("hongze-2023"), copy.deepcopy(_expected("hongze-2024"))
    cur.year = 2025
    cur.tables["applications"]["carried_over"]["total"] = Cell(99)
    assert carry_over(prev, cur) == []


def _stock(year: int, in_force_: int, issued: int, repealed: int) -> Report:
    r = Report(source="", format="2021", year=year)
    r.tables["active_disclosure"] = {
        "normative_documents": {"issued": Cell(issued), "repealed": Cell(repealed), "in_force": Cell(in_force_)}
    }
    return r


def test_in_force_rule() -> None:
    assert in_force(_stock(2022, 10, 1, 0), _stock(2023, 12, 3, 1)) == []
    found = in_force(_stock(2022, 10, 1, 0), _stock(2023, 15, 3, 1))
    assert [(f.rule, f.row, f.expected, f.actual) for f in found] == [(IN_FORCE, "normative_documents", 12, 15)]
    assert "现行有效" in found[0].message


def _pdf_reader_missing() -> str | None:
    if importlib.util.find_spec("nianbao.readers.pdf") is None:
        return "PDF 读取器（nianbao.readers.pdf）尚未合入，无法从 hongze PDF 提取"
    o = process(str(FIXTURES / "hongze-2023.pdf"), run_checks=False)
    if o.report is None:
        return f"PDF 读取器无法读取 hongze-2023.pdf：{o.error}"
    return None


def test_hongze_pdfs_carry_over_in_the_store(tmp_path: Path) -> None:
    reason = _pdf_reader_missing()
    if reason:
        pytest.skip(reason)
    url = str(tmp_path / "h.db")
    ingest([str(FIXTURES / "hongze-2023.pdf"), str(FIXTURES / "hongze-2024.pdf")], url, workers=1)
    eng = open_store(url)
    ok = q.list_reports(eng, status="ok")
    assert {r["year"] for r in ok} == {2023, 2024}
    # 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) are one agency with two name variants.
    assert len({r["agency_id"] for r in ok}) == 1
    ag = q.agencies(eng)[0]
    assert ag["region"] == "江苏省/淮安市/洪泽区" and len(ag["names"]) == 2
    assert q.findings_by_rule(eng, CARRY_OVER) == []
