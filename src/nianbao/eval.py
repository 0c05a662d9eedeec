"""Extraction accuracy against labelled data: `python -m nianbao.eval DIR [--expected DIR]`.

For each input in DIR named `<name>.<anything>` with a `<name>.expected.json`
beside it (or in the --expected folder), extract and compare every cell (and
agency, year, format). Prints cells right / total; exit status 1 unless all right.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.batch import process
from nianbao.model import Report

MISSING = "<missing>"


@dataclass
class Score:
    source: str
    right: int = 0
    total: int = 0
    diffs: list[str] = field(default_factory=list)
    error: str | None = None


def compare(report: Report, expected: dict[str, Any], source: str = "") -> Score:
    got = report.to_dict(provenance=False, texts=False)
    score = Score(source)
    for key in ("agency", "year", "format"):
        score.total += 1
        if got.get(key) == expected.get(key):
            score.right += 1
        else:
            score.diffs.append(f"{key}: got {got.get(key)!r}, expected {expected.get(key)!r}")
    for t, rows in expected.get("tables", {}).items():
        for r, cols in rows.items():
            for c, v in cols.items():
                score.total += 1
                g = got["tables"].get(t, {}).get(r, {}).get(c, MISSING)
                if g == v and (g is None) == (v is None):
                    score.right += 1
                else:
                    score.diffs.append(f"{t}.{r}.{c}: got {g!r}, expected {v!r}")
    for t, rows in got["tables"].items():
        for r in rows:
            if r not in expected.get("tables", {}).get(t, {}):
                score.diffs.append(f"{t}.{r}: extracted a row the report does not have")
                score.total += 1
    return score


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
            outcome = process(str(path), run_checks=False)
            if outcome.report is None:
                n = 3 + sum(len(cols) for rows in expected.get("tables", {}).values() for cols in rows.values())
                scores.append(Score(str(path), 0, n, error=outcome.error))
            else:
                scores.append(compare(outcome.report, expected, str(path)))
    return scores


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    expected_dir = None
    if "--expected" in args:  # expected data kept apart from the inputs (tests/converted)
        i = args.index("--expected")
        if i + 1 >= len(args):
            args = []
        else:
            expected_dir = args[i + 1]
            args = args[:i] + args[i + 2 :]
    if not [a for a in args if not a.startswith("-")]:
        print("用法：python -m nianbao.eval 目录 [--expected 期望数据目录] [--verbose]", file=sys.stderr)
        return 2
    verbose = "--verbose" in args or "-v" in args
    scores = [s for d in args if not d.startswith("-") for s in evaluate(d, expected_dir)]
    right = sum(s.right for s in scores)
    total = sum(s.total for s in scores)
    for s in scores:
        status = f"读取失败：{s.error}" if s.error else f"{s.right}/{s.total}"
        print(f"{s.source}\t{status}")
        if verbose:
            for d in s.diffs:
                print(f"    {d}")
    print(f"cells right / total: {right}/{total}" + (f" ({right / total:.2%})" if total else ""))
    return 0 if right == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
