"""The explicit table of readers: every kind sniffing can name is read or refused, and a reader
that fails to import raises instead of passing for an unsupported format."""

from __future__ import annotations

import io
import sys
import zipfile

import pytest

import nianbao.readers as readers
from nianbao.readers import READERS, ReadError, read_bytes, reader_for


def test_every_entry_resolves_to_a_function() -> None:
    for kind in READERS:
        assert callable(reader_for(kind)), kind
    assert reader_for("zip") is None and reader_for("binary") is None


def test_broken_reader_module_is_not_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real module whose import raises: the error reaches the caller, not 暂不支持."""
    name = "nianbao_test_raising_reader"
    monkeypatch.setitem(sys.modules, name, None)  # `import name` now raises ImportError
    monkeypatch.setitem(READERS, "pdf", f"{name}:read_pdf")
    monkeypatch.setattr(readers, "_resolved", {})
    with pytest.raises(ImportError):
        read_bytes("a.pdf", b"%PDF-1.4\n")


def test_unlisted_kind_is_refused_in_chinese() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "x")
    with pytest.raises(ReadError, match="暂不支持读取压缩包"):
        read_bytes("a.zip", buf.getvalue())
