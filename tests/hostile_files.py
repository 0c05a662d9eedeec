"""Hostile files made at test time (small on disk): zip bombs, pictures that declare huge sizes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from PIL import Image

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def rezip(original: bytes, replace: dict[str, bytes | Iterable[bytes]]) -> bytes:
    """The archive with some parts replaced: bytes, or an iterator of byte blocks written streaming."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = replace.get(info.filename)
            if new is None:
                dst.writestr(info, src.read(info))
            elif isinstance(new, bytes):
                dst.writestr(info.filename, new)
            else:
                with dst.open(info.filename, "w") as f:
                    for block in new:
                        f.write(block)
    return out.getvalue()


def rows(total: int) -> Iterator[bytes]:
    row = b'<row r="9"><c r="B9" t="n"><v>1</v></c></row>' * 2000
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    yield head
    n = len(head)
    while n < total:
        yield row
        n += len(row)
    yield b"</sheetData></worksheet>"


def minimal_docx(document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def pixel_bomb(side: int = 7700) -> bytes:
    """A PNG of side × side pixels, all white: ~75 KB that decode to 59 M pixels."""
    buf = io.BytesIO()
    Image.new("1", (side, side), 1).save(buf, "PNG", optimize=True)
    return buf.getvalue()
