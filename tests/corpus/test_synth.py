from __future__ import annotations

import json
from pathlib import Path

from nianbao.corpus.synth import LAYOUTS, generate, write_corpus
from nianbao.document import Document
from nianbao.extract import extract


def test_synthetic_reports_extract_exactly_in_every_layout() -> None:
    seen = set()
    for s in generate(24, seed=5, error_share=0.3):
        r = extract(Document.from_text(s.name, s.text))
        assert (r.agency, r.year, r.format) == (s.entry["agency"], s.entry["year"], s.entry["format"])
        for t, rows in s.tables.items():
            for rk, cols in rows.items():
                for ck, v in cols.items():
                    got = r.value(t, rk, ck)
                    assert got is not None and float(got) == float(v), (s.entry["layout"], t, rk, ck)
        seen.add((s.entry["layout"], s.entry["format"]))
    assert {layout for layout, _ in seen} == set(LAYOUTS) and {f for _, f in seen} == {"2019", "2021"}


def test_write_corpus_and_manifest(tmp_path: Path) -> None:
    assert write_corpus(20, str(tmp_path), seed=1, error_share=0.5) == 20
    lines = [json.loads(x) for x in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 20 and all((tmp_path / m["file"]).exists() for m in lines)
    assert any(m["errors"] for m in lines) and any(not m["errors"] for m in lines)


def test_synth_is_deterministic() -> None:
    a = [s.text for s in generate(5, seed=3)]
    b = [s.text for s in generate(5, seed=3)]
    assert a == b
