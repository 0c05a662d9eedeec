"""Pages: check results, report page with highlighted cells and source, review, issue list, agency, compare, write."""

from __future__ import annotations

import io
import json
import re
import zipfile

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webutil import FIXTURES, HTML, PDF, TXT, csrf_of, login, upload


def test_pages_render_in_chinese(client: TestClient) -> None:
    for path in ("/", "/reports", "/dashboard", "/agencies", "/compare", "/issues", "/write", "/login"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert 'lang="zh-CN"' in r.text and "年报核查" in r.text
    r = client.get("/reports/12345", headers=HTML)
    assert r.status_code == 404 and "没有这份报告" in r.text


def test_check_many_files_shows_tables_findings_and_source(client: TestClient) -> None:
    tok = csrf_of(client)
    files = [
        ("files", (TXT.name, TXT.read_bytes())),
        ("files", (PDF.name, PDF.read_bytes())),
        ("files", ("x.txt", "无关内容".encode())),
    ]
    page = client.post("/check", data={"csrf": tok}, files=files, headers=HTML).text
    assert page.count('class="rv"') == 3
    assert "无法处理" in page  # the unusable file says why, the rest go on
    # Table 3 laid out with the template's merged headers.
    assert 'rowspan="3" colspan="3"' in page and "申请人情况" in page
    # Highlighted problem cells carry their findings; the source sits beside them.
    assert re.search(r'<td class="value (error|warning)', page)
    assert 'class="ln" data-n="59"' in page  # text lines
    assert 'data-page="3"' in page and "data:image/png;base64," in page  # the PDF page as PNG
    prov = [
        json.loads(m) for m in re.findall(r'<script type="application/json" class="prov">(.*?)</script>', page, re.S)
    ]
    assert prov[0]["applications.new_received.total"]["line"] == 59
    assert (
        prov[1]["applications.new_received.total"]["page"] == 3
        and len(prov[1]["applications.new_received.total"]["bbox"]) == 4
    )


def test_review_flow_and_issue_list(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c, tok = reviewer
    rid = upload(c, tok, PDF)
    page = c.get(f"/reports/{rid}", headers=HTML).text
    assert "待审" in page and 'action="/findings/' in page
    assert f"/reports/{rid}/page/3.png" in page
    png = c.get(f"/reports/{rid}/page/3.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    findings = c.get(f"/api/reports/{rid}/findings").json()
    assert len(findings) >= 2
    first, second = findings[0], findings[1]
    r = c.post(
        f"/findings/{first['id']}/review",
        data={"csrf": tok, "decision": "confirmed", "comment": "请整改"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = c.post(
        f"/findings/{second['id']}/review",
        data={"csrf": tok, "decision": "dismissed", "comment": "误报：表格另有说明"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/reports/{rid}", headers=HTML).text
    assert "审核中" in page or "已审" in page
    assert "误报：表格另有说明" in page  # dismissed stays on record
    c.post(f"/reports/{rid}/finish", data={"csrf": tok, "comment": "审核完毕"}, headers=HTML)
    assert "已审" in c.get(f"/reports/{rid}", headers=HTML).text
    c.post(f"/reports/{rid}/comment", data={"csrf": tok, "text": "<b>意见</b>"}, headers=HTML)
    assert "&lt;b&gt;意见&lt;/b&gt;" in c.get(f"/reports/{rid}", headers=HTML).text
    issues = c.get("/issues?year=2023", headers=HTML).text
    assert "洪泽区人民政府" in issues and "误报：表格另有说明" not in issues
    x = c.get("/issues?year=2023&to=xlsx")
    ws = load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("序号", "地区", "责任单位")
    assert all(r[2] == "洪泽区人民政府" for r in rows[1:]) and len(rows) - 1 == len(findings) - 1
    assert any(r[9] == "确认" for r in rows[1:])


def test_exports_of_views(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c, tok = reviewer
    rid = upload(c, tok, TXT)
    for path in (f"/reports/{rid}?to=csv", "/reports?to=csv", "/dashboard?to=csv", "/issues?to=csv"):
        r = c.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), path
        assert r.content.startswith(b"\xef\xbb\xbf")
    x = c.get(f"/reports/{rid}?to=xlsx")
    assert zipfile.is_zipfile(io.BytesIO(x.content))


def test_agency_years_continuity_and_compare(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c, tok = reviewer
    a = upload(c, tok, FIXTURES / "hongze-2023.pdf")
    b = upload(c, tok, FIXTURES / "hongze-2024.pdf")
    agency_id = c.get(f"/api/reports/{a}").json()["agency_id"]
    assert c.get(f"/api/reports/{b}").json()["agency_id"] == agency_id
    page = c.get(f"/agencies/{agency_id}", headers=HTML).text
    assert "2023 → 2024" in page and ("衔接" in page)
    assert "<th>2023</th><th>2024</th>" in page
    cmp = c.get(f"/compare?a={a}&b={b}", headers=HTML).text
    assert 'id="compare-table"' in cmp and "不同的单元格" in cmp
    assert c.get("/compare?a=1&b=99999", headers=HTML).status_code == 404


def test_write_form_checks_and_download(client: TestClient) -> None:
    page = client.get("/write", headers=HTML).text
    assert 'name="cell:applications.total_processed.total"' in page and "/static/write.js" in page
    tok = csrf_of(client, "/write")
    form = {
        "csrf": tok,
        "format": "2021",
        "agency": "测试市测试局",
        "year": "2023",
        "to": "docx",
        "cell:applications.new_received.total": "3",
        "section:overview": "本机关坚持公开为常态。",
    }
    r = client.post("/write", data=form)
    assert r.status_code == 200 and zipfile.is_zipfile(io.BytesIO(r.content))
    assert "attachment" in r.headers["content-disposition"]
    assert client.post("/write", data={**form, "csrf": ""}).status_code == 403


def test_login_logout(app) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    tok = login(c, "admin")
    assert "admin（管理员）" in c.get("/", headers=HTML).text
    c.post("/logout", data={"csrf": tok}, headers=HTML)
    assert "登录</a>" in c.get("/", headers=HTML).text


def test_agency_region_correction_needs_reviewer(app, reviewer) -> None:  # type: ignore[no-untyped-def]
    c, tok = reviewer
    rid = upload(c, tok, PDF)
    aid = c.get(f"/api/reports/{rid}").json()["agency_id"]
    anon = TestClient(app)
    r = anon.post(
        f"/agencies/{aid}/region",
        data={"csrf": csrf_of(anon), "region": "江苏省/淮安市/淮安区"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 401 and "登录" in r.text
    r = c.post(
        f"/agencies/{aid}/region",
        data={"csrf": tok, "region": "江苏省/淮安市/淮安区"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "淮安区" in c.get(f"/agencies/{aid}", headers=HTML).text
    r = c.post(f"/agencies/{aid}/region", data={"csrf": tok, "region": "不存在的地方"}, headers=HTML)
    assert r.status_code == 400 and "无法识别地区" in r.text


def test_cli_user_add_and_serve_help(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from nianbao.cli import app as cli_app
    from nianbao.store.db import open_store
    from nianbao.web.auth import authenticate

    db = str(tmp_path / "u.db")
    r = CliRunner().invoke(
        cli_app, ["user", "add", "alice", "--role", "admin", "--db", db, "--password-stdin"], input="long-password-9\n"
    )
    assert r.exit_code == 0, r.output
    user = authenticate(open_store(db), "alice", "long-password-9")
    assert user is not None and user.role == "admin"
    r = CliRunner().invoke(
        cli_app, ["user", "add", "bob", "--role", "boss", "--db", db, "--password-stdin"], input="long-password-9\n"
    )
    assert r.exit_code == 2
    assert "--db" in CliRunner().invoke(cli_app, ["serve", "--help"]).output


def test_cli_ingested_report_shows_its_file_while_it_is_unchanged(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from nianbao.store.ingest import ingest
    from nianbao.store.tables import reports

    src = tmp_path / "in" / "r.txt"
    src.parent.mkdir()
    src.write_bytes(TXT.read_bytes())
    ingest([str(src)], str(tmp_path / "web.db"), workers=1)
    with app.state.engine.connect() as conn:
        rid = conn.execute(reports.select()).first().id
    c = TestClient(app)
    page = c.get(f"/reports/{rid}", headers=HTML).text
    assert 'class="src-lines"' in page and "原始文件不在库中" not in page
    src.write_bytes(TXT.read_bytes() + b"\n")  # changed since ingest: not shown as the source
    page = c.get(f"/reports/{rid}", headers=HTML).text
    assert 'class="src-lines"' not in page and "原始文件不在库中" in page


def test_source_pane_shows_what_was_read_without_reading_again(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A DOCX whose tables were pictures took seconds of OCR: the page beside the tables
    # shows the lines read for the check, not a second reading.
    import nianbao.web.reportview as rv

    def no_second_read(upload):  # type: ignore[no-untyped-def]
        raise AssertionError("the document was read a second time")

    monkeypatch.setattr(rv, "_text_lines", no_second_read)
    tok = csrf_of(client)
    page = client.post("/check", data={"csrf": tok}, files=[("files", (TXT.name, TXT.read_bytes()))], headers=HTML)
    assert page.status_code == 200 and 'class="ln" data-n="59"' in page.text
