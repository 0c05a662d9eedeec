"""Offline OCR of scanned pages with rapidocr (models ship in its wheel).

The page is read once in full (detection + recognition). Where ruling lines
form a table grid, every narrow inked cell is read again on its own with a
recogniser restricted to the characters of a number, which finds the lone
zeros that detection misses. Every cell keeps an honest confidence; when the
two readings disagree the cell's confidence is capped so the checks flag it.
"""

from __future__ import annotations

import threading
from typing import Any

import cv2
import numpy as np

from nianbao.document import Line
from nianbao.readers.errors import ReadError
from nianbao.readers.layout import Grid, HRule, VRule, Word, find_grids, page_lines

DPI = 150
MAX_SIDE = 2600  # pixels: larger scans are scaled down before OCR
NARROW = 60.0  # points: wider ink in a cell nobody read is rather a label than a number
NUMERIC_CELL_MAX_WIDTH = 400.0  # points: a cell narrower than this may hold one number
DISAGREE_CAP = 0.5
UNCONFIRMED = 0.9  # factor on a page reading the cell reading could not confirm
MAX_SKEW = (
    5.0  # degrees: a scan tilted more than this is not straightened  # confidence of a cell whose two readings differ
)
_NUM_CHARS = "0123456789.,-+/"
_LOOKALIKE = str.maketrans({"o": "0", "O": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "。": ".", "，": ","})
LOW_SHARE_CAP = 0.6
UNREADABLE = "0"  # placeholder value of an inked cell nothing could read; confidence 0 flags it

_lock = threading.Lock()
_run_lock = threading.Lock()  # one page at a time: the engine is shared and uses every core
_engine: Any = None


def engine() -> Any:
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:  # pragma: no cover - a declared dependency
                raise ReadError("无法识别扫描件：没有安装文字识别组件 rapidocr-onnxruntime") from exc
            _engine = RapidOCR()
        return _engine


def detect_rules(gray: np.ndarray, scale: float) -> tuple[list[HRule], list[VRule], np.ndarray]:
    """Horizontal and vertical ruling lines (in points) by morphological opening, and
    the page with those lines whited out (for reading cells)."""
    bw = (gray < 190).astype(np.uint8)
    h, w = bw.shape
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, w // 30), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(25, h // 50)))
    hs: list[HRule] = []
    vs: list[VRule] = []
    hl = cv2.morphologyEx(bw, cv2.MORPH_OPEN, hk)
    n, _, stats, _ = cv2.connectedComponentsWithStats(hl)
    for x, y, ww, hh, _a in stats[1:n]:
        if hh <= 8:
            hs.append(HRule((y + hh / 2) * scale, x * scale, (x + ww) * scale))
    vl = cv2.morphologyEx(bw, cv2.MORPH_OPEN, vk)
    n, _, stats, _ = cv2.connectedComponentsWithStats(vl)
    for x, y, ww, hh, _a in stats[1:n]:
        if ww <= 8:
            vs.append(VRule((x + ww / 2) * scale, y * scale, (y + hh) * scale))
    mask = cv2.dilate(cv2.bitwise_or(hl, vl), np.ones((3, 3), np.uint8))
    clean = gray.copy()
    clean[mask > 0] = 255
    return hs, vs, clean


def _words(result: Any, scale: float) -> list[Word]:
    """OCR boxes as words; a box holding several space-separated runs is split by position."""
    words: list[Word] = []
    for pts, text, score in result or []:
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        x0, x1, top, bottom = min(xs) * scale, max(xs) * scale, min(ys) * scale, max(ys) * scale
        text = str(text)
        runs = text.split()
        if len(runs) <= 1:
            if text.strip():
                words.append(Word(text.strip(), x0, top, x1, bottom, float(score)))
            continue
        per = (x1 - x0) / max(len(text), 1)
        pos = 0
        for run in runs:
            start = text.index(run, pos)
            pos = start + len(run)
            words.append(Word(run, x0 + start * per, top, x0 + pos * per, bottom, float(score)))
    return words


def _numberish(text: str) -> bool:
    return all(c in _NUM_CHARS or c in "oOlI|。，" for c in text)


def _cells(grid: Grid) -> list[tuple[int, int, int]]:
    """(row, first column, last column) of the cells closed on all four sides by rules
    (a cell may span columns) and narrow enough to hold one number."""
    out = []
    nc = len(grid.xs) - 1
    for i in range(len(grid.ys) - 1):
        j = 0
        while j < nc:
            j1 = j
            while j1 + 1 < nc and not grid.has_v(i, j1 + 1):
                j1 += 1
            closed = grid.has_v(i, j) and grid.has_v(i, j1 + 1)
            closed = closed and all(grid.has_h(i, k) and grid.has_h(i + 1, k) for k in range(j, j1 + 1))
            if closed and grid.xs[j1 + 1] - grid.xs[j] <= NUMERIC_CELL_MAX_WIDTH:
                out.append((i, j, j1))
            j = j1 + 1
    return out


def _widen(img: np.ndarray, ratio: float) -> np.ndarray:
    h, w = img.shape[:2]
    extra = int(ratio * h) - w
    if extra <= 0:
        return img
    left = extra // 2
    return cv2.copyMakeBorder(img, 0, 0, left, extra - left, cv2.BORDER_CONSTANT, value=(255, 255, 255))


class _Digits:
    """rapidocr's recogniser with its output restricted to the characters of a number."""

    def __init__(self, eng: Any) -> None:
        self.rec = eng.text_rec
        chars = self.rec.postprocess_op.character
        self.allowed = np.array([0] + [k for k, c in enumerate(chars) if c in _NUM_CHARS], dtype=np.int64)
        self.chars = [chars[k] for k in self.allowed]
        self.digit_idx = np.array([i - 1 for i, c in enumerate(self.chars) if c.isdigit()], dtype=np.int64)
        # Classes that are a digit's look-alikes (a lone "0" is often read as o, O or 。).
        self.alike = np.array([k for k, c in enumerate(chars) if c in "oO〇。DQlI|，"], dtype=np.int64)

    def read(self, crops: list[np.ndarray]) -> list[tuple[str, float, float]]:
        """(text, confidence, share of probability on number characters) per crop."""
        out: list[tuple[str, float, float]] = [("", 0.0, 0.0)] * len(crops)
        if not crops:
            return out
        order = sorted(range(len(crops)), key=lambda k: crops[k].shape[1] / crops[k].shape[0])
        for b in range(0, len(order), 24):
            idxs = order[b : b + 24]
            ratio = max(crops[k].shape[1] / crops[k].shape[0] for k in idxs)
            # Pad with white to one shape: the recogniser's own padding is grey and confuses it.
            batch = np.concatenate([self.rec.resize_norm_img(_widen(crops[k], ratio), ratio)[np.newaxis] for k in idxs])
            preds = self.rec.session(batch.astype(np.float32))[0]  # (n, steps, classes), softmax
            for k, p in zip(idxs, preds, strict=True):
                out[k] = self._decode(p)
        return out

    def _decode(self, p: np.ndarray) -> tuple[str, float, float]:
        """CTC greedy decoding where a step is a character when the full model says so
        (not blank), and the character is the likeliest of those a number may hold."""
        # A step holds a character when blank is less likely than all characters together
        # (the model often splits a lone "0" between 0, o, O and 。, and blank wins the argmax).
        blank = p[:, 0]
        sub = p[:, self.allowed[1:]]
        steps: list[tuple[int, int]] = []  # (time step, allowed index) of each character
        prev = -1
        for t in range(p.shape[0]):
            if blank[t] >= 0.5:
                prev = -1
                continue
            k = int(sub[t].argmax())
            numeric = float(sub[t].sum()) + float(p[t, self.alike].sum())
            if numeric < 0.3 * (1.0 - float(blank[t])):
                prev = -1  # the model sees something other than a number here (a stroke, a bracket)
                continue
            if k != prev:
                steps.append((t, k))
            prev = k
        # A number neither starts nor ends with a separator: such a "." is a small ring, a 0.
        for pos in {0, len(steps) - 1} if steps else set():
            t, k = steps[pos]
            if self.chars[k + 1] in ".,":
                steps[pos] = (t, int(self.digit_idx[int(sub[t, self.digit_idx].argmax())]))
        text = ""
        confs: list[float] = []
        shares: list[float] = []
        for t, k in steps:
            row = sub[t]
            mass = float(row.sum())
            text += self.chars[k + 1]
            confs.append(float(row[k] / max(mass, 1e-9)))
            shares.append((mass + float(p[t, self.alike].sum())) / max(1.0 - float(p[t, 0]), 1e-9))
        return text, (min(confs) if confs else 0.0), (min(shares) if shares else 0.0)


def _reread_cells(gray: np.ndarray, scale: float, grids: list[Grid], words: list[Word]) -> list[Word]:
    eng = engine()
    digits = _Digits(eng)
    inv = 1.0 / scale
    jobs: list[tuple[tuple[float, float, float, float], np.ndarray, list[Word]]] = []
    taken: set[int] = set()
    for g in grids:
        if len(g.xs) < 3:
            continue
        for i, j, j1 in _cells(g):
            x0, x1, y0, y1 = g.xs[j], g.xs[j1 + 1], g.ys[i], g.ys[i + 1]
            inside = [k for k, w in enumerate(words) if x0 <= w.cx <= x1 and y0 <= w.cy <= y1]
            if any(not _numberish(words[k].text) for k in inside):
                continue
            px0, px1 = int(x0 * inv) + 2, int(x1 * inv) - 1
            py0, py1 = int(y0 * inv) + 2, int(y1 * inv) - 1
            if px1 - px0 < 4 or py1 - py0 < 4:
                continue
            crop = gray[py0:py1, px0:px1]
            ink = crop < 128
            if ink.sum() < 6:
                # No ink: the cell is blank, whatever detection thought it saw.
                taken.update(inside)
                continue
            faint = crop < 210  # the glyph's anti-aliased edge belongs to it
            rows = np.where(faint.any(axis=1))[0]
            cols = np.where(faint.any(axis=0))[0]
            tight = crop[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
            th = tight.shape[0]
            # A little margin only: with much white round it a lone "0" reads as "。".
            padded = cv2.copyMakeBorder(tight, th // 4, th // 4, th // 2, th // 2, cv2.BORDER_CONSTANT, value=255)
            box = ((px0 + cols[0]) * scale, (py0 + rows[0]) * scale, (px0 + cols[-1]) * scale, (py0 + rows[-1]) * scale)
            jobs.append((box, cv2.cvtColor(padded, cv2.COLOR_GRAY2BGR), [words[k] for k in inside]))
            taken.update(inside)
    results = digits.read([j[1] for j in jobs])
    # Nothing read: once more with a wider margin (a tall narrow glyph may need it).
    retry = [k for k, r in enumerate(results) if not r[0]]
    if retry:
        again = digits.read([_margin(jobs[k][1]) for k in retry])
        for k, r in zip(retry, again, strict=True):
            if r[0]:
                results[k] = r
    out = [w for k, w in enumerate(words) if k not in taken]
    for (box, _img, old), (text, conf, share) in zip(jobs, results, strict=True):
        first = _as_number("".join(w.text for w in sorted(old, key=lambda w: w.x0)))
        if not old and share < 0.3 and box[2] - box[0] > NARROW:
            continue  # what detection skipped here is not a number (a label's stray stroke)
        if not text and old:
            # The second reading saw nothing: keep the page reading, its confidence slightly lowered.
            out += [Word(_as_number(w.text), w.x0, w.top, w.x1, w.bottom, w.conf * UNCONFIRMED) for w in old]
            continue
        if not text:
            # Ink that neither reading could make out: a cell that is printed, not blank.
            # Say so with a zero-confidence "?" reading rather than leave it silently empty.
            text, conf = UNREADABLE, 0.0
        if share < 0.3:
            conf = min(conf, LOW_SHARE_CAP)  # the model hardly saw a number here
        if old:
            if first == text or (text == "0" and first in (".", "。")):  # a small ring read as a full stop
                conf = max(conf, min(w.conf for w in old))
            else:
                conf = min(conf, DISAGREE_CAP)
        out.append(Word(text, box[0], box[1], box[2], box[3], round(conf, 4)))
    return out


def _margin(img: np.ndarray) -> np.ndarray:
    h = img.shape[0]
    out: np.ndarray = cv2.copyMakeBorder(img, h // 3, h // 3, h, h, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    return out


def _as_number(text: str) -> str:
    """A page reading of a number cell with look-alike letters read as digits."""
    return text.translate(_LOOKALIKE)


def skew_angle(gray: np.ndarray) -> float:
    """The page's skew in degrees, from its long near-horizontal lines (table rules, text rows)."""
    h, w = gray.shape
    small = 1200 / max(h, w) if max(h, w) > 1200 else 1.0
    img = cv2.resize(gray, (int(w * small), int(h * small)), interpolation=cv2.INTER_AREA) if small < 1 else gray
    bw = (img < 200).astype(np.uint8) * 255
    lines = cv2.HoughLinesP(bw, 1, np.pi / 1800, threshold=120, minLineLength=img.shape[1] // 4, maxLineGap=6)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        a = float(np.degrees(np.arctan2(y2 - y1, x2 - x1)))
        if abs(a) < MAX_SKEW:
            angles.append(a)
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


def deskew(gray: np.ndarray) -> np.ndarray:
    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out: np.ndarray = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return out


def ocr_gray(gray: np.ndarray, page: int, scale: float) -> list[Line]:
    """Lines of one scanned page; `scale` converts pixels to page points."""
    h, w = gray.shape
    if max(h, w) > MAX_SIDE:
        f = MAX_SIDE / max(h, w)
        gray = cv2.resize(gray, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
        scale /= f
    gray = np.ascontiguousarray(deskew(gray))
    eng = engine()
    with _run_lock:
        result, _ = eng(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), use_cls=False)
        words = _words(result, scale)
        hs, vs, clean = detect_rules(gray, scale)
        grids = find_grids(hs, vs)
        if grids:
            words = _reread_cells(clean, scale, grids, words)
    return [_fill_by_identity(ln) for ln in page_lines(words, hs, vs, page, borderless=False)]


# Template identities of a row's trailing numbers: (width, groups of (parts, total index)).
# Table 3: six applicant columns and their 总计; Table 4: three groups of four results and a 总计.
_IDENTITIES = {7: (((0, 1, 2, 3, 4, 5), 6),), 15: tuple((tuple(range(g, g + 4)), g + 4) for g in (0, 5, 10))}
IDENTITY_CONFIDENCE = 0.5  # a value derived from the row's sum, not read: flagged for review


def _fill_by_identity(line: Line) -> Line:
    """A cell nobody could read (confidence 0) whose value the row's sum fixes exactly gets
    that value, still with a confidence low enough to be flagged; otherwise it stays flagged."""
    if not line.confidences or "\t" not in line.text or min(line.confidences) > 0.0:
        return line
    cells = line.text.split("\t")
    for width, groups in _IDENTITIES.items():
        if len(cells) < width:
            continue
        tail = cells[-width:]
        off = len(cells) - width
        if not all(c.isdigit() for c in tail) or (len(cells) > width and cells[off - 1].isdigit()):
            continue
        confs = list(line.confidences) + [1.0] * (len(cells) - len(line.confidences))
        for parts, total in groups:
            idx = [*parts, total]
            unread = [k for k in idx if confs[off + k] == 0.0]
            if len(unread) != 1:
                continue
            k = unread[0]
            known = {j: int(tail[j]) for j in idx if j != k}
            if k == total:
                value = sum(known[j] for j in parts)
            else:
                value = known[total] - sum(known[j] for j in parts if j != k)
            if value >= 0:
                tail[k] = str(value)
                confs[off + k] = IDENTITY_CONFIDENCE
        cells[off:] = tail
        return Line("\t".join(cells), line.number, line.page, line.boxes, tuple(confs[: len(line.confidences)]))
    return line


def ocr_rendered(img: np.ndarray, number: int, x0: float = 0.0, top: float = 0.0) -> list[Line]:
    """Lines of (part of) PDF page `number` rendered at DPI by `readers.pdf`, which owns every
    PDFium call; (x0, top) is where the part's corner is on the page, in points."""
    gray = img if img.ndim == 2 else cv2.cvtColor(img[:, :, :3], cv2.COLOR_BGR2GRAY)
    lines = ocr_gray(np.ascontiguousarray(gray), number, 72 / DPI)
    if x0 or top:
        for ln in lines:
            ln.boxes = (
                tuple(None if b is None else (b[0] + x0, b[1] + top, b[2] + x0, b[3] + top) for b in ln.boxes or ())
                or None
            )
    return lines
