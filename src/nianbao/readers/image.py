"""Images of report pages (PNG, JPEG, TIFF, BMP, GIF, WebP) through offline OCR."""

from __future__ import annotations

import warnings
from io import BytesIO

import numpy as np
from PIL import Image, ImageSequence

from nianbao.document import Document, Line
from nianbao.readers.errors import ReadError

# Per frame, checked from the header before decoding: an A4 page scanned at 600 dpi is 35 M.
# A 74 KB PNG can declare 7700×7700 (59 M pixels, 1 GB once decoded and read): refused.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, for any other path that opens a picture
MAX_FRAMES = 100
MAX_SIDE = 2600  # pixels: the most OCR uses of a page (readers.ocr.MAX_SIDE)
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
            if img.format == "JPEG" and max(w, h) > 2 * MAX_SIDE:
                # Decoded at a fraction of its size (DCT scaling): OCR needs no more than MAX_SIDE.
                img.draft(img.mode, (w * MAX_SIDE // max(w, h), h * MAX_SIDE // max(w, h)))
            img.info["nianbao_width"] = w
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
    width = img.info.get("nianbao_width", img.width)  # before a JPEG's reduced decoding
    lines: list[Line] = []
    for k, frame in enumerate(ImageSequence.Iterator(img)):
        if k >= MAX_FRAMES:
            break
        scale = 72 / dpi * width / frame.width
        # Scaled down before it is copied again: a huge picture costs no more than a page.
        f = max(frame.size) / MAX_SIDE
        page = frame
        if f > 1:
            page = frame.resize((round(frame.width / f), round(frame.height / f)), Image.Resampling.BOX)
            scale *= f
        # A colour page goes to OCR in colour: a red seal is taken out by its colour.
        mode = "RGB" if page.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "PA") else "L"
        pixels = np.asarray(page.convert(mode))
        lines += ocr_gray(np.ascontiguousarray(pixels), first_page + k, scale)
    return lines


def read_image(source: str, data: bytes) -> Document:
    from nianbao.readers import NO_OCR, ocr_enabled

    if not ocr_enabled():
        raise ReadError(f"图片只能通过文字识别读取，{NO_OCR}")
    img = open_image(data)
    frames = min(getattr(img, "n_frames", 1), MAX_FRAMES)
    lines = image_lines(img)
    for k, ln in enumerate(lines, start=1):
        ln.number = k
    if sum(1 for ln in lines for ch in ln.text if ch.isalnum()) < MIN_TEXT:
        raise ReadError("图片中没有识别出任何文字，不像是年度报告的扫描件或截图")
    return Document(source, "image", lines, pages=frames if frames > 1 else None)
