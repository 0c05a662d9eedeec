"""One guard for every zip-based input (DOCX, ODT, XLSX, …): measured before it is parsed.

Only the central directory is read here, never a part's content. The sizes it declares
are enough: Python's `zipfile` stops inflating a part at its declared size (and fails
its CRC check), so a part cannot grow past what was checked. LibreOffice inflates ODT
itself; it runs under the per-file budget (`nianbao.budget`) and a timeout.
"""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

from nianbao.readers.errors import ReadError

MAX_TOTAL = 200 * 1024 * 1024  # all parts inflated; a report with its pictures is a few MB
MAX_PART = 60 * 1024 * 1024  # one part (a DOCX body or an XLSX sheet of a long report stays under 10 MB)
MAX_RATIO = 100  # inflated / compressed, for parts large enough to matter (XML compresses 10–30×)
RATIO_FLOOR = 1024 * 1024  # below this size a part may compress as well as it likes
MAX_PARTS = 10_000


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(z: zipfile.ZipFile, what: str = "压缩文件") -> None:
    """Raise ReadError (Chinese) when the archive would inflate to more than a report could hold."""
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise ReadError(f"{what}包含 {len(infos)} 个部件（上限 {MAX_PARTS}），疑似压缩炸弹，为安全起见拒绝读取")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > MAX_PART:
            raise ReadError(
                f"{what}中的部件解压后过大（{_mb(size)}，单个部件上限 {_mb(MAX_PART)}），疑似压缩炸弹，为安全起见拒绝读取"
            )
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            raise ReadError(
                f"{what}中的部件压缩比异常（{ratio} 倍，上限 {MAX_RATIO} 倍），疑似压缩炸弹，为安全起见拒绝读取"
            )
    if total > MAX_TOTAL:
        raise ReadError(f"{what}解压后过大（{_mb(total)}，上限 {_mb(MAX_TOTAL)}），疑似压缩炸弹，为安全起见拒绝读取")


def open_zip(source: bytes | str | os.PathLike[str], what: str = "压缩文件") -> zipfile.ZipFile:
    """The archive, opened and checked (the caller closes it). Raises ReadError (Chinese)."""
    try:
        z = zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ReadError(f"{what}已损坏（不是有效的压缩包），无法读取") from exc
    except OSError as exc:
        from nianbao.readers.errors import os_reason

        raise ReadError(os_reason(exc)) from exc
    try:
        check_zip(z, what)
    except ReadError:
        z.close()
        raise
    return z


def check_zip_bytes(data: bytes, what: str = "压缩文件") -> None:
    with open_zip(data, what):
        pass
