"""What a reader produces: a document of lines with provenance.

Readers that know cell boundaries (HTML, DOCX, PDF tables) join a table
row's cells with tabs, so the extractor sees one layout; `boxes` and
`confidences`, when present, are indexed by the tab-separated cell.

A reader that knows a cell is there but cannot read it (a smudged scan, a
figure OCR could not recognise) writes `UNREAD` as that cell's text, so the
extractor can tell "could not read" from "printed empty".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nianbao.model import Report

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in page points

UNREAD = "\ufffd"  # a cell's text when the reader saw the cell but could not read it


@dataclass(slots=True)
class Line:
    text: str
    number: int  # 1-based position in the document
    page: int | None = None
    boxes: tuple[BBox | None, ...] | None = None
    confidences: tuple[float, ...] | None = None


@dataclass
class Document:
    source: str
    kind: str  # text, markdown, html, docx, pdf, image, …
    lines: list[Line] = field(default_factory=list)
    pages: int | None = None
    encoding: str | None = None
    # Pictures that may hold a table but were not read (an HTML page's <img>, a DOCX's
    # pictures beyond the OCR limit): a missing table may be one of them.
    unread_pictures: int = 0
    # A source that is already structured data (the fill-in workbook) yields the report itself,
    # with no lines: `extract` passes it through.
    report: Report | None = None

    @classmethod
    def from_text(cls, source: str, text: str, kind: str = "text", encoding: str | None = None) -> Document:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines: list[Line] = []
        page = 1
        for i, raw in enumerate(text.split("\n"), start=1):
            if "\f" in raw:  # form feed: a page break from a PDF conversion
                page += raw.count("\f")
                raw = raw.replace("\f", "")
            lines.append(Line(raw, i, page))
        return cls(source, kind, lines, pages=page if page > 1 else None, encoding=encoding)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
