"""The narrative as the checks read it: prose without table rows, one sentence per line.

Built once per `check()` call and cached in `Report.derived`. Checks must run at
thousands of reports per second, which rules out a Python loop over every
sentence: rules scan the whole text with a pattern that starts with a
literal (the regex engine then skips ahead at C speed) and look only at
the sentences it hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.model import Report

# Whitespace within a line goes (PDF conversions scatter it through Chinese text);
# NFKC over a whole report costs more than all the checks together, so patterns
# accept full- and half-width forms instead.
_INLINE_SPACES = (" ", "\u3000", "\xa0", "\r", "\t")
# Sentence ends besides "。" and the line break.
_OTHER_ENDS = ("；", ";", "！", "？", "!", "?")


def _without_table_rows(text: str) -> str:
    if "\t" not in text and "|" not in text:
        return text
    lines = text.split("\n")
    return "\n".join([ln for ln in lines if "\t" not in ln and ("|" not in ln or not ln.lstrip().startswith("|"))])


def prose(report: Report) -> str:
    """The narrative without table rows (tab-separated or pipe rows), whitespace removed within lines."""
    cached = report.derived.get("prose")
    if cached is None:
        parts = [report.preamble, *(s.text for s in report.sections.values())]
        cached = "\n".join([_without_table_rows(p) for p in parts])
        for ws in _INLINE_SPACES:
            if ws in cached:
                cached = cached.replace(ws, "")
        report.derived["prose"] = cached
    return cached


def sentence_text(report: Report) -> str:
    """The prose with each sentence (cut at 。；;！？!? and line ends) on a line of its own.

    It starts and ends with a line break, so every sentence lies between two.
    Patterns run over it must not match a line break.
    """
    cached = report.derived.get("sentence_text")
    if cached is None:
        text = prose(report)
        for ch in _OTHER_ENDS:
            if ch in text:
                text = text.replace(ch, "\n")
        cached = report.derived["sentence_text"] = "\n" + text.replace("。", "\n") + "\n"
    return cached


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The span of the sentence of `sentence_text` holding position `pos`."""
    return text.rfind("\n", 0, pos) + 1, text.find("\n", pos)


def sentences_with(report: Report, *patterns: re.Pattern[str]) -> Iterator[str]:
    """Each sentence in which any of `patterns` matches, once, in text order."""
    text = sentence_text(report)
    starts = {text.rfind("\n", 0, m.start()) + 1 for rx in patterns for m in rx.finditer(text)}
    for start in sorted(starts):
        yield text[start : text.find("\n", start)]


def clause(s: str, start: int, end: int) -> str:
    """The comma-delimited stretch of a sentence around s[start:end]."""
    lo = max(s.rfind(",", 0, start), s.rfind("，", 0, start)) + 1
    ends = [i for i in (s.find(",", end), s.find("，", end)) if i >= 0]
    return s[lo : min(ends) if ends else len(s)]


def quote(s: str) -> str:
    """A clause short enough for a message."""
    return s if len(s) <= 60 else s[:58] + "…"
