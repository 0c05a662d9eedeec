"""Formula injection: no export path turns report text into a spreadsheet formula.

A report whose title puts `=CONCATENATE("中卫市","商务局")` where the agency stands (read as no
agency: it is not a body's name), uploaded under the name `=1+1.txt`, goes through every CSV/XLSX export (the CLI's `export`, `/api/export`,
the download buttons of each view). Every text cell that would start a formula is
prefixed with `'`, every XLSX text cell is a string, and numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import insert, update
from webutil import TXT, upload

from nianbao.sheets import TRIGGERS, inert
from nianbao.store import tables as T

AGENCY = '=CONCATENATE("中卫市","商务局")'
NAME = "=1+1.txt"


def _evil_text() -> bytes:
    lines = TXT.read_text(encoding="utf-8").split("\n")
    lines[0] = AGENCY + "2023年政府信息公开工作年度报告"
    return "\n".join(lines).encode("utf-8")


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx_cells(data: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", f"formula cell {c.coordinate}: {c.value!r}"
    return [[c.value for c in row] for row in ws.iter_rows()]


def _assert_inert(rows: list[list[Any]]) -> None:
    flat = [v for r in rows for v in r]
    assert "'" + AGENCY in flat or "'" + NAME in flat, "the hostile text is not in this export"
    for v in flat:
        if isinstance(v, str) and v.startswith(TRIGGERS):
            assert inert(v) == v, f"formula-like cell left as is: {v!r}"


@pytest.fixture
def stored(app: Any, reviewer: tuple[TestClient, str], tmp_path: Path) -> int:
    c, tok = reviewer
    p = tmp_path / "evil.txt"
    p.write_bytes(_evil_text())
    rid = upload(c, tok, p, name=NAME)
    r = c.get(f"/api/reports/{rid}").json()
    # A formula is no body's name: the reader leaves the agency empty (extract.agency). A store filled
    # before names were checked, or by hand, can still hold one: put it there to export it.
    assert r["agency"] is None and r["source"] == NAME
    with app.state.engine.begin() as conn:
        aid = conn.execute(
            insert(T.agencies)
            .values(name=AGENCY, unit=AGENCY, region_id=None, is_government=False, region_source="none")
            .returning(T.agencies.c.id)
        ).scalar_one()
        conn.execute(insert(T.agency_names).values(agency_id=aid, name=AGENCY, first_year=2023, last_year=2023))
        conn.execute(update(T.reports).where(T.reports.c.id == rid).values(agency_id=aid, agency_name=AGENCY))
    assert c.get(f"/api/reports/{rid}").json()["agency"] == AGENCY
    return rid


def test_inert_prefixes_formula_text_and_keeps_numbers() -> None:
    for s in ("=1+1", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", '=HYPERLINK("http://x")'):
        assert inert(s) == "'" + s
    for v in (3, -3, 2.5, None, "-5", "+7", "1e3", "中卫市商务局", "'quoted", "a=b"):
        assert inert(v) == v


def test_store_export_csv_and_xlsx(app: Any, stored: int, tmp_path: Path) -> None:
    from nianbao.store.export import export

    for form in ("wide", "long"):
        export(app.state.engine, "csv", str(tmp_path / "a.csv"), form)
        rows = _csv_cells((tmp_path / "a.csv").read_bytes())
        _assert_inert(rows)
        export(app.state.engine, "xlsx", str(tmp_path / "a.xlsx"), form)
        cells = _xlsx_cells((tmp_path / "a.xlsx").read_bytes())
        _assert_inert(cells)
        if form == "wide":  # the cell values are numbers, not text
            assert any(isinstance(v, int) and not isinstance(v, bool) for v in cells[1][6:])


def test_api_export(client: TestClient, stored: int) -> None:
    for form in ("wide", "long"):
        _assert_inert(_csv_cells(client.get("/api/export", params={"to": "csv", "form": form}).content))
        _assert_inert(_xlsx_cells(client.get("/api/export", params={"to": "xlsx", "form": form}).content))


def test_every_view_download(client: TestClient, stored: int) -> None:
    aid = client.get(f"/api/reports/{stored}").json()["agency_id"]
    views = ["/reports", "/issues", f"/agencies/{aid}", f"/compare?a={stored}&b={stored}", f"/reports/{stored}"]
    for path in views:
        sep = "&" if "?" in path else "?"
        r = client.get(f"{path}{sep}to=csv")
        assert r.status_code == 200, path
        rows = _csv_cells(r.content)
        x = client.get(f"{path}{sep}to=xlsx")
        assert x.status_code == 200, path
        cells = _xlsx_cells(x.content)
        if path in ("/reports", "/issues"):
            _assert_inert(rows)
            _assert_inert(cells)
        for v in (v for r in rows for v in r):
            assert not (v.startswith(TRIGGERS) and inert(v) != v), (path, v)
    # The report list keeps its numbers as numbers in the workbook.
    cells = _xlsx_cells(client.get("/reports?to=xlsx").content)
    assert cells[1][0] == stored and cells[1][2] == 2023


def test_cli_export_xlsx(app: Any, stored: int, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nianbao.cli import app as cli

    out = tmp_path / "x.xlsx"
    db = str(app.state.engine.url).removeprefix("sqlite:///")
    r = CliRunner().invoke(cli, ["export", "--db", db, "--to", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    _assert_inert(_xlsx_cells(out.read_bytes()))


def test_workbook_keeps_text_as_text(tmp_path: Path) -> None:
    """The fill-in workbook pre-filled from a hostile report keeps the agency as a string, read back intact."""
    from nianbao.batch import process
    from nianbao.readers.workbook import load_workbook as read_back
    from nianbao.render.workbook import write_workbook

    p = tmp_path / "evil.txt"
    p.write_bytes(_evil_text())
    rep = process(str(p)).report
    assert rep is not None and rep.agency is None  # not a body's name: the reader leaves it empty
    rep.agency = AGENCY  # as a user may type it into the workbook
    out = tmp_path / "t.xlsx"
    out.write_bytes(write_workbook("2021", rep))
    wb = load_workbook(out)
    assert not [
        c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.value == AGENCY and c.data_type == "f"
    ]
    assert read_back(str(out)).agency == AGENCY
