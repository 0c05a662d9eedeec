"""Fuzzing every reader: seeds made from the fixtures, mutated by hypothesis (truncation, bit
flips, spliced bytes, a zip part replaced or damaged), each read in a worker process within a
budget, as a batch reads it. Whatever the bytes, the outcome is a report or one Chinese
reason: never an exception escaping our code, never a crashed worker.

CI runs a few derandomised examples per reader (seconds each). The long run is
`python scripts/fuzz.py` (see its docstring); a failure it finds becomes a case in
`REGRESSIONS` below.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from nianbao.batch import Outcome, process
from nianbao.budget import Budget, FileFailure, Pool
from nianbao.render import render_bytes
from nianbao.render.workbook import write_workbook

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "6"))
LONG = os.environ.get("NIANBAO_FUZZ_RANDOM") == "1"  # scripts/fuzz.py: random, with a database of failures
BUDGET = Budget(timeout=float(os.environ.get("NIANBAO_FUZZ_TIMEOUT", "120")), memory_mb=2048)


# --- seeds: one valid file per reader, made from the fixtures -----------------------------------


@cache
def _report() -> object:
    o = process(str(FIXTURES / "003_c12fc4cb6f2af7bf.txt"), run_checks=False)
    assert o.report is not None
    return o.report


def _png() -> bytes:
    img = Image.new("L", (360, 60), 255)
    ImageDraw.Draw(img).text((10, 20), "2023 12 345", fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _mhtml() -> bytes:
    msg = EmailMessage()
    msg["MIME-Version"] = "1.0"
    msg["Subject"] = "report"
    msg.make_related()
    msg.add_related(render_bytes(_report(), "html").decode("utf-8"), subtype="html")  # type: ignore[arg-type]
    msg.add_related(_png(), maintype="image", subtype="png", headers=["Content-Location: table.png"])
    msg.set_boundary("nianbao-fuzz")  # else drawn at random: the seed would differ run to run
    return msg.as_bytes()


SEEDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "text": (".txt", lambda: (FIXTURES / "003_c12fc4cb6f2af7bf.txt").read_bytes()),
    "html": (".html", lambda: render_bytes(_report(), "html")),  # type: ignore[arg-type]
    "mhtml": (".mht", _mhtml),
    "docx": (".docx", lambda: render_bytes(_report(), "docx")),  # type: ignore[arg-type]
    "xlsx": (".xlsx", lambda: write_workbook("2021", _report())),  # type: ignore[arg-type]
    "pdf": (".pdf", lambda: (FIXTURES / "hongze-2024.pdf").read_bytes()),
    "png": (".png", _png),
}


@cache
def seed(kind: str) -> bytes:
    return SEEDS[kind][1]()


# --- mutations ------------------------------------------------------------------------------------


def _flip(draw: st.DrawFn, data: bytearray) -> bytearray:
    for _ in range(draw(st.integers(1, 16))):
        if data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
    return data


def _splice(draw: st.DrawFn, data: bytearray) -> bytearray:
    i = draw(st.integers(0, len(data)))
    junk = draw(st.sampled_from([b"\x00" * 64, b"\xff" * 7, b"<<<<", b"</w:tbl>", b"\xe4\xb8", b"\r\n" * 9, b"9" * 40]))
    return data[:i] + junk + data[i + draw(st.integers(0, 64)) :]


def _zip_part(draw: st.DrawFn, data: bytearray) -> bytearray:
    """One part of the archive damaged (the outer bytes would only fail the CRC check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
            parts = {i.filename: z.read(i) for i in z.infolist()}
    except Exception:  # the outer bytes already damaged (bad CRC, bad deflate stream): leave them
        return data
    name = draw(st.sampled_from(sorted(parts)))
    inner = bytearray(parts[name])
    how = draw(st.sampled_from(["flip", "splice", "truncate", "empty"]))
    if how == "flip":
        inner = _flip(draw, inner)
    elif how == "splice":
        inner = _splice(draw, inner)
    elif how == "truncate":
        inner = inner[: draw(st.integers(0, len(inner)))]
    else:
        inner = bytearray()
    parts[name] = bytes(inner)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return bytearray(out.getvalue())


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    data = bytearray(seed(kind))
    zipped = data.startswith(b"PK\x03\x04")
    ops = ["flip", "splice", "truncate", *(["zip", "zip", "zip"] if zipped else [])]
    for op in draw(st.lists(st.sampled_from(ops), min_size=1, max_size=3)):
        if op == "flip":
            data = _flip(draw, data)
        elif op == "splice":
            data = _splice(draw, data)
        elif op == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        else:
            data = _zip_part(draw, data)
    return bytes(data)


# --- the property -----------------------------------------------------------------------------------


def read_file(data: bytes, suffix: str) -> Outcome:
    """Runs in the worker: the bytes as a file, read, extracted and checked as a batch does."""
    fd, path = tempfile.mkstemp(prefix="nianbao-fuzz-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        o = process(path)
    finally:
        os.unlink(path)
    o.document = None  # not needed by the parent
    return o


def assert_honest(pool: Pool, data: bytes, suffix: str) -> None:
    try:
        o = pool.call(read_file, data, suffix)
    except FileFailure as exc:  # a bug in our code, or a crashed worker: a finding of the fuzzer
        if "处理超时" in exc.reason:
            return  # within the budget's promise: one Chinese reason
        raise AssertionError(f"{exc.reason} on {len(data)} bytes ({suffix})") from None
    if o.error is not None:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in o.error), o.error
        assert "Error" not in o.error and "nianbao-fuzz-" not in o.error, o.error
    else:
        assert o.report is not None


@pytest.fixture(scope="module")
def pool() -> object:
    with Pool(1, BUDGET) as p:
        yield p


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_seed_is_read(pool: Pool, kind: str) -> None:
    """The seeds themselves are valid files of their kind (else the fuzzer explores nothing)."""
    o = pool.call(read_file, seed(kind), SEEDS[kind][0])
    if kind == "png":  # a picture of a few words: read, not a report
        assert o.error is not None and "年度报告" in o.error
    else:
        assert o.error is None and o.report is not None, o.error


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_fuzz_reader(pool: Pool, kind: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not LONG,
        database=None if not LONG else settings.default.database,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=mutated(kind))
    def run(data: bytes) -> None:
        assert_honest(pool, data, SEEDS[kind][0])

    run()


def _bad_deflate(data: bytes) -> bytes:
    """The workbook's marker part (docProps/custom.xml) with a broken deflate stream: zlib.error
    escaped `is_workbook` (found by scripts/fuzz.py)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("docProps/custom.xml")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    damaged[start] = 0xFF  # an invalid block type; the central directory still declares the part
    return bytes(damaged)


# Failures found by fuzzing, kept as regression cases: (kind, how the seed is damaged).
REGRESSIONS: list[tuple[str, Callable[[bytes], bytes]]] = [("xlsx", _bad_deflate)]


@pytest.mark.parametrize(("kind", "damage"), REGRESSIONS)
def test_regression(pool: Pool, kind: str, damage: Callable[[bytes], bytes]) -> None:
    assert_honest(pool, damage(seed(kind)), SEEDS[kind][0])
