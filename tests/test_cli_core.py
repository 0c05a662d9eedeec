"""The CLI contracts later tools build on: extract/check formats, exit codes, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from conftest import FIXTURES
from nianbao.cli import app

runner = CliRunner()
CLEAN = str(FIXTURES / "003_c12fc4cb6f2af7bf.txt")
BLANKS = str(FIXTURES / "001_aa665f4df32367ae.txt")


def test_extract_json_is_an_array_of_reports_with_source() -> None:
    res = runner.invoke(app, ["extract", CLEAN, BLANKS, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [d["source"] for d in data] == [CLEAN, BLANKS]
    assert all(d["schema"] == "nianbao/report@1" for d in data)
    assert data[0]["tables"]["applications"]["other_other"]["total"] == 1
    assert data[1]["tables"]["applications"]["new_received"]["natural_person"] is None
    assert data[0]["provenance"]["applications.other_other.total"]["line"] > 0


def test_extract_csv_and_table() -> None:
    res = runner.invoke(app, ["extract", CLEAN, "--format", "csv"])
    assert res.exit_code == 0
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("source,agency,year,format,table,row,column,value")
    assert any(",applications,other_other,total,1," in ln for ln in lines)
    res = runner.invoke(app, ["extract", CLEAN, "--format", "table"])
    assert res.exit_code == 0 and "表三" in res.stdout and "表四" in res.stdout


def test_check_json_shape_and_exit_codes() -> None:
    res = runner.invoke(app, ["check", CLEAN, "--format", "json"])
    assert res.exit_code == 0
    [item] = json.loads(res.stdout)
    assert item["source"] == CLEAN and item["findings"] == []
    res = runner.invoke(app, ["check", BLANKS, "--format", "json"])
    assert res.exit_code == 1
    [item] = json.loads(res.stdout)
    f = item["findings"][0]
    assert set(f) >= {"rule", "severity", "table", "row", "column", "expected", "actual", "message"}
    assert f["severity"] == "error" and f["table"] in ("active_disclosure", "applications", "review_litigation")
    t4 = [x for x in item["findings"] if x["table"] == "review_litigation"]
    assert {x["row"] for x in t4} <= {"review", "litigation_direct", "litigation_after_review"}


def test_check_text_summary() -> None:
    res = runner.invoke(app, ["check", str(FIXTURES / "004_29f7b36afe8cbcfb.txt")])
    assert res.exit_code == 0
    assert "警告" in res.stdout and "19" in res.stdout


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("今天开会，讨论明年的工作安排。", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 40)
    shutil.copy(CLEAN, tmp_path / "report.txt")
    res = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert res.exit_code == 2
    items = {Path(i["source"]).name: i for i in json.loads(res.stdout)}
    assert set(items) == {"empty.txt", "notes.txt", "blob.bin", "report.txt"}
    assert "空" in items["empty.txt"]["error"]
    assert "不像" in items["notes.txt"]["error"]
    assert items["blob.bin"]["error"]
    assert "error" not in items["report.txt"]
    # One clear line per broken file on stderr, naming it.
    for name in ("empty.txt", "notes.txt", "blob.bin"):
        assert name in res.stderr


def test_gbk_and_utf16_text(tmp_path: Path) -> None:
    text = Path(CLEAN).read_text(encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    res = runner.invoke(app, ["extract", str(tmp_path), "--brief"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data) == 3
    assert all(d["tables"] == data[0]["tables"] for d in data)
    assert data[0]["agency"] == "中卫市商务局"


def test_schema_and_rules() -> None:
    res = runner.invoke(app, ["schema"])
    schema = json.loads(res.stdout)
    assert schema["$id"] == "nianbao/report@1"
    assert "applications" in json.dumps(schema)
    res = runner.invoke(app, ["rules"])
    assert "t3.balance" in res.stdout
