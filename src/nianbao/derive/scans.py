"""Scans: a labelled report as a scanner gives it — pages as images, tilted, blurred,
JPEG-compressed, grey or black-and-white, with or without ruling lines, a red seal
stamped over part of a table.

A PDF fixture is scanned as it is; any other fixture (a text report) is first laid out
in the national template from its expected data (`nianbao render`: DOCX → LibreOffice →
PDF), borderless by taking the borders off the DOCX's tables. Every variant is fixed
(its parameters and its noise seed), so the set is the same on every machine.
File names carry the variant: `<stem>.scan-150dpi-tilt1.5-blur-jpeg70.pdf`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SEAL_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
SEAL_RED = (214, 40, 40)


@dataclass(frozen=True)
class Variant:
    dpi: int
    tilt: float  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian sigma in pixels at 300 dpi (scaled to the variant's dpi)
    jpeg: int | None = 80  # quality; None: black-and-white pages kept lossless (CCITT G4)
    mode: str = "grey"  # grey, bw (black-and-white), colour
    ruled: bool = True
    seal: bool = False
    ext: str = "pdf"  # pdf, or tif (one page a frame)

    @property
    def name(self) -> str:
        parts = [f"scan-{self.dpi}dpi", f"tilt{self.tilt:g}"]
        if self.blur:
            parts.append("blur")
        if self.jpeg is not None:
            parts.append(f"jpeg{self.jpeg}")
        if self.mode != "grey":
            parts.append(self.mode)
        if not self.ruled:
            parts.append("borderless")
        if self.seal:
            parts.append("seal")
        return "-".join(parts)


# Each dpi gets grey and black-and-white pages, ruled and borderless tables, tilts both
# ways up to 2°, JPEG from 60 to 90, and a colour scan with a seal.
VARIANTS: tuple[Variant, ...] = (
    Variant(150, 1.5, blur=1.2, jpeg=70),
    Variant(150, -2.0, jpeg=60, mode="colour", seal=True),
    Variant(150, 0.8, jpeg=None, mode="bw", ruled=False, ext="tif"),
    Variant(200, -1.0, blur=1.0, jpeg=80, ruled=False),
    Variant(200, 2.0, jpeg=None, mode="bw", seal=False),
    Variant(200, 0.5, jpeg=75, mode="colour", ruled=False, seal=True),
    Variant(300, -0.7, blur=1.5, jpeg=90, mode="colour", seal=True),
    Variant(300, 1.2, jpeg=65, ruled=False),
    Variant(300, -1.8, jpeg=None, mode="bw", ruled=False),
)


def derive(source: Path, out: Path, stem: str, variants: tuple[Variant, ...] = VARIANTS) -> list[Path]:
    written: list[Path] = []
    for k, v in enumerate(variants):
        ruled = _pages(source, stem, v.dpi, ruled=True)
        if not ruled:
            return written
        pages = ruled if v.ruled else _pages(source, stem, v.dpi, ruled=False)
        rng = np.random.default_rng((sum(stem.encode()) * 131 + k) % (2**32))
        # The seal goes over the table that has the most grid on its page.
        boxes = [_table_box(p) for p in ruled]
        at = max(range(len(boxes)), key=lambda i: _area(boxes[i])) if v.seal else -1
        images = [_scan(p, v, rng, boxes[i] if i == at else None) for i, p in enumerate(pages)]
        path = out / f"{stem}.{v.name}.{v.ext}"
        _save(images, v, path)
        written.append(path)
    return written


# --- the clean pages ---------------------------------------------------------------------

_rendered: dict[tuple[str, bool], bytes] = {}


def _pages(source: Path, stem: str, dpi: int, ruled: bool) -> list[np.ndarray]:
    """The report's pages at `dpi`, clean, RGB; without ruling lines unless `ruled`."""
    if source.suffix.lower() == ".pdf":
        pages = _render(source.read_bytes(), dpi)
        return pages if ruled else [_erase_rules(p) for p in pages]
    expected = source.with_name(stem + ".expected.json")
    if not expected.exists():
        return []
    key = (str(expected), ruled)
    if key not in _rendered:
        _rendered[key] = _render_expected(expected, ruled)
    return _render(_rendered[key], dpi)


def _render_expected(expected: Path, ruled: bool) -> bytes:
    """The expected data laid out in its template as a PDF (LibreOffice)."""
    from nianbao.render import layout, load_data
    from nianbao.render.docx import to_docx
    from nianbao.render.pdf import docx_to_pdf

    docx = to_docx(layout(load_data(expected)))
    if not ruled:
        docx = _strip_borders(docx)
    return docx_to_pdf(docx)


def _strip_borders(docx: bytes) -> bytes:
    """The DOCX with its tables' borders taken off (the "Table Grid" style draws them)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b'<w:tblStyle w:val="TableGrid"/>', b"")
            dst.writestr(item, data)
    return buf.getvalue()


def _render(pdf: bytes, dpi: int) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [np.array(doc[i].render(scale=dpi / 72).to_pil().convert("RGB")) for i in range(len(doc))]
    finally:
        doc.close()


def _rule_masks(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: long thin runs of ink, by morphological opening."""
    ink = (cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) < 200).astype(np.uint8)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 40))))
    return horiz, vert


def _erase_rules(rgb: np.ndarray) -> np.ndarray:
    """The page with its ruling lines painted white."""
    horiz, vert = _rule_masks(rgb)
    mask = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    out = rgb.copy()
    out[mask > 0] = 255
    return out


Box = tuple[int, int, int, int]


def _table_box(rgb: np.ndarray) -> Box | None:
    """The box (x0, y0, x1, y1) of the page's vertical rules: where its table is."""
    _, vert = _rule_masks(rgb)
    ys, xs = np.nonzero(vert)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _area(box: Box | None) -> int:
    return 0 if box is None else (box[2] - box[0]) * (box[3] - box[1])


# --- the scanner -------------------------------------------------------------------------


def _scan(rgb: np.ndarray, v: Variant, rng: np.random.Generator, seal: Box | None) -> Image.Image:
    img: np.ndarray = rgb.astype(np.float32)
    if seal is not None:
        img = _stamp(img, v.dpi, rng, seal)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), v.tilt, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=(255, 255, 255))
    if v.blur:
        sigma = v.blur * v.dpi / 300
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = img + rng.normal(0.0, 4.0, img.shape).astype(np.float32)  # sensor noise
    img = np.clip(img, 0, 255).astype(np.uint8)
    if v.mode == "colour":
        return Image.fromarray(img, "RGB")
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    if v.mode == "bw":
        # A scanner's fixed threshold, not an adaptive one: thin strokes break, blots fill.
        return Image.fromarray(((gray > 150) * 255).astype(np.uint8), "L").convert("1", dither=Image.Dither.NONE)
    return Image.fromarray(gray, "L")


def _stamp(img: np.ndarray, dpi: int, rng: np.random.Generator, table: Box) -> np.ndarray:
    """A red seal (a ring, a star, a body's name round the rim) pressed over the figures of
    `table` (its right two thirds), multiplied with the page as ink is."""
    h, w = img.shape[:2]
    r = int(0.8 * dpi)  # a 4 cm seal
    x0, y0, x1, y1 = table
    cx = int(rng.uniform(x0 + (x1 - x0) / 3, x1))
    cy = int(rng.uniform(y0, max(y0 + 1, y1)))
    layer = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(layer)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(3, r // 14))
    star = [
        (cx + r * 0.3 * np.cos(np.pi / 2 + k * 4 * np.pi / 5), cy - r * 0.3 * np.sin(np.pi / 2 + k * 4 * np.pi / 5))
        for k in range(5)
    ]
    draw.polygon(star, fill=255)
    font_path = next((p for p in SEAL_FONTS if Path(p).exists()), None)
    if font_path is not None:
        size = max(10, r // 5)
        font = ImageFont.truetype(font_path, size)
        text = "人民政府办公室政务公开专用章"
        for k, ch in enumerate(text):
            a = np.radians(210 - k * 240 / (len(text) - 1))
            x = cx + (r - size) * np.cos(a)
            y = cy - (r - size) * np.sin(a)
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size // 2, size // 2), ch, fill=255, font=font)
            glyph = glyph.rotate(np.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
            layer.paste(255, (int(x - size), int(y - size)), glyph)
    alpha = np.asarray(layer, dtype=np.float32)[..., None] / 255.0 * 0.85
    # Uneven ink: the seal is pressed harder on one side.
    yy, xx = np.ogrid[0:h, 0:w]
    alpha *= (0.75 + 0.25 * np.clip(1 - ((xx - cx) + (yy - cy)) / (2.0 * r), 0, 1))[..., None]
    red = np.array(SEAL_RED, dtype=np.float32) / 255.0
    out: np.ndarray = img * (1 - alpha + alpha * red)
    return out


def _save(images: list[Image.Image], v: Variant, path: Path) -> None:
    if v.ext == "tif":
        images[0].save(
            path, format="TIFF", save_all=True, append_images=images[1:], compression="group4", dpi=(v.dpi, v.dpi)
        )
        return
    opts: dict[str, object] = {"resolution": float(v.dpi)}
    if v.jpeg is not None:
        opts["quality"] = v.jpeg
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], **opts)
