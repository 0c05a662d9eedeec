"""HTML as portals serve it: encodings declared or not (and wrongly), spans, split
tables, <p>/<span>/&nbsp; in cells, tables laid out in divs, navigation noise."""

from __future__ import annotations

import pytest
import reader_layouts as L

from nianbao.batch import process
from nianbao.extract import extract
from nianbao.readers import ReadError, read_bytes, sniff

NAME = "004_29f7b36afe8cbcfb"


def _page(encoding: str, declared: str | None) -> bytes:
    return L.to_html(L.load_expected(NAME), encoding=encoding, declared=declared)


@pytest.mark.parametrize(
    ("encoding", "declared"),
    [
        ("gbk", "gb2312"),  # declared
        ("gbk", None),  # not declared
        ("gbk", "utf-8"),  # declared wrongly
        ("gb18030", "gbk"),
        ("utf-8", "utf-8"),
        ("utf-8", "gb2312"),  # declared wrongly the other way
        ("utf-8-sig", None),  # UTF-8 with BOM
        ("utf-16", None),  # UTF-16 with BOM
        ("utf-16-le", None),  # UTF-16 without BOM
    ],
)
def test_encodings(encoding: str, declared: str | None) -> None:
    data = _page(encoding, declared)
    assert sniff(data[:8192]) == "html"
    doc = read_bytes("page.html", data)
    assert doc.kind == "html"
    assert L.cell_diffs(extract(doc), L.load_expected(NAME)) == []


def test_noise_around_the_article_is_dropped() -> None:
    doc = read_bytes("page.html", _page("gbk", "gbk"))
    text = doc.text
    assert "机构概况" not in text and "备案号" not in text and "当前位置" not in text and "var nav" not in text
    assert doc.lines[0].text == "青铜峡市2023年政府信息公开工作年度报告"


def test_spans_put_text_in_the_top_left_cell() -> None:
    doc = read_bytes("page.html", _page("gbk", "gbk"))
    rows = [ln.text.split("\t") for ln in doc.lines if "\t" in ln.text]
    head = next(r for r in rows if r[0].startswith("（本列数据"))
    assert head[:4] == [head[0], "", "", "申请人情况"] and len(head) == 10
    # &nbsp; and <p>/<span> wrappers vanish; a rowspan leaves empty strings below.
    secret = next(r for r in rows if any("国家秘密" in c for c in r))
    assert secret[:3] == ["", "（三）不予公开", "1.属于国家秘密"]
    assert next(r for r in rows if any("另行制作" in c for c in r))[:3] == ["", "", "2.没有现成信息需要另行制作"]
    assert all(c == c.strip() and "\xa0" not in c for r in rows for c in r)


def test_table_laid_out_in_divs() -> None:
    cells = "".join
    row = lambda *c: '<div class="tr">' + cells(f'<div class="td">{x}</div>' for x in c) + "</div>"  # noqa: E731
    page = (
        "<html><body><div class='content'><h2>某局2023年政府信息公开工作年度报告</h2>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><div class='table'>"
        + row("行政复议", "行政诉讼")
        + row(*(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3))
        + row(*[str(i % 3) for i in range(15)])
        + "</div><p>五、存在的主要问题及改进情况</p><p>无。</p></div></body></html>"
    )
    doc = read_bytes("div.html", page.encode("utf-8"))
    assert "0\t1\t2\t0\t1\t2\t0\t1\t2\t0\t1\t2\t0\t1\t2" in [ln.text for ln in doc.lines]
    report = extract(doc)
    t4 = report.tables["review_litigation"]
    assert [t4["review"][k].value for k in ("upheld", "corrected", "other", "pending", "total")] == [0, 1, 2, 0, 1]


def test_a_page_that_is_not_a_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "news.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>新闻</title></head><body><div class='nav'><a href='/'>首页</a></div>"
        "<div class='article'><h1>我市召开春季植树动员会</h1><p>3月12日，我市组织干部群众参加义务植树活动。</p></div>"
        "</body></html>",
        encoding="utf-8",
    )
    out = process(str(page))
    assert out.report is None and out.error is not None and "不像是政府信息公开工作年度报告" in out.error


def test_tables_published_as_pictures_are_reported() -> None:
    """A portal page whose tables are <img>: the missing tables are blamed on the pictures, not
    only reported missing; icons and seals declared small do not count."""
    import re

    from nianbao.checks import check

    html = _page("utf-8", "utf-8").decode("utf-8")
    html, n = re.subn(r"<table.*?</table>", '<p><img src="/uploads/table.png" width="640"></p>', html, flags=re.S)
    assert n >= 3
    html = html.replace("</body>", '<img src="/seal.png" width="120" height="120"></body>')
    doc = read_bytes("page.html", html.encode("utf-8"))
    assert doc.unread_pictures == n
    notes = [f for f in check(extract(doc)) if f.rule == "extract.pictures"]
    assert len(notes) == 1 and "表二、表三、表四" in notes[0].message and notes[0].actual == n
    # The same page with its tables as text: no such note.
    assert not [
        f for f in check(extract(read_bytes("page.html", _page("utf-8", "utf-8")))) if f.rule == "extract.pictures"
    ]


def _mhtml(html: str, pictures: dict[str, bytes], charset: str = "utf-8", declared: str | None = "") -> bytes:
    """A page saved as one file, as Chrome saves it: the HTML quoted-printable, pictures base64."""
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "<Saved by Blink>"
    msg["Subject"] = "政府信息公开工作年度报告"
    msg["MIME-Version"] = "1.0"
    msg.make_related()
    page = EmailMessage()
    page.set_content(html.encode(charset), "text", "html", cte="quoted-printable")
    if declared is None:
        page.del_param("charset")
    else:
        page.set_param("charset", declared or charset)
    page["Content-Location"] = "https://www.example.gov.cn/zwgk/2024/report.html"
    msg.attach(page)
    for location, data in pictures.items():
        part = EmailMessage()
        part.set_content(data, "image", "png", cte="base64")
        part["Content-Location"] = location
        msg.attach(part)
    return msg.as_bytes()


def _with_pictures(html: str, srcs: list[str]) -> str:
    """The page with its tables (in however many pieces) replaced by one picture each,
    placed after the part's heading."""
    import re

    html = re.sub(r"<table.*?</table>", "", html, flags=re.S)
    for heading, src in zip(("二、主动公开", "三、收到和处理", "四、政府信息公开行政复议"), srcs, strict=True):
        html, n = re.subn(rf"({heading}[^<]*</\w+>)", rf'\1<p><img src="{src}" width="640"></p>', html)
        assert n == 1
    return html


def test_mhtml_page_with_tables_as_pictures_is_read_by_ocr() -> None:
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    exp = L.load_expected(NAME)
    urls = [f"https://www.example.gov.cn/uploads/t{k}.png" for k in range(3)]
    html = _with_pictures(L.to_html(exp, encoding="utf-8", declared="utf-8").decode("utf-8"), urls)
    data = _mhtml(html, dict(zip(urls, L.table_pictures(exp), strict=True)))
    assert sniff(data[:8192]) == "mhtml"
    doc = read_bytes("report.mht", data)
    assert doc.kind == "mhtml-ocr" and doc.unread_pictures == 0
    report = extract(doc)
    assert L.silent_wrong(report, exp, ("active_disclosure", "applications", "review_litigation")) == []
    read = [c for t in report.tables.values() for cols in t.values() for c in cols.values() if c.value is not None]
    assert len(read) > 150
    assert (report.agency, report.year, report.format) == (exp["agency"], exp["year"], exp["format"])


@pytest.mark.parametrize("declared", ["", "gb2312", None])  # declared rightly, wrongly, not at all
def test_mhtml_in_gbk_with_tables_as_text(declared: str | None) -> None:
    exp = L.load_expected(NAME)
    html = L.to_html(exp, encoding="utf-8", declared="gb2312").decode("utf-8")
    doc = read_bytes("report.mht", _mhtml(html, {}, charset="gbk", declared=declared))
    assert doc.kind == "mhtml"
    assert L.cell_diffs(extract(doc), exp) == []


def test_mhtml_without_a_page_is_refused() -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["MIME-Version"] = "1.0"
    msg.make_related()
    part = EmailMessage()
    part.set_content(b"\x89PNG", "image", "png")
    msg.attach(part)
    with pytest.raises(ReadError, match="没有网页正文"):
        read_bytes("empty.mht", msg.as_bytes())


def test_picture_embedded_as_data_uri_is_read() -> None:
    """A page carrying Table 4 as a data: URI picture: read by OCR, right or flagged."""
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    import base64
    import re

    exp = L.load_expected(NAME)
    html = L.to_html(exp, encoding="utf-8", declared="utf-8").decode("utf-8")
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    uri = "data:image/png;base64," + base64.b64encode(L.table_pictures(exp)[2]).decode("ascii")
    html = html.replace(tables[-1], f'<img src="{uri}">')
    doc = read_bytes("page.html", html.encode("utf-8"))
    assert doc.kind == "html-ocr"
    report = extract(doc)
    assert L.silent_wrong(report, exp, ("review_litigation",)) == []
    assert L.cell_diffs(report, exp, ("active_disclosure", "applications")) == []
