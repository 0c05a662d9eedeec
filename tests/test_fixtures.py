"""Every text fixture extracts cell-exact against its expected data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES
from nianbao.eval import compare
from nianbao.extract import extract
from nianbao.readers import read_path

TEXT_FIXTURES = sorted(FIXTURES.glob("*.txt"))


def _cells(expected: dict) -> list[tuple[str, str, str]]:
    return [(t, r, c) for t, rows in expected["tables"].items() for r, cols in rows.items() for c in cols]


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda p: p.stem)
def test_text_fixture_cell_exact(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    report = extract(read_path(path))
    got = report.to_dict(provenance=False, texts=False)
    assert (got["agency"], got["year"], got["format"]) == (expected["agency"], expected["year"], expected["format"])
    for t, r, c in _cells(expected):
        assert got["tables"].get(t, {}).get(r, {}).get(c, "<missing>") == expected["tables"][t][r][c], f"{t}.{r}.{c}"
    # No row the report does not print.
    for t, rows in got["tables"].items():
        assert set(rows) == set(expected["tables"][t]), t
    score = compare(report, expected)
    assert score.right == score.total, score.diffs


def test_provenance_points_at_the_printed_number() -> None:
    path = FIXTURES / "000_43e3c9ba6b70e239.txt"
    report = extract(read_path(path))
    lines = path.read_text(encoding="utf-8").split("\n")
    for t, rows in report.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                if cell.value is None:
                    continue
                assert cell.line is not None and cell.start is not None and cell.end is not None
                assert lines[cell.line - 1][cell.start : cell.end] == cell.raw, f"{t}.{r}.{c}"


def test_sections_and_metadata() -> None:
    report = extract(read_path(FIXTURES / "000_43e3c9ba6b70e239.txt"))
    assert list(report.sections) == [
        "overview",
        "active_disclosure",
        "applications",
        "review_litigation",
        "problems",
        "other",
    ]
    assert str(report.period_start) == "2023-01-01" and str(report.period_end) == "2023-12-31"
    assert report.contact["phone"] == "0955-7068588"
    assert report.contact["postcode"] == "755000"
    assert "信息处理费" in report.sections["other"].text
    old = extract(read_path(FIXTURES / "001_aa665f4df32367ae.txt"))
    assert str(old.published) == "2020-01-22"
