from __future__ import annotations

import copy
from pathlib import Path

from nianbao.batch import process
from nianbao.corpus.copies import Doc, find_copies
from nianbao.corpus.similarity import signature, similarity
from nianbao.corpus.synth import generate
from nianbao.document import Document
from nianbao.extract import extract
from nianbao.model import Report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _report(name: str) -> Report:
    o = process(str(FIXTURES / name), run_checks=False)
    assert o.report is not None
    return o.report


def _doc(i: int, r: Report, agency_id: int) -> Doc:
    sig = signature(r)
    assert sig is not None
    return Doc(i, agency_id, r.year, *sig)


def _next_year_copy(r: Report) -> Report:
    """The same report a year later, its narrative copied with only the year changed."""
    later = copy.deepcopy(r)
    assert r.year is not None
    later.year = r.year + 1
    for s in later.sections.values():
        s.text = s.text.replace(str(r.year), str(r.year + 1))
    return later


def test_copy_with_only_the_year_changed_is_found() -> None:
    orig = _report("000_43e3c9ba6b70e239.txt")
    later = _next_year_copy(orig)
    assert later.narrative() != orig.narrative()
    found = find_copies([_doc(1, orig, 7), _doc(2, later, 7)])
    assert len(found) == 1
    assert found[0].later.id == 2 and found[0].earlier.id == 1 and found[0].identical


def test_copy_from_another_body_with_its_name_replaced_is_found() -> None:
    orig = _report("003_c12fc4cb6f2af7bf.txt")
    other = copy.deepcopy(orig)
    other.agency = "中卫市统计局"
    for s in other.sections.values():
        s.text = s.text.replace("中卫市商务局", "中卫市统计局")
    found = find_copies([_doc(1, orig, 1), _doc(2, other, 2)])
    assert len(found) == 1 and found[0].identical


def test_honest_reports_are_not_flagged() -> None:
    reports = [_report(n) for n in sorted(p.name for p in FIXTURES.glob("*.txt"))]
    docs = [_doc(i, r, i) for i, r in enumerate(reports)]
    assert find_copies(docs) == []
    for a in docs:
        for b in docs:
            if a.id != b.id:
                assert similarity(a.minhash, b.minhash) < 0.3


def test_honest_synthetic_years_of_one_body_are_not_flagged() -> None:
    docs = []
    for i, s in enumerate(generate(7, seed=9, error_share=0)):
        r = extract(Document.from_text(s.name, s.text))
        docs.append(_doc(i, r, 1))
    assert len({d.year for d in docs}) == 7
    assert find_copies(docs) == []
