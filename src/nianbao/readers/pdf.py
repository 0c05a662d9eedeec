"""PDF: the text layer through pypdfium2, rows rebuilt from character boxes
and ruling lines; pages without a text layer go through OCR."""

from __future__ import annotations

import ctypes
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nianbao.document import Document, Line
from nianbao.readers import register
from nianbao.readers.errors import ReadError
from nianbao.readers.layout import HRule, VRule, Word, page_lines

MAX_PAGES = 300
MAX_OCR_PAGES = 60  # scanned pages read by OCR (a few seconds each); no report has more
# A page with fewer printable characters than this is taken for a scan.
MIN_TEXT_CHARS = 20
RULE_THICKNESS = 3.0
OUTLINED_TEXT_PATHS = 300  # a page of so many paths and no text is text drawn as outlines

# PDFium is not thread-safe, not even across documents: two threads calling it at
# once (the web server renders pages in a thread pool) kill the process with a
# CHECK failure (SIGTRAP). Every PDFium call in nianbao runs under this lock.
PDFIUM_LOCK = threading.RLock()


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReadError("PDF 文件已加密（需要密码才能打开），无法读取；请提供未加密的版本") from exc
        if "format" in msg or "file" in msg or "data" in msg:
            raise ReadError("PDF 文件已损坏或不完整（可能下载中断），无法读取") from exc
        raise ReadError(f"无法打开 PDF 文件（{exc}）") from exc


def _words(page: pdfium.PdfPage, height: float) -> list[Word]:
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        words: list[Word] = []
        raw = tp.raw
        rect = pdfium_c.FS_RECTF()
        for i in range(n):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            if code <= 32 or code in (0xA0, 0x3000, 0xFFFE, 0xFFFF):
                continue
            # Loose boxes span the font's full height, so "、" and "." sit on their line.
            if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect):
                continue
            try:
                ch = chr(code)
            except ValueError:
                continue
            if 0xD800 <= code <= 0xDFFF:
                continue
            words.append(Word(ch, rect.left, height - rect.top, rect.right, height - rect.bottom))
        return words
    finally:
        tp.close()


def _rules(page: pdfium.PdfPage, height: float) -> tuple[list[HRule], list[VRule]]:
    hs: list[HRule] = []
    vs: list[VRule] = []
    for obj in page.get_objects(max_depth=4):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        x0, b, x1, t = obj.get_bounds()
        y0, y1 = height - t, height - b
        w, h = x1 - x0, y1 - y0
        if h <= RULE_THICKNESS and w > h:
            hs.append(HRule((y0 + y1) / 2, x0, x1))
        elif w <= RULE_THICKNESS and h > w:
            vs.append(VRule((x0 + x1) / 2, y0, y1))
        elif _stroked(obj) and w > RULE_THICKNESS and h > RULE_THICKNESS:
            # A stroked rectangle: its four edges are rules.
            hs += [HRule(y0, x0, x1), HRule(y1, x0, x1)]
            vs += [VRule(x0, y0, y1), VRule(x1, y0, y1)]
    return hs, vs


def _stroked(obj: pdfium.PdfObject) -> bool:
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke):
        return False
    return bool(stroke.value) and pdfium_c.FPDFPath_CountSegments(obj.raw) <= 6


def _scanned(page: pdfium.PdfPage) -> bool:
    """A page with little or no text that is an image covering much of it (a scan), or
    text drawn as outlines (many paths): its text can only be read by OCR."""
    w, h = page.get_size()
    paths = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            x0, b, x1, t = obj.get_bounds()
            if (x1 - x0) * (t - b) > 0.3 * w * h:
                return True
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
    return paths > OUTLINED_TEXT_PATHS


@contextmanager
def opened(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """The document, open only while PDFIUM_LOCK is held, closed (with its pages) on exit."""
    with PDFIUM_LOCK:
        pdf = open_pdf(data)
        try:
            yield pdf
        finally:
            pdf.close()


def page_count(data: bytes) -> int:
    with opened(data) as pdf:
        return len(pdf)


def page_size(data: bytes, number: int) -> tuple[float, float]:
    """Width and height in points of page `number` (1-based)."""
    with opened(data) as pdf:
        w, h = pdf[number - 1].get_size()
        return float(w), float(h)


def page_png(data: bytes, number: int, scale: float = 1.5) -> tuple[bytes, float, float]:
    """Page `number` (1-based) as PNG bytes, with the page size in points."""
    with opened(data) as pdf:
        page = pdf[number - 1]
        w, h = page.get_size()
        bitmap = page.render(scale=scale)
        img = bitmap.to_pil().copy()  # to_pil shares the bitmap's buffer, closed with the document
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue(), float(w), float(h)


def _read_page(pdf: pdfium.PdfDocument, i: int) -> list[Line] | np.ndarray:
    """The lines of page i, or its grayscale image when only OCR can read it."""
    page = pdf[i]
    try:
        _, height = page.get_size()
        words = _words(page, height)
        if len(words) >= MIN_TEXT_CHARS or not _scanned(page):
            hs, vs = _rules(page, height)
            return page_lines(words, hs, vs, i + 1)
        from nianbao.readers.ocr import DPI

        return np.array(page.render(scale=DPI / 72, grayscale=True).to_numpy())  # a copy: outlives the bitmap
    finally:
        page.close()


def read_pdf(source: str, data: bytes) -> Document:
    with PDFIUM_LOCK:
        pdf = open_pdf(data)
    try:
        with PDFIUM_LOCK:
            n = len(pdf)
        if n == 0:
            raise ReadError("PDF 文件没有任何页面")
        if n > MAX_PAGES:
            raise ReadError(f"PDF 共 {n} 页，超过上限 {MAX_PAGES} 页，不像是一份年度报告")
        lines: list[Line] = []
        ocr_pages = 0
        for i in range(n):
            # The lock is taken page by page and released for OCR (seconds a page),
            # so a long scan does not hold up other threads' PDFs.
            with PDFIUM_LOCK:
                got = _read_page(pdf, i)
            if isinstance(got, list):
                lines += got
                continue
            ocr_pages += 1
            if ocr_pages > MAX_OCR_PAGES:
                raise ReadError(f"扫描件超过 {MAX_OCR_PAGES} 页，不像是一份年度报告，未进行文字识别")
            from nianbao.readers.ocr import ocr_rendered

            lines += ocr_rendered(got, i + 1)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    for k, ln in enumerate(lines, start=1):
        ln.number = k
    if not any(ln.text.strip() for ln in lines):
        raise ReadError("PDF 中没有可识别的文字（既没有文字层，也无法识别出文字）")
    return Document(source, "pdf" if ocr_pages == 0 else "pdf-ocr", lines, pages=n)


register("pdf", read_pdf)
