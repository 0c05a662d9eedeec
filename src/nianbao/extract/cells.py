"""Split a line into cells and classify each: label text, number, blank mark, empty.

Tabs and pipes keep empty cells (their position means something); runs of
spaces do not, so such lines are "non-positional" and blanks are invisible.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nianbao.document import UNREAD
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
    # A cell the reader saw but could not read (its text holds UNREAD): it takes its column
    # like a blank mark, and its cell comes out unread, not blank.
    unread: bool = False


# What is left of a figure once its unreadable characters are taken out: digits, separators.
_UNREAD_FIGURE = re.compile(r"^[\d.,\-\s]*$")


def is_noise(text: str) -> bool:
    """Page numbers ("- 3 -", "第3页") and Markdown table rules."""
    return bool(_PAGE_NUMBER.match(text) or _MD_RULE.match(text))


def _classify(text: str, start: int, index: int) -> Tok:
    t = text.strip()
    if not t:
        return Tok("", "empty", start, start, index)
    lead = len(text) - len(text.lstrip())
    s = start + lead
    if UNREAD in t and _UNREAD_FIGURE.match(nfkc(t.replace(UNREAD, ""))):
        return Tok(t, "blank", s, s + len(t), index, unread=True)
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
    dropped: list[Tok]  # figures printed among the label's text, which no cell takes
    shared: bool = False  # one of several rows run together on one line


def _numbering(toks: list[Tok]) -> bool:
    """The cells hold one small whole number alone: a row's number before its label ("1 本机关…")."""
    filled = [t for t in toks if t.kind != "empty"]
    return len(filled) == 1 and filled[0].text.isdigit() and 1 <= int(filled[0].text) <= 20


def _piece(toks: list[Tok], positional: bool) -> SplitLine:
    first_text = last_text = -1
    for i, t in enumerate(toks):
        if t.kind == "text":
            last_text = i
            first_text = i if first_text < 0 else first_text
    label = "".join(t.text for t in toks[: last_text + 1] if t.kind == "text")
    start = first_text if first_text > 0 and _numbering(toks[:first_text]) else 0
    dropped = [t for t in toks[start : last_text + 1] if t.kind in ("num", "blank")]
    return SplitLine(label, toks[last_text + 1 :], positional, bool(_SENTENCE.search(nfkc(label))), dropped)


def _tokens(line: str, number: int) -> tuple[list[Tok], bool]:
    toks, positional = tokenize(line)
    for t in toks:
        t.line = number
    return toks, positional


def split_line(line: str, number: int = 0) -> SplitLine:
    return _piece(*_tokens(line, number))


# A cell that opens with a figure and a space, then text: "0 行政规范性文件" is one row's last
# figure and the next row's label, run together when two rows land on one line.
_LEAD_FIGURE = re.compile(r"^(\S+)\s+(?=\S)")


def split_pieces(line: str, number: int = 0, names_row: Callable[[str], bool] = bool) -> list[SplitLine]:
    """The line cut where a row may begin: before every label text that follows figures
    ("规章 0 0 0 行政规范性文件 17 26 68"), and before a cell that `names_row` when a cell
    before it in the piece names one too ("1.信访举报投诉类申请  2.重复申请  0")."""
    toks, positional = _tokens(line, number)
    cut: list[Tok] = []
    for t in toks:
        m = _LEAD_FIGURE.match(t.text) if t.kind == "text" else None
        if m and parse_number(m.group(1)) is not None:
            end = t.start + m.end()
            cut.append(
                Tok(m.group(1), "num", t.start, t.start + len(m.group(1)), t.index, parse_number(m.group(1)), number)
            )
            cut.append(Tok(t.text[m.end() :], "text", end, t.end, t.index, None, number))
        else:
            cut.append(t)
    pieces: list[list[Tok]] = [[]]
    seen_figure = False
    texts: list[Tok] = []  # the current piece's text cells
    for t in cut:
        if t.kind == "text":
            # names_row is asked only of a piece's second text cell on (most lines have one).
            numbered = len(pieces) == 1 and not texts and _numbering(pieces[0])
            if (seen_figure and not numbered) or (
                texts and names_row(t.text) and any(names_row(x.text) for x in texts)
            ):
                pieces.append([])
                seen_figure = False
                texts = []
            texts.append(t)
        seen_figure = seen_figure or t.kind in ("num", "blank")
        pieces[-1].append(t)
    out = [_piece(p, positional) for p in pieces if p]
    for sl in out:
        sl.shared = len(out) > 1
    return out
