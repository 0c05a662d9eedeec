"""Writing reports: report@1 data or a fill-in workbook → Markdown, HTML, DOCX or PDF.

`load_data` reads the input, `render_bytes` lays the report out as the
national template prints it. The CLI (`nianbao render`) runs the checks first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nianbao.model import Report
from nianbao.readers.errors import os_reason
from nianbao.render.model import Layout, layout, title_of
from nianbao.schema import SchemaError, load_report

__all__ = ["FORMATS", "DataError", "Layout", "layout", "load_data", "render_bytes", "title_of"]

FORMATS = ("md", "html", "docx", "pdf")


class DataError(ValueError):
    """The input cannot be used; the message is Chinese."""


def _from_json(data: Any, source: str) -> Report:
    if isinstance(data, list):
        items = [d for d in data if isinstance(d, dict)]
        if len(items) != 1:
            raise DataError(f"JSON 中有 {len(items)} 份报告，一次只能生成一份，请只保留其中一份")
        data = items[0]
    if not isinstance(data, dict):
        raise DataError("JSON 不是一份报告数据（应为 nianbao/report@1 对象）")
    try:
        return load_report(data, source=source)
    except SchemaError as exc:
        raise DataError(str(exc)) from exc


def load_data(path: str | Path) -> Report:
    """A report from a report@1 JSON file (as `nianbao extract` prints) or a fill-in workbook."""
    p = Path(path)
    try:
        head = p.read_bytes()[:4]
    except OSError as exc:
        raise DataError(f"{p}：{os_reason(exc, '读取')}") from exc
    if head.startswith(b"PK"):  # the fill-in workbook is read by its reader (sniffed, measured, checked)
        from nianbao.readers import ReadError
        from nianbao.readers.workbook import load_workbook

        try:
            return load_workbook(p)
        except ReadError as exc:
            raise DataError(exc.reason) from exc
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = (
            f"第 {exc.lineno} 行第 {exc.colno} 列格式错误"
            if isinstance(exc, json.JSONDecodeError)
            else "不是 UTF-8 编码"
        )
        raise DataError(f"{p} 既不是 JSON 报告数据，也不是本工具生成的填报工作簿（{where}）") from exc
    return _from_json(data, str(p))


def render_bytes(report: Report, to: str) -> bytes:
    """The report written as `to` (md, html, docx or pdf)."""
    lay = layout(report)
    if to == "md":
        from nianbao.render.markdown import to_markdown

        return to_markdown(lay).encode("utf-8")
    if to == "html":
        from nianbao.render.html import to_html

        return to_html(lay).encode("utf-8")
    if to == "docx":
        from nianbao.render.docx import to_docx

        return to_docx(lay)
    if to == "pdf":
        from nianbao.render.pdf import to_pdf

        return to_pdf(lay)
    raise DataError(f"不支持的输出格式：{to}（可选 {'、'.join(FORMATS)}）")
