"""The scorecard as a workbook to send: scores, evidence, and regions ranked."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook  # type: ignore[import-untyped]

from nianbao.score import Pack, ReportScore, rank_regions
from nianbao.sheets import xlsx_row


def write_xlsx(pack: Pack, scores: Iterable[ReportScore], path: str | Path | BinaryIO) -> None:
    rows = list(scores)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("得分")
    head = ["机关", "地区", "年度", "来源", "得分", "满分"] + [
        f"{i.id} {i.name}（{i.points:g}分）" for i in pack.indicators
    ]
    ws.append(xlsx_row(ws, head))
    for s in rows:
        got = {i.id: ("未评估" if i.got is None else round(i.got, 4)) for i in s.indicators}
        ws.append(
            xlsx_row(
                ws,
                [s.agency, s.region, s.year, s.source, s.error or _num(s.score), _num(s.max)]
                + [got.get(i.id) for i in pack.indicators],
            )
        )
    ev = wb.create_sheet("扣分依据")
    ev.append(xlsx_row(ev, ["机关", "年度", "来源", "指标", "规则", "级别", "扣分", "位置", "说明"]))
    for s in rows:
        for ind in s.indicators:
            for e in ind.evidence:
                ev.append(
                    xlsx_row(
                        ev,
                        [
                            s.agency,
                            s.year,
                            s.source,
                            f"{ind.id} {ind.name}",
                            e.rule,
                            e.severity,
                            round(e.points, 4),
                            e.where,
                            e.message,
                        ],
                    )
                )
    _regions(wb, rows)
    wb.save(path if not isinstance(path, Path) else str(path))


LEVELS = ((1, "省级"), (2, "市级"), (3, "县级"))


def _regions(wb: Workbook, rows: list[ReportScore]) -> None:
    """Regions ranked at each level (a county's reports count for its city and province too)."""
    ws = wb.create_sheet("地区排名")
    ws.append(xlsx_row(ws, ["层级", "年度", "地区", "报告数", "平均得分率", "排名"]))
    for level, name in LEVELS:
        for r in rank_regions(rows, level=level):
            if r.region.count("/") + 1 < level:
                continue  # a report filed at province level says nothing of a county ranking
            rank = r.rank if r.rank else "样本不足，不排名"
            ws.append(xlsx_row(ws, [name, r.year, r.region, r.reports, round(r.share, 4), rank]))


def _num(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
