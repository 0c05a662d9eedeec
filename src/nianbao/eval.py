"""Extraction accuracy against labelled data: `python -m nianbao.eval DIR [--expected DIR] [--json]`.

For each input in DIR named `<stem>.<anything>` with a `<stem>.expected.json` beside it
(or in the --expected folder), read, extract and check it, and compare every cell (and
agency, year, format) with the expected data. The project is measured on four figures:

- cells exact / total;
- wrong cells with a finding pointing at them (the reader said it was unsure);
- wrong cells without one — **silent**, the worst failure;
- **blamed blanks**: cells whose source holds a figure, extracted blank or unread, that a
  finding of kind "report" points at (e.g. `cells.blank`): the reader's failure put on the
  report.

Inputs are grouped by form: derived inputs are named `<stem>.<form>-<variant>.<ext>`
(`nianbao.derive`), other conversions `<stem>.<tool>.<ext>`, plain fixtures `<stem>.<ext>`
(form = the extension). Exit status 1 when any cell is wrong silently or a blank is blamed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nianbao.batch import process
from nianbao.model import Finding, Report
from nianbao.template import table3_equations, table4_equations
from nianbao.template.sums import CellRef

MISSING = "<missing>"
FIELDS = ("agency", "year", "format")


@dataclass
class Score:
    source: str
    form: str = ""
    right: int = 0  # fields and cells right (the figure `eval` always printed)
    total: int = 0
    exact: int = 0  # table cells extracted exactly
    cells: int = 0  # table cells expected (and rows extracted that the report does not have)
    flagged: int = 0  # wrong cells a finding points at
    silent: int = 0  # wrong cells no finding points at
    blamed: int = 0  # figures extracted blank/unread that a report finding points at
    diffs: list[str] = field(default_factory=list)
    error: str | None = None
    files: int = 1

    def add(self, other: Score) -> None:
        for k in ("right", "total", "exact", "cells", "flagged", "silent", "blamed", "files"):
            setattr(self, k, getattr(self, k) + getattr(other, k))


class Pointers:
    """Which findings point at a cell: one naming the cell; one on its row with no column,
    on its column with no row, or on its table with neither; an identity naming any cell
    of its equation (t3.balance names the total but is about every term)."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.by_key: dict[tuple[str | None, str | None, str | None], list[Finding]] = {}
        for f in findings:
            if f.table is None:
                continue  # about the report as a whole
            self.by_key.setdefault((f.table, f.row, f.column), []).append(f)
            if f.row is not None and f.column is not None:
                for r, c in _equation_cells(f.rule, f.table, f.row, f.column):
                    if (r, c) != (f.row, f.column):
                        self.by_key.setdefault((f.table, r, c), []).append(f)

    def at(self, table: str, row: str, column: str) -> list[Finding]:
        g = self.by_key.get
        return [
            *g((table, row, column), []),
            *g((table, row, None), []),
            *g((table, None, column), []),
            *g((table, None, None), []),
        ]


@lru_cache(maxsize=1)
def _equations() -> dict[tuple[str, str, CellRef], tuple[CellRef, ...]]:
    from nianbao.template import T3_ROWS_ALL

    out: dict[tuple[str, str, CellRef], tuple[CellRef, ...]] = {}
    # Every row key either format prints: the anchor decides which equation a finding is.
    for eq in (*table3_equations(r.key for r in T3_ROWS_ALL), *table4_equations()):
        key = (eq.rule, eq.table, eq.anchor)
        out[key] = tuple(dict.fromkeys((*out.get(key, ()), *eq.lhs, *eq.rhs)))
    return out


def _equation_cells(rule: str, table: str, row: str, column: str) -> tuple[CellRef, ...]:
    return _equations().get((rule, table, (row, column)), ())


def compare(
    report: Report, expected: dict[str, Any], source: str = "", findings: Iterable[Finding] | None = None
) -> Score:
    """Score one extraction; wrong cells are sorted by the `findings` (of `check`) that point at them."""
    got = report.to_dict(provenance=False, texts=False)
    pointers = Pointers(findings or ())
    score = Score(source, form_of(source))
    for key in FIELDS:
        score.total += 1
        if got.get(key) == expected.get(key):
            score.right += 1
        else:
            score.diffs.append(f"{key}: got {got.get(key)!r}, expected {expected.get(key)!r}")
    for t, rows in expected.get("tables", {}).items():
        for r, cols in rows.items():
            for c, v in cols.items():
                score.total += 1
                score.cells += 1
                g = got["tables"].get(t, {}).get(r, {}).get(c, MISSING)
                if g == v and (g is None) == (v is None):
                    score.right += 1
                    score.exact += 1
                    continue
                at = pointers.at(t, r, c)
                report_kind = [f.rule for f in at if f.kind == "report"]
                if v is not None and g in (None, MISSING) and report_kind:
                    score.blamed += 1
                    tag = f"blamed by {', '.join(dict.fromkeys(report_kind))}"
                elif at:
                    score.flagged += 1
                    tag = f"flagged by {', '.join(dict.fromkeys(f.rule for f in at))}"
                else:
                    score.silent += 1
                    tag = "SILENT"
                score.diffs.append(f"{t}.{r}.{c}: got {g!r}, expected {v!r} [{tag}]")
    for t, rows in got["tables"].items():
        for r in rows:
            if r not in expected.get("tables", {}).get(t, {}):
                score.total += 1
                score.cells += 1
                at = [f for k, fs in pointers.by_key.items() if k[0] == t and k[1] in (r, None) for f in fs]
                if at:
                    score.flagged += 1
                else:
                    score.silent += 1
                score.diffs.append(
                    f"{t}.{r}: extracted a row the report does not have [{'flagged' if at else 'SILENT'}]"
                )
    return score


def form_of(path: str, stem: str | None = None) -> str:
    """`a.scan-150dpi.pdf` → scan, `a.pdfium.txt` → pdfium, `a.txt` → txt."""
    name = Path(path).name
    rest = name[len(stem) + 1 :] if stem and name.startswith(stem + ".") else name.partition(".")[2]
    if "." not in rest:
        return rest.lower()
    return rest.rsplit(".", 1)[0].split("-", 1)[0]


def evaluate(directory: str | Path, expected_dir: str | Path | None = None) -> list[Score]:
    """Every input in `directory` named `<stem>.<anything>` against `<stem>.expected.json`
    (in `expected_dir`, or beside the inputs)."""
    scores = []
    inputs_dir = Path(directory)
    for exp_path in sorted(Path(expected_dir or directory).glob("*.expected.json")):
        stem = exp_path.name[: -len(".expected.json")]
        inputs = sorted(p for p in inputs_dir.glob(stem + ".*") if not p.name.endswith(".expected.json"))
        if not inputs:
            continue
        expected = json.loads(exp_path.read_text(encoding="utf-8"))
        for path in inputs:
            outcome = process(str(path))
            if outcome.report is None:
                n = sum(len(cols) for rows in expected.get("tables", {}).values() for cols in rows.values())
                # Nothing was used: every cell is missing, and the reason is given.
                s = Score(str(path), form_of(str(path), stem), 0, len(FIELDS) + n, 0, n, n, error=outcome.error)
                scores.append(s)
            else:
                s = compare(outcome.report, expected, str(path), outcome.findings)
                s.form = form_of(str(path), stem)
                scores.append(s)
    return scores


def summarize(scores: list[Score], key: str = "form") -> dict[str, Score]:
    out: dict[str, Score] = {}
    for s in scores:
        group = s.form if key == "form" else _variant(s.source, s.form)
        out.setdefault(group, Score(group, group, files=0)).add(s)
    return dict(sorted(out.items()))


def _variant(source: str, form: str) -> str:
    """The form and its first variant: `a.scan-150dpi-tilt1.pdf` → scan-150dpi."""
    name = Path(source).name
    i = name.find("." + form + "-")
    if i < 0:
        return form
    return form + "-" + name[i + len(form) + 2 :].split("-", 1)[0].rsplit(".", 1)[0]


def _figures(s: Score) -> str:
    pct = f" ({s.exact / s.cells:.2%})" if s.cells else ""
    return f"exact {s.exact}/{s.cells}{pct} · wrong flagged {s.flagged} · wrong SILENT {s.silent} · blamed blanks {s.blamed}"


def _as_json(s: Score) -> dict[str, Any]:
    d = asdict(s)
    d["right_total"] = f"{s.right}/{s.total}"
    return d


USAGE = "用法：python -m nianbao.eval 目录… [--expected 期望数据目录] [--verbose] [--by-variant] [--json]"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    expected_dir = None
    if "--expected" in args:  # expected data kept apart from the inputs (tests/converted)
        i = args.index("--expected")
        if i + 1 >= len(args):
            args = []
        else:
            expected_dir = args[i + 1]
            args = args[:i] + args[i + 2 :]
    if not [a for a in args if not a.startswith("-")]:
        print(USAGE, file=sys.stderr)
        return 2
    verbose = "--verbose" in args or "-v" in args
    as_json = "--json" in args
    by = "variant" if "--by-variant" in args else "form"
    scores = [s for d in args if not d.startswith("-") for s in evaluate(d, expected_dir)]
    whole = Score("total", files=0)
    for s in scores:
        whole.add(s)
    groups = summarize(scores, by)
    bad = whole.silent > 0 or whole.blamed > 0
    if as_json:
        json.dump(
            {
                "files": [_as_json(s) for s in scores],
                "forms" if by == "form" else "variants": {k: _as_json(g) for k, g in groups.items()},
                "total": _as_json(whole),
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 1 if bad else 0
    for s in scores:
        status = f"读取失败：{s.error}" if s.error else f"{s.right}/{s.total}\t{_figures(s)}"
        print(f"{s.source}\t{status}")
        if verbose:
            for d in s.diffs:
                print(f"    {d}")
    for k, g in groups.items():
        print(f"[{k}] {g.files} files\t{_figures(g)}")
    print(
        f"cells right / total: {whole.right}/{whole.total}"
        + (f" ({whole.right / whole.total:.2%})" if whole.total else "")
    )
    print(_figures(whole))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
