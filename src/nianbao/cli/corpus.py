"""Corpus commands: ingest, export, synth, indicators, rollup, analyse, failures, agency …"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from nianbao.cli import app, err_console
from nianbao.cli.core import NoOcr
from nianbao.corpus import history  # noqa: F401  (registers the history rules for `nianbao rules`)

err = err_console()
Db = Annotated[str, typer.Option("--db", envvar="NIANBAO_DB", help="数据库：SQLite 文件路径或 PostgreSQL URL")]


class ExportTo(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


class Form(StrEnum):
    wide = "wide"
    long = "long"


class Level(StrEnum):
    province = "province"
    city = "city"
    county = "county"
    township = "township"


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="报告文件或文件夹", show_default=False)],
    db: Db = "nianbao.db",
    workers: Annotated[int, typer.Option(help="并行进程数（0 = 全部核心）")] = 0,
    executor: Annotated[str | None, typer.Option(help="分布式执行：dask://HOST:PORT")] = None,
    analyse: Annotated[bool, typer.Option(help="入库后运行跨年度核查与内容雷同检测")] = True,
    timeout: Annotated[float, typer.Option("--timeout", help="每个文件的处理时限（秒，0 = 不限）", min=0)] = 120.0,
    max_memory_mb: Annotated[
        int, typer.Option("--max-memory-mb", help="每个文件的内存上限（MB，0 = 不限）", min=0)
    ] = 2048,
    no_ocr: NoOcr = False,
) -> None:
    """将报告批量入库（按内容去重，可中断后续跑）。无法读取的文件连同原因记录在库中。"""
    from nianbao.budget import Budget
    from nianbao.store import ingest as run

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("入库", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        stats = run(
            paths,
            db,
            workers=workers or None,
            executor=executor,
            analyse=analyse,
            on_progress=tick,
            budget=Budget(timeout, max_memory_mb),
            ocr=not no_ocr,
        )
    for src, reason in stats.errors[:20]:
        err.print(f"[red]无法处理[/red] {escape(src)}：{escape(reason)}", highlight=False)
    if len(stats.errors) > 20:
        err.print(f"……另有 {len(stats.errors) - 20} 个文件无法处理（nianbao failures 查看全部）")
    err.print(
        f"共 {stats.files} 个文件：新增 {stats.added} 份报告，已在库中 {stats.skipped} 个，"
        f"无法处理 {stats.failed + stats.unreadable} 个。",
        highlight=False,
    )
    raise typer.Exit(0)


@app.command()
def export(
    db: Db = "nianbao.db",
    to: Annotated[ExportTo, typer.Option("--to", help="文件格式")] = ExportTo.csv,
    form: Annotated[Form, typer.Option("--form", help="wide：每份报告一行；long：每个单元格一行")] = Form.wide,
    out: Annotated[str, typer.Option("-o", "--out", help="输出文件")] = "nianbao-export.csv",
) -> None:
    """导出库中全部报告的表格数据（CSV、Excel 或 Parquet）。"""
    from nianbao.store import open_store
    from nianbao.store.export import export as run

    n = run(open_store(db), to.value, out, form.value)
    err.print(f"已导出 {n} 行到 {out}", highlight=False)


@app.command()
def synth(
    n: Annotated[int, typer.Argument(help="生成报告份数")],
    out: Annotated[str, typer.Option("-o", "--out", help="输出文件夹")] = "synth",
    seed: Annotated[int, typer.Option(help="随机种子")] = 1,
    error_share: Annotated[float, typer.Option(help="注入错误的报告比例")] = 0.1,
) -> None:
    """生成 N 份模拟年度报告（文本，两种模板、多种排版），注入的错误记录在 manifest.jsonl。"""
    from nianbao.corpus.synth import write_corpus

    written = write_corpus(n, out, seed=seed, error_share=error_share)
    err.print(f"已生成 {written} 份报告到 {out}（清单：{out}/manifest.jsonl）", highlight=False)


@app.command()
def analyse(
    db: Db = "nianbao.db",
    all_: Annotated[bool, typer.Option("--all", help="重新核查全部报告")] = False,
) -> None:
    """运行跨年度核查（上年结转、现行有效）与内容雷同检测。"""
    from nianbao.store import open_store
    from nianbao.store.analyse import analyse_all, analyse_pending

    eng = open_store(db)
    n = analyse_all(eng) if all_ else analyse_pending(eng)
    err.print(f"已核查 {n} 份报告", highlight=False)


@app.command()
def failures(db: Db = "nianbao.db") -> None:
    """列出无法处理的文件及原因。"""
    from nianbao.store import open_store
    from nianbao.store.queries import failures as run

    for f in run(open_store(db)):
        print(f"{f['source']}\t{f['error']}")


@app.command()
def indicators(
    db: Db = "nianbao.db",
    year: Annotated[int | None, typer.Option(help="年度（默认：库中最新年度）")] = None,
    indicator: Annotated[str, typer.Option(help="指标（见 docs/indicators.md）")] = "disclosure_rate",
    level: Annotated[Level, typer.Option(help="按哪一级地区排名")] = Level.county,
    agencies: Annotated[bool, typer.Option("--agencies", help="按机关排名（而非地区）")] = False,
    min_cases: Annotated[int | None, typer.Option(help="参与排名的最少件数（默认按指标）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """指标与排名：公开率、不予公开率、无法提供率、结转率、复议纠错率、诉讼纠错率。"""
    from nianbao.corpus.indicators import INDICATORS
    from nianbao.store import open_store
    from nianbao.store import queries as q

    if indicator not in INDICATORS:
        err.print(f"[red]没有指标「{indicator}」[/red]；可用：{'、'.join(INDICATORS)}")
        raise typer.Exit(2)
    eng = open_store(db)
    if year is None:
        years = q.summary(eng)["years"]
        if not years:
            err.print("[red]库中没有报告[/red]")
            raise typer.Exit(2)
        year = max(years)
    ranking = (
        q.rank_agencies(eng, indicator, year, min_cases=min_cases)
        if agencies
        else q.rank_regions(eng, indicator, year, level.value, min_cases=min_cases)
    )
    if as_json:
        json.dump(ranking.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    ind = INDICATORS[indicator]
    tab = Table(title=f"{year} 年度 {ind.name}（{ind.formula}；少于 {ranking.min_cases} 件不排名）")
    for col in ("名次", "名称", "分子", "分母", ind.name):
        tab.add_column(col, justify="right" if col != "名称" else "left")
    for v in ranking.ranked + ranking.too_few:
        tab.add_row(
            str(v.rank or "—"), v.name, _n(v.numerator), _n(v.denominator), "—" if v.value is None else f"{v.value:.1%}"
        )
    Console().print(tab)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


@app.command()
def rollup(
    region: Annotated[str, typer.Option(help="地区，如“宁夏/中卫市”")],
    year: Annotated[int, typer.Option(help="年度")],
    db: Db = "nianbao.db",
) -> None:
    """比较地区本级报告与所属机关报告之和，列出差额和缺报的机关。"""
    from nianbao.store import open_store
    from nianbao.store.queries import find_region
    from nianbao.store.rollup import rollup as run

    eng = open_store(db)
    rid = find_region(eng, region)
    if rid is None:
        err.print(f"[red]库中没有地区「{region}」[/red]")
        raise typer.Exit(2)
    res = run(eng, rid, year)
    out: dict[str, Any] = res.to_dict()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    if res.own_report_id is None:
        err.print(f"{region} {year} 年度没有本级政府报告", highlight=False)


agency_app = typer.Typer(help="机关与所属地区：查看、更正。", no_args_is_help=True)
app.add_typer(agency_app, name="agency")


@agency_app.command("list")
def agency_list(db: Db = "nianbao.db") -> None:
    """列出库中的机关、所属地区与历年名称。"""
    from nianbao.store import open_store
    from nianbao.store.queries import agencies

    tab = Table()
    for col in ("编号", "名称", "地区", "来源", "报告数", "历年名称"):
        tab.add_column(col)
    for a in agencies(open_store(db)):
        tab.add_row(
            str(a["id"]),
            a["name"],
            a["region"] or "（未识别）",
            a["region_source"],
            str(a["reports"]),
            "、".join(v["name"] for v in a["names"]),
        )
    Console().print(tab)


@agency_app.command("set-region")
def agency_set_region(
    agency: Annotated[str, typer.Argument(help="机关名称（报告标题中的写法）")],
    region: Annotated[str, typer.Argument(help="地区，如“宁夏/中卫市/沙坡头区”")],
    db: Db = "nianbao.db",
) -> None:
    """更正机关所属地区。"""
    from nianbao.store import open_store
    from nianbao.store.queries import set_agency_region

    try:
        res = set_agency_region(open_store(db), agency, region)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    err.print(f"已将「{agency}」归入 {res['region']}", highlight=False)


@agency_app.command("corrections")
def agency_corrections(
    csv_path: Annotated[str, typer.Argument(help="CSV 文件，列：agency,region")],
    db: Db = "nianbao.db",
) -> None:
    """按 CSV 批量更正机关所属地区。"""
    from nianbao.store import open_store
    from nianbao.store.queries import apply_corrections

    try:
        done = apply_corrections(open_store(db), csv_path)
    except (ValueError, KeyError, OSError) as exc:
        err.print(f"[red]更正失败：{exc}[/red]")
        raise typer.Exit(2) from exc
    err.print(f"已更正 {len(done)} 个机关", highlight=False)
