"""Reading portal pages without a crawl: report titles, attachments, pagination, encodings."""

from __future__ import annotations

import pytest

from nianbao.collect import links

BASE = "http://www.example.gov.cn/zwgk/ndbg/index.html"


@pytest.mark.parametrize(
    "title",
    [
        "中卫市审批服务管理局2023年政府信息公开工作年度报告",
        "青铜峡市 2023 年政府信息公开工作年度报告",
        "2022年度政府信息公开年报",
        "某县二〇二一年政务公开工作年度报告",
        "2020年年度报告",
    ],
)
def test_report_titles(title: str) -> None:
    assert links.looks_like_report(title)


@pytest.mark.parametrize(
    "title",
    [
        "关于报送2023年政府信息公开工作年度报告的通知",
        "一图读懂某市2023年政府信息公开工作年度报告",
        "《2023年政府信息公开工作年度报告》解读",
        "政府信息公开工作年度报告",  # no year
        "2023年法治政府建设年度报告",
        "2023年国民经济和社会发展统计公报",
        "2023年工作总结",
        "",
    ],
)
def test_not_report_titles(title: str) -> None:
    assert not links.looks_like_report(title)


def test_title_year_in_arabic_and_chinese_numerals() -> None:
    assert links.title_year("某局2023年政府信息公开工作年度报告") == 2023
    assert links.title_year("某县二〇二一年政务公开工作年度报告") == 2021
    assert links.title_year("政府信息公开工作年度报告") is None


def test_create_page_html_announces_numbered_pages() -> None:
    body = b"""<html><body><ul><li><a href="./202401/t1.html">x</a></li></ul>
    <script>var countPage = 4; var currentPage = 0; createPageHTML(countPage, currentPage, "index", "html");</script>
    </body></html>"""
    page = links.parse_page(BASE, body)
    assert links.pagination(page) == [
        "http://www.example.gov.cn/zwgk/ndbg/index_1.html",
        "http://www.example.gov.cn/zwgk/ndbg/index_2.html",
        "http://www.example.gov.cn/zwgk/ndbg/index_3.html",
    ]
    literal = links.parse_page(BASE, b"<script>createPageHTML(2, 0,'index','html');</script>")
    assert links.pagination(literal) == ["http://www.example.gov.cn/zwgk/ndbg/index_1.html"]


def test_page_links_next_and_numbers_but_not_other_links() -> None:
    body = """<html><body>
    <a href="/">首页</a> <a href="/list?page=2">2</a> <a href="/list?page=3">3</a> <a href="/about/7.html">7</a>
    <a href="/list?cat=9&amp;pageNo=2">下一页</a> <a href="http://other.gov.cn/list?page=2">下一页</a>
    <a href="/news/123">2</a></body></html>""".encode()
    page = links.parse_page("http://www.example.gov.cn/list?page=1", body)
    assert links.pagination(page) == [
        "http://www.example.gov.cn/list?page=2",
        "http://www.example.gov.cn/list?page=3",
        "http://www.example.gov.cn/about/7.html",
        "http://www.example.gov.cn/list?cat=9&pageNo=2",
    ]


def test_base_href_and_title_attribute_and_gbk_without_declaration() -> None:
    html = (
        "<html><head><base href='http://www.example.gov.cn/docs/'></head><body>"
        "<a href='r.html' title='某某局2023年政府信息公开工作年度报告'>某某局2023年政府信息…</a>"
        "<a href='../notice.html'>关于报送2023年年报的通知</a></body></html>"
    )
    page = links.parse_page(BASE, html.encode("gbk"))
    reports = links.report_links(page)
    assert [(r.url, r.text) for r in reports] == [
        ("http://www.example.gov.cn/docs/r.html", "某某局2023年政府信息公开工作年度报告")
    ]


def test_attachments_by_extension_or_file_name() -> None:
    body = """<html><body><p>附件：<a href="./P0202401.pdf">年报.pdf</a>
    <a href="/download?id=7">某局2023年年报.docx</a> <a href="/x.ofd">OFD 版</a> <a href="/y.html">相关链接</a>
    </p></body></html>""".encode()
    page = links.parse_page("http://www.example.gov.cn/a/t1.html", body)
    assert [a.url for a in links.attachments(page)] == [
        "http://www.example.gov.cn/a/P0202401.pdf",
        "http://www.example.gov.cn/download?id=7",
        "http://www.example.gov.cn/x.ofd",
    ]


def test_attachments_in_the_footer_or_navigation_are_the_portal_s_not_the_report_s() -> None:
    body = """<html><body><div class="nav"><a href="/help.pdf">使用帮助.pdf</a></div>
    <div class="article"><p><a href="/r.pdf">某局2023年政府信息公开工作年度报告.pdf</a></p></div>
    <footer><a href="/wza.pdf">无障碍说明.pdf</a></footer><div id="foot"><a href="/x.doc">x.doc</a></div></body></html>""".encode()
    page = links.parse_page("http://www.example.gov.cn/a/t1.html", body)
    assert [a.url for a in links.attachments(page)] == ["http://www.example.gov.cn/r.pdf"]


def test_inline_report_needs_the_template_headings() -> None:
    inline = "<html><body><h2>二、主动公开政府信息情况</h2><h2>三、收到和处理政府信息公开申请情况</h2></body></html>"
    assert links.parse_page(BASE, inline.encode()).inline_report
    assert not links.parse_page(BASE, "<html><body>主动公开政府信息情况</body></html>".encode()).inline_report
