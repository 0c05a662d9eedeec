"""The ledger: versions beside each other, duplicates once, resume only from what was really saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nianbao.collect.ledger import Busy, Ledger, file_stem, read_manifest


def _save(ledger: Ledger, url: str, body: bytes) -> Any:
    return ledger.save(
        url=url, final_url=url, title="某局2023年政府信息公开工作年度报告", list_url="http://x.gov.cn/",
        status=200, content_type="application/pdf", etag=None, last_modified=None, body=body,
    )  # fmt: skip


def test_new_unchanged_duplicate_and_changed(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    assert _save(led, "http://x.gov.cn/a.pdf", b"%PDF-1").outcome == "new"
    assert _save(led, "http://x.gov.cn/a.pdf", b"%PDF-1").outcome == "unchanged"
    assert _save(led, "http://x.gov.cn/copy.pdf", b"%PDF-1").outcome == "duplicate"
    changed = _save(led, "http://x.gov.cn/a.pdf", b"%PDF-2")
    led.finish()
    assert changed.outcome == "changed"
    lines = read_manifest(tmp_path)
    assert len(lines) == 2 and lines[1]["previous_sha256"] == lines[0]["sha256"]
    assert all((tmp_path / e["path"]).read_bytes().startswith(b"%PDF") for e in lines)
    assert lines[0]["path"] != lines[1]["path"] and lines[0]["path"].endswith(".pdf")


def test_one_collection_per_folder(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    with pytest.raises(Busy, match="另一个采集"):
        Ledger(tmp_path)
    led.finish()
    Ledger(tmp_path).finish()


def test_file_names_fit_the_file_system() -> None:
    stem = file_stem("某" * 120 + "年度报告", "http://x.gov.cn/a.pdf")
    assert len(stem.encode("utf-8")) <= 150 and stem.startswith("某")
    assert file_stem("", "http://x.gov.cn/files/%E5%B9%B4%E6%8A%A5.pdf") == "年报"
    assert "/" not in file_stem("a/../b", "http://x.gov.cn/") and not file_stem("..", "http://x/").startswith(".")


def test_resume_trusts_only_what_reached_the_manifest(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    saved = _save(led, "http://x.gov.cn/a.pdf", b"%PDF-1").entry
    led.remember("http://x.gov.cn/a.pdf", type="document", sha256=saved["sha256"], etag='"e1"')
    led.remember("http://x.gov.cn/b.pdf", type="document", sha256="0" * 64, etag='"e2"')  # killed before saving
    led.close()  # killed: run.json still says unfinished
    again = Ledger(tmp_path)
    assert again.resume_since is not None
    assert again.done_in_this_run("http://x.gov.cn/a.pdf") is not None
    assert again.done_in_this_run("http://x.gov.cn/b.pdf") is None
    assert again.validators("http://x.gov.cn/a.pdf") == {"If-None-Match": '"e1"'}
    assert again.validators("http://x.gov.cn/b.pdf") == {}  # ask for it in full
    again.finish()
    assert json.loads((tmp_path / ".nianbao-collect" / "run.json").read_text())["finished"] is True
    assert Ledger(tmp_path).resume_since is None
