"""Hostile files through the web server: read in a worker process within the file budget,
refused with a Chinese reason that shows no server path; the server stays up."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webutil import PASSWORD

sys.path.insert(0, str(Path(__file__).parents[1]))

from hostile_files import pixel_bomb, rezip, rows
from nianbao import budget
from nianbao.readers.zipguard import MAX_PART
from nianbao.render.workbook import write_workbook

TXT = Path(__file__).parents[1] / "fixtures" / "003_c12fc4cb6f2af7bf.txt"


@pytest.fixture
def short_budget() -> Iterator[None]:
    budget.configure(budget.Budget(timeout=0.001, memory_mb=2048), workers=1)
    yield
    budget.configure(budget.Budget())


def test_zip_bomb_upload_refused_with_reason_and_no_path(client: TestClient) -> None:
    bomb = rezip(write_workbook("2021"), {"xl/worksheets/sheet1.xml": rows(MAX_PART + 1024 * 1024)})
    r = client.post("/api/check", files={"file": ("年报填报表.xlsx", bomb)})
    assert r.status_code == 200, r.text
    assert "压缩炸弹" in r.json()["error"]
    assert "/tmp" not in r.text and "nianbao-" not in r.text  # the temp file's name never shows
    ok = client.post("/api/check", files={"file": (TXT.name, TXT.read_bytes())})
    assert ok.status_code == 200 and "error" not in ok.json()  # the server goes on


def test_pixel_bomb_stored_as_one_failure(client: TestClient) -> None:
    r = client.post("/api/reports", files={"file": ("scan.png", pixel_bomb())}, auth=("reviewer", PASSWORD))
    assert r.status_code == 201, r.text
    report = r.json()["report"]
    assert report["status"] == "failed" and "图片尺寸过大" in report["error"], report


@pytest.mark.usefixtures("short_budget")
def test_over_budget_upload_is_one_failure(client: TestClient) -> None:
    r = client.post("/api/check", files={"file": (TXT.name, TXT.read_bytes())})
    assert r.status_code == 200 and "处理超时" in r.json()["error"], r.text
