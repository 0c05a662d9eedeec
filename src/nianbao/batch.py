"""Run reading, extraction and checks over many paths without stopping on a bad file."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from nianbao.budget import Budget, Pool
from nianbao.checks import check
from nianbao.document import Document
from nianbao.extract import extract
from nianbao.model import Finding, Report
from nianbao.readers import ReadError, display_path, read_path

log = logging.getLogger("nianbao.batch")

# Files a folder walk skips: our own outputs and expected data sit beside inputs.
_SKIP_SUFFIXES = (".expected.json", ".json", ".csv", ".xlsx", ".parquet", ".py", ".pyc")


@dataclass
class Outcome:
    source: str
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # Chinese reason when the file is unusable
    # What was read, for showing the source beside the report (OCR is not run twice).
    document: Document | None = field(default=None, repr=False)


def expand(paths: Iterable[str]) -> list[str]:
    """Files named, and the files inside folders named (sorted, recursive)."""
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name.endswith(_SKIP_SUFFIXES) or name.lower() == "readme.md":
                        continue
                    out.append(str(Path(root) / name))
        else:
            out.append(p)
    return out


def process(path: str, *, run_checks: bool = True, ocr: bool = True) -> Outcome:
    """Read, extract and check one file. `path` is opened as given (a name that is not UTF-8 is
    fine); the outcome names it with replacement characters, so every output is valid UTF-8.
    `ocr=False` reads text layers only (scans and pictures are reported unread)."""
    shown = display_path(path)
    try:
        doc = read_path(path, source=shown, ocr=ocr)
        report = extract(doc)
    except ReadError as exc:
        return Outcome(shown, error=exc.reason)
    if not report.tables and not report.sections:
        return Outcome(
            shown,
            error="未识别到年度报告的内容（没有找到统计表格，也没有找到“一、总体情况”等部分），不像是政府信息公开工作年度报告",
        )
    return Outcome(shown, report, check(report) if run_checks else [], document=doc)


def process_all(
    paths: Iterable[str], *, run_checks: bool = True, budget: Budget | None = None, ocr: bool = True
) -> Iterator[Outcome]:
    """Outcomes in the order of `paths`. With a `budget`, each file is read in a worker process
    within its time and memory (see `nianbao.budget`): one over budget is one failed outcome."""
    if budget is None or not budget.limited:
        for p in paths:
            yield process(p, run_checks=run_checks, ocr=ocr)
        return
    with Pool(1, budget) as pool:
        for path, got in pool.imap(partial(process, run_checks=run_checks, ocr=ocr), paths):
            yield got if isinstance(got, Outcome) else Outcome(display_path(path), error=got.reason)
