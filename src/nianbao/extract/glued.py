"""Figures run together: a text dump that lost the spaces between a row's figures
("69 3 665" printed as "693665"). Each way of cutting the digits back into the row's cells
is tried against the table's identities; the row is read only when exactly one way makes
every identity that can be checked hold, and a finding says the figures were cut.
Otherwise the row stays unread and the finding says how many ways fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.extract.cells import Tok
from nianbao.model import Cell, Finding
from nianbao.template import Equation, table3_equations, table4_equations

# Ways to cut beyond this are not tried: the row stays unread.
_MAX_WAYS = 20000


@dataclass
class Glued:
    """A row whose figures could not be placed: its key, tokens and column keys."""

    row: str
    label: str
    tokens: list[Tok]
    columns: list[str]
    line: int


def cuts(tokens: list[Tok], n: int) -> Iterator[list[Tok]] | None:
    """Every way to cut the tokens' digits into `n` figures (no figure but 0 starting with 0),
    or None when some token is not a run of digits or there are too many ways."""
    if not tokens or any(t.kind != "num" or not t.text.isascii() or not t.text.isdigit() for t in tokens):
        return None
    extra = n - len(tokens)
    if extra <= 0 or extra > sum(len(t.text) - 1 for t in tokens):
        return None
    ways = list(_ways(tokens, 0, extra))
    if len(ways) > _MAX_WAYS:
        return None
    return iter(ways)


def _ways(tokens: list[Tok], i: int, extra: int) -> Iterator[list[Tok]]:
    if i == len(tokens):
        if extra == 0:
            yield []
        return
    t = tokens[i]
    for k in range(0, min(extra, len(t.text) - 1) + 1):  # cut token i into k + 1 figures
        for parts in _pieces(t.text, k + 1):
            toks = []
            at = 0
            for p in parts:
                toks.append(Tok(p, "num", t.start + at, t.start + at + len(p), t.index, int(p), t.line))
                at += len(p)
            for rest in _ways(tokens, i + 1, extra - k):
                yield toks + rest


def _pieces(digits: str, k: int) -> Iterator[list[str]]:
    if k == 1:
        if digits == "0" or not digits.startswith("0"):
            yield [digits]
        return
    for j in range(1, len(digits) - k + 2):
        head = digits[:j]
        if head != "0" and head.startswith("0"):
            break
        for rest in _pieces(digits[j:], k - 1):
            yield [head, *rest]


def resolve(table: str, glued: Glued, cells: dict[str, dict[str, Cell]]) -> tuple[list[Tok] | None, Finding]:
    """The one cut that every checkable identity confirms, or None; and the finding to report."""
    raw = " ".join(t.text for t in glued.tokens)
    ways = cuts(glued.tokens, len(glued.columns))
    fitting: list[list[Tok]] = []
    tried = 0
    if ways is not None:
        eqs = table3_equations(set(cells) | {glued.row}) if table == "applications" else table4_equations()
        eqs = [e for e in eqs if any(r == glued.row for r, _ in (*e.lhs, *e.rhs))]
        for way in ways:
            tried += 1
            values = {c: int(t.text) for c, t in zip(glued.columns, way, strict=True)}
            if _fits(eqs, glued.row, values, cells):
                fitting.append(way)
                if len(fitting) > 1:
                    break  # more than one fits: the row cannot be read
    if len(fitting) == 1:
        way = fitting[0]
        return way, Finding(
            "extract.split_figures",
            "warning",
            f"「{glued.label}」一行的数值连在一起（{raw}），按勾稽关系只有一种拆分成立，"
            f"读作 {' '.join(t.text for t in way)}，请人工核对。",
            table=table,
            row=glued.row,
            actual=raw,
            line=glued.line,
        )
    why = "没有一种拆分能使勾稽关系成立" if not fitting and tried else "有多种拆分都使勾稽关系成立"
    if ways is None:
        why = "无法确定数值之间的分界"
    return None, Finding(
        "extract.unplaced",
        "warning",
        f"「{glued.label}」一行识别到的数值（{raw}）少于模板的 {len(glued.columns)} 栏，可能是数值连在一起，"
        f"{why}，已留空，请人工核对。",
        table=table,
        row=glued.row,
        actual=raw.split(),
        line=glued.line,
    )


def _fits(eqs: list[Equation], row: str, values: dict[str, int], cells: dict[str, dict[str, Cell]]) -> bool:
    """Every identity over the row that can be checked holds, and at least one could be."""
    checked = 0
    for e in eqs:
        sides = []
        for side in (e.lhs, e.rhs):
            total = 0
            for r, c in side:
                v = values.get(c) if r == row else _value(cells, r, c)
                if v is None:
                    break
                total += v
            else:
                sides.append(total)
                continue
            break
        if len(sides) < 2:
            continue  # a cell of the identity is unknown: it cannot be checked
        checked += 1
        if sides[0] != sides[1]:
            return False
    return checked > 0


def _value(cells: dict[str, dict[str, Cell]], row: str, col: str) -> int | None:
    c = cells.get(row, {}).get(col)
    return c.value if c is not None and isinstance(c.value, int) else None


def resolve_flat(
    table: str, tokens: list[Tok], groups: list[tuple[str, list[str]]], line: int
) -> tuple[list[Tok] | None, Finding]:
    """Table 4 on one line with figures run together: the one cut that makes every group's
    total hold, or None; and the finding to report."""
    n = sum(len(cols) for _, cols in groups)
    raw = " ".join(t.text for t in tokens)
    ways = cuts(tokens, n)
    fitting: list[list[Tok]] = []
    for way in ways or ():
        values = iter(int(t.text) for t in way)
        cells = {g: {c: next(values) for c in cols} for g, cols in groups}
        if all(sum(v for c, v in cs.items() if c != "total") == cs["total"] for cs in cells.values() if "total" in cs):
            fitting.append(way)
            if len(fitting) > 1:
                break
    name = "表四"
    if len(fitting) == 1:
        return fitting[0], Finding(
            "extract.split_figures",
            "warning",
            f"{name}的数值连在一起（{raw}），按各组总计只有一种拆分成立，读作 {' '.join(t.text for t in fitting[0])}，请人工核对。",
            table=table,
            actual=raw,
            line=line,
        )
    why = (
        "无法确定数值之间的分界"
        if ways is None
        else ("没有一种拆分能使各组总计成立" if not fitting else "有多种拆分都使各组总计成立")
    )
    return None, Finding(
        "extract.unplaced",
        "warning",
        f"{name}识别到的数值（{raw}）少于模板的 {n} 栏，可能是数值连在一起，{why}，已留空，请人工核对。",
        table=table,
        actual=raw.split(),
        line=line,
    )
