"""Readers: a file of any published form → a `Document`.

`read_path` sniffs the content, picks the reader from `READERS` and turns every
failure into a `ReadError` with a Chinese reason, so a batch can go on.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from nianbao.document import Document
from nianbao.readers.errors import ReadError, display_path, log, os_reason
from nianbao.readers.sniff import HEAD, refine_zip, sniff
from nianbao.readers.text import decode

__all__ = [
    "MAX_BYTES",
    "READERS",
    "ReadError",
    "decode",
    "display_path",
    "ocr_enabled",
    "read_bytes",
    "read_path",
    "reader_for",
    "sniff",
]

# Larger files are refused before they are read: no report comes near this.
MAX_BYTES = 100 * 1024 * 1024

Reader = Callable[[str, bytes], Document]

# Every kind `sniff` can name that is read, and the function reading it ("module:function"),
# imported on first use so start-up stays fast. A kind not listed here is refused as
# unsupported; a listed reader that fails to import raises (a broken install is not a format).
READERS: dict[str, str] = {
    "text": "nianbao.readers.text:read_text",
    "html": "nianbao.readers.html:read_html",
    "mhtml": "nianbao.readers.mhtml:read_mhtml",
    "docx": "nianbao.readers.docx:read_docx",
    "ole": "nianbao.readers.docx:read_ole",
    "odt": "nianbao.readers.docx:read_odt",
    "pdf": "nianbao.readers.pdf:read_pdf",
    "png": "nianbao.readers.image:read_image",
    "jpeg": "nianbao.readers.image:read_image",
    "gif": "nianbao.readers.image:read_image",
    "tiff": "nianbao.readers.image:read_image",
    "bmp": "nianbao.readers.image:read_image",
    "webp": "nianbao.readers.image:read_image",
    "xlsx": "nianbao.readers.workbook:read_workbook",
}
_KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word（DOCX）",
    "ole": "旧版 Word/WPS（DOC/WPS）",
    "odt": "OpenDocument",
    "png": "图片（PNG）",
    "jpeg": "图片（JPEG）",
    "gif": "图片（GIF）",
    "tiff": "图片（TIFF）",
    "bmp": "图片（BMP）",
    "webp": "图片（WebP）",
    "html": "网页（HTML）",
    "mhtml": "单个文件网页（MHTML）",
    "xlsx": "Excel 工作簿（XLSX）",
    "zip": "压缩包（ZIP）",
    "text": "文本",
}
_ZIPPED = ("docx", "odt", "xlsx")  # a plain ZIP is refused as unsupported

_resolved: dict[str, Reader] = {}
_resolve_lock = threading.RLock()


# Whether the readers may run OCR on the document being read (`--no-ocr` turns it off
# for batches that want text layers only). A context variable, so readers keep one
# signature and threads reading different files do not see each other's setting.
_ocr: ContextVar[bool] = ContextVar("nianbao_ocr", default=True)
NO_OCR = "按 --no-ocr 未做文字识别"


def ocr_enabled() -> bool:
    return _ocr.get()


def reader_for(kind: str) -> Reader | None:
    """The reader of `kind` (imported on first use), None when the kind is not read.
    An ImportError propagates: it is a broken installation, never an unsupported format."""
    target = READERS.get(kind)
    if target is None:
        return None
    got = _resolved.get(target)
    if got is not None:
        return got
    with _resolve_lock:  # one import at a time: a second thread waits instead of seeing a half-loaded module
        got = _resolved.get(target)
        if got is None:
            module, _, name = target.partition(":")
            got = getattr(importlib.import_module(module), name)
            _resolved[target] = got
    return got


def read_path(path: str | os.PathLike[str], source: str | None = None, *, ocr: bool = True) -> Document:
    """The document in the file at `path`; `ocr=False` leaves scans and pictures unread."""
    p = Path(path)
    src = source if source is not None else display_path(path)
    try:
        size = p.stat().st_size
        is_dir = p.is_dir()
    except OSError as exc:
        raise ReadError(os_reason(exc)) from exc
    if is_dir:
        raise ReadError("这是一个文件夹，不是文件")
    if size == 0:
        raise ReadError("文件为空（0 字节）")
    if size > MAX_BYTES:
        raise ReadError(
            f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_BYTES // 1024 // 1024} MB），不像是一份年度报告"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(os_reason(exc, "读取")) from exc
    return read_bytes(src, data, ocr=ocr)


def read_bytes(source: str, data: bytes, *, ocr: bool = True) -> Document:
    token = _ocr.set(ocr)
    try:
        return _read_bytes(source, data)
    finally:
        _ocr.reset(token)


def _read_bytes(source: str, data: bytes) -> Document:
    if not data:
        raise ReadError("文件为空（0 字节）")
    kind = sniff(data[:HEAD])
    if kind == "zip":
        kind = refine_zip(data)
    if kind in _ZIPPED:  # measured before any part is inflated
        from nianbao.readers.zipguard import check_zip_bytes

        check_zip_bytes(data, f"{_KIND_NAMES.get(kind, kind)}文件")
    reader = reader_for(kind)
    if reader is None:
        if kind == "binary":
            raise ReadError("不是可识别的文档格式（二进制文件）")
        raise ReadError(f"暂不支持读取{_KIND_NAMES.get(kind, kind)}格式的文件")
    try:
        return reader(source, data)
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError("超出内存上限：文件内容过大，无法在内存限制内读取") from exc
    except RecursionError as exc:
        raise ReadError(f"{_KIND_NAMES.get(kind, '')}文件结构嵌套过深，无法读取") from exc
    except Exception as exc:  # a broken file must not stop the batch; the parser's English stays in the log
        log.debug("reader %s failed on %s", kind, source, exc_info=True)
        raise ReadError(f"{_KIND_NAMES.get(kind, '')}文件已损坏或格式不正确，无法读取") from exc
