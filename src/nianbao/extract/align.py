"""Align lines of a table region to the template's rows.

Each line becomes an event: a row label (with or without its numbers on the
same line) or a bare run of numbers. Bare numbers go to the label just above
that still lacks numbers, else wait for the next label (numbers printed
above their label). Within a row, numbers are placed by cell position when
the layout keeps empty cells; when placement is not certain the cells are
left blank and a note says why.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from nianbao.document import Line
from nianbao.extract import detached
from nianbao.extract.cells import SplitLine, Tok, is_noise, split_line, split_pieces
from nianbao.extract.glued import Glued, cuts, resolve, resolve_flat
from nianbao.model import Cell, Finding
from nianbao.template import Row, table_def
from nianbao.textnorm import norm_label

RowCells = dict[str, dict[str, Cell]]


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """A row's patterns as one regex: one search per row and line."""
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@dataclass
class _Event:
    line: Line
    split: SplitLine
    row: Row | None = None
    values: list[Tok] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)  # lines the values came from
    positional: bool = True

    @property
    def filled(self) -> int:
        return sum(1 for t in self.values if t.kind in ("num", "blank"))


def match_row(label: str, rows: tuple[Row, ...], last: int, has_values: bool) -> int | None:
    """Index of the row a normalised label names, preferring rows after `last`."""
    hits = [i for i, r in enumerate(rows) if (rx := _compiled(r.patterns)) is not None and rx.search(label)]
    if hits:
        later = [i for i in hits if i > last]
        return later[0] if later else hits[0]
    if has_values:
        for i, r in enumerate(rows):
            if r.weak_patterns and last < i <= last + 3:
                rx = _compiled(r.weak_patterns)
                if rx is not None and rx.search(label):
                    return i
    return None


_MAX_FRAGMENTS = 3  # a label broken over at most this many lines


# How a row's label begins: （五） / 5. / 一、
_LABEL_START = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]+[、.．])")


def _sandwiched(used: list[tuple[str, _Event | None]], label: str) -> bool:
    """Figures printed between the halves of one label: the fragments open with the start of
    a label ("5.要求…确认或"), hold a line of figures alone, and `label` carries on from them
    ("重新出具…") rather than starting a row of its own. Figures beside a piece of label
    belong to the row that piece ends."""
    return (
        bool(_LABEL_START.match(used[0][0]))
        and not _LABEL_START.match(label)
        and any(e is not None for _, e in used)
        and all(not f for f, e in used if e is not None)
    )


_NAMERS: dict[int, tuple[tuple[Row, ...], re.Pattern[str], dict[str, bool]]] = {}


def _names_row(label: str, rows: tuple[Row, ...]) -> bool:
    """The text names a row of its own (a group heading such as （六）其他处理 does not)."""
    hit = _NAMERS.get(id(rows))
    if hit is None or hit[0] is not rows:  # one regex for all the rows, built once per row set
        rx = re.compile("|".join(f"(?:{p})" for r in rows if not r.yields_to for p in r.patterns))
        hit = _NAMERS[id(rows)] = (rows, rx, {})
    seen = hit[2]  # labels repeat from report to report
    named = seen.get(label)
    if named is None:
        if len(seen) > 4096:
            seen.clear()
        named = seen[label] = hit[1].search(norm_label(label)) is not None
    return named


def line_pieces(line: Line, rows: tuple[Row, ...]) -> list[SplitLine]:
    """A line as one row, or cut into pieces where text follows figures: when the figures
    follow a row's label (whatever comes after is not theirs: "规章 0 0 0 信息内容…",
    "7730.28 万元"), or when every later piece names a row (rows run together). Otherwise
    the figures among the label are `dropped`. Blank lines and page numbers give nothing."""
    text = line.text
    if not text.strip() or is_noise(text):
        return []
    pieces = split_pieces(text, line.number, lambda t: _names_row(t, rows))
    if len(pieces) == 1 or _names_row(pieces[0].label, rows) or all(_names_row(p.label, rows) for p in pieces[1:]):
        return pieces
    return [split_line(text, line.number)]


def _rows_named(label: str, rows: tuple[Row, ...]) -> list[int]:
    """The rows a label names, in template order, when it names them in that order at
    separate places ("1.属于国家秘密2.其他法律行政法规禁止公开3.…"); else []."""
    found: list[tuple[int, int]] = []
    for i, r in enumerate(rows):
        rx = _compiled(r.patterns)
        m = rx.search(label) if rx is not None and not r.yields_to else None
        if m is not None:
            found.append((m.start(), i))
    found.sort()
    order = [i for _, i in found]
    starts = [at for at, _ in found]
    if order != sorted(order) or len(set(starts)) != len(starts):
        return []
    return order


def events_for(lines: list[Line], rows: tuple[Row, ...]) -> list[_Event]:
    events: list[_Event] = []
    last = -1
    # Label fragments that matched no row, with the values event each produced:
    # a label broken over lines ("5.属于三类内" / "部事务信息") matches only when joined.
    fragments: list[tuple[str, _Event | None]] = []
    for line in lines:
        for sl in line_pieces(line, rows):
            filled = sum(1 for t in sl.values if t.kind in ("num", "blank"))
            label = norm_label(sl.label)
            named = _rows_named(label, rows) if label and not filled and not sl.sentence else []
            if len(named) >= 2:
                # Labels of several rows gathered in one paragraph, their figures elsewhere
                # (a conversion moved them): one label event a row, for `detached` to place.
                events += [_Event(line, sl, rows[i], [], [line], sl.positional) for i in named]
                last, fragments = named[-1], []
                continue
            idx = match_row(label, rows, last, filled > 0) if label else None
            values = list(sl.values)
            src = [line]
            if label and fragments and not sl.sentence and (idx is None or not filled):
                direct = idx
                for k in range(1, len(fragments) + 1):  # the shortest join that names a row
                    used = fragments[-k:]
                    joined = "".join(f for f, _ in used) + label
                    idx = match_row(joined, rows, last, filled > 0 or any(e for _, e in used))
                    if direct is not None and (idx != direct or not _sandwiched(used, label)):
                        # The second half of a label named its row alone; the join only matters when
                        # it takes back figures printed between the halves ("5.要求…确认或" / 0 / "重新出具…").
                        idx = direct
                        continue
                    if idx is None:
                        continue
                    for _, e in used:  # numbers printed beside an earlier fragment
                        if e is not None:
                            events.remove(e)
                            if not any(t.kind in ("num", "blank") for t in values):
                                values, src = e.values, [e.line, line]
                    break
            if idx is not None:
                last = idx
                fragments = []
                events.append(_Event(line, sl, rows[idx], values, src, sl.positional))
                continue
            ev = None
            if filled and not sl.sentence:
                ev = _Event(line, sl, None, values, [line], sl.positional)
                events.append(ev)
            # A line of figures alone may stand between the halves of its row's label (fixed-width
            # layouts centre the figures vertically): keep it among the fragments, so the label,
            # once joined, takes the figures instead of the row still waiting above.
            keep = (label or ev is not None) and not sl.sentence
            fragments = [*fragments[-(_MAX_FRAGMENTS - 2) :], (label, ev)] if keep else []
    return events


def align_rows(lines: list[Line], rows: tuple[Row, ...], table: str) -> tuple[RowCells, list[Finding]]:
    """Cells of each printed row."""
    events = events_for(lines, rows)
    printed = {e.row.key for e in events if e.row is not None}
    # A label that is only a group heading when its sub-rows are printed is dropped.
    heading = {r.key for r in rows if any(k in printed for k in r.yields_to)}
    if heading:
        events = [e for e in events if e.row is None or e.row.key not in heading]
    notes: list[Finding] = []
    # Runs where labels and figure lines no longer alternate are placed apart (see `detached`).
    apart = detached.runs(events, _has_own)
    if apart:
        skip = {id(e) for run in apart for e in run.items}
        events = [e for e in events if id(e) not in skip]
    done: dict[str, _Event] = {}
    pending: _Event | None = None
    orphans: list[_Event] = []
    unplaced = False  # figures were left that no row took: rows printed without figures may be theirs

    def finish(ev: _Event) -> None:
        assert ev.row is not None
        if ev.row.key in done:
            prev = done[ev.row.key]
            if [t.text for t in prev.values if t.kind != "empty"] != [t.text for t in ev.values if t.kind != "empty"]:
                notes.append(
                    Finding(
                        "extract.duplicate_row",
                        "warning",
                        f"「{ev.row.label}」一行出现两次且数值不同，已采用第一次出现的数值，请人工核对。",
                        table=table,
                        row=ev.row.key,
                        line=ev.line.number,
                    )
                )
            return
        done[ev.row.key] = ev

    last_label: _Event | None = None
    for ev in events:
        if ev.row is not None and last_label is not None and _continues(last_label, ev):
            # Both halves of a broken label name the row ("2.没有现成信" / "息需要另行制作").
            if ev.filled and not last_label.filled:
                _attach(last_label, ev)
                if last_label is pending:
                    finish(pending)
                    pending = None
            continue
        if ev.row is not None:
            last_label = ev
            if pending is not None:
                finish(pending)
                pending = None
            has_own = _has_own(ev)
            if not has_own and orphans:
                for o in orphans:
                    _attach(ev, o)
                orphans = []
                finish(ev)
            else:
                if orphans:
                    notes.append(_unplaced_orphans(orphans, table))
                    orphans = []
                    unplaced = True
                if has_own:
                    finish(ev)
                else:
                    pending = ev
        else:
            if pending is not None and pending.row is not None:
                _attach(pending, ev)
                if pending.filled >= len(pending.row.columns):
                    finish(pending)
                    pending = None
            else:
                orphans.append(ev)
    if pending is not None:
        finish(pending)
    if orphans:
        notes.append(_unplaced_orphans(orphans, table))
        unplaced = True

    for ev in done.values():
        if ev.split.dropped and ev.row is not None:
            notes.append(_dropped(ev, table))
    out: RowCells = {}
    centers = column_centers(list(done.values()))
    counts = cell_counts(list(done.values()))
    # Complete rows followed by empty cells: an empty cell at a row's end may lie past the table.
    trailing = any(
        ev.row is not None
        and ev.positional
        and ev.values
        and ev.values[-1].kind == "empty"
        and ev.filled == len(ev.row.columns)
        for ev in done.values()
    )
    total_x = header_total_x(lines, events)
    by_number = {ln.number: ln for ln in lines}
    glued: list[tuple[_Event, Finding]] = []
    for key, ev in done.items():
        assert ev.row is not None
        cells, note = place_row(ev, table, centers, total_x, by_number, counts, unplaced, trailing)
        out[key] = cells
        if note and _maybe_glued(ev):
            glued.append((ev, note))
        elif note:
            notes.append(note)
    for run in apart:
        notes += _place_apart(run, table, out, done)
    for ev, note in glued:
        notes.append(_split_glued(ev, table, out) or note)
    return out, notes


def _has_own(ev: _Event) -> bool:
    """A label event carrying its own figures (or, in a tab layout, its own empty cells)."""
    assert ev.row is not None
    return ev.filled > 0 or (ev.positional and len(ev.values) >= len(ev.row.columns) - 1)


def _place_apart(run: detached.Run, table: str, out: RowCells, done: dict[str, _Event]) -> list[Finding]:
    """A run of labels and figure lines pulled apart: placed when every candidate order that
    the identities allow gives each row the same figures; else its rows are left unread."""
    labels = [e for e in run.labels if e.row is not None and e.row.key not in done]
    if not labels:
        return [detached.unplaced(run, table, "数值行多于标签")]
    orders = detached.orders(run)
    chosen: list[_Event] | None = None
    note: Finding | None = None
    if orders is not None and len(orders) == 1:
        chosen = orders[0]
    elif orders is not None:
        fitting = [o for o in orders if detached.fits(table, _assigned(labels, o), out)]
        if len({tuple(detached.values_of(f) for f in o) for o in fitting}) == 1:
            chosen, note = fitting[0], detached.placed_by_sums(run, table)
    if chosen is None:
        for ev in labels:
            assert ev.row is not None
            out[ev.row.key] = {c.key: _cell(None, ev, {}, unread=True) for c in ev.row.columns}
        why = "标签与数值行数不一致" if orders is None else "多种对应方式都说得通"
        return [detached.unplaced(run, table, why)]
    notes = [note] if note else []
    for ev, fig in zip(labels, chosen, strict=True):
        assert ev.row is not None
        _attach(ev, fig)
        done[ev.row.key] = ev
        cells, n = place_row(ev, table)
        out[ev.row.key] = cells
        if n:
            notes.append(n)
    return notes


def _assigned(labels: list[_Event], order: list[_Event]) -> dict[str, dict[str, int]]:
    """The figures each label's row would hold in this order (blank marks left out)."""
    out: dict[str, dict[str, int]] = {}
    for ev, fig in zip(labels, order, strict=True):
        assert ev.row is not None
        cols = ev.row.columns
        toks = place(fig.values, fig.positional, len(cols), cols[-1].key == "total") or [None] * len(cols)
        out[ev.row.key] = {
            c.key: t.value for c, t in zip(cols, toks, strict=True) if t is not None and isinstance(t.value, int)
        }
    return out


def _maybe_glued(ev: _Event) -> bool:
    """Figures fewer than the row's cells, in a layout that keeps no empty cells (runs of
    spaces): some may have run together."""
    assert ev.row is not None
    nums = [t for t in ev.values if t.kind != "empty"]
    return not ev.positional and 0 < len(nums) < len(ev.row.columns) and all(t.kind == "num" for t in nums)


def _split_glued(ev: _Event, table: str, out: RowCells) -> Finding | None:
    """Figures run together cut back by the identities (see `glued`); the row's cells filled
    when exactly one cut fits. The finding to report, or None to keep the row's own."""
    assert ev.row is not None
    g = Glued(
        ev.row.key,
        ev.row.label,
        [t for t in ev.values if t.kind == "num"],
        [c.key for c in ev.row.columns],
        ev.line.number,
    )
    if table not in ("applications", "review_litigation") or cuts(g.tokens, len(g.columns)) is None:
        return None  # no digits to cut: the row's own finding stands
    way, finding = resolve(table, g, out)
    if way is not None:
        by_line = {ln.number: ln for ln in ev.lines}
        out[ev.row.key] = {c: tok_cell(t, by_line.get(t.line, ev.line)) for c, t in zip(g.columns, way, strict=True)}
    return finding


def _continues(prev: _Event, ev: _Event) -> bool:
    """`ev` names the same row as the label just before it, on the next line or so."""
    assert prev.row is not None and ev.row is not None
    return prev.row.key == ev.row.key and 0 < ev.line.number - prev.line.number <= 2 and not (prev.filled and ev.filled)


def _attach(target: _Event, ev: _Event) -> None:
    if target.filled == 0:
        target.values = list(ev.values)
        target.positional = ev.positional
    else:
        target.values.extend(ev.values)
        target.positional = False  # positions across lines mean nothing
    target.lines.append(ev.line)


def _unplaced_orphans(orphans: list[_Event], table: str) -> Finding:
    raw = [t.text for o in orphans for t in o.values if t.kind != "empty"]
    return Finding(
        "extract.unplaced",
        "warning",
        f"表格中有一组数值（{' '.join(raw)}）找不到对应的行，未采用，请人工核对。",
        table=table,
        actual=raw,
        line=orphans[0].line.number,
    )


def _dropped(ev: _Event, table: str) -> Finding:
    assert ev.row is not None
    raw = [t.text for t in ev.split.dropped]
    return Finding(
        "extract.unplaced",
        "warning",
        f"「{ev.row.label}」一行的文字中夹有数值（{' '.join(raw)}），未采用；该行各栏取自文字之后的数值，请人工核对。",
        table=table,
        row=ev.row.key,
        actual=raw,
        line=ev.line.number,
    )


def place(
    values: list[Tok], positional: bool, ncols: int, total_last: bool = True, sure: bool = False
) -> list[Tok | None] | None:
    """The tokens of each of `ncols` columns, or None when they cannot be placed with confidence.
    `total_last`: the last column is the row's total (Tables 3 and 4). `sure`: the complete rows
    around hold as many cells as this one."""
    filled = [t for t in values if t.kind in ("num", "blank")]
    if len(filled) == ncols:
        return list(filled)
    if not filled:
        return [None] * ncols
    if not positional:
        return None
    # A trailing empty cell read as a blank last column may as well be a cell past the table,
    # the row having lost one of its own: only the rows around can tell.
    if len(values) == ncols and (sure or values[-1].kind != "empty"):
        return [t if t.kind != "empty" else None for t in values]
    cells = list(values)
    while cells and cells[-1].kind == "empty":
        cells.pop()
    if len(cells) == ncols:
        return [t if t.kind != "empty" else None for t in cells]
    if len(cells) > ncols:
        lead, tail = cells[: len(cells) - ncols], cells[len(cells) - ncols :]
        if all(t.kind == "empty" for t in lead):
            return [t if t.kind != "empty" else None for t in tail]
        return None
    # Fewer cells than columns: an empty column was lost in conversion. A lone
    # figure at the row's end is its 总计 (the last column); anything else is a guess.
    if total_last and len(filled) == 1 and cells[-1] is filled[0]:
        return [None] * (ncols - 1) + [filled[0]]
    return None


def cell_counts(events: list[_Event]) -> dict[tuple[int, int, str], int]:
    """How many cells a line holds in a layout that keeps empty cells (tabs, pipes), by column
    count and the cell its figures start after: the count of nearly all the rows of that shape
    printed complete on one line, when they agree. Counted twice: up to the line's last cell
    ("end"), and up to its last figure ("last"), as some rows carry empty cells past the table."""
    seen: dict[tuple[int, int, str], Counter[int]] = {}
    for ev in events:
        if ev.row is None or not ev.positional or len(ev.lines) != 1 or ev.split.shared or not ev.values:
            continue
        if ev.filled == len(ev.row.columns):
            for key, n in _ends(ev).items():
                seen.setdefault(key, Counter())[n] += 1
    out: dict[tuple[int, int, str], int] = {}
    for shape, counts in seen.items():
        count, n = counts.most_common(1)[0]
        if n >= 3 and n >= 0.9 * sum(counts.values()):
            out[shape] = count
    return out


def _ends(ev: _Event) -> dict[tuple[int, int, str], int]:
    """The row's shape keys (column count, cell its figures start after / its first figure) and
    the cell count each measures."""
    assert ev.row is not None
    n = len(ev.row.columns)
    filled = [t for t in ev.values if t.kind in ("num", "blank")]
    out = {(n, ev.values[0].index, "end"): ev.values[-1].index + 1}
    if filled:
        out[(n, filled[0].index, "last")] = filled[-1].index + 1
    return out


def _lost(ev: _Event, counts: dict[tuple[int, int, str], int]) -> bool:
    """A row with blank cells holds a cell fewer than the complete rows of its shape, by both
    counts that are known: a cell was lost, and which is unknown."""
    known = [(n, counts[key]) for key, n in _ends(ev).items() if key in counts]
    return bool(known) and all(n != want for n, want in known)


def column_centers(events: list[_Event]) -> dict[int, list[float]]:
    """Where each column sits in a fixed-width layout (text laid out with runs of
    spaces, as `pdftotext -layout` writes it): the median centre of each value
    in the rows printed complete on one line, per column count."""
    seen: dict[int, list[list[float]]] = {}
    for ev in events:
        if ev.row is None or ev.positional or len(ev.lines) != 1:
            continue
        filled = [t for t in ev.values if t.kind in ("num", "blank")]
        if len(filled) == len(ev.row.columns) > 1:
            seen.setdefault(len(filled), []).append([(t.start + t.end) / 2 for t in filled])
    out: dict[int, list[float]] = {}
    for n, rows in seen.items():
        if len(rows) >= 2:
            out[n] = [sorted(col)[len(col) // 2] for col in zip(*rows, strict=True)]
    return out


def place_by_position(values: list[Tok], centers: list[float]) -> list[Tok | None] | None:
    """Values of a row with blanks, placed by their column position; None if any is ambiguous."""
    gaps = [b - a for a, b in pairwise(centers)]
    if not gaps or min(gaps) <= 0:
        return None
    tolerance = min(gaps) / 3
    placed: list[Tok | None] = [None] * len(centers)
    for t in values:
        if t.kind not in ("num", "blank"):
            continue
        mid = (t.start + t.end) / 2
        best = min(range(len(centers)), key=lambda i: abs(centers[i] - mid))
        if abs(centers[best] - mid) > tolerance or placed[best] is not None:
            return None
        placed[best] = t
    return placed


def header_total_x(lines: list[Line], events: list[_Event]) -> float | None:
    """Where the 总计 column's heading sits in a fixed-width layout, from the header above the first row."""
    first = min((ev.line.number for ev in events if ev.row is not None), default=None)
    if first is None:
        return None
    found = [(ln.text, ln.text.find("总计")) for ln in lines if ln.number < first and "总计" in ln.text]
    if len(found) != 1:
        return None
    text, i = found[0]
    return i + 1.0 if _padded(text, i) else None  # the heading's centre, if laid out by spaces


def header_columns(lines: list[Line], rows: tuple[Row, ...]) -> list[float] | None:
    """Centres of a one-line table's columns in fixed-width text, from its header: the words
    of the column headings ("结果" over "维持", or whole), over all the header lines, gathered
    by position. Only when they make exactly the template's columns, each group ending in
    its 总计, and the header is laid out by runs of spaces."""
    labels = [norm_label(c.label) for r in rows for c in r.columns]
    centres: list[tuple[float, str]] = []
    for ln in lines:
        for m in _WORD.finditer(ln.text):
            word = norm_label(m.group())
            if any(word in lab for lab in labels) and _padded(ln.text, m.start()):
                centres.append(((m.start() + m.end()) / 2, word))
    if not centres:
        return None
    centres.sort()
    columns: list[list[tuple[float, str]]] = [[centres[0]]]
    for c in centres[1:]:
        if c[0] - columns[-1][-1][0] > _COLUMN_GAP:
            columns.append([])
        columns[-1].append(c)
    if len(columns) != len(labels) or any(col[-1][0] - col[0][0] > _COLUMN_GAP for col in columns):
        return None
    for col, lab in zip(columns, labels, strict=True):  # each column's words spell its own heading
        if not all(w in lab for _, w in col):
            return None
    return [sum(x for x, _ in col) / len(col) for col in columns]


_WORD = re.compile(r"\S+")
_COLUMN_GAP = 2.0  # characters


def _padded(text: str, start: int) -> bool:
    """Whether a run of spaces leads up to `start`: the mark of a fixed-width layout."""
    return start >= _PADDING and text[start - _PADDING : start].isspace()


_PADDING = 2


def place_lone_total(ev: _Event, total_x: float, ncols: int) -> list[Tok | None] | None:
    """A row whose only figure stands under the 总计 heading (the applicant columns left
    blank, their gaps lost in conversion): the figure is the total."""
    filled = [t for t in ev.values if t.kind in ("num", "blank")]
    if len(filled) != 1:
        return None
    tok = filled[0]
    text = next((ln.text for ln in ev.lines if ln.number == tok.line), "")
    if not _padded(text, tok.start) or abs((tok.start + tok.end) / 2 - total_x) > _TOTAL_TOLERANCE:
        return None
    return [None] * (ncols - 1) + [tok]


# Character columns between a figure's centre and its heading's: column gaps are ≥ 4 in
# `pdftotext -layout` output, so 2 cannot reach a neighbouring column.
_TOTAL_TOLERANCE = 2


def place_by_lines(tokens: list[Tok], by_number: dict[int, Line], first: int, n: int) -> list[Tok | None] | None:
    """One cell per line, an empty line for an empty cell (LibreOffice's text export of a
    table): the `n` lines from `first` are the cells in order. None unless every figure
    stands alone and unindented on one of those lines and the others are empty."""
    at = {t.line: t for t in tokens if t.kind in ("num", "blank")}
    if not at or len(at) != sum(1 for t in tokens if t.kind in ("num", "blank")):
        return None  # two figures on one line: not this layout
    out: list[Tok | None] = []
    for number in range(first, first + n):
        ln = by_number.get(number)
        if ln is None:
            return None
        tok = at.pop(number, None)
        if tok is None:
            if ln.text.strip():
                return None
        elif ln.text.rstrip("\r\n") != tok.text:
            return None  # indented or with other text: a fixed-width layout, not one cell per line
        out.append(tok)
    return out if not at else None  # figures outside the window belong elsewhere


def place_row(
    ev: _Event,
    table: str,
    centers: dict[int, list[float]] | None = None,
    total_x: float | None = None,
    by_number: dict[int, Line] | None = None,
    counts: dict[tuple[int, int, str], int] | None = None,
    unplaced: bool = False,
    trailing: bool = False,
) -> tuple[dict[str, Cell], Finding | None]:
    """The row's cells, and a note when its figures cannot be placed (its cells are then
    unread, never blank). `unplaced`: the table holds figures no row took, so a row printed
    without figures (and without the empty cells of a tab or pipe layout) may be theirs.
    `trailing`: complete rows of the table carry empty cells past their last column."""
    assert ev.row is not None
    cols = ev.row.columns
    # A row run together with others on one line is taken only whole: its empty cells and
    # positions may as well be its neighbour's.
    alone = not ev.split.shared
    # A row with blank cells is placed by cell position only when it holds as many cells as
    # the complete rows around it: one cell fewer means a cell was lost, and which is unknown.
    lost = sure = False
    if counts is not None and ev.positional and len(ev.lines) == 1 and 0 < ev.filled < len(cols):
        lost = _lost(ev, counts)
        sure = not lost and not trailing and any(key in counts for key in _ends(ev))
    placed = place(ev.values, ev.positional and alone and not lost, len(cols), cols[-1].key == "total", sure)
    if placed is not None and unplaced and ev.filled == 1 and len(ev.values) < len(cols) - 1 and placed[-1]:
        placed = None  # a lone figure taken for the total, while figures the row may have lost lie about
    if placed is None and alone and centers and not ev.positional and len(ev.lines) == 1 and len(cols) in centers:
        placed = place_by_position(ev.values, centers[len(cols)])
    if placed is None and alone and total_x is not None and not ev.positional and cols[-1].key == "total":
        placed = place_lone_total(ev, total_x, len(cols))
    if placed is None and alone and by_number is not None:
        placed = place_by_lines(ev.values, by_number, ev.line.number + 1, len(cols))
    note = None
    if placed is None:
        raw = [t.text for t in ev.values if t.kind != "empty"]
        note = Finding(
            "extract.unplaced",
            "warning",
            f"「{ev.row.label}」一行识别到 {len(raw)} 个数值（{' '.join(raw)}），与模板的 {len(cols)} 栏对不上，"
            "无法确定各数值所在的栏，已留空，请人工核对。",
            table=table,
            row=ev.row.key,
            actual=raw,
            line=ev.line.number,
        )
        placed = [None] * len(cols)
    # Not seen at all: the figures were not placed, or may be among the table's unplaced ones.
    unread = note is not None or (unplaced and ev.filled == 0 and not (ev.positional and len(ev.values) >= len(cols)))
    # Recognised text (OCR) whose row has figures but no total: the recogniser missed ink
    # rather than the report leaving its total blank.
    if (
        not unread
        and cols[-1].key == "total"
        and placed[-1] is None
        and any(t is not None and t.kind == "num" for t in placed)
        and any(ln.confidences is not None for ln in ev.lines)
    ):
        unread = True
    by_line = {ln.number: ln for ln in ev.lines}
    out: dict[str, Cell] = {}
    for col, tok in zip(cols, placed, strict=True):
        out[col.key] = _cell(tok, ev, by_line, unread)
    return out, note


def _cell(tok: Tok | None, ev: _Event, by_line: dict[int, Line], unread: bool = False) -> Cell:
    if tok is None:
        return Cell(None, None, ev.line.number, None, None, ev.line.page, unread=unread)
    return tok_cell(tok, by_line.get(tok.line, ev.line))


def tok_cell(tok: Tok, ln: Line) -> Cell:
    """A cell for a printed token, with its line's per-cell box and confidence."""
    bbox = ln.boxes[tok.index] if ln.boxes and tok.index < len(ln.boxes) else None
    conf = ln.confidences[tok.index] if ln.confidences and tok.index < len(ln.confidences) else 1.0
    if conf <= 0.0:  # a reader's placeholder for ink nothing could read: no value, unread
        return Cell(None, None, ln.number, tok.start, tok.end, ln.page, bbox, 0.0, True)
    return Cell(tok.value, tok.text, ln.number, tok.start, tok.end, ln.page, bbox, conf, tok.unread)


def align_flat(lines: list[Line], rows: tuple[Row, ...], table: str) -> tuple[RowCells, list[Finding]]:
    """A table printed as one line of numbers under a header (Table 4): the
    values of all rows stand in template order on unlabelled lines."""
    ncols = sum(len(r.columns) for r in rows)
    value_lines: list[SplitLine] = []
    stray: list[Tok] = []  # figures printed among the header's words (an OCR line run across both)
    for line in lines:
        if not line.text.strip() or is_noise(line.text):
            continue
        sl = split_line(line.text, line.number)
        if not sl.label and any(t.kind in ("num", "blank") for t in sl.values):
            value_lines.append(sl)
        elif not sl.sentence:
            stray += [t for t in sl.dropped if t.kind == "num"]
    notes: list[Finding] = []
    placed: list[Tok | None] | None
    # No figure at all under the header: the cells were not seen (a picture, a lost page).
    unread = not value_lines or bool(stray)
    if stray:
        raw = [t.text for t in stray]
        notes.append(
            Finding(
                "extract.unplaced",
                "warning",
                f"{table_def(table, None).short_name}的表头文字中夹有数值（{' '.join(raw)}），无法确定所在的栏，未采用；"
                "空着的单元格按未能读取处理，请人工核对。",
                table=table,
                actual=raw,
                line=stray[0].line,
            )
        )
    if not value_lines:
        placed = [None] * ncols
    elif len(value_lines) == 1:
        placed = place(value_lines[0].values, value_lines[0].positional, ncols)
    else:
        placed = place([t for sl in value_lines for t in sl.values], False, ncols)
    first = value_lines[0].values[0].line if value_lines and value_lines[0].values else None
    by_line = {ln.number: ln for ln in lines}
    if placed is None and len(value_lines) == 1 and not value_lines[0].positional and first is not None:
        # Fixed-width text whose blank cells lost their gaps: place by the header's columns.
        heads = header_columns([ln for ln in lines if ln.number < first], rows)
        if heads is not None and all(_padded(by_line[t.line].text, t.start) for t in value_lines[0].values):
            placed = place_by_position(value_lines[0].values, heads)
    if placed is None and first is not None:
        # One cell per line: the cells are the lines right after the header's last line.
        header = max((ln.number for ln in lines if ln.number < first and ln.text.strip()), default=None)
        if header is not None:
            placed = place_by_lines([t for sl in value_lines for t in sl.values], by_line, header + 1, ncols)
    glued_note: Finding | None = None
    if placed is None and first is not None and len(value_lines) == 1 and not value_lines[0].positional:
        nums = [t for t in value_lines[0].values if t.kind != "empty"]
        if 0 < len(nums) < ncols and cuts(nums, ncols) is not None:
            # Figures run together (a text dump): cut back only if one cut makes every total hold.
            groups = [(r.key, [c.key for c in r.columns]) for r in rows]
            way, glued_note = resolve_flat(table, nums, groups, first)
            placed = list(way) if way is not None else None
            if way is not None:
                notes.append(glued_note)
    if placed is None and glued_note is not None:
        notes.append(glued_note)
        placed = [None] * ncols
        unread = True
    if placed is None:
        raw = [t.text for sl in value_lines for t in sl.values if t.kind != "empty"]
        notes.append(
            Finding(
                "extract.unplaced",
                "warning",
                f"{table_def(table, None).short_name}识别到 {len(raw)} 个数值（{' '.join(raw)}），与模板的 {ncols} 栏对不上，"
                "无法确定各数值所在的栏，已留空，请人工核对。",
                table=table,
                actual=raw,
                line=first,
            )
        )
        placed = [None] * ncols
        unread = True
    out: RowCells = {}
    it = iter(placed)
    for r in rows:
        out[r.key] = {}
        for c in r.columns:
            tok = next(it)
            if tok is None:
                ln = by_line.get(first) if first else None
                out[r.key][c.key] = Cell(None, None, first, None, None, ln.page if ln else None, unread=unread)
            else:
                out[r.key][c.key] = tok_cell(tok, by_line[tok.line])
    return out, notes
