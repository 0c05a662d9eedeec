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
from nianbao.document import UNREAD, Document
from nianbao.extract import extract
from nianbao.model import Finding, Report
from nianbao.textnorm import parse_number

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


Origin = list[frozenset[int]]  # per line of the damaged text, the fixture's lines it holds


Gone = set[tuple[int, int | None]]  # (fixture line, start of a figure on it, or None for all its figures)


def _mutate(
    lines: list[str], rng: random.Random, origin: Origin, gone: Gone, original: list[str]
) -> tuple[list[str], str]:
    """Damage one line near the tables; `origin` follows the lines, `gone` gets the figures of
    the fixture the damage took out of the source (a line deleted, a figure's cell dropped)."""
    start = next(i for i, ln in enumerate(lines) if "主动公开" in ln and ln.lstrip().startswith("二"))
    i = rng.randrange(start, min(len(lines) - 2, start + 220))
    kind = rng.choice(KINDS)
    out = list(lines)
    if kind == "delete":
        del out[i]
        gone.update((k, None) for k in origin.pop(i))
    elif kind == "dup":
        out.insert(i, out[i])
        origin.insert(i, origin[i])
    elif kind == "pagebreak":
        out[i:i] = ["", f"- {rng.randint(2, 9)} -", ""]
        origin[i:i] = [frozenset()] * 3
    elif kind == "merge":
        out[i : i + 2] = [out[i] + rng.choice((" ", "\t", "")) + out[i + 1]]
        origin[i : i + 2] = [origin[i] | origin[i + 1]]
    elif kind == "split":
        gaps = [k for k, ch in enumerate(out[i]) if ch in " \t"]
        if gaps:
            k = rng.choice(gaps)
            out[i : i + 1] = [out[i][:k], out[i][k + 1 :]]
            origin[i : i + 1] = [origin[i], origin[i]]
    elif kind == "tabs_to_spaces":
        out[i] = out[i].replace("\t", "  ")
    elif kind == "one_space":
        out[i] = " ".join(out[i].split())
    elif kind == "drop_cell":
        cells = out[i].split("\t")
        if len(cells) > 1:
            k = rng.randrange(len(cells))
            if parse_number(cells[k].strip()) is not None:  # the figure is no longer in the source
                start = sum(len(c) + 1 for c in cells[:k]) + len(cells[k]) - len(cells[k].lstrip())
                whole = len(origin[i]) == 1 and out[i] == original[min(origin[i]) - 1]
                gone.update((n, start if whole else None) for n in origin[i])
            del cells[k]
            out[i] = "\t".join(cells)
    elif kind == "fullwidth":
        out[i] = out[i].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    elif kind == "swap":
        out[i], out[i + 1] = out[i + 1], out[i]
        origin[i], origin[i + 1] = origin[i + 1], origin[i]
    return out, f"{kind}@{i + 1}"


def _silent(text: str, expected: dict[str, Any]) -> list[str]:
    report = extract(Document.from_text("m.txt", text))
    return _silent_in(report, check(report), expected)


def _silent_in(report: Report, findings: list[Finding], expected: dict[str, Any]) -> list[str]:
    cells = {(f.table, f.row, f.column) for f in findings}
    # An error on a row or column points at a wrong cell in it; a blank cell's own finding
    # (cells.blank) points at that cell only, not at a wrong figure beside it.
    errors = [f for f in findings if f.severity == "error" and not f.rule.startswith("cells.")]
    rows = {(f.table, f.row) for f in errors}
    cols = {(f.table, f.column) for f in errors}
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


def _blamed(
    findings: list[Finding], expected: dict[str, Any], figures: dict[str, tuple[int, int]], gone: Gone
) -> list[str]:
    """Cells whose source still holds a figure, blamed on the report as blank (`cells.blank`)."""
    out = []
    for f in findings:
        if f.rule != "cells.blank" or f.table is None or f.row is None or f.column is None:
            continue
        want = expected["tables"].get(f.table, {}).get(f.row, {}).get(f.column)
        key = f"{f.table}.{f.row}.{f.column}"
        line, start = figures.get(key, (0, 0))
        if want is not None and (line, None) not in gone and (line, start) not in gone:
            out.append(f"{key}: printed {want}, blamed as blank")
    return out


def _figures(name: str) -> dict[str, tuple[int, int]]:
    """Where each figure of the fixture stands (line, start), from its own extraction."""
    report = extract(Document.from_text("f.txt", (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")))
    return {
        f"{t}.{r}.{c}": (cell.line, cell.start)
        for t, rows in report.tables.items()
        for r, cols in rows.items()
        for c, cell in cols.items()
        if cell.value is not None and cell.line is not None and cell.start is not None
    }


@pytest.mark.parametrize("seed", range(4))
def test_damaged_reports_never_hold_a_wrong_figure_silently(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        name = rng.choice(NAMES)
        lines = original = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
        origin: Origin = [frozenset({k}) for k in range(1, len(lines) + 1)]
        gone: Gone = set()
        done = []
        for _ in range(rng.randint(1, 3)):
            lines, what = _mutate(lines, rng, origin, gone, original)
            done.append(what)
        report = extract(Document.from_text("m.txt", "\n".join(lines)))
        findings = check(report)
        assert _silent_in(report, findings, expected) == [], f"{name} after {', '.join(done)}"
        # A figure the reader lost is its own problem (extract.*), never the report's blank.
        assert _blamed(findings, expected, _figures(name), gone) == [], f"{name} after {', '.join(done)}"


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


# --- conversions that pull labels and figures apart (issue 10 §5) ---------------------------------

APART = ("labels_before", "labels_after", "reordered", "split_labels", "label_paragraph")


def _label_and_figures(line: str) -> tuple[str, str] | None:
    """A row's line cut into its label and its figures (tabs kept), or None."""
    cells = line.split("\t")
    k = next((j for j, c in enumerate(cells) if c.strip() and c.strip().replace(".", "", 1).isdigit()), None)
    if k is None or not "".join(cells[:k]).strip():
        return None
    return "".join(cells[:k]).strip(), "\t".join(cells[k:])


def _apart(lines: list[str], rng: random.Random) -> tuple[list[str], str]:
    """A run of 2–6 row lines whose labels and figures a conversion pulled apart."""
    start = next(i for i, ln in enumerate(lines) if "主动公开" in ln and ln.lstrip().startswith("二"))
    rows = [i for i in range(start, len(lines)) if _label_and_figures(lines[i])]
    runs = [
        rows[k : k + n] for n in range(2, 7) for k in range(len(rows) - n + 1) if rows[k + n - 1] - rows[k] == n - 1
    ]
    if not runs:
        return lines, "none"
    run = rng.choice(runs)
    parts = [_label_and_figures(lines[i]) for i in run]
    labels = [p[0] for p in parts if p]
    figures = [p[1] for p in parts if p]
    how = rng.choice(APART)
    if how == "labels_before":
        new = [*labels, *figures]
    elif how == "labels_after":
        new = [*figures, *labels]
    elif how == "reordered":
        rng.shuffle(figures)
        new = [*labels, *figures]
    elif how == "label_paragraph":
        new = [" ".join(labels), *figures]
    else:  # split_labels: each label broken in two, its figures between the pieces
        new = []
        for lab, fig in zip(labels, figures, strict=True):
            k = rng.randint(1, max(1, len(lab) - 1))
            new += [lab[:k], fig, lab[k:]]
    return lines[: run[0]] + new + lines[run[-1] + 1 :], f"{how}@{run[0] + 1}+{len(run)}"


@pytest.mark.parametrize("seed", range(4))
def test_labels_and_figures_apart_never_give_a_silent_wrong_cell(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(50):
        name = rng.choice(NAMES)
        lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
        lines, what = _apart(lines, rng)
        assert _silent("\n".join(lines), expected) == [], f"{name} after {what}"


def test_figure_rows_reordered_under_their_labels_are_left_unread() -> None:
    # 004's rows 5.属于三类内部事务信息 (1 … 1) and 6.属于四类过程性信息 (0 … 0): labels above, figures
    # swapped. Both orders add up, so neither row may be read; a finding names them.
    lines = (FIXTURES / "004_29f7b36afe8cbcfb.txt").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if "内部事务" in ln)
    a, b = _label_and_figures(lines[i]), _label_and_figures(lines[i + 1])
    assert a and b
    lines[i : i + 2] = [a[0], b[0], b[1], a[1]]
    report = extract(Document.from_text("m.txt", "\n".join(lines)))
    t3 = report.tables["applications"]
    for row in ("withheld_internal_affairs", "withheld_process_information"):
        assert all(c.value is None for c in t3[row].values())
    assert any(f.rule == "extract.unplaced" and "内部事务" in f.message for f in report.notes)


@pytest.mark.parametrize("order", ["labels_before", "labels_after", "swapped"])
def test_table2_labels_apart_from_their_figures(order: str) -> None:
    # Table 2 has no identities: 规章 / 行政规范性文件 above their figure rows once gave 规范性文件
    # the figures of 规章 (0 0 0 for 17 26 68) with nothing pointing at it.
    lines = (FIXTURES / "004_29f7b36afe8cbcfb.txt").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("规章\t"))
    a, b = _label_and_figures(lines[i]), _label_and_figures(lines[i + 1])
    assert a and b
    new = {
        "labels_before": [a[0], b[0], a[1], b[1]],
        "labels_after": [a[1], b[1], a[0], b[0]],
        "swapped": [a[0], b[0], b[1], a[1]],
    }[order]
    lines[i : i + 2] = new
    expected = json.loads((FIXTURES / "004_29f7b36afe8cbcfb.expected.json").read_text(encoding="utf-8"))
    assert _silent("\n".join(lines), expected) == []
    report = extract(Document.from_text("m.txt", "\n".join(lines)))
    assert any(f.rule == "extract.unplaced" and "规章" in f.message for f in report.notes)


@pytest.mark.parametrize("seed", range(4))
def test_smudged_figures_are_unread_and_add_no_problem_to_the_report(seed: int) -> None:
    # A scan's smudges: figures the reader saw but could not read (written as UNREAD). They are
    # unread cells named by extract.unread; the report gets no problem it did not have.
    rng = random.Random(seed)
    for _ in range(10):
        name = rng.choice(NAMES)
        lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        own = {
            (f.rule, f.table, f.row, f.column)
            for f in check(extract(Document.from_text("m.txt", "\n".join(lines))))
            if f.kind == "report"
        }
        figures = _figures(name)
        keys = rng.sample(sorted(figures), rng.randint(1, 6))
        for key in keys:
            line, start = figures[key]
            text = lines[line - 1]
            end = start + len(text[start:].split("\t", 1)[0].split(" ", 1)[0])
            lines[line - 1] = text[:start] + UNREAD + text[end:]
        report = extract(Document.from_text("m.txt", "\n".join(lines)))
        findings = check(report)
        got = {(f.rule, f.table, f.row, f.column) for f in findings if f.kind == "report"}
        assert got <= own, f"{name} smudged at {keys}: {sorted(got - own)}"
        named = {f"{f.table}.{f.row}.{f.column}" for f in findings if f.rule == "extract.unread"}
        assert set(keys) <= named, f"{name} smudged at {keys}"


def test_a_figure_line_between_two_labels_goes_nowhere_without_the_tables_layout() -> None:
    # 5.属于三类内部事务信息 lost its figures; 6.属于四类过程性信息's label moved below its own.
    # "label, figures, label": the figures may be either row's, and no other row shows on which
    # side of its label a figure line stands — both rows unread, a finding naming them.
    lines = (FIXTURES / "004_29f7b36afe8cbcfb.txt").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if "内部事务" in ln)
    a, b = _label_and_figures(lines[i]), _label_and_figures(lines[i + 1])
    assert a and b
    lines[i : i + 2] = [a[0], b[1], b[0]]
    report = extract(Document.from_text("m.txt", "\n".join(lines)))
    t3 = report.tables["applications"]
    for row in ("withheld_internal_affairs", "withheld_process_information"):
        assert all(c.value is None and c.unread for c in t3[row].values()), row
    assert any(f.rule == "extract.unplaced" and "过程性" in f.message for f in report.notes)
