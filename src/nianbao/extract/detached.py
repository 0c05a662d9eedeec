"""Labels and figures a conversion pulled apart (PDF→Markdown, PDF→Word): row labels moved
into a paragraph above or below their figures, figure rows put in another order.

Where labels without figures and lines of figures without a label stand in a run that is
not a plain alternation (label, its figures, label, its figures…), which figure line is
whose cannot be read from the positions. The run is then placed only when that does not
matter (every figure line the same) or when the table's identities leave exactly one set
of values for its rows; otherwise its rows are left unread and a finding names them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import TYPE_CHECKING

from nianbao.model import Cell, Finding
from nianbao.template import Equation, table3_equations

if TYPE_CHECKING:
    from nianbao.extract.align import _Event as Event

# Orders tried against the identities: beyond this many rows the run stays unread.
_MAX_PERMUTED = 6


@dataclass
class Run:
    """Labels without figures and figure lines without a label, in document order."""

    items: list[Event]

    @property
    def labels(self) -> list[Event]:
        """One event a row: the second half of a label broken over lines names its row again."""
        return _labels(self.items)

    @property
    def figures(self) -> list[Event]:
        return [e for e in self.items if e.row is None]


def runs(events: Sequence[Event], has_own: Callable[[Event], bool]) -> list[Run]:
    """The runs of open labels and bare figure lines that a plain alternation does not explain."""
    found: list[list[Event]] = []
    cur: list[Event] = []
    last: str | None = None  # the row of the last label
    for ev in [*events, None]:
        if ev is not None and ev.row is not None and ev.row.key == last and not has_own(ev):
            continue  # the second half of a label broken over lines ("2.没有现成信" / "息需要另行制作")
        last = ev.row.key if ev is not None and ev.row is not None else last
        if ev is not None and (ev.row is None or not has_own(ev)):
            cur.append(ev)
            continue
        if cur:
            found.append(cur)
        cur = []
    seqs = [_seq(items) for items in found]
    # Which side of its label a figure line stands on where that is plain (a label and its
    # figures, side by side): the table's layout, for the runs where it is not.
    sides = {pair for seq in seqs if _tiled(seq) for pair in (seq[i : i + 2] for i in range(0, len(seq), 2))}
    return [Run(items) for items, seq in zip(found, seqs, strict=True) if _ambiguous(seq, sides)]


def _labels(items: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in items:
        if e.row is not None and not (out and out[-1].row is not None and out[-1].row.key == e.row.key):
            out.append(e)
    return out


def _seq(items: list[Event]) -> str:
    """L for a label, F for a figure line holding a whole row, f for part of one."""
    labels = _labels(items)
    if not labels:
        return "".join("f" for _ in items)
    # A figure line is a whole row's when it holds as many figures as the widest of these rows
    # (one figure a line is a one-cell-per-line export, not rows apart).
    need = max(len(e.row.columns) for e in labels if e.row is not None)
    return "".join(
        "L" if e in labels else ("F" if whole(e, need) else "f") for e in items if e.row is None or e in labels
    )


def _tiled(seq: str) -> bool:
    """Each figure line beside its own label, before or after it: nothing to choose."""
    return len(seq) % 2 == 0 and all({seq[i], seq[i + 1]} == {"L", "F"} for i in range(0, len(seq), 2))


def _ambiguous(seq: str, sides: set[str]) -> bool:
    if "L" not in seq or "F" not in seq or _tiled(seq):
        return False
    if "FF" in seq or ("LL" in seq and seq.count("F") >= 2):
        return True  # the labels and the figure rows no longer alternate
    if "f" in seq or seq.count("L") == seq.count("F"):
        return False  # a row's figures over several lines; or a plain alternation
    # More labels than figure lines ("L F L": a row printed blank, and a figure line between
    # two labels). It is the label's above only in a table whose figures follow their labels,
    # the label's below only where they precede them.
    if sides == {"LF"}:
        return not seq.startswith("L")
    if sides == {"FL"}:
        return "LF" in seq
    return True


def whole(ev: Event, ncols: int) -> bool:
    """A figure line holding a whole row: as many figures as the row has cells, or, where
    empty cells keep their place (tabs, pipes), as many cells."""
    return ev.filled == ncols or (ev.positional and ev.filled > 0 and ncols - 1 <= len(ev.values) <= ncols + 1)


def values_of(ev: Event) -> tuple[str, ...]:
    return tuple(t.text for t in ev.values if t.kind != "empty" or ev.positional)


def orders(run: Run) -> list[list[Event]] | None:
    """The figure lines in the order of the labels: every candidate order (the printed
    one first), or None when the figure lines cannot all be whole rows of these labels."""
    labels, figures = run.labels, run.figures
    if len(labels) != len(figures):
        return None
    if not all(whole(e, len(lab.row.columns)) for lab in labels for e in figures if lab.row is not None):
        return None
    if len({values_of(f) for f in figures}) == 1:
        return [figures]  # every line the same: the order does not matter
    if len(figures) > _MAX_PERMUTED:
        return None
    seen: set[tuple[tuple[str, ...], ...]] = set()
    out = []
    for perm in permutations(figures):
        key = tuple(values_of(f) for f in perm)
        if key not in seen:
            seen.add(key)
            out.append(list(perm))
    return out


def fits(table: str, assigned: dict[str, dict[str, int]], cells: dict[str, dict[str, Cell]]) -> bool:
    """Every identity over the assigned rows that can be checked holds, and one at least could be."""
    if table != "applications":
        return False  # Table 2 has no identities to confirm anything
    eqs: list[Equation] = [
        e for e in table3_equations(set(cells) | set(assigned)) if any(r in assigned for r, _ in (*e.lhs, *e.rhs))
    ]
    checked = 0
    for e in eqs:
        sums = []
        for side in (e.lhs, e.rhs):
            total = 0
            for r, c in side:
                v = assigned[r].get(c) if r in assigned else _value(cells, r, c)
                if v is None:
                    break
                total += v
            else:
                sums.append(total)
        if len(sums) < 2:
            continue
        if e.rule == "t3.row_total":
            continue  # a row's own total holds whichever row it is put in: it confirms nothing
        checked += 1
        if sums[0] != sums[1]:
            return False
    return checked > 0


def _value(cells: dict[str, dict[str, Cell]], row: str, col: str) -> int | None:
    c = cells.get(row, {}).get(col)
    return c.value if c is not None and isinstance(c.value, int) else None


def unplaced(run: Run, table: str, why: str) -> Finding:
    names = "、".join(f"「{e.row.label}」" for e in run.labels if e.row is not None)
    raw = [" ".join(values_of(f)) for f in run.figures]
    return Finding(
        "extract.unplaced",
        "warning",
        f"表格中 {names} 的标签与数值被分开（{why}），数值行（{'；'.join(raw)}）无法确定各属哪一行，"
        "这些行已留空，请人工核对。",
        table=table,
        actual=raw,
        line=min(e.line.number for e in run.items),
    )


def placed_by_sums(run: Run, table: str) -> Finding:
    names = "、".join(f"「{e.row.label}」" for e in run.labels if e.row is not None)
    return Finding(
        "extract.placed_by_sums",
        "warning",
        f"表格中 {names} 的标签与数值被分开，按勾稽关系只有一种对应方式成立，已按此读取，请人工核对。",
        table=table,
        line=min(e.line.number for e in run.items),
    )
