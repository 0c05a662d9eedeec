from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from nianbao.corpus.synth import write_corpus
from nianbao.store import ingest, migrate, open_store
from nianbao.store import queries as q
from nianbao.store import tables as T
from nianbao.store.export import export


def _count(url: str, table: T.Table, *where: object) -> int:
    with open_store(url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_migrations_create_every_table_and_are_repeatable(db_url: str) -> None:
    eng = migrate(db_url)
    migrate(db_url)
    names = set(inspect(eng).get_table_names())
    assert {"regions", "agencies", "agency_names", "reports", "cells", "findings", "sections"} <= names


def test_ingesting_fixtures_twice_gives_one_report_each(db_url: str, fixtures_dir: Path) -> None:
    first = ingest([str(fixtures_dir)], db_url, workers=2)
    assert first.files == 7 and first.added + first.failed == 7
    second = ingest([str(fixtures_dir)], db_url, workers=2)
    assert second.added == 0 and second.failed == 0 and second.skipped == 7
    assert _count(db_url, T.reports) == 7
    with open_store(db_url).connect() as conn:
        shas = conn.execute(select(T.reports.c.sha256)).scalars().all()
    assert len(set(shas)) == 7
    # The text fixtures extract: cells in long form with provenance lines.
    ok = q.list_reports(open_store(db_url), status="ok")
    assert {r["agency"] for r in ok} >= {"中卫市审批服务管理局", "青铜峡市"}
    rep = next(r for r in ok if r["agency"] == "中卫市审批服务管理局")
    full = q.get_report(open_store(db_url), rep["id"])
    assert full is not None and full["cells"]["applications.new_received.total"] == 2
    assert _count(db_url, T.cells, T.cells.c.line.is_not(None)) > 0


def test_failures_are_recorded_with_chinese_reason_and_do_not_stop_the_batch(
    db_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("这不是年度报告。\n只是一段文字。\n", encoding="utf-8")
    (d / "b.bin").write_bytes(bytes(range(256)) * 4)
    (d / "c.txt").write_bytes((fixtures_dir / "003_c12fc4cb6f2af7bf.txt").read_bytes())
    stats = ingest([str(d)], db_url, workers=1)
    assert stats.added == 1 and stats.failed == 2
    fails = q.failures(open_store(db_url))
    assert len(fails) == 2
    assert all(f["error"] and any("\u4e00" <= ch <= "\u9fff" for ch in f["error"]) for f in fails)


def test_ingest_resumes_after_interruption(db_url: str, tmp_path: Path) -> None:
    write_corpus(12, str(tmp_path / "syn"), seed=3, error_share=0)
    calls = {"n": 0}

    def boom(done: int, total: int) -> None:
        calls["n"] += 1
        if done >= 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest([str(tmp_path / "syn")], db_url, workers=1, commit_every=1, on_progress=boom)
    kept = _count(db_url, T.reports)
    assert 0 < kept < 12
    stats = ingest([str(tmp_path / "syn")], db_url, workers=1)
    assert stats.skipped == kept and stats.added == 12 - kept
    assert _count(db_url, T.reports) == 12
    # The corpus passes caught up on the reports of the interrupted run.
    assert _count(db_url, T.reports, T.reports.c.analysed.is_(False)) == 0


def test_agencies_regions_and_name_variants(db_url: str, tmp_path: Path, fixtures_dir: Path) -> None:
    ingest([str(fixtures_dir)], db_url, workers=1)
    eng = open_store(db_url)
    ags = {a["name"]: a for a in q.agencies(eng)}
    assert ags["中卫市审批服务管理局"]["region"] == "宁夏回族自治区/中卫市"
    assert ags["青铜峡市"]["region"] == "宁夏回族自治区/吴忠市/青铜峡市" and ags["青铜峡市"]["is_government"]
    res = q.set_agency_region(eng, "中卫市商务局", "宁夏/中卫市/沙坡头区")
    assert res["region"] == "宁夏回族自治区/中卫市/沙坡头区"
    corr = tmp_path / "fix.csv"
    with open(corr, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["agency", "region"])
        w.writerow(["中卫市人民政府办公室", "宁夏/中卫市"])
    assert len(q.apply_corrections(eng, str(corr))) == 1
    ags = {a["name"]: a for a in q.agencies(eng)}
    assert ags["中卫市商务局"]["region_source"] == "manual"
    with pytest.raises(ValueError, match="没有名为"):
        q.set_agency_region(eng, "不存在的局", "宁夏/中卫市")


def test_history_and_copy_findings_match_the_synthetic_manifest(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "syn"
    write_corpus(42, str(out), seed=11, error_share=0.35)
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    ingest([str(out)], db_url, workers=2)
    eng = open_store(db_url)
    by_file = {r["source"].split("syn/", 1)[1]: r for r in q.list_reports(eng, limit=1000)}
    for rule in ("t3.balance", "history.carry_over", "history.copied_text"):
        flagged = {(f["agency"], f["year"]) for f in q.findings_by_rule(eng, rule)}
        injected = {(m["agency"], m["year"]) for m in manifest if rule in m["errors"]}
        assert injected, rule
        assert flagged == injected, rule
    assert all(r["status"] == "ok" for r in by_file.values())


def test_indicators_rankings_and_series(db_url: str, tmp_path: Path) -> None:
    write_corpus(60, str(tmp_path / "syn"), seed=2, error_share=0)
    ingest([str(tmp_path / "syn")], db_url, workers=2)
    eng = open_store(db_url)
    ranking = q.rank_agencies(eng, "disclosure_rate", 2023)
    assert ranking.ranked or ranking.too_few
    assert all(v.denominator >= ranking.min_cases for v in ranking.ranked)
    assert all(v.denominator < ranking.min_cases or v.value is None for v in ranking.too_few)
    assert [v.rank for v in ranking.ranked] == list(range(1, len(ranking.ranked) + 1))
    strict = q.rank_agencies(eng, "disclosure_rate", 2023, min_cases=10**6)
    assert not strict.ranked
    regions = q.rank_regions(eng, "carry_forward_rate", 2023, level="county", min_cases=0)
    assert regions.ranked
    series = q.indicator_series(eng, "carry_forward_rate", region_id=regions.ranked[0].unit_id)
    assert [v.year for v in series] == sorted(v.year for v in series)
    assert any(v.change is not None for v in series[1:])
    with pytest.raises(ValueError):
        q.rank_regions(eng, "no_such", 2023)


@pytest.mark.parametrize("to", ["csv", "xlsx", "parquet"])
def test_export_wide_and_long(db_url: str, fixtures_dir: Path, tmp_path: Path, to: str) -> None:
    ingest([str(fixtures_dir)], db_url, workers=1)
    eng = open_store(db_url)
    n_ok = len(q.list_reports(eng, status="ok"))
    wide = tmp_path / f"w.{to}"
    assert export(eng, to, str(wide), "wide") == n_ok
    long = tmp_path / f"l.{to}"
    assert export(eng, to, str(long), "long") == _count(db_url, T.cells)
    if to == "csv":
        with open(wide, encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        assert list(rows[0])[:6] == ["agency", "year", "format", "region", "source", "sha256"]
        row = next(r for r in rows if r["agency"] == "中卫市审批服务管理局")
        assert row["applications.new_received.total"] == "2"
        assert row["region"] == "宁夏回族自治区/中卫市"
    if to == "parquet":
        import pyarrow.parquet as pq

        t = pq.read_table(long)
        assert {"table", "row", "column", "value"} <= set(t.column_names)


def test_dask_executor(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    write_corpus(8, str(tmp_path / "syn"), seed=4, error_share=0)
    url = str(tmp_path / "dask.db")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        stats = ingest([str(tmp_path / "syn")], url, executor="dask://" + cl.scheduler_address.removeprefix("tcp://"))
    assert stats.added == 8
    assert _count(url, T.reports, T.reports.c.status == "ok") == 8


def test_rollup_names_missing_children_and_gaps(db_url: str, tmp_path: Path) -> None:
    from nianbao.store.rollup import rollup

    out = tmp_path / "syn"
    write_corpus(250, str(out), seed=6, error_share=0)
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    skip = next(m for m in manifest if m["agency"] == "东城区教育局" and m["year"] == 2021)
    (out / skip["file"]).unlink()
    ingest([str(out)], db_url, workers=2)
    eng = open_store(db_url)
    rid = q.find_region(eng, "北京市/东城区")
    assert rid is not None
    res = rollup(eng, rid, 2021)
    assert res.own_report_id is not None
    assert "东城区教育局" in res.missing
    assert any(c["name"] == "东城区商务局" for c in res.children)
    assert all(g.difference is None or g.difference == g.own - g.children for g in res.gaps if g.own is not None)
    ind = q.report_indicators(eng, res.own_report_id)
    assert set(ind) >= {"disclosure_rate", "carry_forward_rate"}


def test_a_region_name_shared_by_places_is_left_unresolved_with_a_finding(
    db_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    text = (fixtures_dir / "000_43e3c9ba6b70e239.txt").read_text(encoding="utf-8")
    from nianbao.document import Document
    from nianbao.extract import extract

    agency = extract(Document.from_text("t.txt", text)).agency
    assert agency
    for i, name in enumerate(("鼓楼区人民政府", "南京市鼓楼区人民政府")):
        (tmp_path / f"r{i}.txt").write_text(text.replace(agency, name), encoding="utf-8")
    ingest([str(tmp_path / "r0.txt"), str(tmp_path / "r1.txt")], db_url, workers=1)
    eng = open_store(db_url)
    ags = {a["name"]: a for a in q.agencies(eng)}
    assert ags["鼓楼区人民政府"]["region"] is None and ags["鼓楼区人民政府"]["region_source"] == "ambiguous"
    assert ags["南京市鼓楼区人民政府"]["region"] == "江苏省/南京市/鼓楼区"
    found = q.findings_by_rule(eng, "extract.region")
    assert [f["agency"] for f in found] == ["鼓楼区人民政府"]
    assert "江苏省/南京市/鼓楼区" in found[0]["message"] and "福建省/福州市/鼓楼区" in found[0]["message"]
    # "鼓楼区" alone names the one 鼓楼区 this store holds; the gazetteer alone would not say which.
    assert q.find_region(eng, "鼓楼区") == q.find_region(eng, "南京市/鼓楼区") is not None


def test_long_export_tells_unread_cells_from_printed_blanks(db_url: str, fixtures_dir: Path, tmp_path: Path) -> None:
    """A figure the reader could not read is `unread`, a cell printed empty is `empty`: never both null and alike."""
    from nianbao.document import UNREAD

    text = (fixtures_dir / "003_c12fc4cb6f2af7bf.txt").read_text(encoding="utf-8")
    row = next(ln for ln in text.splitlines() if ln.startswith("一、本年新收"))
    cells = row.split("\t")
    cells[2] = UNREAD  # the 自然人 figure, smudged
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "smudged.txt").write_text(text.replace(row, "\t".join(cells)), encoding="utf-8")
    shutil.copy(fixtures_dir / "002_5e18f5f84cd8f932.txt", tmp_path / "in")  # five cells printed empty
    ingest([str(tmp_path / "in")], db_url, workers=1)
    out = tmp_path / "l.csv"
    export(open_store(db_url), "csv", str(out), "long")
    with open(out, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    state = {(Path(r["source"]).name, r["table"], r["row"], r["column"]): (r["state"], r["blank"]) for r in rows}
    assert state[("smudged.txt", "applications", "new_received", "natural_person")] == ("unread", "False")
    assert state[("002_5e18f5f84cd8f932.txt", "review_litigation", "review", "upheld")] == ("empty", "True")
    assert {s for s, _ in state.values()} == {"value", "empty", "unread"}


def test_an_interrupted_migration_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: the tables a migration made are rolled back with it (an ingest killed while the
    store was being created must not leave tables without their version stamp)."""
    import sqlite3

    from nianbao.store import db

    real = db.command.upgrade

    def upgrade_then_die(cfg: object, revision: str) -> None:
        real(cfg, revision)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # as if killed before the commit

    path = tmp_path / "c.db"
    monkeypatch.setattr(db.command, "upgrade", upgrade_then_die)
    with pytest.raises(KeyboardInterrupt):
        db.migrate(str(path))
    monkeypatch.undo()
    db.dispose_all()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []
    eng = db.migrate(str(path))  # and the store opens afterwards
    assert inspect(eng).has_table("reports")
