"""Speed of the readers for published forms.

    python benchmarks/bench_readers.py [ROUNDS]

Prints
  1. text-layer PDF: pages/s for the whole extraction (read + extract) of the
     hongze reports (target ≥ 20, aim 50), and the ratio to plain pdfplumber
     text extraction (`page.extract_text()`) of the same PDFs;
  2. HTML: reports/s (read + extract) of the text fixtures laid out as portal
     pages in GBK with row/column spans (target ≥ 100);
  3. OCR: s/page (read + extract) of a 150-dpi scan of hongze-2023 (target ≤ 3 on one
     core: run under `taskset -c 0` with OMP_NUM_THREADS=1) and peak RSS (target ≤ 1 GB),
     then a 6300×6300 PNG (scaled down before OCR: no more memory than a page).
"""

from __future__ import annotations

import importlib.util
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PDFS = [FIXTURES / "hongze-2023.pdf", FIXTURES / "hongze-2024.pdf"]


def _layouts() -> Any:
    spec = importlib.util.spec_from_file_location("reader_layouts", ROOT / "tests" / "readers" / "layouts.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["reader_layouts"] = mod
    spec.loader.exec_module(mod)
    return mod


def _best(fn: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import pypdfium2 as pdfium

    from nianbao.extract import extract
    from nianbao.readers import read_bytes

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    pdf_data = [(p.name, p.read_bytes()) for p in PDFS]
    pages = sum(len(pdfium.PdfDocument(d)) for _, d in pdf_data)

    def ours() -> None:
        for name, d in pdf_data:
            extract(read_bytes(name, d))

    ours()  # warm-up: imports
    t_ours = _best(ours, rounds)
    print(
        f"PDF（文字层）：{pages} 页，读取+提取 {t_ours * 1000:.0f} ms，{pages / t_ours:.0f} 页/秒（目标 ≥ 20，争取 50）"
    )

    try:
        import pdfplumber
    except ImportError:
        print("pdfplumber 未安装，跳过对比")
    else:

        def plumber() -> None:
            for _, d in pdf_data:
                with pdfplumber.open(io.BytesIO(d)) as pdf:
                    for page in pdf.pages:
                        page.extract_text()

        t_pl = _best(plumber, max(1, rounds // 2))
        print(
            f"pdfplumber 纯文字提取：{t_pl * 1000:.0f} ms，{pages / t_pl:.1f} 页/秒；"
            f"本工具（含表格重建与提取）快 {t_pl / t_ours:.1f} 倍"
        )

    layouts = _layouts()
    pages_html = [(n, layouts.to_html(layouts.load_expected(n))) for n in layouts.TEXT_FIXTURES]

    def html() -> None:
        for name, d in pages_html:
            extract(read_bytes(name, d))

    html()
    t_html = _best(html, rounds)
    print(f"HTML：{len(pages_html) / t_html:.0f} 份/秒（目标 ≥ 100）")

    doc = pdfium.PdfDocument(PDFS[0])
    images = [doc[i].render(scale=150 / 72).to_pil().convert("L") for i in range(len(doc))]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    scan = buf.getvalue()
    from nianbao.readers.ocr import engine

    engine()  # model loading is once per process
    per_page = []
    for _ in range(max(1, rounds // 3)):
        t = time.perf_counter()
        report = extract(read_bytes("scan.pdf", scan))
        per_page.append((time.perf_counter() - t) / len(images))
    low = sum(
        1
        for rows in report.tables.values()
        for cols in rows.values()
        for c in cols.values()
        if c.value is not None and c.confidence < 0.8
    )
    print(
        f"OCR（150 dpi 扫描件）：{statistics.median(per_page):.2f} 秒/页（目标 ≤ 3，单核），"
        f"低置信度单元格 {low} 个；峰值内存 {_rss_mb():.0f} MB（目标 ≤ 1024）"
    )
    # A huge picture (6300×6300 px, just under the decoding cap of readers.image.MAX_PIXELS;
    # 7700×7700 is refused from its header) is scaled down before OCR: no more memory than a page.
    side = 6300
    big = Image.fromarray(np.full((side, side), 255, np.uint8))
    big.paste(images[3].resize((side, round(side * images[3].height / images[3].width))), (0, 0))
    png = io.BytesIO()
    big.save(png, format="PNG", dpi=(900, 900))
    del big
    t = time.perf_counter()
    read_bytes("huge.png", png.getvalue())
    print(
        f"OCR（{side}×{side} 像素 PNG）：{time.perf_counter() - t:.1f} 秒；峰值内存 {_rss_mb():.0f} MB（目标 ≤ 1024）"
    )


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
