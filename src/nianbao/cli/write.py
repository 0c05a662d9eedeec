"""render, template, register: writing reports, the fill-in workbook and Table 3 from a register."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nianbao.cli import app
from nianbao.model import Finding

err = Console(stderr=True, highlight=False, soft_wrap=True)
SHOW_AT_MOST = 20


class RenderTo(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"
    pdf = "pdf"


class WorkbookTo(StrEnum):
    xlsx = "xlsx"


class TemplateFormat(StrEnum):
    f2021 = "2021"
    f2019 = "2019"


_SEVERITY = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]", "info": "[cyan]提示[/cyan]"}


def _print_findings(findings: list[Finding]) -> None:
    for f in findings[:SHOW_AT_MOST]:
        err.print(f"  {_SEVERITY.get(f.severity, f.severity)} [dim]{f.rule}[/dim] {f.message}")
    if len(findings) > SHOW_AT_MOST:
        rest: dict[str, int] = {}
        for f in findings[SHOW_AT_MOST:]:
            rest[f.rule] = rest.get(f.rule, 0) + 1
        summary = "、".join(f"{rule} {n} 个" for rule, n in rest.items())
        err.print(f"  ……另有 {len(findings) - SHOW_AT_MOST} 个（{summary}），完整列表请运行 nianbao check")


@app.command()
def render(
    data: Annotated[Path, typer.Argument(help="报告数据：extract 输出的 JSON，或 template 生成并填好的 XLSX")],
    to: Annotated[RenderTo, typer.Option("--to", "-t", help="输出格式")] = RenderTo.docx,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认：数据文件名换扩展名）")] = None,
    force: Annotated[bool, typer.Option("--force", help="核查发现错误时仍然生成")] = False,
) -> None:
    """按国家年报模板生成年度报告（Markdown、HTML、DOCX 或 PDF）。

    生成前先核查数据；有错误时拒绝生成并说明原因，除非加 --force。
    """
    from nianbao.checks import check
    from nianbao.render import DataError, load_data, render_bytes
    from nianbao.render.pdf import PdfError

    try:
        report = load_data(data)
    except DataError as exc:
        err.print(f"[red]无法读取报告数据：[/red]{exc}")
        raise typer.Exit(2) from None
    findings = check(report)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        if not force:
            err.print(
                f"[red]核查发现 {len(errors)} 个错误，未生成报告。[/red]请改正以下问题后重试（或加 --force 强制生成）："
            )
            _print_findings(errors)
            raise typer.Exit(1)
        err.print(f"[yellow]核查发现 {len(errors)} 个错误，已按 --force 继续生成：[/yellow]")
        _print_findings(errors)
    target = out or data.with_suffix(f".{to.value}")
    try:
        payload = render_bytes(report, to.value)
    except (DataError, PdfError) as exc:
        err.print(f"[red]生成失败：[/red]{exc}")
        raise typer.Exit(2) from None
    target.write_bytes(payload)
    err.print(f"已生成 {target}（{len(payload) / 1024:.0f} KB）")


@app.command()
def template(
    to: Annotated[WorkbookTo, typer.Option("--to", help="输出格式")] = WorkbookTo.xlsx,
    format: Annotated[
        TemplateFormat, typer.Option("--format", "-f", help="模板版本：2021（2021 年度起）或 2019（试行）")
    ] = TemplateFormat.f2021,
    out: Annotated[Path, typer.Option("--output", "-o", help="输出的 XLSX 文件")] = Path("年报填报表.xlsx"),
    data: Annotated[Path | None, typer.Option("--from", help="用已有的报告数据（JSON）预先填好")] = None,
) -> None:
    """生成年报填报工作簿（XLSX）：三张表按模板排版，合计为公式，另有正文和基本信息。"""
    from nianbao.render import DataError, load_data
    from nianbao.render.workbook import write_workbook

    report = None
    fmt = format.value
    if data is not None:
        try:
            report = load_data(data)
        except DataError as exc:
            err.print(f"[red]无法读取报告数据：[/red]{exc}")
            raise typer.Exit(2) from None
        fmt = report.format or fmt
    out.write_bytes(write_workbook(fmt, report))
    err.print(f"已生成填报工作簿 {out}（{fmt} 版模板）。")
    err.print(f"填好后可运行：nianbao check {out}；nianbao render {out} --to docx")


@app.command()
def register(
    file: Annotated[Path, typer.Argument(help="依申请公开登记表（CSV 或 XLSX，每行一件申请）")],
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度")],
    out: Annotated[Path | None, typer.Option("--output", "-o", help="把表三写成 report@1 JSON")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="机关名称（写入 JSON）")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="期限核对日期（默认：年度末日或今天）")] = None,
    warn_days: Annotated[int, typer.Option("--warn-days", help="剩余多少个工作日以内算“即将到期”")] = 5,
    json_out: Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON（表三、问题行、期限）")] = False,
) -> None:
    """由登记表统计表三（收到和处理政府信息公开申请情况），并列出超期和即将到期的申请。

    有问题的行不计入统计并逐行说明。退出码：有问题行为 1，否则为 0，无法读取为 2。
    """
    from nianbao.register import RegisterError, parse_date, tabulate_file
    from nianbao.template import APPLICANT_COLUMNS, row_def

    day: dt.date | None = None
    if as_of:
        day = parse_date(as_of)
        if day is None:
            err.print(f"[red]--as-of 日期“{as_of}”无效[/red]")
            raise typer.Exit(2)
    try:
        res = tabulate_file(file, year, as_of=day, warn_days=warn_days)
    except RegisterError as exc:
        err.print(f"[red]无法读取登记表：[/red]{exc}")
        raise typer.Exit(2) from None
    report = res.report(agency, source=str(file))
    if out is not None:
        out.write_text(
            json.dumps(report.to_dict(provenance=False, texts=False), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
    bad = res.errors
    if json_out:
        payload = {
            "report": report.to_dict(provenance=False, texts=False),
            "rows_read": res.rows_read,
            "counted": res.counted,
            "problems": [
                {"line": p.line, "id": p.id, "kind": p.kind, "severity": p.severity, "message": p.message}
                for p in res.problems
            ],
            "deadlines": [
                {
                    "line": d.line,
                    "id": d.id,
                    "received": d.received.isoformat(),
                    "due": d.due.isoformat(),
                    "status": d.status,
                    "answered": d.answered.isoformat() if d.answered else None,
                    "days_left": d.days_left,
                }
                for d in res.deadlines
            ],
            "calendar_error": res.calendar_error,
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from rich.table import Table

        con = Console(highlight=False, soft_wrap=True)
        tab = Table(title=f"{year} 年度 表三 收到和处理政府信息公开申请情况（{res.format} 版）")
        tab.add_column("行")
        for c in APPLICANT_COLUMNS:
            tab.add_column(c.label, justify="right")
        for rk, cols in res.table.items():
            rd = row_def("applications", rk, res.format)
            tab.add_row(rd.label if rd else rk, *(str(cols[c.key]) for c in APPLICANT_COLUMNS))
        con.print(tab)
        con.print(f"读取 {res.rows_read} 行，计入本年度表三 {res.counted} 件，问题行 {len(bad)} 行（未计入）。")
        for p in res.problems:
            word = "[red]问题[/red]" if p.severity == "error" else "[yellow]提醒[/yellow]"
            con.print(f"  {word} {p.text()}")
        if res.calendar_error:
            con.print(f"[yellow]无法核对答复期限：[/yellow]{res.calendar_error}")
        over = [d for d in res.deadlines if d.status != "due_soon"]
        soon = [d for d in res.deadlines if d.status == "due_soon"]
        con.print(f"答复期限（截至 {res.as_of}）：超期 {len(over)} 件，{warn_days} 个工作日内到期 {len(soon)} 件。")
        for d in over + soon:
            con.print(f"  {d.text()}")
    if out is not None:
        err.print(f"已写出 {out}")
    raise typer.Exit(1 if bad else 0)
