"""Split a line into cells and classify each: label text, number, blank mark, empty.

Tabs and pipes keep empty cells (their position means something); runs of
spaces do not, so such lines are "non-positional" and blanks are invisible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.model import Value
from nianbao.textnorm import is_blank_mark, nfkc, parse_number

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SPACE_RUN = re.compile(r"\S+")
# A full stop marks narrative, which never carries a table row's values
# (commas do occur in labels: （区分处理的，只计这一情形，不计其他情形）).
_SENTENCE = re.compile(r"[。！？]")


@dataclass(slots=True)
class Tok:
    text: str  # as printed, stripped
    kind: str  # text | num | blank | empty
    start: int  # character span in the line
    end: int
    index: int  # cell index (for per-cell boxes and confidences)
    value: Value | None = None
    line: int = 0  # document line number, set by the caller


def is_noise(text: str) -> bool:
    """Page numbers ("- 3 -", "第3页") and Markdown table rules."""
    return bool(_PAGE_NUMBER.match(text) or _MD_RULE.match(text))


def _classify(text: str, start: int, index: int) -> Tok:
    t = text.strip()
    if not t:
        return Tok("", "empty", start, start, index)
    lead = len(text) - len(text.lstrip())
    s = start + lead
    v = parse_number(t)
    if v is not None:
        return Tok(t, "num", s, s + len(t), index, v)
    if is_blank_mark(t):
        return Tok(t, "blank", s, s + len(t), index)
    return Tok(t, "text", s, s + len(t), index)


def tokenize(line: str) -> tuple[list[Tok], bool]:
    """Cells of a line, and whether empty cells are kept (tab/pipe layouts)."""
    if "\t" in line:
        return _split(line, "\t"), True
    stripped = line.strip()
    if stripped.count("|") >= 2 and stripped.startswith("|"):
        inner_start = line.index("|") + 1
        inner_end = line.rindex("|")
        return _split(line[inner_start:inner_end], "|", offset=inner_start), True
    toks: list[Tok] = []
    for i, m in enumerate(_SPACE_RUN.finditer(line)):
        tok = _classify(m.group(), m.start(), i)
        if toks and tok.kind == "text" and toks[-1].kind == "text":
            prev = toks[-1]
            toks[-1] = Tok(line[prev.start : tok.end], "text", prev.start, tok.end, prev.index)
        else:
            toks.append(tok)
    return toks, False


def _split(line: str, sep: str, offset: int = 0) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    for i, part in enumerate(line.split(sep)):
        toks.append(_classify(part, offset + pos, i))
        pos += len(part) + 1
    return toks


@dataclass(slots=True)
class SplitLine:
    label: str  # the label text (all text cells joined)
    values: list[Tok]  # cells after the last text cell
    positional: bool
    sentence: bool  # the text reads like narrative


def split_line(line: str, number: int = 0) -> SplitLine:
    toks, positional = tokenize(line)
    for t in toks:
        t.line = number
    last_text = -1
    for i, t in enumerate(toks):
        if t.kind == "text":
            last_text = i
    label = "".join(t.text for t in toks[: last_text + 1] if t.kind == "text")
    values = toks[last_text + 1 :]
    return SplitLine(label, values, positional, bool(_SENTENCE.search(nfkc(label))))
