"""score: an evaluator's indicator list applied to reports (files or the store)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from nianbao.cli import app, err_console

if TYPE_CHECKING:
    from nianbao.score.engine import ReportScore

err = err_console()


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


@app.command()
def score(
    paths: Annotated[
        list[str] | None, typer.Argument(help="报告文件或文件夹（或用 --db 评报告库）", show_default=False)
    ] = None,
    pack: Annotated[
        str, typer.Option("--pack", help="评分方案：YAML 文件，或内置方案名 national、example-local")
    ] = "national",
    db: Annotated[
        str | None, typer.Option("--db", envvar="NIANBAO_DB", help="报告库：SQLite 文件路径或 PostgreSQL URL")
    ] = None,
    year: Annotated[int | None, typer.Option(help="只评该年度（--db）")] = None,
    region: Annotated[str | None, typer.Option(help="只评该地区及下辖（--db），如 宁夏/中卫市")] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="输出格式")] = ScoreFormat.table,
    output: Annotated[str | None, typer.Option("-o", "--output", help="输出文件（xlsx 必填）")] = None,
) -> None:
    """按评分方案给年度报告打分：每项指标的得分和扣分依据（对应的问题及其位置）。

    识别（读取）问题不扣分；用 --db 时，审核人员驳回的问题不扣分，跨年度规则（内容雷同、结转衔接）参与评分。
    """
    from nianbao.score import PackError, load_pack, score_files, score_store

    try:
        p = load_pack(pack)
    except PackError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from None
    if bool(paths) == bool(db):
        err.print("[red]请给出报告文件，或用 --db 指定报告库（二者选一）。[/red]")
        raise typer.Exit(2)
    if (year is not None or region is not None) and not db:
        err.print("[red]--year 和 --region 只能与 --db 一起使用。[/red]")
        raise typer.Exit(2)
    if format is ScoreFormat.xlsx and not output:
        err.print("[red]输出 xlsx 时请用 -o 指定文件名。[/red]")
        raise typer.Exit(2)
    if db:
        from nianbao.store import open_store

        try:
            scores = list(score_store(p, open_store(db), year=year, region=region))
        except LookupError as exc:
            err.print(f"[red]{exc}[/red]", highlight=False)
            raise typer.Exit(2) from None
    else:
        scores = list(score_files(p, paths or []))
    bad = False
    for s in scores:
        if s.error:
            bad = True
            err.print(f"[red]无法处理[/red] {s.source}：{s.error}", highlight=False)
    if format is ScoreFormat.xlsx:
        from nianbao.score.xlsx import write_xlsx

        write_xlsx(p, scores, output or "")
        err.print(f"已写入 {output}（{len(scores)} 份报告）", highlight=False)
    elif format is ScoreFormat.json:
        text = json.dumps([s.to_dict() for s in scores], ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
    else:
        _print(p.name, [i.id for i in p.indicators], scores)
    raise typer.Exit(2 if bad else 0)


def _print(name: str, ids: list[str], scores: list[ReportScore]) -> None:
    con = Console() if sys.stdout.isatty() else Console(width=1000, soft_wrap=True)  # piped: a line per row
    tab = Table(title=name)
    for col in ("机关", "年度", "得分", *ids, "来源"):
        tab.add_column(col, justify="left" if col in ("机关", "来源") else "right", overflow="fold")
    for s in scores:
        if s.error:
            continue
        got = {i.id: "未评估" if i.got is None else f"{i.got:g}" for i in s.indicators}
        tab.add_row(
            s.agency or "（未识别）", str(s.year or ""), f"{s.score:g}/{s.max:g}", *(got[i] for i in ids), s.source
        )
    con.print(tab)
    for s in scores:
        if not s.lost:
            continue
        con.print(f"[bold]{s.source}[/bold] 扣分依据：", highlight=False)
        for ind, e in s.lost:
            con.print(f"  {ind.id} −{e.points:g} [dim]{e.rule}[/dim] {e.message}", highlight=False)
