"""DOCX: body order, merged cells (gridSpan/vMerge), tables in text boxes; legacy DOC/WPS."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
import reader_layouts as L

from nianbao.readers import ReadError, pictures, read_bytes
from nianbao.readers import docx as docx_reader

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document(body: str) -> bytes:
    """A minimal DOCX whose body is the given WordprocessingML."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(text: str, span: int = 1, vmerge: str | None = None) -> str:
    pr = ""
    if span > 1 or vmerge is not None:
        vm = "" if vmerge is None else (f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>")
        pr = "<w:tcPr>" + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + vm + "</w:tcPr>"
    return f"<w:tc>{pr}{_p(text) if text else '<w:p/>'}</w:tc>"


def test_merged_cells_and_body_order() -> None:
    table = (
        "<w:tbl>"
        f"<w:tr>{_tc('（三）不予公开', vmerge='restart')}{_tc('1.属于国家秘密')}{_tc('1')}</w:tr>"
        f"<w:tr>{_tc('', vmerge='')}{_tc('2.其他法律行政法规禁止公开')}{_tc('')}</w:tr>"
        f"<w:tr>{_tc('行政事业性收费')}{_tc('12.5', span=2)}</w:tr>"
        "</w:tbl>"
    )
    doc = read_bytes("x.docx", _document(_p("前言") + table + _p("后记")))
    assert [ln.text for ln in doc.lines] == [
        "前言",
        "（三）不予公开\t1.属于国家秘密\t1",
        "\t2.其他法律行政法规禁止公开\t",
        "行政事业性收费\t12.5\t",
        "后记",
    ]


def test_table_inside_a_text_box() -> None:
    inner = f"<w:tbl><w:tr>{_tc('行政许可')}{_tc('550')}</w:tr></w:tbl>"
    box = (
        '<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        f"<w:txbxContent>{_p('文本框内')}{inner}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:textbox><w:txbxContent>{_p('文本框内')}{inner}</w:txbxContent></v:textbox>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    doc = read_bytes("x.docx", _document(box + _p("之后")))
    # The text box's content follows its paragraph once (the VML fallback copy is skipped).
    assert [ln.text for ln in doc.lines] == ["正文", "文本框内", "行政许可\t550", "之后"]


def test_python_docx_merges_round_trip() -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    a = t.cell(0, 0).merge(t.cell(1, 0))
    a.text = "合并"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "横跨"
    t.cell(1, 1).text = "1"
    t.cell(1, 2).text = "2"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes("x.docx", buf.getvalue())
    assert [ln.text for ln in doc.lines] == ["合并\t横跨\t", "\t1\t2"]


def test_zip_bomb_is_refused_before_inflating(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.docx"
    chunk = b"<w:p/>" * (1 << 20)  # 6 MiB of one repeated tag
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(40):  # 240 MiB uncompressed, well under 1 MiB on disk
                f.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_bytes(str(path), path.read_bytes())


def test_legacy_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000
    with pytest.raises(ReadError, match="LibreOffice") as exc:
        read_bytes("old.doc", ole)
    assert "soffice" in exc.value.reason


@pytest.mark.skipif(docx_reader.soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", ["doc", "odt"])
def test_legacy_doc_and_odt_through_libreoffice(tmp_path, kind: str) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    exp = L.load_expected("003_c12fc4cb6f2af7bf")
    src = tmp_path / "r.docx"
    src.write_bytes(L.to_docx(exp))
    exe = docx_reader.soffice()
    assert exe is not None
    subprocess.run(
        [exe, "--headless", "--convert-to", kind, "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    from nianbao.extract import extract

    doc = read_bytes(f"r.{kind}", (tmp_path / f"r.{kind}").read_bytes())
    assert doc.kind == kind
    assert L.cell_diffs(extract(doc), exp) == []


def test_tables_pasted_as_pictures_are_read_by_ocr() -> None:
    """Tables pasted into Word as pictures: read where they stand; every cell right or flagged."""
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    from nianbao.extract import extract

    exp = L.load_expected("003_c12fc4cb6f2af7bf")
    doc = read_bytes("pictures.docx", L.to_docx_with_pictures(exp))
    assert doc.kind == "docx-ocr" and doc.unread_pictures == 0
    report = extract(doc)
    assert set(report.tables) == {"active_disclosure", "applications", "review_litigation"}
    assert L.silent_wrong(report, exp, ("active_disclosure", "applications", "review_litigation")) == []
    right = [c for t in report.tables.values() for cols in t.values() for c in cols.values() if c.value is not None]
    assert len(right) > 150  # most cells read, not merely flagged
    assert (report.agency, report.year, report.format) == (exp["agency"], exp["year"], exp["format"])


def test_pictures_beyond_the_limit_are_reported_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    if L.cjk_font() is None:
        pytest.skip("no CJK font for rendering the tables (apt-get install fonts-noto-cjk)")
    from nianbao.checks import check
    from nianbao.extract import extract

    monkeypatch.setattr(pictures, "MAX_READ", 1)
    exp = L.load_expected("003_c12fc4cb6f2af7bf")
    doc = read_bytes("pictures.docx", L.to_docx_with_pictures(exp))
    assert doc.unread_pictures == 2
    report = extract(doc)
    assert "active_disclosure" in report.tables and "applications" not in report.tables
    notes = [f for f in check(report) if f.rule == "extract.pictures"]
    assert len(notes) == 1 and "表三、表四" in notes[0].message and notes[0].actual == 2
