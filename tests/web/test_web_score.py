"""The 评分 page: shipped and uploaded packs, evidence, mistakes in a pack, XLSX."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webutil import FIXTURES, HTML, csrf_of, login, upload

BLANKS = FIXTURES / "002_5e18f5f84cd8f932.txt"  # five blank 行政复议 cells


def test_score_page_with_the_national_pack(client: TestClient) -> None:
    tok = login(client, "reviewer")
    rid = upload(client, tok, BLANKS)
    page = client.get("/score?pack=national", headers=HTML)
    assert page.status_code == 200
    assert "国家要求（默认评分方案）" in page.text
    assert f'href="/reports/{rid}"' in page.text
    assert "19 / 20" in page.text  # five blank cells × 0.2
    assert "cells.blank" in page.text and "表四「行政复议」" in page.text
    x = client.get("/score?pack=national&to=xlsx")
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    assert [r[4] for r in wb["得分"].iter_rows(min_row=2, values_only=True)] == [19]
    assert client.get("/score?pack=../../etc/passwd", headers=HTML).status_code in (404, 422)


def test_own_pack_uploaded_and_its_mistakes_named(client: TestClient) -> None:
    tok = login(client, "reviewer")
    upload(client, tok, BLANKS)
    pack = "name: 自定\nindicators:\n  - id: B1\n    name: 空白\n    points: 1\n    deduct:\n      - {rule: cells.blank, points: 0.1}\n"
    tok = csrf_of(client, "/score")
    r = client.post("/score", data={"csrf": tok}, files={"pack_file": ("p.yaml", pack.encode())}, headers=HTML)
    assert r.status_code == 200 and "自定" in r.text and "0.5 / 1" in r.text
    bad = pack.replace("points: 0.1", "pionts: 0.1")
    r = client.post("/score", data={"csrf": tok, "pack_text": bad}, headers=HTML)
    assert r.status_code == 400 and "第 7 行" in r.text and "未知字段" in r.text
    r = client.post("/score", data={"csrf": tok, "pack_text": pack, "to": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.post("/score", data={"pack_text": pack}, headers=HTML).status_code == 403  # no CSRF token
