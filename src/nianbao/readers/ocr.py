"""Offline OCR of scanned pages with rapidocr (models ship in its wheel).

A colour page loses its red seal (red ink is bright in the red channel), the page is
straightened (deskew) and read once in full (detection + recognition). Ink that
detection left without a word (a lone "0" in a borderless table, most often) is read on
its own with a recogniser restricted to the characters of a number. Where ruling lines
form a table grid, every narrow inked cell is read again on its own, upscaled, the same
way. Every cell keeps an honest confidence; when two readings disagree the cell's
confidence is capped so the checks flag it, and a cell with ink nothing could read is
written `UNREAD`, never a guess.
"""

from __future__ import annotations

import threading
from typing import Any

import cv2
import numpy as np

from nianbao.document import UNREAD, BBox, Line
from nianbao.readers.errors import ReadError
from nianbao.readers.layout import Grid, HRule, Ink, VRule, Word, find_grids, page_lines

DPI = 150
MAX_SIDE = 2600  # pixels: larger scans are scaled down before OCR
NARROW = 60.0  # points: wider ink in a cell nobody read is rather a label than a number
NUMERIC_CELL_MAX_WIDTH = 400.0  # points: a cell narrower than this may hold one number
DISAGREE_CAP = 0.5  # confidence of a cell whose two readings differ
UNCONFIRMED = 0.9  # factor on a page reading the cell reading could not confirm
MAX_SKEW = 5.0  # degrees: a scan tilted more than this is not straightened
_NUM_CHARS = "0123456789.,-+/"
_LOOKALIKE = str.maketrans({"o": "0", "O": "0", "〇": "0", "l": "1", "I": "1", "|": "1", "。": ".", "，": ","})
LOW_SHARE_CAP = 0.6
INK_SHARE = 0.015  # of a box: dark pixels above this mean something is printed there
RED_MARGIN = 60  # a pixel whose red exceeds its green and blue by this much is seal ink
CROSS = 2.0  # points: a word reaching this far past a rule on both sides crosses it
LABEL_SCORE = 0.6  # a cell's ink read as words with this confidence is a label
MIN_SEAL_PIXELS = 200  # fewer red pixels are a red mark, not a seal
MISSED_SHARE = 0.7  # ink detection skipped is taken for a number only when the model is this sure

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
    # Only thin runs are rules: a blot or a bold glyph as wide as the kernel is not
    # whited out of the cells (it is ink a cell holds).
    hl = cv2.morphologyEx(bw, cv2.MORPH_OPEN, hk)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hl)
    keep = np.zeros(n, dtype=bool)
    for k, (x, y, ww, hh, _a) in enumerate(stats[1:n], start=1):
        if hh <= 8:
            hs.append(HRule((y + hh / 2) * scale, x * scale, (x + ww) * scale))
            keep[k] = True
    rules = keep[labels]
    vl = cv2.morphologyEx(bw, cv2.MORPH_OPEN, vk)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(vl)
    keep = np.zeros(n, dtype=bool)
    for k, (x, y, ww, hh, _a) in enumerate(stats[1:n], start=1):
        if ww <= 8:
            vs.append(VRule((x + ww / 2) * scale, y * scale, (y + hh) * scale))
            keep[k] = True
    rules |= keep[labels]
    mask = cv2.dilate(rules.astype(np.uint8), np.ones((3, 3), np.uint8))
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


def _across_rules(grids: list[Grid], words: list[Word]) -> list[Word]:
    """The words without those detection drew across a table's horizontal rule (a header
    and the figures under it in one box): their cells are read one by one instead."""
    out = []
    for w in words:
        crossed = False
        for g in grids:
            if len(g.xs) < 3 or not g.contains(w):
                continue
            for i in range(1, len(g.ys) - 1):
                y = g.ys[i]
                if w.top < y - CROSS and w.bottom > y + CROSS:
                    cols = [j for j in range(len(g.xs) - 1) if w.x0 < g.xs[j + 1] and w.x1 > g.xs[j]]
                    crossed = crossed or any(g.has_h(i, j) for j in cols)
        if not crossed:
            out.append(w)
    return out


def _reread_cells(gray: np.ndarray, scale: float, grids: list[Grid], words: list[Word]) -> list[Word]:
    words = _across_rules(grids, words)
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
    # Ink detection skipped that is no number: read with the full recogniser, a header
    # word ("总计") is a label, not a cell that could not be read.
    labels = [k for k, (text, _c, share) in enumerate(results) if not jobs[k][2] and (not text or share < 0.3)]
    named: dict[int, tuple[str, float]] = {}
    if labels:
        rec, _ = eng.text_rec([jobs[k][1] for k in labels])
        for k, (text, score) in zip(labels, rec, strict=True):
            if float(score) >= LABEL_SCORE and any(_is_letter(c) for c in str(text)):
                named[k] = (str(text), float(score))
    out = [w for k, w in enumerate(words) if k not in taken]
    for n, ((box, _img, old), (text, conf, share)) in enumerate(zip(jobs, results, strict=True)):
        first = _as_number("".join(w.text for w in sorted(old, key=lambda w: w.x0)))
        if n in named:
            out.append(Word(named[n][0], box[0], box[1], box[2], box[3], round(named[n][1], 4)))
            continue
        if not old and share < 0.3 and box[2] - box[0] > NARROW:
            continue  # what detection skipped here is not a number (a label's stray stroke)
        if not text and old:
            # The second reading saw nothing: keep the page reading, its confidence slightly lowered.
            out += [Word(_as_number(w.text), w.x0, w.top, w.x1, w.bottom, w.conf * UNCONFIRMED) for w in old]
            continue
        if not text:
            # Ink that neither reading could make out: a cell that is printed, not blank.
            text, conf = UNREAD, 0.0
        if share < 0.3:
            conf = min(conf, LOW_SHARE_CAP)  # the model hardly saw a number here
        if old:
            if first == text or (text == "0" and first in (".", "。")):  # a small ring read as a full stop
                conf = max(conf, min(w.conf for w in old))
            else:
                conf = min(conf, DISAGREE_CAP)
        out.append(Word(text, box[0], box[1], box[2], box[3], round(conf, 4)))
    return out


def _is_letter(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or (c.isalpha() and c not in "oOlI")


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


def without_seal(img: np.ndarray) -> np.ndarray:
    """A page as grey, a red seal taken out. Seal ink multiplies the page: where it lies,
    luminance is the page's times the seal's transmission. The seal's share at a pixel is
    told by its redness (red minus the larger of green and blue, over the redness of
    solid seal ink), and the luminance divided by the transmission that share gives.
    Black ink under the seal has no redness and stays black."""
    if img.ndim == 2:
        return img
    rgb = img[:, :, :3]
    gray: np.ndarray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    r = rgb[:, :, 0].astype(np.float32)
    redness = r - np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.float32)
    red = redness > RED_MARGIN
    if red.sum() <= MIN_SEAL_PIXELS:
        return gray
    solid = float(np.percentile(redness[red], 95))
    full = redness >= 0.9 * solid
    # Luminance of solid seal ink on paper, as a share of the paper's.
    paper = max(float(np.percentile(gray, 90)), 1.0)
    transmission = min(float(np.median(gray[full])) / paper, 0.95)
    share = np.clip(redness / solid, 0.0, 1.0)
    out = gray.astype(np.float32) / (1.0 - share * (1.0 - transmission))
    # Solid seal ink: its red channel, taken to the paper's level, is brighter still.
    level = max(float(np.percentile(r[red], 75)), 128.0)
    out[red] = np.maximum(out[red], r[red] * (paper / level))
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    return result


def ocr_gray(gray: np.ndarray, page: int, scale: float) -> list[Line]:
    """Lines of one scanned page (grey, or RGB with a seal to take out); `scale`
    converts pixels to page points."""
    gray = without_seal(gray)
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
        words += _missed(clean, scale, words)
        grids = find_grids(hs, vs)
        if grids:
            words = _reread_cells(clean, scale, grids, words)
    return page_lines(words, hs, vs, page, borderless=True, ink=_inked(clean, scale))


def _inked(clean: np.ndarray, scale: float) -> Ink:
    """Whether the page (rules taken out) has ink in a box given in page points: a few
    strokes' worth of dark pixels, more than a speck or a rule's remnant leaves."""
    dark = clean < 128
    h, w = dark.shape

    def ink(box: BBox) -> bool:
        x0, y0 = max(0, int(box[0] / scale)), max(0, int(box[1] / scale))
        x1, y1 = min(w, int(box[2] / scale) + 1), min(h, int(box[3] / scale) + 1)
        if x1 <= x0 or y1 <= y0:
            return False
        area = dark[y0:y1, x0:x1]
        return int(area.sum()) >= max(6, int(INK_SHARE * area.size))

    return ink


def _missed(clean: np.ndarray, scale: float, words: list[Word]) -> list[Word]:
    """Words for the ink detection left without one: clusters of ink the size of a few
    characters, read with the number recogniser and kept when they read as a number."""
    heights = sorted(w.h / scale for w in words if any(c.isdigit() or "\u4e00" <= c <= "\u9fff" for c in w.text))
    if not heights:
        return []
    ch = heights[len(heights) // 2]  # a character's height in pixels
    ink = (clean < 140).astype(np.uint8)
    # Glue a number's digits together, not neighbouring cells' numbers.
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(ch * 0.5)), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    covered = np.zeros(clean.shape, dtype=bool)
    inv = 1.0 / scale
    for w in words:
        y0, y1 = max(0, int(w.top * inv) - 2), int(w.bottom * inv) + 3
        covered[y0:y1, max(0, int(w.x0 * inv) - 2) : int(w.x1 * inv) + 3] = True
    boxes: list[tuple[int, int, int, int]] = []
    crops: list[np.ndarray] = []
    for x, y, bw, bh, _a in stats[1:n]:
        if not (0.45 * ch <= bh <= 1.6 * ch) or bw > 6 * ch or bw < 0.2 * ch:
            continue  # a speck, a rule's remnant, a line of text
        if covered[y : y + bh, x : x + bw].mean() > 0.3:
            continue  # read already
        crop = clean[y : y + bh, x : x + bw]
        if (crop < 128).sum() < 0.05 * bh * bw:
            continue
        pad = cv2.copyMakeBorder(crop, bh // 4, bh // 4, bh // 2, bh // 2, cv2.BORDER_CONSTANT, value=255)
        boxes.append((x, y, bw, bh))
        crops.append(cv2.cvtColor(pad, cv2.COLOR_GRAY2BGR))
    out: list[Word] = []
    for (x, y, bw, bh), (text, conf, share) in zip(boxes, _Digits(engine()).read(crops), strict=True):
        if not text or share < MISSED_SHARE or not any(c.isdigit() for c in text):
            continue  # not a number: a stroke of a label or of a seal
        out.append(Word(text, x * scale, y * scale, (x + bw) * scale, (y + bh) * scale, round(conf, 4)))
    return out


def ocr_rendered(img: np.ndarray, number: int, x0: float = 0.0, top: float = 0.0, dpi: float = DPI) -> list[Line]:
    """Lines of (part of) PDF page `number` rendered at `dpi` by `readers.pdf`, which owns every
    PDFium call (grey, or RGB); (x0, top) is where the part's corner is on the page, in points."""
    lines = ocr_gray(np.ascontiguousarray(img), number, 72 / dpi)
    if x0 or top:
        for ln in lines:
            ln.boxes = (
                tuple(None if b is None else (b[0] + x0, b[1] + top, b[2] + x0, b[3] + top) for b in ln.boxes or ())
                or None
            )
    return lines
