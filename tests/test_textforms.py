"""Text forms reports travel in, derived from the fixtures (nianbao.derive.textforms): HTML
fragments, one-line dumps, converted text with labels and figures apart, UTF-16 without BOM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from nianbao.derive import deriver
from nianbao.eval import compare
from nianbao.extract import extract
from nianbao.readers import read_bytes, read_path
from nianbao.readers.sniff import sniff

TEXTS = sorted(FIXTURES.glob("*.txt"))
ALL = [*TEXTS, *sorted(FIXTURES.glob("*.pdf"))]


def _expected(src: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(src.with_name(src.name.split(".")[0] + ".expected.json").read_text("utf-8"))
    return data


# --- §9 UTF-16 without BOM --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(encoding: str) -> None:
    src = FIXTURES / "003_c12fc4cb6f2af7bf.txt"
    data = src.read_text(encoding="utf-8").encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert sniff(data[:8192]) == "text"
    doc = read_bytes("u16.txt", data)
    assert doc.encoding == encoding
    score = compare(extract(doc), _expected(src))
    assert score.right == score.total, score.diffs


def test_binary_with_nuls_is_still_binary() -> None:
    blob = bytes(range(256)) * 40
    assert sniff(blob[:8192]) == "binary"


# --- §3 HTML saved as a fragment ---------------------------------------------------------------


@pytest.mark.parametrize("src", ALL, ids=lambda p: p.name)
def test_fragment_is_html_and_reads_exactly(src: Path, tmp_path: Path) -> None:
    files = deriver("fragment")(src, tmp_path, src.name.split(".")[0])
    data = files[0].read_bytes()
    head = data[:8192].lower()
    # The case of issue 10 §3: no page opening, no table, no div in the first 8 KB.
    assert b"<html" not in data and b"<body" not in data and b"<table" not in head and b"<div" not in head
    assert sniff(data[:8192]) == "html"
    score = compare(extract(read_path(files[0])), _expected(src))
    assert score.right == score.total, score.diffs


def test_text_quoting_a_few_tags_stays_text() -> None:
    text = (FIXTURES / "003_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    quoted = "网页中用 <br> 换行，<p> 表示段落。\n| 项目 | 数量<br>（件） |\n" + text
    assert sniff(quoted.encode("utf-8")[:8192]) == "text"


@pytest.mark.parametrize("form", ["fragment", "dump", "converted", "utf16"])
def test_every_form_is_registered_and_deterministic(form: str, tmp_path: Path) -> None:
    src = FIXTURES / "004_29f7b36afe8cbcfb.txt"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = deriver(form)(src, tmp_path / "a", "x")
    b = deriver(form)(src, tmp_path / "b", "x")
    assert a and [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
