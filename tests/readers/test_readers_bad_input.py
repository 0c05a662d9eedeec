"""Bad input: each file fails alone with one clear Chinese reason (exit status 2),
the rest of the batch is still processed, and nothing is read that is too large."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import reader_layouts as L
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from nianbao.batch import process
from nianbao.cli import app
from nianbao.readers import MAX_BYTES, ReadError, read_bytes, read_path

runner = CliRunner()
GOOD = L.FIXTURES / "hongze-2024.pdf"


def _cat() -> bytes:
    """A picture with no text in it: a cat drawn with shapes."""
    img = Image.new("RGB", (600, 450), (190, 220, 240))
    d = ImageDraw.Draw(img)
    d.ellipse((180, 150, 420, 400), fill=(230, 150, 60))  # body
    d.ellipse((220, 60, 380, 210), fill=(230, 150, 60))  # head
    d.polygon([(230, 100), (250, 20), (290, 80)], fill=(230, 150, 60))  # ears
    d.polygon([(310, 80), (350, 20), (370, 100)], fill=(230, 150, 60))
    d.ellipse((260, 110, 280, 130), fill=(20, 20, 20))  # eyes
    d.ellipse((320, 110, 340, 130), fill=(20, 20, 20))
    d.arc((400, 250, 520, 380), 180, 300, fill=(230, 150, 60), width=14)  # tail
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    pytest.importorskip("reportlab", reason="reportlab (dev dependency) makes the encrypted PDF")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("secret", "owner"))
    c.drawString(72, 720, "Annual report")
    c.save()
    return buf.getvalue()


def _reason(path: Path) -> str:
    with pytest.raises(ReadError) as exc:
        read_path(path)
    reason = exc.value.reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reason), reason  # a Chinese sentence
    return reason


def test_zero_bytes(tmp_path: Path) -> None:
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert "0 字节" in _reason(p)


def test_truncated_pdf(tmp_path: Path) -> None:
    p = tmp_path / "cut.pdf"
    p.write_bytes(GOOD.read_bytes()[:30000])
    assert "损坏" in _reason(p) or "不完整" in _reason(p)


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = tmp_path / "locked.pdf"
    p.write_bytes(_encrypted_pdf())
    assert "加密" in _reason(p)


def test_docx_zip_bomb(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z, z.open("word/document.xml", "w", force_zip64=True) as f:
        for _ in range(48):
            f.write(b"\x00" * (1 << 22))  # 192 MiB of zeros
    assert "压缩炸弹" in _reason(p)


def test_300_mb_file_is_refused_by_size(tmp_path: Path) -> None:
    p = tmp_path / "huge.pdf"
    with open(p, "wb") as f:
        f.truncate(300 * 1024 * 1024)  # sparse: no disk used, nothing read
    assert p.stat().st_size > MAX_BYTES
    assert "过大" in _reason(p)


def test_html_page_that_is_not_a_report(tmp_path: Path) -> None:
    p = tmp_path / "notice.html"
    p.write_text(
        "<html><body><div class='article'><h1>停水通知</h1><p>明日停水。</p></div></body></html>", encoding="gbk"
    )
    out = process(str(p))
    assert out.report is None and out.error is not None and "年度报告" in out.error


def test_image_of_a_cat(tmp_path: Path) -> None:
    p = tmp_path / "cat.jpg"
    p.write_bytes(_cat())
    assert "没有识别出任何文字" in _reason(p)


def test_unknown_binary() -> None:
    with pytest.raises(ReadError, match="不是可识别的文档格式"):
        read_bytes("x.bin", bytes(range(256)) * 64)


def test_batch_goes_on_and_exits_2(tmp_path: Path) -> None:
    """A folder of bad files and one good report: every bad file gets its reason,
    the good one is extracted, and the exit status is 2."""
    (tmp_path / "a-empty.pdf").write_bytes(b"")
    (tmp_path / "b-cut.pdf").write_bytes(GOOD.read_bytes()[:30000])
    (tmp_path / "c-cat.png").write_bytes(_cat())
    with open(tmp_path / "d-huge.docx", "wb") as f:
        f.truncate(MAX_BYTES + 1)
    shutil.copy(GOOD, tmp_path / "e-good.pdf")
    res = runner.invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert [Path(d["source"]).name for d in data] == ["e-good.pdf"]
    assert data[0]["tables"]["applications"]["new_received"]["total"] == 95
    for name in ("a-empty.pdf", "b-cut.pdf", "c-cat.png", "d-huge.docx"):
        assert name in res.stderr
