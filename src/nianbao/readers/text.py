"""Plain text and Markdown: decoding (UTF-8, GB18030 family, UTF-16) and lines."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.readers.dump import unfold
from nianbao.readers.errors import ReadError
from nianbao.readers.sniff import HEAD, utf16_order

# GB18030 is a superset of GBK and GB2312, so one codec reads all three.
_CANDIDATES = ("utf-8", "gb18030")


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Raises ReadError."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    enc16 = utf16_order(data[:HEAD])
    if enc16 is not None:
        return data.decode(enc16, errors="replace"), enc16
    tried: list[str] = []
    if declared:
        tried.append(_canonical(declared))
    for enc in [*tried, *_CANDIDATES]:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    # Mostly GBK with a few broken bytes: keep what can be read.
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(8, len(text) // 50):
        raise ReadError("无法识别文件的文字编码（不是 UTF-8、GBK/GB18030 或 UTF-16）")
    return text, "gb18030"


def _canonical(name: str) -> str:
    n = name.strip().lower().replace("_", "-")
    return "gb18030" if n in ("gb2312", "gbk", "gb-2312", "x-gbk", "gb18030", "cp936") else n


def _utf16_without_bom(data: bytes) -> bool:
    return utf16_order(data[:HEAD]) is not None


def read_text(source: str, data: bytes, kind: str = "text") -> Document:
    text, encoding = decode(data)
    text = unfold(text)  # a one-line dump cut back into the report's lines
    if kind == "text" and _looks_markdown(text):
        kind = "markdown"
    return Document.from_text(source, text, kind=kind, encoding=encoding)


def _looks_markdown(text: str) -> bool:
    head = text[:20000]
    return ("\n|" in head and "---" in head) or "\n#" in head
