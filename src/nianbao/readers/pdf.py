"""PDF: the text layer through pypdfium2, rows rebuilt from character boxes
and ruling lines; pages without a text layer, and tables pasted as pictures, go through OCR."""

from __future__ import annotations

import ctypes
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nianbao.document import BBox, Document, Line
from nianbao.readers.errors import ReadError, log
from nianbao.readers.layout import Breaks, HRule, VRule, Word, join_pages, page_tables
from nianbao.readers.pictures import Pictures

MAX_PAGES = 300
MAX_OCR_PAGES = 60  # scanned pages read by OCR (a few seconds each); no report has more
# A page with fewer printable characters than this is taken for a scan.
MIN_TEXT_CHARS = 20
RULE_THICKNESS = 3.0
OUTLINED_TEXT_PATHS = 300  # a page of so many paths and no text is text drawn as outlines
# A picture on a text page is read by OCR when it could hold a table: at least this share
# of the page's width and this many points high (seals and logos are smaller).
MIN_PICTURE_WIDTH = 0.4
MIN_PICTURE_HEIGHT = 50.0
# A page declares its size: 200 × 200 inches rendered for OCR would be 3.6 G pixels.
# A0 at 300 dpi is 140 M; beyond this a page is not rendered (a pixel bomb, not a report).
MAX_RENDER_PIXELS = 150_000_000
MAX_SCAN_DPI = 300.0  # a scanned page is rendered at its own resolution, up to this

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
        log.debug("pdfium refused the file: %s", exc)
        raise ReadError("PDF 文件无法打开（格式错误或使用了不支持的功能）") from exc


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


def _scan_dpi(page: pdfium.PdfPage, width: float) -> float:
    """The resolution a scanned page was scanned at (its largest image's pixels across the
    page), within [150, 300] dpi: rendering it at 150 would throw a 300-dpi scan's detail away."""
    from nianbao.readers.ocr import DPI

    best = 0
    for obj in page.get_objects(max_depth=2):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            x0, _b, x1, _t = obj.get_bounds()
            try:
                px = obj.get_size()[0]
            except Exception:  # a broken image: the page is rendered at the default
                continue
            if x1 > x0:
                best = max(best, round(px * (width / (x1 - x0))))
    dpi = best / (width / 72) if best else DPI
    return float(min(max(dpi, DPI), MAX_SCAN_DPI))


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
        scale = min(scale, (MAX_RENDER_PIXELS / 3 / max(w * h, 1.0)) ** 0.5)  # a preview: smaller is fine
        bitmap = page.render(scale=scale)
        img = bitmap.to_pil().copy()  # to_pil shares the bitmap's buffer, closed with the document
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue(), float(w), float(h)


@dataclass
class _Picture:
    """Part of a page only OCR can read, rendered at the OCR resolution."""

    image: np.ndarray
    x0: float  # its top-left corner on the page, in points
    top: float
    scan: bool  # the whole page
    dpi: float  # the resolution it was rendered at

    def digest(self) -> bytes:
        return hashlib.blake2b(self.image.tobytes(), digest_size=16).digest()


def _pictures(page: pdfium.PdfPage, words: list[Word], width: float, height: float) -> list[BBox]:
    """Boxes (x0, top, x1, bottom) of pictures that may hold a table: wide, tall enough, and
    with no text layer over them (a searchable scan's text is read already)."""
    boxes: list[BBox] = []
    for obj in page.get_objects(max_depth=2):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        x0, b, x1, t = obj.get_bounds()
        box = (max(x0, 0.0), max(height - t, 0.0), min(x1, width), min(height - b, height))
        if box[2] - box[0] < MIN_PICTURE_WIDTH * width or box[3] - box[1] < MIN_PICTURE_HEIGHT:
            continue
        inside = sum(
            1 for w in words if box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2 <= box[3]
        )
        if inside < MIN_TEXT_CHARS:
            boxes.append(box)
    return boxes


def _read_page(pdf: pdfium.PdfDocument, i: int) -> tuple[list[Line], Breaks, list[_Picture]]:
    """The lines of page i's text layer, and the parts of it only OCR can read: the whole
    page for a scan, else the pictures pasted in it (a table as a picture)."""
    from nianbao.readers.ocr import DPI

    page = pdf[i]
    try:
        width, height = page.get_size()
        words = _words(page, height)
        scan = len(words) < MIN_TEXT_CHARS and _scanned(page)
        breaks = Breaks()
        if scan:
            boxes: list[BBox] = [(0.0, 0.0, width, height)]
            lines: list[Line] = []
        else:
            hs, vs = _rules(page, height)
            lines, breaks = page_tables(words, hs, vs, i + 1, open_edges=True)
            boxes = _pictures(page, words, width, height)
        if not boxes:
            return lines, breaks, []
        dpi = _scan_dpi(page, width) if scan else DPI
        f = dpi / 72
        if width * height * f * f > MAX_RENDER_PIXELS:
            raise ReadError(
                f"PDF 第 {i + 1} 页尺寸异常（{width / 72:.0f}×{height / 72:.0f} 英寸），为安全起见不予渲染识别"
            )
        # In colour (RGB): OCR takes a red seal out by its colour.
        img = page.render(scale=f, rev_byteorder=True).to_numpy()[:, :, :3]
        crops = [
            _Picture(np.array(img[round(t * f) : round(b * f), round(x0 * f) : round(x1 * f)]), x0, t, scan, dpi)
            for x0, t, x1, b in boxes
        ]
        return lines, breaks, crops  # np.array copies: the crops outlive the bitmap
    finally:
        page.close()


def _top(line: Line) -> float:
    return min((b[1] for b in line.boxes or () if b is not None), default=0.0)


def _place(lines: list[Line], block: list[Line]) -> list[Line]:
    """`block` (a picture's lines) put among the page's lines where it stands on the page."""
    if not block:
        return lines
    top = _top(block[0])
    at = next((k for k, ln in enumerate(lines) if _top(ln) > top), len(lines))
    return lines[:at] + block + lines[at:]


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
        from nianbao.readers import NO_OCR, ocr_enabled

        ocr = ocr_enabled()
        pages: list[tuple[list[Line], Breaks]] = []
        scans = 0
        pictures = Pictures()
        seen: set[bytes] = set()  # a letterhead or banner repeated on every page is read once
        for i in range(n):
            # The lock is taken page by page and released for OCR (seconds a picture),
            # so a long scan does not hold up other threads' PDFs.
            with PDFIUM_LOCK:
                here, breaks, pics = _read_page(pdf, i)
            for pic in pics:
                if pic.scan and not ocr:
                    pictures.unread += 1  # a scanned page left unread: reported, not blank
                    continue
                if pic.scan:
                    scans += 1
                    if scans > MAX_OCR_PAGES:
                        raise ReadError(f"扫描件超过 {MAX_OCR_PAGES} 页，不像是一份年度报告，未进行文字识别")
                else:
                    digest = pic.digest()
                    if digest in seen:
                        continue
                    seen.add(digest)
                    if not pictures.take():
                        continue
                from nianbao.readers.ocr import ocr_rendered

                here = _place(here, ocr_rendered(pic.image, i + 1, pic.x0, pic.top, pic.dpi))
            pages.append((here, breaks))
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    lines = join_pages(pages)  # table rows cut by page breaks made whole
    for k, ln in enumerate(lines, start=1):
        ln.number = k
    if not any(ln.text.strip() for ln in lines):
        if not ocr:
            raise ReadError(f"PDF 没有文字层（扫描件），{NO_OCR}")
        raise ReadError("PDF 中没有可识别的文字（既没有文字层，也无法识别出文字）")
    kind = "pdf" if scans + pictures.read == 0 else "pdf-ocr"
    return Document(source, kind, lines, pages=n, unread_pictures=pictures.unread)
