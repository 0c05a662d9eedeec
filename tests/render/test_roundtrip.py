"""Expected data → render (md, html, docx, pdf) → read and extract back → identical table data.

Markdown goes through the text reader. HTML, DOCX and PDF go through the
readers in `nianbao.readers` when they exist; otherwise the test skips (DOCX,
PDF) or falls back to converting the HTML to tab-separated text here (marked
`html-fallback`). PDF needs LibreOffice or WeasyPrint.
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from nianbao.extract import extract
from nianbao.model import Report
from nianbao.readers import read_bytes, read_path
from nianbao.render import render_bytes
from nianbao.schema import load_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))


def _has_reader(name: str) -> bool:
    try:
        importlib.import_module(f"nianbao.readers.{name}")
    except ImportError:
        return False
    return True


@cache
def _report(name: str) -> tuple[Report, dict[str, Any]]:
    """The fixture's expected data, with the narrative of its source text when there is one."""
    exp = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    report = load_report(exp)
    txt = FIXTURES / name.replace(".expected.json", ".txt")
    if txt.exists():
        src = extract(read_path(txt))
        report.sections = src.sections  # parts 二–四 carry the table lines; the renderer drops them
        report.preamble = src.preamble
    return report, exp["tables"]


def _html_to_text(html: bytes) -> bytes:
    """Fallback when no HTML reader exists: one line per block, table cells joined by tabs."""
    from lxml import html as lh

    root = lh.fromstring(html.decode("utf-8"))
    lines: list[str] = []
    for el in root.iter("h1", "h2", "p", "tr"):
        if el.tag == "tr":
            cells: list[str] = []
            for td in el:
                cells.append(td.text_content().strip())
                cells.extend([""] * (int(td.get("colspan", "1")) - 1))
            lines.append("\t".join(cells))
        else:
            lines.append(el.text_content().strip())
    return "\n".join(lines).encode("utf-8")


def _back(data: bytes, fmt: str) -> dict[str, Any]:
    if fmt == "html" and not _has_reader("html"):
        doc = read_bytes("report.txt", _html_to_text(data))  # html-fallback
    else:
        doc = read_bytes(f"report.{fmt}", data)
    return extract(doc).to_dict(provenance=False, texts=False)["tables"]  # type: ignore[no-any-return]


def _diff(exp: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out = []
    for t in sorted(set(exp) | set(got)):
        for r in sorted(set(exp.get(t, {})) | set(got.get(t, {}))):
            a, b = exp.get(t, {}).get(r), got.get(t, {}).get(r)
            if a != b:
                out.append(f"{t}.{r}: expected {a}, got {b}")
    return out


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
@pytest.mark.parametrize("fixture", [p.name for p in EXPECTED])
def test_round_trip(fixture: str, fmt: str) -> None:
    if fmt in ("docx", "pdf") and not _has_reader(fmt):
        pytest.skip(f"nianbao.readers.{fmt} 尚不存在（读取 {fmt.upper()} 由读取模块负责），跳过回读")
    if fmt == "pdf":
        from nianbao.render.pdf import engine

        if engine() is None:
            pytest.skip(
                "没有 LibreOffice 或 WeasyPrint，无法生成 PDF（CI 需安装 libreoffice-writer-nogui fonts-noto-cjk）"
            )
    report, expected = _report(fixture)
    data = render_bytes(report, fmt)
    got = _back(data, fmt)
    assert _diff(expected, got) == []


def test_seven_fixtures() -> None:
    assert len(EXPECTED) == 7
