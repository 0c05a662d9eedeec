"""A report saved as a text dump: the whole page on one line, blocks and table cells
separated by single spaces (a crawler's `get_text(" ")`). Such a line is cut back into
lines where the report's own structure starts: the title, the six parts' headings, the
end of each sentence, and each table row — a run of figures ends a row, and the row's
label is the shortest run of words before the figures that names a row of the template
(the words before it are the table's header or a group heading, a line of their own).
A run of figures after words that name no row (Table 4 under its header) goes on a line
of its own. Cell boundaries are whatever spaces survive; nothing is guessed here.
"""

from __future__ import annotations

import re

from nianbao.extract.sections import heading_key
from nianbao.template import T3_ROWS_ALL, TEMPLATES
from nianbao.textnorm import is_blank_mark, norm_label, parse_number

# A line this long holding part headings or many figures is a dump, not a paragraph.
_LONG = 1000
# A whole report's text is some 10–200 KB; a longer line is not one report, and is left whole.
_MAX_DUMP = 2_000_000
_HEADING_START = frozenset("一二三四五六七八九十第#*")
_MIN_HEADINGS = 2
_MIN_FIGURES = 30
_SENTENCE_END = ("。", "！", "？")
_NUMERAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+部分)$")
_TITLE_END = re.compile(r"(?:年度报告|年报)$")
_MAX_TITLE = 80
# A row's label is a few words ("三、本年度办理结果 （一）予以公开"): the search for it stops here,
# so a long run of words costs no more than a short one.
_MAX_LABEL_WORDS = 8


def _row_patterns() -> re.Pattern[str]:
    rows = [*T3_ROWS_ALL, *(r for t in TEMPLATES.values() for r in t.table("active_disclosure").rows)]
    return re.compile("|".join(f"(?:{p})" for r in rows for p in r.patterns))


_ROWS = _row_patterns()


def is_dump_line(text: str) -> bool:
    if not _LONG <= len(text) <= _MAX_DUMP:
        return False
    chunks = text.split()
    headings = figures = 0
    for i, c in enumerate(chunks):
        figures += _figure(c)
        headings += bool(_heading_at(chunks, i))
        if headings >= _MIN_HEADINGS or figures >= _MIN_FIGURES:
            return True
    return False


def unfold(text: str) -> str:
    """`text` with every dump line cut into the report's lines; other lines as they are."""
    if not any(len(ln) >= _LONG for ln in text.split("\n")):
        return text
    out: list[str] = []
    for ln in text.split("\n"):
        out += cut(ln) if is_dump_line(ln) else [ln]
    return "\n".join(out)


def _figure(chunk: str) -> bool:
    return parse_number(chunk) is not None or is_blank_mark(chunk)


def _heading_at(chunks: list[str], i: int) -> int:
    """How many chunks from `i` make a part's heading ("一、总体情况", or "一、" "总体情况"), or 0."""
    c = chunks[i]
    if c[0] not in _HEADING_START:
        return 0  # most words: no regex
    if heading_key(c):
        return 1
    if _NUMERAL.match(c) and i + 1 < len(chunks) and heading_key(c + chunks[i + 1]):
        return 2
    return 0


def cut(line: str) -> list[str]:
    chunks = line.split()
    out: list[str] = []
    cur: list[str] = []  # words of the line being built
    figures: list[str] = []  # the run of figures that ends it
    prose = False  # the line holds a sentence's punctuation: its figures are the sentence's

    def flush() -> None:
        nonlocal cur, figures, prose
        if figures:
            out.extend(_row(cur, figures))
        elif cur:
            out.append(" ".join(cur))
        cur, figures, prose = [], [], False

    # The title: the words up to the first that ends in 年度报告, when short.
    for k, c in enumerate(chunks[:8]):
        if _TITLE_END.search(c) and sum(len(x) + 1 for x in chunks[: k + 1]) <= _MAX_TITLE:
            out.append(" ".join(chunks[: k + 1]))
            chunks = chunks[k + 1 :]
            break
    i = 0
    while i < len(chunks):
        n = _heading_at(chunks, i)
        if n:
            flush()
            out.append("".join(chunks[i : i + n]) if n == 2 else chunks[i])
            i += n
            continue
        c = chunks[i]
        if _figure(c) and not prose:
            figures.append(c)
        else:
            if figures and (len(figures) >= 2 or _names_row(cur)):
                flush()
            elif figures:  # a figure inside prose ("共 5 件")
                cur += figures
                figures = []
            cur.append(c)
            prose = prose or any(ch in c for ch in _SENTENCE_END)
            if c.endswith(_SENTENCE_END):
                flush()
        i += 1
    flush()
    return out


def _names_row(words: list[str]) -> bool:
    return _label_start(words) is not None


def _label_start(words: list[str]) -> int | None:
    """Where the shortest run of words ending `words` that names a template row starts."""
    for k in range(len(words) - 1, max(-1, len(words) - 1 - _MAX_LABEL_WORDS), -1):
        if _ROWS.search(norm_label("".join(words[k:]))):
            return k
    return None


def _row(words: list[str], figures: list[str]) -> list[str]:
    """A row's line (label and figures) with the words before its label on a line of their
    own; figures after words that name no row stand alone."""
    k = _label_start(words)
    if k is None:
        return [x for x in (" ".join(words), " ".join(figures)) if x]
    head = " ".join(words[:k])
    return [x for x in (head, " ".join([*words[k:], *figures])) if x]
