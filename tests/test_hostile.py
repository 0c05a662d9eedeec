"""Hostile files (issue 11): each is generated here, small on disk, and has its expected outcome —
one Chinese reason, exit status 2, the rest of the batch done, refused well before the budget.

Bounds are loose on purpose (refused before the budget's timeout, a worker's memory limit),
never tight timings: speed targets live in benchmarks/.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile_files import W, minimal_docx, pixel_bomb, rezip, rows
from nianbao.budget import Budget, FileFailure, OverBudget, Pool
from nianbao.cli import app
from nianbao.corpus.synth import write_corpus
from nianbao.readers import ReadError, read_bytes, read_path
from nianbao.readers.zipguard import MAX_PART
from nianbao.render.workbook import write_workbook

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "003_c12fc4cb6f2af7bf.txt"
QUICK = 60.0  # seconds: refusals are expected in well under a second; this only catches a runaway


def chinese(reason: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in reason) and "Error" not in reason and "errno" not in reason


def _check_json(paths: list[str], *extra: str) -> tuple[int, list[dict[str, object]], float]:
    t0 = time.monotonic()
    res = runner.invoke(app, ["check", *paths, "--format", "json", *extra])
    elapsed = time.monotonic() - t0
    res.stdout_bytes.decode("utf-8")  # valid UTF-8, whatever the names
    return res.exit_code, json.loads(res.stdout), elapsed


def _batch_with(tmp_path: Path, name: str | bytes, data: bytes) -> tuple[dict[str, object], dict[str, object], float]:
    """Check the hostile file and a good report together: (hostile item, good item, seconds)."""
    p = os.path.join(os.fsencode(tmp_path), name) if isinstance(name, bytes) else str(tmp_path / name)
    with open(p, "wb") as f:
        f.write(data)
    code, items, elapsed = _check_json([os.fsdecode(p), str(GOOD)])
    assert code == 2, items
    assert len(items) == 2 and "error" not in items[1] and items[1]["agency"], items[1]  # the batch went on
    return items[0], items[1], elapsed


# --- zip bombs ---------------------------------------------------------------------------------


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    """The fill-in workbook with its first sheet replaced by rows beyond the part limit (the report
    had 1.1 GB; 61 MB deflates to ~100 KB and is refused the same way, by declared size)."""
    bomb = rezip(write_workbook("2021"), {"xl/worksheets/sheet1.xml": rows(MAX_PART + 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024
    item, _, elapsed = _batch_with(tmp_path, "年报填报表.xlsx", bomb)
    reason = str(item["error"])
    assert chinese(reason) and "压缩炸弹" in reason, reason
    assert str(tmp_path) not in reason  # no server or temp path in a reason
    assert elapsed < QUICK


def test_xlsx_ratio_bomb_is_refused(tmp_path: Path) -> None:
    """A part small enough in size but inflating 1000×: refused by its ratio."""
    bomb = rezip(write_workbook("2021"), {"xl/worksheets/sheet2.xml": rows(8 * 1024 * 1024)})
    item, _, _ = _batch_with(tmp_path, "表.xlsx", bomb)
    assert "压缩比" in str(item["error"]), item


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    body = b"".join(rows(MAX_PART + 1024 * 1024))  # any XML: it is never parsed
    bomb = minimal_docx(body)
    with pytest.raises(ReadError) as exc:
        read_bytes("bomb.docx", bomb)
    assert "压缩炸弹" in exc.value.reason


def test_xlsx_with_doctype_is_not_expanded(tmp_path: Path) -> None:
    """Billion laughs in a workbook's sheet: openpyxl parses through defusedxml, which refuses
    any DTD; the workbook is one failure with a Chinese reason."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    bad = rezip(write_workbook("2021"), {"xl/worksheets/sheet1.xml": laughs})
    item, _, _ = _batch_with(tmp_path, "laughs.xlsx", bad)
    reason = str(item["error"])
    assert chinese(reason) and "lol" not in reason, reason


def test_docx_billion_laughs_and_xxe_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密内容 12345", encoding="utf-8")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        f'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY xxe SYSTEM "file://{secret}">]>'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&c;&xxe;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    try:
        text = read_bytes("x.docx", minimal_docx(doc)).text
    except ReadError as exc:
        text = exc.reason
    assert "绝密" not in text and "哈哈哈哈哈哈哈哈哈" not in text


# --- pictures, long lines ---------------------------------------------------------------------


def test_pixel_bomb_png_is_refused_from_its_header(tmp_path: Path) -> None:
    png = pixel_bomb()
    assert len(png) < 200_000
    item, _, elapsed = _batch_with(tmp_path, "scan.png", png)
    assert "图片尺寸过大" in str(item["error"]), item
    assert elapsed < QUICK


@pytest.mark.parametrize("kind", ["words", "digits"])
def test_13_mb_on_one_line_is_read_within_the_budget(tmp_path: Path, kind: str) -> None:
    """No quadratic work on a long line: the file is done (a reason, not a timeout)."""
    unit = "政府信息公开 申请 办理 " if kind == "words" else "1 22 333 4444 "
    data = (unit * (13 * 1024 * 1024 // len(unit.encode()))).encode()
    item, _, _ = _batch_with(tmp_path, "one-line.txt", data)
    assert chinese(str(item["error"])) and "超时" not in str(item["error"]), item


# --- names, links, empty and broken files -----------------------------------------------------


def test_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = "报告2023.txt".encode("gbk")
    p = os.path.join(os.fsencode(tmp_path), name)
    with open(p, "wb") as f:
        f.write(GOOD.read_bytes())
    for fmt in ("json", "text"):
        res = runner.invoke(app, ["check", str(tmp_path), "--format", fmt])
        out = res.stdout_bytes.decode("utf-8")  # valid UTF-8
        assert "\ufffd" in out and res.exit_code in (0, 1), out
    res = runner.invoke(app, ["extract", str(tmp_path), "--format", "csv"])
    assert res.exit_code == 0 and "\ufffd" in res.stdout_bytes.decode("utf-8")


def _ingest(paths: list[str], db: str) -> None:
    res = runner.invoke(app, ["ingest", *paths, "--db", db, "--workers", "2", "--no-analyse"])
    assert res.exit_code == 0, res.output


def test_ingest_stores_odd_names_links_and_failures_once(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    with open(os.path.join(os.fsencode(src), "报告.txt".encode("gbk")), "wb") as f:
        f.write(GOOD.read_bytes())
    (src / "other.txt").write_bytes((FIXTURES / "000_43e3c9ba6b70e239.txt").read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    db = str(tmp_path / "store.db")
    _ingest([str(src)], db)
    _ingest([str(src)], db)  # a rerun adds and duplicates nothing
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT source, status, error FROM reports ORDER BY source").fetchall()
    assert len(rows) == 5, rows
    for row in rows:
        row[0].encode("utf-8")  # stored as valid UTF-8
    by_name = {os.path.basename(s): (st, e) for s, st, e in rows}
    assert by_name["\ufffd\ufffd\ufffd\ufffd.txt"][0] == "ok"
    assert "不存在" in by_name["dangling.txt"][1]
    assert "循环" in by_name["loop.txt"][1]
    assert "0 字节" in by_name["empty.txt"][1]
    res = runner.invoke(app, ["failures", "--db", db])
    assert res.exit_code == 0
    listed = res.stdout_bytes.decode("utf-8")
    assert all(n in listed for n in ("dangling.txt", "loop.txt", "empty.txt")), listed
    assert all(chinese(e) for _, st, e in rows if st == "failed")


def test_links_and_errno_reasons_are_chinese(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name, word in (("dangling", "不存在"), ("loop", "循环"), ("missing", "不存在")):
        with pytest.raises(ReadError) as exc:
            read_path(tmp_path / name)
        assert word in exc.value.reason and chinese(exc.value.reason), exc.value.reason
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.txt"
        locked.write_text("x")
        locked.chmod(0)
        with pytest.raises(ReadError, match="权限"):
            read_path(locked)


def test_broken_files_in_one_batch(tmp_path: Path) -> None:
    pdf = (FIXTURES / "hongze-2024.pdf").read_bytes()
    files = {
        "empty.txt": b"",
        "truncated.pdf": pdf[: len(pdf) // 3],
        "garbage.docx": b"PK\x03\x04" + os.urandom(2000),
        "not-a-zip.xlsx": b"PK\x03\x04 not really",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / n) for n in files] + [str(GOOD)]
    code, items, _ = _check_json(paths)
    assert code == 2
    assert all(chinese(str(i["error"])) for i in items[:-1]), items
    assert "error" not in items[-1]


# --- the budget ---------------------------------------------------------------------------------


def test_budget_timeout_kills_the_worker_and_the_pool_goes_on() -> None:
    with Pool(1, Budget(timeout=0.5, memory_mb=0)) as pool:
        with pytest.raises(OverBudget, match=r"处理超时（超过 0\.5 秒）"):
            pool.call(time.sleep, 30)
        assert pool.call(len, "还能用") == 3  # a fresh worker took its place


def _start_and_wait(pidfile: str) -> None:
    """Runs in a worker: starts a converter-like child process, then hangs."""
    child = subprocess.Popen(["sleep", "60"])
    Path(pidfile).write_text(str(child.pid))
    time.sleep(60)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # dead, waiting for its (new) parent to reap it


def test_budget_timeout_also_ends_what_the_worker_started(tmp_path: Path) -> None:
    """A LibreOffice conversion running when the file's time is up does not outlive it."""
    pidfile = str(tmp_path / "child.pid")
    with Pool(1, Budget(timeout=3, memory_mb=0)) as pool, pytest.raises(OverBudget):
        pool.call(_start_and_wait, pidfile)
    pid = int(Path(pidfile).read_text())
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)


def test_budget_memory_limit() -> None:
    with Pool(1, Budget(timeout=60, memory_mb=300)) as pool:
        with pytest.raises(OverBudget, match=r"超出内存上限（300 MB）"):
            pool.call(bytearray, 1024 * 1024 * 1024)
        assert pool.call(len, b"ok") == 2


def test_budget_bug_in_a_worker_is_one_failure() -> None:
    with Pool(2, Budget(timeout=60, memory_mb=500)) as pool:
        got = [r for _, r in pool.imap(int, ["1", "x", "3"])]
    assert got[0] == 1 and got[2] == 3
    assert isinstance(got[1], FileFailure) and chinese(got[1].reason)


def test_cli_timeout_is_one_failure_and_the_batch_goes_on(tmp_path: Path) -> None:
    pdf = str(FIXTURES / "hongze-2024.pdf")
    code, items, _ = _check_json([pdf, str(GOOD)], "--timeout", "0.001")
    assert code == 2 and len(items) == 2  # both over a budget no file can meet, both reported
    assert "处理超时（超过 0.001 秒）" in str(items[0]["error"])


_INGEST = (
    "import sys; from nianbao.store import ingest; from nianbao.budget import Budget; "
    "ingest([sys.argv[1]], sys.argv[2], workers=2, commit_every=3, analyse=False, budget=Budget(60, 1024))"
)


def test_ingest_killed_with_sigkill_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """Killed at several points while workers read (budgeted) and the main process writes, then run
    to the end: every file is in the store exactly once, the dangling link among them."""
    src = tmp_path / "in"
    n = write_corpus(60, str(src), seed=7)
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    db = str(tmp_path / "store.db")
    for delay in (1.0, 2.0, 3.5):
        proc = subprocess.Popen([sys.executable, "-c", _INGEST, str(src), db])
        time.sleep(delay)
        proc.kill()  # SIGKILL: no cleanup runs
        proc.wait()
    subprocess.run([sys.executable, "-c", _INGEST, str(src), db], check=True, timeout=600)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT sha256, source FROM reports").fetchall()
    assert len(rows) == len({r[0] for r in rows}) == n + 1
    assert len({r[1] for r in rows}) == n + 1


@pytest.mark.parametrize("unit", ["申请 1 ", "（一）予以公开 1 ", "本年新收 1 2 3 4 5 6 7 "])
def test_one_line_dump_is_cut_in_linear_work(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-line dump of labels and lone figures: the work per word is bounded (it grew with the
    line: 13 MB of "申请 1 …" would have taken hours), counted in label normalisations."""
    from nianbao.readers import dump

    calls = 0
    real = dump.norm_label

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return real(text)

    monkeypatch.setattr(dump, "norm_label", counting)
    for n in (1000, 4000):
        calls = 0
        line = unit * n
        dump.unfold(line)
        assert calls <= 60 * len(line.split()), (n, calls)
