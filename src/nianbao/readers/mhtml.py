"""MHTML (.mht, .mhtml): a web page saved as one file with its pictures, as browsers and
Word save it ("单个文件网页"). The page is read as HTML; a picture it shows is read by OCR
where it stands, so tables published as pictures come back as figures."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from urllib.parse import unquote

from nianbao.document import Document
from nianbao.readers.errors import ReadError
from nianbao.readers.html import MAX_HTML_BYTES, decode_html, html_document


def _key(location: str) -> str:
    """A part's location as <img src> may name it: the last path segment, unquoted."""
    return unquote(location.strip().split("?")[0].rstrip("/").rsplit("/", 1)[-1]).lower()


def read_mhtml(source: str, data: bytes) -> Document:
    if len(data) > MAX_HTML_BYTES * 3:  # pictures travel inside, base64-encoded
        raise ReadError(f"网页文件过大（{len(data) / 1024 / 1024:.0f} MB），不像是一份年度报告")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    html: EmailMessage | None = None
    parts: dict[str, EmailMessage] = {}
    for part in msg.walk():
        if not isinstance(part, EmailMessage) or part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype == "text/html" and html is None:
            html = part
            continue
        for header in ("Content-Location", "Content-ID"):
            value = str(part.get(header, "")).strip().strip("<>")
            if value:
                parts.setdefault(value.lower(), part)
                parts.setdefault("cid:" + value.lower(), part)
                parts.setdefault(_key(value), part)
    if html is None:
        raise ReadError("MHTML 文件中没有网页正文（text/html 部分），无法读取")
    raw = html.get_payload(decode=True)
    if not isinstance(raw, bytes) or not raw.strip():
        raise ReadError("MHTML 文件中的网页正文为空，无法读取")
    charset = html.get_content_charset()
    try:  # as for HTML: UTF-8 when the bytes are UTF-8, else the declared charset, else detected
        text, charset = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text = raw.decode(charset or "")
        except (LookupError, UnicodeDecodeError):  # undeclared, or declared wrongly (gb2312 for GBK)
            text, charset = decode_html(raw)

    def resolve(src: str) -> bytes | None:
        part = parts.get(src.strip().lower()) or parts.get(_key(src))
        if part is None or part.get_content_maintype() != "image":
            return None
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) else None

    doc = html_document(source, text, charset, resolve)
    doc.kind = doc.kind.replace("html", "mhtml")
    return doc
