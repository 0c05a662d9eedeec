"""DOCX (and legacy DOC/WPS through LibreOffice): body order of paragraphs and
tables, merged cells (gridSpan/vMerge), tables inside text boxes, and tables pasted
as pictures (read by OCR where they stand)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO

from lxml import etree

from nianbao.document import Document, Line
from nianbao.readers.errors import ReadError
from nianbao.readers.pictures import MAX_BYTES, Pictures
from nianbao.readers.zipguard import open_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"
_FALLBACK = f"{{{MC}}}Fallback"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_IMAGEDATA = "{urn:schemas-microsoft-com:vml}imagedata"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

CONVERT_TIMEOUT = 180


def _document_xml(data: bytes) -> bytes:
    with open_zip(data, "DOCX 文件") as z:  # sizes and ratios checked before anything is inflated
        try:
            info = z.getinfo("word/document.xml")
        except KeyError as exc:
            raise ReadError("DOCX 文件缺少正文（word/document.xml），无法读取") from exc
        try:
            return z.read(info)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:  # bad CRC, truncated, odd method
            raise ReadError("DOCX 文件已损坏（正文无法解压），无法读取") from exc


def _para_lines(p: etree._Element) -> list[str]:
    """A paragraph's text; explicit line breaks split it into lines."""
    lines = [""]
    for el in p.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _FALLBACK):
        if el.tag == _FALLBACK:
            continue
        if _in_fallback(el) or _in_textbox(el, p):
            continue
        if el.tag == _W + "t":
            lines[-1] += el.text or ""
        elif el.tag == _W + "tab":
            lines[-1] += " "
        else:
            lines.append("")
    return [ln.strip() for ln in lines]


def _in_fallback(el: etree._Element) -> bool:
    p = el.getparent()
    while p is not None:
        if p.tag == _FALLBACK:
            return True
        p = p.getparent()
    return False


def _in_textbox(el: etree._Element, stop: etree._Element) -> bool:
    p = el.getparent()
    while p is not None and p is not stop:
        if p.tag == _W + "txbxContent":
            return True
        p = p.getparent()
    return False


def _cell_text(tc: etree._Element) -> str:
    parts = []
    for p in tc.iter(_W + "p"):
        parts += [t for t in _para_lines(p) if t]
    return "".join(parts).replace("\t", " ")


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    v = el.get(_W + "val", default)
    return None if v is None else str(v)


def _table_rows(tbl: etree._Element) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.findall(_W + "tr"):
        row: list[str] = []
        trpr = tr.find(_W + "trPr")
        before = int(_val(trpr.find(_W + "gridBefore") if trpr is not None else None, "0") or 0)
        row += [""] * min(before, 100)
        for tc in tr.iter(_W + "tc"):
            if _owner_table(tc) is not tbl:
                continue
            pr = tc.find(_W + "tcPr")
            span = 1
            merged = False
            if pr is not None:
                try:
                    span = max(1, min(int(_val(pr.find(_W + "gridSpan"), "1") or 1), 100))
                except ValueError:
                    span = 1
                vm = pr.find(_W + "vMerge")
                merged = vm is not None and _val(vm, "continue") != "restart"
            row.append("" if merged else _cell_text(tc))
            row += [""] * (span - 1)
        rows.append(row)
    return rows


def _owner_table(tc: etree._Element) -> etree._Element | None:
    p = tc.getparent()
    while p is not None and p.tag != _W + "tbl":
        p = p.getparent()
    return p


class _Pictures(Pictures):
    """The document's embedded pictures, found by relationship id."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data
        self._targets: dict[str, str] | None = None

    def _target(self, z: zipfile.ZipFile, rid: str) -> str | None:
        if self._targets is None:
            self._targets = {}
            try:
                rels = etree.fromstring(z.read("word/_rels/document.xml.rels"), _PARSER)
            except (KeyError, etree.XMLSyntaxError):
                rels = None
            for rel in rels.iter(_RELS) if rels is not None else ():
                target = rel.get("Target") or ""
                if rel.get("TargetMode") != "External" and target:
                    self._targets[rel.get("Id") or ""] = "word/" + target.lstrip("/").removeprefix("word/")
        return self._targets.get(rid)

    def of(self, rid: str) -> list[Line]:
        with zipfile.ZipFile(BytesIO(self.data)) as z:
            name = self._target(z, rid)
            info = z.getinfo(name) if name is not None and name in z.namelist() else None
            raw = z.read(info) if info is not None and info.file_size <= MAX_BYTES else None
        return self.lines(raw)


def _picture_ids(p: etree._Element) -> list[str]:
    ids = []
    for el in p.iter(_BLIP, _IMAGEDATA):
        if _in_fallback(el):
            continue
        rid = el.get(_R + "embed") if el.tag == _BLIP else el.get(_R + "id")
        if rid:
            ids.append(rid)
    return ids


def _walk(el: etree._Element, out: list[Line], pictures: _Pictures) -> None:
    for child in el:
        tag = child.tag
        if tag == _W + "p":
            out += [Line(t, 0) for t in _para_lines(child) if t]
            for rid in _picture_ids(child):
                out += pictures.of(rid)
            # Text boxes anchored in the paragraph: their paragraphs and tables follow it.
            for box in child.iter(_W + "txbxContent"):
                if not _in_fallback(box) and not _in_textbox(box.getparent(), child):
                    _walk(box, out, pictures)
        elif tag == _W + "tbl":
            for row in _table_rows(child):
                if any(c.strip() for c in row):
                    out.append(Line("\t".join(row) if len(row) > 1 else row[0], 0))
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag", _W + "ins"):
            _walk(child, out, pictures)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def read_docx(source: str, data: bytes, kind: str = "docx") -> Document:
    xml = _document_xml(data)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError("DOCX 正文格式错误，无法读取") from exc
    body = root.find(_W + "body")
    if body is None:
        raise ReadError("DOCX 文件没有正文")
    pictures = _Pictures(data)
    lines: list[Line] = []
    _walk(body, lines, pictures)
    for i, ln in enumerate(lines, start=1):
        ln.number = i
    kind = f"{kind}-ocr" if pictures.read else kind
    return Document(source, kind, lines, unread_pictures=pictures.unread)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_ole(source: str, data: bytes) -> Document:
    """Legacy .doc/.wps: converted to DOCX by LibreOffice when it is installed."""
    return _via_libreoffice(source, data, "doc", "旧版 Word/WPS 文件（.doc/.wps）")


def read_odt(source: str, data: bytes) -> Document:
    """OpenDocument text: converted to DOCX by LibreOffice, like .doc."""
    return _via_libreoffice(source, data, "odt", "OpenDocument 文件（.odt）")


def _via_libreoffice(source: str, data: bytes, kind: str, what: str) -> Document:
    exe = soffice()
    if exe is None:
        raise ReadError(
            f"这是{what}，读取前需要用 LibreOffice 转换为 DOCX，"
            "但本机没有安装 LibreOffice（找不到 soffice 命令）。请安装 LibreOffice，或将文件另存为 DOCX/PDF 后再读取"
        )
    with tempfile.TemporaryDirectory(prefix="nianbao-") as tmp:
        src = os.path.join(tmp, f"input.{kind}")
        with open(src, "wb") as f:
            f.write(data)
        env = dict(os.environ, HOME=tmp)  # a private LibreOffice profile
        try:
            subprocess.run(
                [exe, "--headless", "--norestore", "--convert-to", "docx", "--outdir", tmp, src],
                check=True,
                capture_output=True,
                timeout=CONVERT_TIMEOUT,
                env=env,
            )
        except subprocess.TimeoutExpired as exc:
            raise ReadError(f"用 LibreOffice 转换{what}超时，文件可能已损坏") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise ReadError(f"LibreOffice 无法转换这个{what}，文件可能已损坏或不是文档") from exc
        out = os.path.join(tmp, "input.docx")
        if not os.path.exists(out):
            raise ReadError(f"LibreOffice 无法转换这个{what}（没有生成 DOCX），文件可能已损坏")
        with open(out, "rb") as f:
            converted = f.read()
    return read_docx(source, converted, kind=kind)
