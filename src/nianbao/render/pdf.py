"""PDF: LibreOffice converts the DOCX; WeasyPrint prints the HTML when LibreOffice is absent."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from nianbao.render.docx import to_docx
from nianbao.render.html import to_html
from nianbao.render.model import Layout

NO_ENGINE = (
    "无法生成 PDF：本机既没有安装 LibreOffice（soffice），也没有安装 WeasyPrint。"
    "请安装其中之一，例如 Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk，"
    "或 pip install weasyprint；也可以先生成 DOCX 或 HTML 再自行转换。"
)


class PdfError(RuntimeError):
    """PDF could not be produced; the message is Chinese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def weasyprint_available() -> bool:
    try:
        import weasyprint  # type: ignore[import-not-found]  # noqa: F401
    except Exception:
        return False
    return True


def engine() -> str | None:
    if soffice():
        return "libreoffice"
    if weasyprint_available():
        return "weasyprint"
    return None


def docx_to_pdf(docx: bytes, timeout: float = 180) -> bytes:
    exe = soffice()
    if exe is None:
        raise PdfError(NO_ENGINE)
    with tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）") from exc
        out = Path(tmp) / "report.pdf"
        if not out.exists():
            msg = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            raise PdfError(f"LibreOffice 未能生成 PDF（退出码 {proc.returncode}）：{msg}")
        return out.read_bytes()


def to_pdf(lay: Layout) -> bytes:
    which = engine()
    if which == "libreoffice":
        return docx_to_pdf(to_docx(lay))
    if which == "weasyprint":
        import weasyprint

        data: bytes = weasyprint.HTML(string=to_html(lay)).write_pdf()
        return data
    raise PdfError(NO_ENGINE)
