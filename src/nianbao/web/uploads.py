"""Receiving uploaded files: size and type limits, temp files with generated names.

No part of a user-supplied file name reaches the filesystem: the bytes go to a
fresh temporary file whose name is generated; only a suffix from a fixed list
is kept (the workbook reader looks at `.xlsx`).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import HTTPException, UploadFile

ALLOWED = (
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".mhtml",
    ".mht",
    ".docx",
    ".odt",
    ".doc",
    ".wps",
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".xlsx",
)
CHUNK = 1 << 16


@dataclass
class Upload:
    filename: str  # display name only (never used as a path)
    data: bytes

    @property
    def suffix(self) -> str:
        return suffix_of(self.filename)


def display_name(name: str | None) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return (base or "未命名文件")[:200]


def suffix_of(name: str) -> str:
    low = name.lower()
    for s in ALLOWED:
        if low.endswith(s):
            return s
    return ""


def hide_temp_paths(text: str | None, name: str) -> str | None:
    """`text` with any path of a temporary copy (`temp_copy`) replaced by the upload's name."""
    if not text or "nianbao-" not in text:
        return text
    return _TEMP.sub(lambda _m: name, text)


_TEMP = re.compile(re.escape(tempfile.gettempdir()) + r"[\\/]nianbao-[^\s'\"，。；：）)\]]*")


def mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


async def receive(file: UploadFile, limit: int) -> Upload:
    """Read an upload, refusing a wrong type (415) or more than `limit` bytes (413) with a Chinese message."""
    name = display_name(file.filename)
    if not suffix_of(name):
        raise HTTPException(
            415,
            f"不支持的文件类型：「{name}」。可上传 {'、'.join(s.lstrip('.') for s in ALLOWED)} 格式的年度报告",
        )
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = await file.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"文件「{name}」过大：单个文件上限为 {mb(limit)}，请压缩或拆分后再上传")
        parts.append(chunk)
    if size == 0:
        raise HTTPException(400, f"文件「{name}」是空的（0 字节）")
    return Upload(name, b"".join(parts))


@contextmanager
def temp_copy(upload: Upload) -> Iterator[str]:
    """A temporary file holding the upload's bytes (generated name), removed afterwards."""
    fd, path = tempfile.mkstemp(prefix="nianbao-", suffix=upload.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(upload.data)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
