"""Real reports damaged the way conversions damage them (lines merged, split, dropped,
repeated, page breaks, tabs lost, full-width digits): whatever comes out, no cell may
hold a wrong figure without a finding that points at it — its cell, or an error on its
row or column. Seeds are fixed: the same cases every run."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from conftest import FIXTURES
from nianbao.checks import check
from nianbao.document import Document
from nianbao.extract import extract

NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
KINDS = (
    "delete",
    "dup",
    "pagebreak",
    "merge",
    "split",
    "tabs_to_spaces",
    "one_space",
    "drop_cell",
    "fullwidth",
    "swap",
)


def _mutate(lines: list[str], rng: random.Random) -> tuple[list[str], str]:
    start = next(i for i, ln in enumerate(lines) if "主动公开" in ln and ln.lstrip().startswith("二"))
    i = rng.randrange(start, min(len(lines) - 2, start + 220))
    kind = rng.choice(KINDS)
    out = list(lines)
    if kind == "delete":
        del out[i]
    elif kind == "dup":
        out.insert(i, out[i])
    elif kind == "pagebreak":
        out[i:i] = ["", f"- {rng.randint(2, 9)} -", ""]
    elif kind == "merge":
        out[i : i + 2] = [out[i] + rng.choice((" ", "\t", "")) + out[i + 1]]
    elif kind == "split":
        gaps = [k for k, ch in enumerate(out[i]) if ch in " \t"]
        if gaps:
            k = rng.choice(gaps)
            out[i : i + 1] = [out[i][:k], out[i][k + 1 :]]
    elif kind == "tabs_to_spaces":
        out[i] = out[i].replace("\t", "  ")
    elif kind == "one_space":
        out[i] = " ".join(out[i].split())
    elif kind == "drop_cell":
        cells = out[i].split("\t")
        if len(cells) > 1:
            del cells[rng.randrange(len(cells))]
            out[i] = "\t".join(cells)
    elif kind == "fullwidth":
        out[i] = out[i].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    elif kind == "swap":
        out[i], out[i + 1] = out[i + 1], out[i]
    return out, f"{kind}@{i + 1}"


def _silent(text: str, expected: dict[str, Any]) -> list[str]:
    report = extract(Document.from_text("m.txt", text))
    findings = check(report)
    cells = {(f.table, f.row, f.column) for f in findings}
    rows = {(f.table, f.row) for f in findings if f.severity == "error"}
    cols = {(f.table, f.column) for f in findings if f.severity == "error"}
    got = report.to_dict(provenance=False, texts=False)["tables"]
    bad = []
    for t, rws in expected["tables"].items():
        for r, cs in rws.items():
            for c, want in cs.items():
                value = got.get(t, {}).get(r, {}).get(c)
                if value is None or value == want:
                    continue  # right, or left blank (blanks are findings of their own)
                if (t, r, c) in cells or (t, r, None) in cells or (t, r) in rows or (t, c) in cols:
                    continue
                bad.append(f"{t}.{r}.{c}: {value} (printed {want})")
    return bad


@pytest.mark.parametrize("seed", range(4))
def test_damaged_reports_never_hold_a_wrong_figure_silently(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        name = rng.choice(NAMES)
        lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
        done = []
        for _ in range(rng.randint(1, 3)):
            lines, what = _mutate(lines, rng)
            done.append(what)
        assert _silent("\n".join(lines), expected) == [], f"{name} after {', '.join(done)}"


def test_rows_run_together_in_a_real_report() -> None:
    # The case that made this harness: "规章\t0\t0\t0 行政规范性文件\t17\t26\t68" gave 规章 17, 26, 68.
    lines = (FIXTURES / "004_29f7b36afe8cbcfb.txt").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("规章\t"))
    lines[i : i + 2] = [lines[i] + " " + lines[i + 1]]
    expected = json.loads((FIXTURES / "004_29f7b36afe8cbcfb.expected.json").read_text(encoding="utf-8"))
    assert _silent("\n".join(lines), expected) == []
    got = extract(Document.from_text("m.txt", "\n".join(lines))).tables["active_disclosure"]
    for row in ("regulations", "normative_documents"):
        assert {c: cell.value for c, cell in got[row].items()} == expected["tables"]["active_disclosure"][row]
