"""Tell a file's kind by its content, not its extension."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

HEAD = 8192


def sniff(head: bytes, path: str = "") -> str:
    """One of: pdf, docx, ole (legacy .doc/.wps), zip, png, jpeg, gif, tiff, bmp, webp, mhtml, html, text,
    binary, empty."""
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # refined to docx, odt or xlsx by `refine_zip`
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _mhtml(head):
        return "mhtml"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with BOM: HTML or plain text.
        return "html" if _markup(head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")) else "text"
    order = utf16_order(head)
    if order is not None:  # UTF-16 without BOM
        return "html" if _markup(head[: len(head) // 2 * 2].decode(order, errors="ignore")) else "text"
    low = head.lower()
    if b"<body" in low or b"<table" in low or b"<div" in low or _markup(head.decode("latin-1")):
        return "html"  # tags are ASCII whatever the encoding
    if _looks_binary(head):
        return "binary"
    return "text"


# Elements that mark up a page's body: their tags anywhere in the sample make it HTML, even a
# fragment saved without <html>/<body> whose first table lies far down.
_TAG = re.compile(
    r"<(/?)(p|div|span|br|td|tr|th|table|tbody|thead|font|strong|b|i|em|u|h[1-6]|ul|ol|li|a|img|section|article"
    r"|center|style|script|meta|link|head|body|html|title|sup|sub|hr)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)


def _markup(probe: str) -> bool:
    """Whether a sample is HTML: a page's opening, or markup counted against its text. A report
    in plain text or Markdown may quote a tag or hold `<br>` in table cells (converters put them
    there), but never closes several elements, nor is it mostly tags."""
    top = probe[:2048].lstrip("\ufeff \t\r\n").lower()
    if top.startswith(("<!doctype html", "<html", "<?xml")) or "<html" in top[:512]:
        return True
    closed = tags = markup = 0
    for m in _TAG.finditer(probe):
        tags += 1
        closed += m.group(1) == "/"
        markup += m.end() - m.start()
        if closed >= 20:
            return True
    return closed >= 3 and tags >= 5 and markup >= 0.05 * len(probe)


def utf16_order(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when a sample without BOM reads as UTF-16 text: NULs that
    UTF-8 and GB18030 text never hold, and nearly every character, read in that byte order,
    a printable one of a Chinese report (ASCII, CJK, CJK punctuation, full-width forms).
    Chinese text has few NULs (only its ASCII does), so the NUL count alone cannot tell."""
    if len(head) < 4 or b"\x00" not in head:
        return None
    even = head[: len(head) // 2 * 2]
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        text = even.decode(enc, errors="replace")
        ok = sum(1 for ch in text if _plausible(ch))
        share = ok / len(text)
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, enc)
    return best[1] if best else None


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (
        (32 <= o < 127)
        or ch in "\t\n\r\f"
        or 0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
        or 0x3400 <= o <= 0x4DBF
        or 0xA0 <= o <= 0xFF
        or 0x2460 <= o <= 0x24FF  # circled numbers ①
        or 0x25A0 <= o <= 0x25FF  # ■ □
    )


def _mhtml(head: bytes) -> bool:
    """A MIME message holding a web page: "MIME-Version" among its first headers and a
    multipart/related body (browsers start with "From:", Word with "MIME-Version:")."""
    top = head[:1024].lstrip().lower()
    return top.startswith((b"from:", b"mime-version:", b"content-type:", b"date:", b"subject:")) and (
        b"multipart/related" in head.lower()
    )


def refine_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return "binary"
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        return "odt"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


_CONTROL = bytes([*range(0, 9), *range(14, 32)])


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:  # UTF-16 text was told apart before
        return True
    control = len(head) - len(head.translate(None, _CONTROL))  # C speed: a Python loop cost 0.4 ms a file
    return control > len(head) * 0.05
