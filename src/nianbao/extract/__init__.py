"""Extraction: a `Document` → a `Report` aligned to the national template."""

from __future__ import annotations

from nianbao.document import Document
from nianbao.extract.metadata import extract_meta
from nianbao.extract.sections import find_sections, prose
from nianbao.extract.tables import extract_tables
from nianbao.model import Report, SectionText

__all__ = ["extract"]


def extract(doc: Document) -> Report:
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
    return report
