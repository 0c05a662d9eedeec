"""Find the six parts by their headings, tolerating the variants seen in real reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from nianbao.document import Line
from nianbao.extract.cells import is_noise
from nianbao.template import SECTIONS
from nianbao.textnorm import norm_label

# 一、 / 一. / 第一部分 / （一）is a sub-heading, not a part.
_NUMBERED = re.compile(r"^(?:#+)?\**(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．])")
_MAX_HEADING = 40
_COMPILED = [(s.key, tuple(re.compile(p) for p in s.patterns)) for s in SECTIONS]


@dataclass(slots=True)
class Span:
    key: str
    title: str
    start: int  # index into the document's lines (the heading line)
    end: int  # exclusive


def heading_key(text: str) -> str | None:
    """The part a line heads, or None."""
    t = norm_label(text).strip("*#")
    if not t or len(t) > _MAX_HEADING or not _NUMBERED.match(t):
        return None
    if re.search(r"\d", t):  # table rows such as 一、本年新收… carry numbers; headings don't
        return None
    for key, pats in _COMPILED:
        if any(p.search(t) for p in pats):
            return key
    return None


def find_sections(lines: list[Line]) -> list[Span]:
    """Spans of the parts found, in document order; each part taken once, at its first heading."""
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if len(line.text) > 80 and len(line.text.strip()) > 80:  # layout converters pad lines with spaces
            continue
        key = heading_key(line.text)
        if key and key not in seen:
            seen.add(key)
            found.append((i, key))
    spans = []
    for n, (i, key) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        spans.append(Span(key, lines[i].text.strip().strip("#* "), i, end))
    return spans


# Where a paragraph cannot continue: a heading starts, or the line ended a sentence.
_PARA_HEADING = re.compile(
    r"^\s*(?:#+|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[部章节]|\d{1,2}[、．](?!\d))"
)
_SENTENCE_END = tuple("。！？；：:;!?")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*")
_TABLE_LIKE = re.compile(r"\t|^\s*\||\d\s+\d")
_SPACED = re.compile(r"\S\s{2,}\S")  # cells apart by runs of spaces, or justified text (pdftotext -layout)
_PUNCTUATION = re.compile(r"[，。；：、]")


def _table_like(text: str) -> bool:
    # A run of spaces in a line that has sentence punctuation is justified prose, not cells.
    return bool(_TABLE_LIKE.search(text) or (_SPACED.search(text) and not _PUNCTUATION.search(text)))


def _double_spaced(lines: list[Line]) -> bool:
    """Whether text lines (nearly) never follow each other without a blank line between."""
    texts = [i for i, ln in enumerate(lines) if ln.text.strip()]
    if len(texts) < 4:
        return False
    adjacent = sum(1 for a, b in pairwise(texts) if b - a == 1)
    return adjacent <= 0.1 * (len(texts) - 1)


def prose(lines: list[Line]) -> str:
    """The text of lines with visual line wraps undone (PDF and OCR lines are
    wrapped at the page width): a line joins the one before unless that one
    ended a sentence or was a heading, or either is a table row. Blank lines
    end paragraphs, unless there is one after nearly every line (layout
    converters such as pdftotext -layout double-space); page numbers are dropped."""
    out: list[str] = []
    cur = ""
    blank_breaks = not _double_spaced(lines)
    for ln in lines:
        text = ln.text.rstrip()
        t = text.strip()
        if not t:
            if cur and blank_breaks:
                out.append(cur)
                cur = ""
            continue
        if is_noise(t):
            continue  # a page number inside a paragraph that crosses the page
        if _table_like(text):
            if cur:
                out.append(cur)
                cur = ""
            out.append(text)
            continue
        if cur and not cur.endswith(_SENTENCE_END) and not _PARA_HEADING.match(cur) and not _PARA_HEADING.match(t):
            cur += t
        else:
            if cur:
                out.append(cur)
            cur = t
    if cur:
        out.append(cur)
    # Markdown emphasis from converters ("**一是**") is markup, not report text.
    return _EMPHASIS.sub(r"\1", "\n".join(out))
