"""Rebuild lines and table rows from positioned text (PDF characters, OCR boxes).

Input: words (text with a box, top-down page coordinates) and ruling lines.
Where ruling lines form a grid, every grid cell becomes one tab-separated
cell of a row line; merged cells (row/column spans) keep their text in the
top-left cell and leave empty strings elsewhere. Text outside any grid is
grouped into lines by vertical overlap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nianbao.document import UNREAD, BBox, Line
from nianbao.textnorm import is_blank_mark, parse_number

# Whether a page has ink in a box (page points): OCR's check that an empty cell is empty.
Ink = Callable[[BBox], bool]

TOL = 2.0  # points: rules closer than this are one rule


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def h(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class HRule:
    y: float
    x0: float
    x1: float


@dataclass(slots=True)
class VRule:
    x: float
    y0: float
    y1: float


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    hr: list[HRule] = field(default_factory=list)
    vr: list[VRule] = field(default_factory=list)
    # No rule above the first / under the last row: the table runs on from the previous
    # page / on to the next one, and that row was cut by the page break.
    open_top: bool = False
    open_bottom: bool = False

    @property
    def box(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, w: Word) -> bool:
        return self.xs[0] - TOL <= w.cx <= self.xs[-1] + TOL and self.ys[0] - TOL <= w.cy <= self.ys[-1] + TOL

    def has_h(self, i: int, j: int) -> bool:
        """A rule at ys[i] across column j."""
        y, mid = self.ys[i], (self.xs[j] + self.xs[j + 1]) / 2
        return any(abs(r.y - y) <= TOL and r.x0 - TOL <= mid <= r.x1 + TOL for r in self.hr)

    def has_v(self, i: int, j: int) -> bool:
        """A rule at xs[j] across row i."""
        x, mid = self.xs[j], (self.ys[i] + self.ys[i + 1]) / 2
        return any(abs(r.x - x) <= TOL and r.y0 - TOL <= mid <= r.y1 + TOL for r in self.vr)


def _cluster(values: list[float], tol: float = TOL) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _merge_h(rules: list[HRule]) -> list[HRule]:
    """Collinear pieces that touch as one rule. Browsers draw a table's border cell by cell:
    under a merged cell a piece may touch no vertical rule, yet it belongs to the line."""
    out: list[HRule] = []
    level: list[HRule] = []
    for r in [*sorted(rules, key=lambda r: r.y), None]:
        if r is not None and (not level or r.y - level[-1].y <= TOL / 2):
            level.append(r)
            continue
        merged: list[HRule] = []
        for piece in sorted(level, key=lambda r: r.x0):
            if merged and piece.x0 <= merged[-1].x1 + TOL:
                merged[-1].x1 = max(merged[-1].x1, piece.x1)
            else:
                merged.append(HRule(piece.y, piece.x0, piece.x1))
        out += merged
        level = [r] if r is not None else []
    return out


def _merge_v(rules: list[VRule]) -> list[VRule]:
    merged = _merge_h([HRule(r.x, r.y0, r.y1) for r in rules])
    return [VRule(r.y, r.x0, r.x1) for r in merged]


def find_grids(hrules: list[HRule], vrules: list[VRule], open_edges: bool = False) -> list[Grid]:
    """Tables: connected groups of crossing horizontal and vertical rules. With `open_edges`
    (exact positions: a text layer), a table whose rules run past its outermost rules of the
    other direction is closed where they end: a browser prints a table wider than the page
    without its right-hand rule, and a table cut by a page break without the rule under
    (or above) the cut row."""
    hs = [r for r in _merge_h(hrules) if r.x1 - r.x0 > 4]
    vs = [r for r in _merge_v(vrules) if r.y1 - r.y0 > 4]
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, h in enumerate(hs):
        for k, v in enumerate(vs):
            if h.x0 - TOL <= v.x <= h.x1 + TOL and v.y0 - TOL <= h.y <= v.y1 + TOL:
                parent[find(i)] = find(len(hs) + k)
    groups: dict[int, tuple[list[HRule], list[VRule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for k, v in enumerate(vs):
        groups.setdefault(find(len(hs) + k), ([], []))[1].append(v)
    grids: list[Grid] = []
    for gh, gv in groups.values():
        xs = _cluster([v.x for v in gv])
        ys = _cluster([h.y for h in gh])
        if len(xs) < 2 or len(ys) < 2:
            continue
        grid = Grid(xs, ys, gh, gv)
        if open_edges:
            _close_edges(grid)
        grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids


def _close_edges(g: Grid) -> None:
    # Two rules at least must run on (a cut table's every column rule does); one long
    # rule alone may be a frame or a margin line.
    def beyond(values: list[float]) -> float | None:
        return values[1] if len(values) >= 2 else None

    top = beyond(sorted(v.y0 for v in g.vr if v.y0 < g.ys[0] - 3 * TOL))
    bottom = beyond(sorted((v.y1 for v in g.vr if v.y1 > g.ys[-1] + 3 * TOL), reverse=True))
    if top is not None:
        g.ys.insert(0, top)
        g.open_top = True
    if bottom is not None:
        g.ys.append(bottom)
        g.open_bottom = True
    left = beyond(sorted(h.x0 for h in g.hr if h.x0 < g.xs[0] - 3 * TOL))
    right = beyond(sorted((h.x1 for h in g.hr if h.x1 > g.xs[-1] + 3 * TOL), reverse=True))
    if left is not None:
        g.xs.insert(0, left)
        g.vr.append(VRule(left, g.ys[0], g.ys[-1]))
    if right is not None:
        g.xs.append(right)
        g.vr.append(VRule(right, g.ys[0], g.ys[-1]))
    for y in (g.ys[0], g.ys[-1]):
        g.hr.append(HRule(y, g.xs[0], g.xs[-1]))


@dataclass
class _Row:
    y: float
    cells: list[str]
    boxes: list[BBox | None]
    confs: list[float]
    table: bool
    grid: int = -1  # for table rows: the grid and the row's index in it
    index: int = -1


def _join(words: list[Word]) -> str:
    """Text of words inside one cell or line: reading order, spaces at wide gaps."""
    if not words:
        return ""
    lines = _group_lines(words)
    parts: list[str] = []
    for ln in lines:
        s = ""
        prev: Word | None = None
        for w in ln:
            if prev is not None:
                gap = w.x0 - prev.x1
                if gap > 0.6 * max(prev.h, w.h, 1.0) and not s.endswith(" "):
                    s += " "
            s += w.text
            prev = w
        parts.append(s.strip())
    # A cell's lines are one label wrapped by the cell width: join without a break.
    return "".join(parts)


def _join_runs(words: list[Word]) -> tuple[str, list[float], list[BBox]]:
    """One free line: its text, and the confidence and box of each whitespace-separated run
    (the tokenizer's cell index on a line without tabs)."""
    text = ""
    confs: list[float] = []
    boxes: list[BBox] = []
    prev: Word | None = None
    for w in words:
        t = w.text.strip()
        if not t:
            continue
        if prev is not None and w.x0 - prev.x1 > 0.6 * max(prev.h, w.h, 1.0):
            text += " "
        joined = bool(text) and not text.endswith(" ")
        runs = t.split()
        box = (w.x0, w.top, w.x1, w.bottom)
        if joined and confs:
            confs[-1] = min(confs[-1], w.conf)
            b = boxes[-1]
            boxes[-1] = (min(b[0], w.x0), min(b[1], w.top), max(b[2], w.x1), max(b[3], w.bottom))
            runs = runs[1:]
        confs += [w.conf] * len(runs)
        boxes += [box] * len(runs)
        text += " ".join(t.split())
        prev = w
    return text, confs, boxes


def _group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by vertical overlap into lines, top to bottom, left to right."""
    out: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        for i, (top, bottom, ws) in enumerate(out):
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(bottom - top, w.h, 1e9) and abs(w.cy - (top + bottom) / 2) < 0.6 * max(w.h, 1):
                ws.append(w)
                out[i] = (min(top, w.top), max(bottom, w.bottom), ws)
                break
        else:
            out.append((w.top, w.bottom, [w]))
    out.sort(key=lambda t: t[0])
    return [sorted(ws, key=lambda w: w.x0) for _, _, ws in out]


def _union(words: list[Word]) -> BBox:
    return (min(w.x0 for w in words), min(w.top for w in words), max(w.x1 for w in words), max(w.bottom for w in words))


def _grid_rows(grid: Grid, words: list[Word]) -> list[_Row]:
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    parent = {(i, j): (i, j) for i in range(nr) for j in range(nc)}

    def find(a: tuple[int, int]) -> tuple[int, int]:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is the top-left cell

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not grid.has_v(i, j + 1):
                union((i, j), (i, j + 1))
            if i + 1 < nr and not grid.has_h(i + 1, j):
                union((i, j), (i + 1, j))
    content: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        i = _index(grid.ys, w.cy)
        j = _index(grid.xs, w.cx)
        content.setdefault(find((i, j)), []).append(w)
    rows: list[_Row] = []
    for i in range(nr):
        cells: list[str] = []
        boxes: list[BBox | None] = []
        confs: list[float] = []
        for j in range(nc):
            ws = content.get((i, j)) if find((i, j)) == (i, j) else None
            if ws:
                cells.append(_join(ws).replace("\t", " "))
                boxes.append(_union(ws))
                confs.append(min(w.conf for w in ws))
            else:
                cells.append("")
                boxes.append(None)
                confs.append(1.0)
        if any(cells):
            rows.append(_Row(grid.ys[i], cells, boxes, confs, True, index=i))
    return rows


def _index(bounds: list[float], v: float) -> int:
    for k in range(len(bounds) - 1):
        if v < bounds[k + 1]:
            return k
    return len(bounds) - 2


def page_lines(
    words: list[Word],
    hrules: list[HRule],
    vrules: list[VRule],
    page: int,
    borderless: bool = True,
    ink: Ink | None = None,
) -> list[Line]:
    """Lines of one page in reading order; table rows as tab-joined cells. `borderless`
    rebuilds the columns of tables without rules. With OCR a missed digit would become a
    blank cell, so OCR passes `ink`: an empty cell of a rebuilt column is seen empty only
    where the page has no ink, else it is `UNREAD`."""
    return page_tables(words, hrules, vrules, page, borderless=borderless, ink=ink)[0]


@dataclass
class Breaks:
    """What a page's tables say about its page breaks (see `join_pages`)."""

    cut: Line | None = None  # the last table row, cut by the page's end (no rule under it)
    cut_table: tuple[str, ...] = ()  # the rows of the table it ends (to know its repeated header)
    head: list[Line] = field(default_factory=list)  # the rows of the page's first table
    open_top: bool = False  # that table has no rule above its first row
    one_table: bool = False  # the first table is the last: it runs over the whole page


def page_tables(
    words: list[Word],
    hrules: list[HRule],
    vrules: list[VRule],
    page: int,
    borderless: bool = True,
    open_edges: bool = False,
    ink: Ink | None = None,
) -> tuple[list[Line], Breaks]:
    """`page_lines`, with what the page's tables say about the page breaks. `open_edges`
    (exact positions only) closes tables cut by the page's edges (`find_grids`)."""
    grids = [g for g in find_grids(hrules, vrules, open_edges) if len(g.xs) >= 3]
    rows: list[_Row] = []
    free: list[Word] = []
    inside: dict[int, list[Word]] = {}
    for w in words:
        for gi, g in enumerate(grids):
            if g.contains(w):
                inside.setdefault(gi, []).append(w)
                break
        else:
            free.append(w)
    for gi, g in enumerate(grids):  # (a box drawn round text, one column, is not a table)
        for r in _grid_rows(g, inside.get(gi, [])):
            r.grid = gi
            rows.append(r)
    for ln in _group_lines(free):
        text, confs, boxes = _join_runs(ln)
        if text:
            rows.append(_Row(min(w.top for w in ln), [text], list(boxes), confs, False))
    rows.sort(key=lambda r: r.y)
    if borderless:
        rows = virtual_columns(rows, ink)
    out: list[Line] = []
    breaks = Breaks()
    first = min(range(len(grids)), key=lambda gi: grids[gi].ys[0], default=-1)
    last = max(range(len(grids)), key=lambda gi: grids[gi].ys[-1], default=-1)
    for r in rows:
        has_conf = any(c < 1.0 for c in r.confs)
        # Free lines: one box and confidence per whitespace-separated run (the tokenizer's cell index).
        text = "\t".join(r.cells) if r.table else r.cells[0]
        line = Line(text, 0, page, tuple(r.boxes), tuple(r.confs) if has_conf else None)
        out.append(line)
        if r.grid < 0:
            continue
        if r.grid == first:
            breaks.head.append(line)
        if r.grid == last and grids[last].open_bottom:
            breaks.cut_table += (text,)
            if r.index == len(grids[last].ys) - 2:
                breaks.cut = line
    if first >= 0:
        breaks.open_top = grids[first].open_top
        breaks.one_table = first == last
    return out, breaks


def join_pages(pages: list[tuple[list[Line], Breaks]]) -> list[Line]:
    """The pages' lines in order, with each table row that a page break cut in two made one
    again: the part at the foot of one page (its table has no rule under it) and the first
    row of the next page's first table that is not its repeated header. A cell holding
    text on both sides is joined when it is words (a label wrapped by the cell), and is
    unread when it holds a figure: two parts of a number are not guessed into one."""
    out: list[Line] = []
    cut: Line | None = None
    header: tuple[str, ...] = ()  # the first rows of the table `cut` is in, as on its first page
    heads = running_heads([lines for lines, _ in pages])
    for lines, br in pages:
        lines = [ln for ln in lines if id(ln) not in heads]
        drop: Line | None = None
        joined = False
        if cut is not None and br.head:
            k = 0
            while not br.open_top and k < min(len(br.head), len(header)) and br.head[k].text == header[k]:
                k += 1  # the table's header, repeated by the browser on each page
            if k < len(br.head) and (br.open_top or k > 0):
                joined = True
                rest = br.head[k]
                at = next(i for i in range(len(out) - 1, -1, -1) if out[i] is cut)  # equal lines may repeat
                if cut.text.count("\t") == rest.text.count("\t"):
                    out[at] = _join_parts(cut, rest)
                    drop = rest
                else:  # not the same columns: the row cannot be rebuilt; its empty cells are unread
                    out[at] = _unread_blanks(cut)
                    lines = [_unread_blanks(ln) if ln is rest else ln for ln in lines]
        out += [ln for ln in lines if ln is not drop]
        cut = br.cut
        if not (joined and br.one_table):  # else the same table runs on, with the header it had
            header = br.cut_table
    return out


_DIGITS = re.compile(r"\d+")


def running_heads(pages: list[list[Line]]) -> set[int]:
    """ids of the lines that head every page alike, digits aside: the running header a
    browser prints (date, title) or a letterhead line, not the report's own text (the title
    it repeats is in the body too)."""
    if len(pages) < 2:
        return set()
    firsts = [next((ln for ln in lines if ln.text.strip()), None) for lines in pages]
    keys = {
        _DIGITS.sub("#", ln.text.replace(" ", "")) if ln is not None and "\t" not in ln.text else None for ln in firsts
    }
    if len(keys) != 1 or None in keys:
        return set()
    return {id(ln) for ln in firsts}


def _unread_blanks(line: Line) -> Line:
    text = "\t".join(c or UNREAD for c in line.text.split("\t"))
    return Line(text, line.number, line.page, line.boxes, line.confidences)


def _join_parts(top: Line, bottom: Line) -> Line:
    a, b = top.text.split("\t"), bottom.text.split("\t")
    # The row is placed on the page holding more of its figures; boxes on the other page are dropped.
    on_top = sum(_is_num(c) for c in a) >= sum(_is_num(c) for c in b)
    home = top if on_top else bottom
    cells = []
    boxes: list[BBox | None] = []
    confs: list[float] = []
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        src: Line | None = top if x and not y else bottom if y and not x else home if x else None
        if x and y:
            cells.append(UNREAD if _is_num(x) or _is_num(y) else x + y)
        else:
            cells.append(x or y)
        boxes.append(_at(src.boxes, k) if src is home else None)
        confs.append(min(_conf(top, k), _conf(bottom, k)))
    has_conf = any(c < 1.0 for c in confs)
    return Line("\t".join(cells), home.number, home.page, tuple(boxes), tuple(confs) if has_conf else None)


def _at(boxes: tuple[BBox | None, ...] | None, k: int) -> BBox | None:
    return boxes[k] if boxes is not None and k < len(boxes) else None


def _conf(line: Line, k: int) -> float:
    c = line.confidences
    return c[k] if c is not None and k < len(c) else 1.0


# --- tables without ruling lines ----------------------------------------------------


# A part's or a block's heading starts a new table ("四、政府信息公开…", "第二十条第（五）项").
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、\S{4,}|第[一二三四五六七八九十\d]+条)")


def _is_num(text: str) -> bool:
    return parse_number(text) is not None or is_blank_mark(text)


@dataclass
class _Free:
    row: _Row
    runs: list[str]
    label_end: int  # runs[label_end:] are the trailing numbers
    header: bool


def virtual_columns(rows: list[_Row], ink: Ink | None = None) -> list[_Row]:
    """Borderless tables: where lines of numbers share column positions (learnt from rows
    with several numbers and from short header words above them), write each such line as
    tab-separated cells so that a blank cell keeps its place. A block whose numbers do not
    all fall into the learnt columns is left as it is. With `ink` (OCR), a cell left empty
    is written `UNREAD` when the page has ink where it stands: a figure the recogniser
    missed is not a blank."""
    frees: list[_Free | None] = []
    for r in rows:
        if r.table:
            frees.append(None)
            continue
        runs = r.cells[0].split(" ")
        if len(runs) != len(r.boxes) or "。" in r.cells[0]:
            frees.append(None)
            continue
        k = len(runs)
        while k > 0 and _is_num(runs[k - 1]):
            k -= 1
        header = len(runs) >= 3 and k == len(runs) and all(len(t) <= 8 for t in runs)
        frees.append(_Free(r, runs, k, header))
    heights = sorted(b[3] - b[1] for r in rows if not r.table for b in r.boxes if b is not None)
    if not heights:
        return rows
    gap = 3.0 * heights[len(heights) // 2]
    block: list[int] = []
    last_y: float | None = None
    for i, f in enumerate([*frees, None]):
        heading = f is not None and f.label_end == len(f.runs) and bool(_HEADING.match(f.row.cells[0]))
        if f is not None and not heading and (last_y is None or f.row.y - last_y <= gap):
            block.append(i)
            last_y = f.row.y
            continue
        if len(block) >= 2:
            _block_columns([frees[j] for j in block], ink)  # type: ignore[misc]
        block = [i] if f is not None else []
        last_y = f.row.y if f is not None else None
    return rows


def _cx(b: BBox | None) -> float:
    return 0.0 if b is None else (b[0] + b[2]) / 2


def _median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if v else 0.0


def _block_columns(block: list[_Free], ink: Ink | None) -> None:
    numeric = [f for f in block if f.label_end < len(f.runs)]
    if not numeric:
        return
    multi = [f for f in numeric if len(f.runs) - f.label_end >= 2]
    if not multi:
        # One number per line, all in one column: if nothing is printed to its right,
        # it is the table's last column (a lone 总计), which a one-cell row says.
        right = max(_cx(b) for f in block for b in f.row.boxes if b is not None)
        xs = [_cx(f.row.boxes[-1]) for f in numeric]
        if max(xs) - min(xs) < 6 and min(xs) >= right - 6:
            for f in numeric:
                _rewrite(f, [0], [xs[0]], 0.0, None)
        return
    headers = [f for f in block if f.header]
    # Column pitch: from neighbouring numbers and from neighbouring header words (a sparse
    # row of numbers alone would overstate it).
    steps = [
        _median(
            [_cx(f.row.boxes[k + 1]) - _cx(f.row.boxes[k]) for f in multi for k in range(f.label_end, len(f.runs) - 1)]
        ),
        _median([_cx(f.row.boxes[k + 1]) - _cx(f.row.boxes[k]) for f in headers for k in range(len(f.runs) - 1)]),
    ]
    step = min((x for x in steps if x > 0), default=0.0)
    if step <= 0:
        return
    tol = 0.35 * step
    centers = [_cx(f.row.boxes[k]) for f in multi for k in range(f.label_end, len(f.runs))]
    # Header words above the numbers (not above the labels) mark columns too, also
    # columns that no line of numbers fills.
    label_right = max(
        (b[2] for f in numeric for b in f.row.boxes[: f.label_end] if b is not None), default=float("-inf")
    )
    for f in headers:
        for b in f.row.boxes:
            if b is not None and b[2] - b[0] <= 1.2 * step and _cx(b) > label_right:
                centers.append(_cx(b))
    if not centers:
        return
    cols = _cluster(centers, tol)
    if len(cols) < 2:
        return
    plans: list[tuple[_Free, list[int]]] = []
    for f in numeric:
        idx: list[int] = []
        for k in range(f.label_end, len(f.runs)):
            c = _cx(f.row.boxes[k])
            j = min(range(len(cols)), key=lambda j: abs(cols[j] - c))
            if abs(cols[j] - c) > tol or (idx and j <= idx[-1]):
                return  # a number outside the columns: not a table we understand
            idx.append(j)
        plans.append((f, idx))
    if any(
        cols[0] < max((f.row.boxes[k] or (0, 0, 0, 0))[2] for k in range(f.label_end)) for f, _ in plans if f.label_end
    ):
        return  # label text reaches into the first column
    for f, idx in plans:
        _rewrite(f, idx, cols, tol, ink)


def _rewrite(f: _Free, idx: list[int], cols: list[float], tol: float, ink: Ink | None) -> None:
    """The free line as a table row: its label, then one cell per column (number k of
    the line's trailing numbers in column idx[k]); an empty cell with `ink` under it is
    unread."""
    r = f.row
    ncols = len(cols)
    cells = [""] * ncols
    boxes: list[BBox | None] = [None] * ncols
    confs = [1.0] * ncols
    for k, j in zip(range(f.label_end, len(f.runs)), idx, strict=True):
        cells[j] = f.runs[k]
        boxes[j] = r.boxes[k]
        confs[j] = r.confs[k] if k < len(r.confs) else 1.0
    if ink is not None:
        numbers = [b for b in r.boxes[f.label_end :] if b is not None]
        top = min((b[1] for b in numbers), default=r.y)
        bottom = max((b[3] for b in numbers), default=r.y)
        half = 0.8 * tol  # the column's band, short of its neighbours'
        for j in range(ncols):
            if not cells[j] and ink((cols[j] - half, top, cols[j] + half, bottom)):
                cells[j] = UNREAD
                confs[j] = 0.0
    label = " ".join(f.runs[: f.label_end])
    lbox = [b for b in r.boxes[: f.label_end] if b is not None]
    label_box: BBox | None = (
        (min(b[0] for b in lbox), min(b[1] for b in lbox), max(b[2] for b in lbox), max(b[3] for b in lbox))
        if lbox
        else None
    )
    label_conf = min(r.confs[: f.label_end], default=1.0)
    r.cells = [label, *cells]
    r.boxes = [label_box, *boxes]
    r.confs = [label_conf, *confs]
    r.table = True
