"""extract, check, schema, rules."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from nianbao.batch import Outcome, expand, process_all
from nianbao.budget import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Budget
from nianbao.cli import app, err_console
from nianbao.model import Finding, Report
from nianbao.sheets import csv_row
from nianbao.template import cell_label, row_def

err = err_console()

Paths = Annotated[list[str], typer.Argument(help="报告文件或文件夹（文件夹内逐个读取）", show_default=False)]
Timeout = Annotated[float, typer.Option("--timeout", help="每个文件的处理时限（秒，0 = 不限）", min=0)]
MaxMemory = Annotated[int, typer.Option("--max-memory-mb", help="每个文件的内存上限（MB，0 = 不限）", min=0)]


class ExtractFormat(StrEnum):
    json = "json"
    csv = "csv"
    table = "table"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


NoOcr = Annotated[bool, typer.Option("--no-ocr", help="只读文字层：扫描页和图片不做文字识别（记为未读，而非空白）")]


def _run(paths: list[str], *, run_checks: bool, budget: Budget, ocr: bool = True) -> Iterator[Outcome]:
    files = expand(paths)
    if not files:
        err.print("[red]没有找到可读取的文件。[/red]")
        raise typer.Exit(2)
    show = any(os.path.isdir(p) for p in paths) and err.is_terminal
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show,
    ) as progress:
        task = progress.add_task("读取报告", total=len(files))
        for outcome in process_all(files, run_checks=run_checks, budget=budget, ocr=ocr):
            if outcome.error:
                progress.console.print(
                    f"[red]无法处理[/red] {escape(outcome.source)}：{escape(outcome.error)}", highlight=False
                )
            progress.advance(task)
            yield outcome


def _write_json_array(items: Iterator[dict[str, Any]]) -> None:
    """A JSON array streamed one item per line: memory stays flat over 10,000 files, and
    json.dumps without indent is the C encoder (json.dump and indent go through Python, 2× slower)."""
    out = sys.stdout
    first = True
    for item in items:  # "[" waits for the first item: no files at all is an error, not half an array
        out.write("[\n" if first else ",\n")
        out.write(json.dumps(item, ensure_ascii=False))
        first = False
    out.write("[]\n" if first else "\n]\n")


@app.command()
def extract(
    paths: Paths,
    format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="输出格式")] = ExtractFormat.json,
    brief: Annotated[bool, typer.Option(help="只输出表格数据（不含来源位置和正文）")] = False,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_memory_mb: MaxMemory = DEFAULT_MEMORY_MB,
    no_ocr: NoOcr = False,
) -> None:
    """提取报告中的三张统计表和基本信息。"""
    out = sys.stdout
    budget = Budget(timeout, max_memory_mb)
    bad = False
    if format is ExtractFormat.json:

        def reports() -> Iterator[dict[str, Any]]:
            nonlocal bad
            for o in _run(paths, run_checks=False, budget=budget, ocr=not no_ocr):
                bad |= o.error is not None
                if o.report is not None:
                    yield o.report.to_dict(provenance=not brief, texts=not brief)

        _write_json_array(reports())
    elif format is ExtractFormat.csv:
        w = csv.writer(out)
        # state: value, empty (printed blank) or unread (the reader could not read or place it)
        w.writerow(["source", "agency", "year", "format", "table", "row", "column", "value", "line", "state"])
        for o in _run(paths, run_checks=False, budget=budget, ocr=not no_ocr):
            bad |= o.error is not None
            if o.report is None:
                continue
            r = o.report
            for t, rows in r.tables.items():
                for rk, cols in rows.items():
                    for ck, cell in cols.items():
                        v = "" if cell.value is None else str(cell.value)
                        w.writerow(
                            csv_row([r.source, r.agency, r.year, r.format, t, rk, ck, v, cell.line or "", cell.state])
                        )
    else:
        con = _console()
        for o in _run(paths, run_checks=False, budget=budget, ocr=not no_ocr):
            bad |= o.error is not None
            if o.report is not None:
                _print_tables(con, o.report)
    raise typer.Exit(2 if bad else 0)


def _shown(value: object, unread: bool) -> str:
    return ("？" if unread else "—") if value is None else str(value)


def _print_tables(con: Console, r: Report) -> None:
    con.rule(f"{r.agency or '（未识别机关）'} {r.year or ''} 年度 · {r.format or '?'} 版 · {r.source}")
    for t, rows in r.tables.items():
        labels: dict[str, str] = {}  # column key → label, over all rows (Table 2 rows differ)
        for rk, cells in rows.items():
            rd = row_def(t, rk, r.format)
            defs = {c.key: c.label for c in rd.columns} if rd else {}
            for c in cells:
                labels.setdefault(c, defs.get(c, c))
        tab = Table(title=cell_label(t, None, None))
        tab.add_column("行", overflow="fold")
        for label in labels.values():
            tab.add_column(label, justify="right")
        for rk, cells in rows.items():
            rd = row_def(t, rk, r.format)
            tab.add_row(
                rd.label if rd else rk,
                *("" if c not in cells else _shown(cells[c].value, cells[c].unread) for c in labels),
            )
        con.print(tab)


@app.command()
def check(
    paths: Paths,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="输出格式")] = CheckFormat.text,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_memory_mb: MaxMemory = DEFAULT_MEMORY_MB,
    no_ocr: NoOcr = False,
) -> None:
    """核查报告：勾稽关系、合计、空白、模板版本、正文与表格是否一致等。

    读取问题（未能识别或无法确定所在栏的单元格等）与报告本身的问题分开列出。
    退出码：报告有错误为 1，无错误为 0，有无法读取的文件为 2。
    """
    any_error = bad = False
    con = _console()

    def outcomes() -> Iterator[Outcome]:
        nonlocal any_error, bad
        for o in _run(paths, run_checks=True, budget=Budget(timeout, max_memory_mb), ocr=not no_ocr):
            bad |= o.error is not None
            # Only the report's own errors count: what the reader could not see is not the report's fault.
            any_error |= any(f.severity == "error" and f.kind == "report" for f in o.findings)
            yield o

    if format is CheckFormat.json:
        _write_json_array(_check_item(o) for o in outcomes())
    else:
        for o in outcomes():
            if o.report is not None:
                _print_findings(con, o.report, o.findings)
    raise typer.Exit(2 if bad else 1 if any_error else 0)


def _check_item(o: Outcome) -> dict[str, Any]:
    item: dict[str, Any] = {"source": o.source, "findings": [f.to_dict() for f in o.findings]}
    if o.error:
        item["error"] = o.error
    elif o.report is not None:
        item.update(agency=o.report.agency, year=o.report.year, format=o.report.format)
    return item


_STYLE = {"error": ("red", "错误"), "warning": ("yellow", "警告"), "info": ("cyan", "提示")}


def _console() -> Console:
    """Rich console; piped to a file or another program, one finding per line (no wrapping)."""
    con = Console()
    if not con.is_terminal:
        con.soft_wrap = True
    return con


def _print_findings(con: Console, r: Report, findings: list[Finding]) -> None:
    own = [f for f in findings if f.kind == "report"]
    reading = [f for f in findings if f.kind != "report"]
    n_err = sum(f.severity == "error" for f in own)
    n_warn = sum(f.severity == "warning" for f in own)
    head = f"{r.agency or '（未识别机关）'} {r.year or '?'} 年度 · {r.format or '?'} 版"
    status = (
        "[green]未发现报告问题[/green]" if not own else f"[red]{n_err} 个错误[/red]，[yellow]{n_warn} 个警告[/yellow]"
    )
    if reading:
        status += f"；[magenta]{len(reading)} 个读取问题[/magenta]"
    con.print(f"[bold]{r.source}[/bold]  {head}  {status}", highlight=False)
    _print_group(con, r, own)
    if reading:
        con.print(
            "  [magenta]读取问题（读取工具未能看清或无法确定的内容，不是报告的错误，请对照原件核实）：[/magenta]",
            highlight=False,
        )
        _print_group(con, r, reading)


# Cell findings that come in runs: one line per row instead of one per cell.
_RUNS = {
    "cells.blank": "有 {n} 栏空白（{names}），应填写数字（没有发生的应填 0）。",
    "extract.unread": "有 {n} 栏未能读取或无法确定所在的栏（{names}），已留空，请对照原件核实。",
}


def _print_group(con: Console, r: Report, findings: list[Finding]) -> None:
    runs: dict[tuple[str, str | None, str | None], list[Finding]] = {}
    for f in findings:
        if f.rule in _RUNS:
            runs.setdefault((f.rule, f.table, f.row), []).append(f)
    done: set[tuple[str, str | None, str | None]] = set()
    for f in findings:
        color, word = _STYLE.get(f.severity, ("white", f.severity))
        msg = f.message
        if f.rule in _RUNS:
            key = (f.rule, f.table, f.row)
            if key in done:
                continue
            done.add(key)
            group = runs[key]
            if len(group) > 1 and f.table:
                rd = row_def(f.table, f.row or "", r.format)
                cols = {c.key: c.label for c in rd.columns} if rd else {}
                names = "、".join(cols.get(g.column or "", g.column or "") for g in group)
                msg = cell_label(f.table, f.row, None, r.format) + _RUNS[f.rule].format(n=len(group), names=names)
        con.print(f"  [{color}]{word}[/{color}] [dim]{f.rule}[/dim] {msg}", highlight=False)


@app.command()
def schema() -> None:
    """输出 nianbao/report@1 的 JSON Schema。"""
    from nianbao.schema import json_schema

    json.dump(json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class RulesFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def rules(
    format: Annotated[RulesFormat, typer.Option("--format", "-f", help="输出格式")] = RulesFormat.table,
) -> None:
    """列出全部核查规则：编号、强度、级别、类别（报告问题或读取问题）和说明。"""
    from nianbao.checks import RULES

    if format is RulesFormat.json:
        items = [
            {"id": r.id, "strength": r.strength, "severity": r.severity, "kind": r.kind, "description": r.title}
            for r in RULES.values()
        ]
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    tab = Table(title="核查规则")
    for col in ("规则", "强度", "级别", "类别", "说明"):
        tab.add_column(col)
    for r in RULES.values():
        tab.add_row(r.id, r.strength, r.severity, "读取问题" if r.kind == "reading" else "报告问题", r.title)
    Console().print(tab)
