"""Extraction: a `Document` → a `Report` aligned to the national template."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract.metadata import extract_meta
from nianbao.extract.sections import find_sections, prose
from nianbao.extract.tables import extract_tables
from nianbao.model import Cell, Finding, Report, SectionText
from nianbao.template import TEMPLATES

__all__ = ["extract"]


def extract(doc: Document) -> Report:
    if doc.report is not None:  # read as data (the fill-in workbook): nothing to find in lines
        doc.report.source = doc.source
        return doc.report
    lines = doc.lines
    meta = extract_meta(lines)
    spans = find_sections(lines)
    report = Report(
        source=doc.source,
        agency=meta.agency,
        year=meta.year,
        title=meta.title,
        period_start=meta.period_start,
        period_end=meta.period_end,
        published=meta.published,
        contact=meta.contact,
    )
    for s in spans:
        body = prose(lines[s.start + 1 : s.end])
        report.sections[s.key] = SectionText(s.key, s.title, body, lines[s.start].number)
    first = spans[0].start if spans else len(lines)
    start = (meta.title_line + 1) if meta.title_line is not None and meta.title_line < first else 0
    report.preamble = prose(lines[start:first])
    res = extract_tables(lines, spans, meta.year)
    report.tables = res.tables
    report.format = res.format
    report.format_basis = res.basis
    report.notes = res.notes
    if meta.agency_note:
        report.notes.append(Finding("extract.agency", "warning", meta.agency_note + "；机关名称留空，请对照原件核实。"))
    missing = [t for t in TEMPLATES["2021"].tables if not _printed(res.tables.get(t.key, {}))]
    if missing and doc.unread_pictures:
        names = "、".join(t.short_name for t in missing)
        report.notes.append(
            Finding(
                "extract.pictures",
                "warning",
                f"文字中没有找到{names}，而文档中有 {doc.unread_pictures} 张图片未识别：统计表可能以图片形式发布。"
                "请提供文字版，或把图片另存为文件后用 nianbao 读取（支持文字识别）。",
                actual=doc.unread_pictures,
            )
        )
    return report


def _printed(rows: dict[str, dict[str, Cell]]) -> bool:
    """Some cell of the table was read: a figure or a blank mark."""
    return any(c.value is not None or c.raw for cols in rows.values() for c in cols.values())
