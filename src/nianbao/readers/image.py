"""Images of report pages (PNG, JPEG, TIFF, BMP, GIF, WebP) through offline OCR."""

from __future__ import annotations

import warnings
from io import BytesIO

import numpy as np
from PIL import Image, ImageSequence

from nianbao.document import Document, Line
from nianbao.readers import register
from nianbao.readers.errors import ReadError

# Per frame, checked from the header before decoding: an A4 page scanned at 600 dpi is 35 M.
# A 74 KB PNG can declare 7700×7700 (59 M pixels, 1 GB once decoded and read): refused.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, for any other path that opens a picture
MAX_FRAMES = 100
MIN_TEXT = 6  # letters, digits or CJK characters: fewer is noise (a cat's eyes read as "..")


def open_image(data: bytes) -> Image.Image:
    """The decoded image, refused when its header declares more pixels than a page could have."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(BytesIO(data))
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ReadError(f"图片尺寸过大（{w}×{h} 像素），不像是报告页面的扫描件，为安全起见不予解码")
            img.load()
    except ReadError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:  # Pillow's check at open
        raise ReadError(
            f"图片尺寸过大（超过 {MAX_PIXELS // 10_000} 万像素），不像是报告页面的扫描件，为安全起见不予解码"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ReadError("图片文件已损坏或不完整，无法读取") from exc
    return img


def image_lines(img: Image.Image, first_page: int = 1) -> list[Line]:
    """OCR of every frame (a page each, numbered from `first_page`)."""
    from nianbao.readers.ocr import DPI, ocr_gray

    dpi = img.info.get("dpi", (DPI, DPI))[0] or DPI
    try:
        dpi = float(dpi) if 50 <= float(dpi) <= 1200 else DPI
    except (TypeError, ValueError):
        dpi = DPI
    lines: list[Line] = []
    for k, frame in enumerate(ImageSequence.Iterator(img)):
        if k >= MAX_FRAMES:
            break
        gray = np.asarray(frame.convert("L"))
        lines += ocr_gray(np.ascontiguousarray(gray), first_page + k, 72 / dpi)
    return lines


def read_image(source: str, data: bytes) -> Document:
    img = open_image(data)
    frames = min(getattr(img, "n_frames", 1), MAX_FRAMES)
    lines = image_lines(img)
    for k, ln in enumerate(lines, start=1):
        ln.number = k
    if sum(1 for ln in lines for ch in ln.text if ch.isalnum()) < MIN_TEXT:
        raise ReadError("图片中没有识别出任何文字，不像是年度报告的扫描件或截图")
    return Document(source, "image", lines, pages=frames if frames > 1 else None)


for _kind in ("png", "jpeg", "gif", "tiff", "bmp", "webp"):
    register(_kind, read_image)
