"""Collecting reports from portals (`nianbao collect`) and comparing stored versions (`nianbao diff`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from nianbao.cli import app, err_console

err = err_console()
Db = Annotated[str, typer.Option("--db", envvar="NIANBAO_DB", help="数据库：SQLite 文件路径或 PostgreSQL URL")]


def _urls(urls: list[str], from_file: str | None) -> list[str]:
    out = [u.strip() for u in urls if u.strip()]
    if from_file:
        try:
            lines = Path(from_file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            err.print(f"[red]无法读取网址清单 {from_file}：{exc}[/red]", highlight=False)
            raise typer.Exit(2) from exc
        out += [s.strip() for s in lines if s.strip() and not s.strip().startswith("#")]
    return list(dict.fromkeys(out))


@app.command()
def collect(
    urls: Annotated[list[str] | None, typer.Argument(help="年报栏目（列表页）或文章页网址", show_default=False)] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="保存文件夹（含 manifest.jsonl）")] = "collected",
    from_file: Annotated[str | None, typer.Option("--from-file", help="网址清单文件，一行一个")] = None,
    db: Annotated[str | None, typer.Option("--db", envvar="NIANBAO_DB", help="采集后入库并核查")] = None,
    delay: Annotated[float, typer.Option(help="同一网站两次请求之间至少间隔的秒数", min=0)] = 1.0,
    since: Annotated[int | None, typer.Option(help="只采集该年度及以后的报告")] = None,
    max_pages: Annotated[int, typer.Option(help="每个栏目最多翻几页", min=1)] = 50,
    contact: Annotated[str | None, typer.Option(help="写入 User-Agent 的联系方式（邮箱或网址）")] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="允许访问内网和本机地址（测试、内网部署）")
    ] = False,
    timeout: Annotated[float, typer.Option(help="单个请求的超时秒数", min=1)] = 30.0,
    retries: Annotated[int, typer.Option(help="失败、429/503 时的重试次数", min=0)] = 2,
    max_size_mb: Annotated[int, typer.Option("--max-size-mb", help="单个文件大小上限（MB）", min=1)] = 100,
    changes: Annotated[bool, typer.Option("--changes", help="列出有新版本的报告中每个改变的单元格")] = False,
) -> None:
    """从政府网站的年报栏目采集报告：翻页、识别年报链接、保存正文页或附件，可增量、可续跑。

    不给网址而给 --db：把 --out 文件夹中已采集的文件（manifest.jsonl）入库并记下原网址。"""
    from nianbao.collect.run import Options, validate
    from nianbao.collect.run import collect as run

    todo = _urls(urls or [], from_file)
    if not todo and db:
        from nianbao.collect.ledger import read_manifest

        entries = read_manifest(out)
        if not entries:
            err.print(f"[red]{out} 中没有采集清单（manifest.jsonl）[/red]", highlight=False)
            raise typer.Exit(2)
        _ingest(db, out, entries, [e for e in entries if e.get("previous_sha256")], changes)
        raise typer.Exit(0)
    if not todo:
        err.print("[red]请给出至少一个网址（或 --from-file）[/red]")
        raise typer.Exit(2)
    refused = validate(todo, allow_private)
    for u, reason in refused:
        err.print(f"[red]不采集[/red] {u}：{reason}", highlight=False)
    todo = [u for u in todo if u not in {b for b, _ in refused}]
    if not todo:
        raise typer.Exit(2)
    opts = Options(
        urls=todo,
        out=out,
        delay=delay,
        since=since,
        max_pages=max_pages,
        contact=contact,
        allow_private=allow_private,
        timeout=timeout,
        retries=retries,
        max_size=max_size_mb * 1024 * 1024,
    )
    counts = {"page": 0, "new": 0, "changed": 0, "unchanged": 0, "failed": 0}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("采集", total=None)

        def tick(e: dict[str, Any]) -> None:
            kind = str(e.get("event"))
            if kind in counts:
                counts[kind] += 1
            progress.update(
                task,
                description=f"已访问 {counts['page']} 页 · 新保存 {counts['new']} · 新版本 {counts['changed']} · "
                f"未变 {counts['unchanged']} · 失败 {counts['failed']}",
            )

        summary = run(opts, on_event=tick)
    if summary.error:
        err.print(f"[red]{summary.error}[/red]", highlight=False)
        raise typer.Exit(2)
    for f in summary.failed[:30]:
        err.print(f"[red]未能采集[/red] {f.get('title') or ''} {f['url']}：{f['reason']}", highlight=False)
    if len(summary.failed) > 30:
        err.print(f"……另有 {len(summary.failed) - 30} 个失败（见 {out}/.nianbao-collect/crawl.log）")
    err.print(
        f"访问 {summary.pages} 页：新保存 {len(summary.saved)} 份，新版本 {len(summary.changed)} 份，"
        f"未变 {summary.unchanged} 份，重复链接 {summary.duplicates} 个，失败 {len(summary.failed)} 个。"
        f"清单：{Path(out) / 'manifest.jsonl'}",
        highlight=False,
    )
    if not summary.finished:
        err.print("采集未完成（已中断）；再次运行同一命令会从中断处继续。", highlight=False)
    if db:
        _ingest(db, out, summary.saved + summary.changed, summary.changed, changes)
    raise typer.Exit(2 if summary.failed or not summary.finished else 0)


def _ingest(db: str, out: str, new: list[dict[str, Any]], changed: list[dict[str, Any]], details: bool) -> None:
    from nianbao.collect.ledger import read_manifest
    from nianbao.store import ingest, open_store
    from nianbao.store.origin import diff_cells, record_origins

    paths = [str(Path(out) / e["path"]) for e in new]
    if paths:
        stats = ingest(paths, db)
        for src, reason in stats.errors[:20]:
            err.print(f"[red]无法入库[/red] {src}：{reason}", highlight=False)
        err.print(
            f"入库：新增 {stats.added} 份，已在库中 {stats.skipped} 份，无法处理 {stats.failed} 份。", highlight=False
        )
    eng = open_store(db)
    ids = record_origins(eng, read_manifest(out))
    for e in changed:
        old, new_id = ids.get(e.get("previous_sha256", "")), ids.get(e["sha256"])
        if old is None or new_id is None:
            continue
        diff = diff_cells(eng, old, new_id) or []
        err.print(
            f"新版本：{e.get('title') or e['url']}（报告 {old} → {new_id}）{len(diff)} 个单元格不同"
            f"（nianbao diff {old} {new_id} 查看）",
            highlight=False,
        )
        if details:
            for c in diff:
                d = c.to_dict()
                err.print(f"  {c.label}：{_v(d['before'])} → {_v(d['after'])}", highlight=False)


def _v(x: Any) -> str:
    if x is None:
        return "（空白）"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


@app.command()
def diff(
    a: Annotated[int, typer.Argument(help="报告编号（旧）")],
    b: Annotated[int, typer.Argument(help="报告编号（新）")],
    db: Db = "nianbao.db",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """逐格比较库中两份报告（例如同一网址的新旧版本），列出不同的单元格。"""
    from nianbao.store import open_store
    from nianbao.store.origin import diff_cells

    changes = diff_cells(open_store(db), a, b)
    if changes is None:
        err.print(f"[red]库中没有报告 {a} 或 {b}[/red]", highlight=False)
        raise typer.Exit(2)
    if as_json:
        json.dump([c.to_dict() for c in changes], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    if not changes:
        err.print(f"报告 {a} 与 {b} 的表格数据完全相同", highlight=False)
        return
    tab = Table(title=f"报告 {a} → {b}：{len(changes)} 个单元格不同")
    for col in ("位置", str(a), str(b)):
        tab.add_column(col, justify="left" if col == "位置" else "right")
    for c in changes:
        d = c.to_dict()
        tab.add_row(c.label, _v(d["before"]), _v(d["after"]))
    Console().print(tab)
