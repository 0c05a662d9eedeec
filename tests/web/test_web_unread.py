"""Unread cells on the report page, in the review workflow and never in the 问题清单."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webutil import FIXTURES, HTML, upload

from nianbao.document import UNREAD


def _file(tmp_path: Path) -> Path:
    """A real report with one figure of Table 3 unreadable (as a scan's smudge reads)."""
    lines = (FIXTURES / "000_43e3c9ba6b70e239.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    cells = lines[i].split("\t")
    cells[2] = UNREAD
    lines[i] = "\t".join(cells)
    path = tmp_path / "unread.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_unread_cells_are_shown_apart_and_never_sent_for_rectification(  # type: ignore[no-untyped-def]
    app, reviewer, tmp_path: Path
) -> None:
    c: TestClient
    c, tok = reviewer
    rid = upload(c, tok, _file(tmp_path))
    page = c.get(f"/reports/{rid}", headers=HTML).text
    # The cell is marked unread (its own class, a legend), not as the report's error.
    cell = page[page.index('data-key="applications.new_received.natural_person"') - 60 :]
    cell = cell[: cell.index("</td>")]
    assert 'class="value unread' in cell and "error" not in cell.split("data-key")[0]
    assert 'class="lg unread"' in page
    assert "读取问题（" in page and "不是报告的错误" in page
    assert "extract.unread" in page[page.index('class="findings reading"') :]
    # Reviewers see them as reading problems.
    findings = c.get(f"/api/reports/{rid}/findings").json()
    kinds = {f["rule"]: f["kind"] for f in findings}
    assert kinds["extract.unread"] == "reading" and kinds["narrative.all_answered"] == "report"
    assert not any(f["rule"] == "cells.blank" for f in findings)
    # The 问题清单 lists the report's own problems only.
    items = c.get("/api/issues").json()
    assert items and all("读取" not in i["rule"] and "无法核对" not in i["message"] for i in items)
    assert not any("未能读取" in i["message"] for i in items)
    x = c.get("/issues?to=xlsx")
    rows = list(load_workbook(io.BytesIO(x.content)).active.values)
    assert len(rows) - 1 == len(items) and not any("未能读取" in str(r[8]) for r in rows[1:])
    # The report list counts the report's problems, not the reader's.
    assert c.get(f"/api/reports/{rid}").json()["n_errors"] == 0


def test_a_checked_upload_shows_unread_cells_apart(client: TestClient, tmp_path: Path) -> None:
    from webutil import csrf_of

    path = _file(tmp_path)
    page = client.post(
        "/check", data={"csrf": csrf_of(client)}, files={"files": (path.name, path.read_bytes())}, headers=HTML
    ).text
    cell = page[page.index('data-key="applications.new_received.natural_person"') - 60 :]
    assert 'class="value unread' in cell[: cell.index("</td>")]
    assert "0 个错误" in page and "个读取问题" in page
    api = client.post("/api/check", files={"file": (path.name, path.read_bytes())}).json()
    assert {f["kind"] for f in api["findings"] if f["rule"].startswith("extract.")} == {"reading"}
