"""Property tests: consistent tables written in many text layouts come back identical,
and corrupting any one cell is caught by the checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layouts import DOCUMENT_LAYOUTS, LAYOUTS, distinct_data, render_document, render_text, report_data
from nianbao.checks import check
from nianbao.document import Document
from nianbao.extract import extract
from nianbao.schema import load_report
from nianbao.template import TEMPLATES

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _extract(text: str) -> dict[str, Any]:
    return extract(Document.from_text("generated.txt", text)).to_dict(provenance=False, texts=False)


@SETTINGS
@given(report_data(), st.sampled_from(LAYOUTS), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_layouts_round_trip(
    data: dict[str, Any], layout: str, fullwidth: bool, thousands: bool, page_break: bool, markdown: bool
) -> None:
    text = render_text(data, layout, fullwidth=fullwidth, thousands=thousands, page_break=page_break, markdown=markdown)
    got = _extract(text)
    assert got["format"] == data["format"]
    assert got["year"] == data["year"]
    assert got["agency"] == data["agency"]
    assert got["tables"] == data["tables"]


@SETTINGS
@given(report_data(), st.sampled_from(LAYOUTS))
def test_consistent_tables_have_no_table_errors(data: dict[str, Any], layout: str) -> None:
    report = extract(Document.from_text("generated.txt", render_text(data, layout)))
    errors = [f for f in check(report) if f.severity == "error"]
    assert errors == []


IDENTITY_RULES = {"t3.balance", "t3.outcome_sum", "t3.row_total", "t4.group_total"}


@st.composite
def corrupted(draw: st.DrawFn) -> tuple[dict[str, Any], str, str, str]:
    data = draw(report_data())
    table = draw(st.sampled_from(["applications", "review_litigation"]))
    row = draw(st.sampled_from(sorted(data["tables"][table])))
    col = draw(st.sampled_from(sorted(data["tables"][table][row])))
    delta = draw(st.integers(1, 9)) * draw(st.sampled_from([1, -1]))
    bad = copy.deepcopy(data)
    bad["tables"][table][row][col] = abs(bad["tables"][table][row][col] + delta)
    if bad["tables"][table][row][col] == data["tables"][table][row][col]:
        bad["tables"][table][row][col] += 1
    return bad, table, row, col


@SETTINGS
@given(corrupted())
def test_one_corrupted_cell_is_caught(case: tuple[dict[str, Any], str, str, str]) -> None:
    bad, table, row, col = case
    findings = check(load_report(bad))
    hits = [f for f in findings if f.rule in IDENTITY_RULES and f.severity == "error"]
    assert hits, "a corrupted cell went unnoticed"
    # The finding names the corrupted cell's row or column.
    assert any(f.table == table and (f.row == row or f.column == col) for f in hits)


@SETTINGS
@given(corrupted(), st.sampled_from(("tabs", "spaces", "pipes")))
def test_corruption_caught_through_text(case: tuple[dict[str, Any], str, str, str], layout: str) -> None:
    bad, _table, _row, _col = case
    report = extract(Document.from_text("generated.txt", render_text(bad, layout)))
    assert report.to_dict(provenance=False, texts=False)["tables"] == bad["tables"]
    assert any(f.rule in IDENTITY_RULES for f in check(report))


# --- every row of both templates, in every layout the readers support (issue 10 §8) ---------------


def _read(name: str, blob: bytes) -> dict[str, Any]:
    from nianbao.readers import read_bytes

    return extract(read_bytes(name, blob)).to_dict(provenance=False, texts=False)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("layout", [*LAYOUTS, *DOCUMENT_LAYOUTS])
def test_every_row_in_every_layout(fmt: str, layout: str) -> None:
    data = distinct_data(fmt)
    document = layout in DOCUMENT_LAYOUTS
    got = _read(*render_document(data, layout)) if document else _extract(render_text(data, layout))
    assert (got["format"], got["year"]) == (fmt, data["year"])
    for table in TEMPLATES[fmt].tables:
        assert got["tables"][table.key] == data["tables"][table.key], (layout, table.key)
    # Every row of the template was exercised: the data holds them all.
    assert set(data["tables"]["active_disclosure"]) == {r.key for r in TEMPLATES[fmt].table("active_disclosure").rows}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_data(), st.sampled_from(DOCUMENT_LAYOUTS))
def test_documents_round_trip(data: dict[str, Any], layout: str) -> None:
    got = _read(*render_document(data, layout))
    assert (got["format"], got["year"], got["agency"]) == (data["format"], data["year"], data["agency"])
    if layout == "dump":
        # A dump keeps no empty cells, and figures of neighbouring cells may run together only
        # when printed so: every cell is read right or left unread, never wrong.
        for t, rows in data["tables"].items():
            for r, cols in rows.items():
                for c, v in cols.items():
                    assert got["tables"][t][r][c] in (v, None), (t, r, c)
    else:
        assert got["tables"] == data["tables"]
