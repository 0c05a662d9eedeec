"""Text normalisation shared by readers, extraction and checks."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "〔": "[", "〕": "]"})

# A number as printed in a table cell: digits, optional sign, thousands
# separators and decimals (after NFKC, so full-width digits are covered).
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Cells that stand for "nothing printed here": a blank, not a zero.
BLANK_MARKS = frozenset({"/", "\\", "-", "—", "–", "——", "--", "无", "空", "—/—"})


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def norm_label(text: str) -> str:
    """Normalise a label for matching: NFKC, quotes unified, no whitespace."""
    return _WS.sub("", nfkc(text)).translate(_QUOTES)


def squash(text: str) -> str:
    """NFKC text without whitespace, for narrative patterns ("共 37 件" → "共37件")."""
    return _WS.sub("", nfkc(text))


def parse_number(text: str) -> int | Decimal | None:
    """The value of a numeric cell, or None when the cell is not a number."""
    if text.isascii() and text.isdigit():  # the common case, without NFKC
        return int(text)
    t = nfkc(text).strip().replace(" ", "")
    if not t or not _NUMBER.match(t):
        return None
    t = t.replace(",", "")
    if "." in t:
        try:
            return Decimal(t)
        except InvalidOperation:  # pragma: no cover - the regex rules this out
            return None
    return int(t)


def is_blank_mark(text: str) -> bool:
    return nfkc(text).strip() in BLANK_MARKS


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """二〇二四 → 2024, 二十二 → 22, 十 → 10; None when not a Chinese numeral."""
    if not text:
        return None
    if "十" not in text:
        if all(c in _CN_DIGITS for c in text):
            return int("".join(str(_CN_DIGITS[c]) for c in text))
        return None
    head, _, tail = text.partition("十")
    tens = _CN_DIGITS.get(head, -1) if head else 1
    ones = _CN_DIGITS.get(tail, -1) if tail else 0
    if tens < 0 or ones < 0:
        return None
    return tens * 10 + ones
