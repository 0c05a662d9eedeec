"""Rules over the three tables: identities, values, blanks, rows, plausibility."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from nianbao.checks.cellscan import scan
from nianbao.checks.registry import finding, rule
from nianbao.model import Cell, Finding, Report, Value
from nianbao.template import (
    TABLE_KEYS,
    Equation,
    cell_label,
    table3_equations,
    table4_equations,
    template_for,
)

_TABLE_NAMES = {
    "active_disclosure": "表二（主动公开政府信息情况）",
    "applications": "表三（收到和处理政府信息公开申请情况）",
    "review_litigation": "表四（政府信息公开行政复议、行政诉讼情况）",
}


Rows = dict[str, dict[str, Cell]]


def _sum(rows: Rows, refs: tuple[tuple[str, str], ...]) -> Value | None:
    # A missing row, column or value (blank) has its own finding.
    total: Value = 0
    try:
        for r, c in refs:
            v = rows[r][c].value
            if v is None:
                return None
            total += v
    except KeyError:
        return None
    return total


def _equation(rows: Rows, eq: Equation, fmt: str | None) -> Finding | None:
    actual = _sum(rows, eq.lhs)
    if actual is None:
        return None
    expected = _sum(rows, eq.rhs)
    if expected is None or actual == expected:
        return None
    # Broken: read the terms again for the message (rare, so not kept on the way).
    lhs = [rows[r][c].value for r, c in eq.lhs]
    rhs = [rows[r][c].value for r, c in eq.rhs]
    row, col = eq.anchor
    if eq.rule == "t3.balance":
        col_name = cell_label(eq.table, row, col, fmt).split("」「")[-1].rstrip("」")
        msg = (
            f"表三「{col_name}」栏勾稽关系不成立：第一项加第二项为 {'+'.join(map(str, rhs))}={expected}，"
            f"第三项（七）总计加第四项为 {'+'.join(map(str, lhs))}={actual}，两者应相等。"
        )
    elif eq.rule == "t3.outcome_sum":
        msg = f"{cell_label(eq.table, row, col, fmt)}为 {actual}，但（一）至（六）各项办理结果之和为 {expected}。"
    elif eq.rule == "t3.row_total":
        msg = f"{cell_label(eq.table, row, None, fmt)}行的总计为 {actual}，但六类申请人之和为 {'+'.join(map(str, rhs))}={expected}。"
    else:
        msg = f"{cell_label(eq.table, row, col, fmt)}为 {actual}，但结果维持、结果纠正、其他结果、尚未审结之和为 {'+'.join(map(str, rhs))}={expected}。"
    return finding(eq.rule, msg, table=eq.table, row=row, column=col, expected=expected, actual=actual)


@lru_cache(maxsize=64)
def _all_equations(t3_rows: tuple[str, ...]) -> tuple[Equation, ...]:
    return (*table3_equations(t3_rows), *table4_equations())


def _unread_terms(rows: Rows, eq: Equation) -> list[tuple[str, str]]:
    out = []
    for r, c in (*eq.lhs, *eq.rhs):
        cell = rows.get(r, {}).get(c)
        if cell is not None and cell.unread:
            out.append((r, c))
    return out


def _what(eq: Equation, fmt: str | None) -> str:
    """What an identity compares, for a clerk."""
    row, col = eq.anchor
    if eq.rule == "t3.balance":
        col_name = cell_label(eq.table, row, col, fmt).split("」「")[-1].rstrip("」")
        return f"表三「{col_name}」栏勾稽关系（第一项加第二项等于第三项加第四项）"
    if eq.rule == "t3.outcome_sum":
        return f"{cell_label(eq.table, row, col, fmt)}与（一）至（六）各项办理结果之和的关系"
    if eq.rule == "t3.row_total":
        return f"{cell_label(eq.table, row, None, fmt)}行的总计与六类申请人之和的关系"
    return f"{cell_label(eq.table, row, col, fmt)}与维持、纠正、其他、尚未审结之和的关系"


def _unchecked(rows: Rows, eq: Equation, fmt: str | None) -> Finding | None:
    """An identity over cells the reader could not read is not judged: say it cannot be checked."""
    unread = _unread_terms(rows, eq)
    if not unread:
        return None
    names = "、".join(cell_label(eq.table, r, c, fmt) for r, c in unread[:4]) + ("等" if len(unread) > 4 else "")
    row, col = eq.anchor
    return finding(
        UNCHECKED,
        f"{_what(eq, fmt)}无法核对：{names}未能读取。",
        table=eq.table,
        row=row,
        column=col,
        expected=eq.rule,
        actual=[f"{r}.{c}" for r, c in unread],
    )


def _equations(report: Report, rule_id: str) -> Iterator[Finding]:
    # All identities are evaluated once per report; each rule takes its own.
    broken = report.derived.get("broken_equations")
    if broken is None:
        t3 = report.tables.get("applications")
        eqs = _all_equations(tuple(t3) if t3 else ())
        broken = report.derived["broken_equations"] = []
        unread = bool(scan(report).unread)  # most reports have none: no second look
        for eq in eqs:
            rows = report.tables.get(eq.table)
            f = _equation(rows, eq, report.format) if rows else None
            if f is None and unread and rows and _sum(rows, eq.lhs + eq.rhs) is None:
                f = _unchecked(rows, eq, report.format)  # a term without a value: unread?
            if f:
                broken.append(f)
    return (f for f in broken if f.rule == rule_id)


UNCHECKED = "extract.unchecked"


@rule(UNCHECKED, "NOTE", "因单元格或表格未能读取而无法核对的关系（不是报告的错误）", "reading")
def unchecked(report: Report) -> Iterator[Finding]:
    yield from _equations(report, UNCHECKED)
    yield from _missing(report, reading=True)


@rule("t3.balance", "MUST", "表三勾稽关系：第一项+第二项=第三项+第四项（逐栏）")
def t3_balance(report: Report) -> Iterator[Finding]:
    return _equations(report, "t3.balance")


@rule("t3.outcome_sum", "IMPLIED", "表三（七）总计等于各项办理结果之和（逐栏）")
def t3_outcome_sum(report: Report) -> Iterator[Finding]:
    return _equations(report, "t3.outcome_sum")


@rule("t3.row_total", "IMPLIED", "表三每行总计等于六类申请人之和")
def t3_row_total(report: Report) -> Iterator[Finding]:
    return _equations(report, "t3.row_total")


@rule("t4.group_total", "IMPLIED", "表四每组总计等于维持、纠正、其他、尚未审结之和")
def t4_group_total(report: Report) -> Iterator[Finding]:
    return _equations(report, "t4.group_total")


@rule("cells.value", "IMPLIED", "数值应为非负整数（收费金额可为小数）")
def cells_value(report: Report) -> Iterator[Finding]:
    s = scan(report)
    for problem, cells in (("应为整数", s.not_integer), ("不应为负数", s.negative)):
        for t, r, c, cell in cells:
            yield finding(
                "cells.value",
                f"{cell_label(t, r, c, report.format)}{problem}，报告填写为 {cell.value}。",
                table=t,
                row=r,
                column=c,
                actual=cell.value,
                line=cell.line,
            )


@rule("cells.blank", "IMPLIED", "应填数字的单元格空白（空白或“/”不等于0）")
def cells_blank(report: Report) -> Iterator[Finding]:
    for t, r, c, cell in scan(report).blank:
        mark = f"填写为“{cell.raw}”" if cell.raw else "空白"
        yield finding(
            "cells.blank",
            f"{cell_label(t, r, c, report.format)}{mark}，应填写数字（没有发生的应填 0）。",
            table=t,
            row=r,
            column=c,
            actual=cell.raw,
            line=cell.line,
        )


def _doubt(report: Report, table: str | None) -> str | None:
    """Why a table or row that was not found may be the reader's miss rather than the report's:
    figures in the table that no row took, or pictures in the document that were not read."""
    for n in report.notes:
        if n.rule == "extract.unplaced" and n.table == table and n.row is None and table is not None:
            return "表中有未能归位的数值，可能是该行未能识别"
    if any(n.rule == "extract.pictures" for n in report.notes):
        return "文档中有未识别的图片，表格可能以图片形式发布"
    return None


def _missing(report: Report, *, reading: bool) -> Iterator[Finding]:
    """Tables and rows not found: the report's fault (structure.tables, t2.rows, t3.rows) unless
    the reader has a reason to doubt it saw them (`reading`: those, as extract.unchecked)."""
    for t in TABLE_KEYS:
        if t not in report.tables:
            why = _doubt(report, None)
            if reading and why:
                yield finding(UNCHECKED, f"未找到{_TABLE_NAMES[t]}：{why}，无法核对该表。", severity="warning", table=t)
            elif not reading and not why:
                yield finding("structure.tables", f"未找到{_TABLE_NAMES[t]}。", table=t)
    if not report.format:
        return
    for t, rule_id in (("active_disclosure", "t2.rows"), ("applications", "t3.rows")):
        rows = report.tables.get(t)
        if not rows:
            continue
        why = _doubt(report, t)
        if bool(why) != reading:
            continue
        for key, label in _missing_rows(report, t, rows):
            if why:
                yield finding(
                    UNCHECKED,
                    f"{cell_label(t, None, None)}未找到「{label}」一行：{why}，请人工核对。",
                    severity="warning",
                    table=t,
                    row=key,
                )
            else:
                msg = (
                    f"表三缺少{cell_label(t, key, None)}一行。" if t == "applications" else f"表二缺少「{label}」一行。"
                )
                yield finding(rule_id, msg, table=t, row=key)


def _missing_rows(report: Report, table: str, rows: Rows) -> Iterator[tuple[str, str]]:
    assert report.format
    tdef = template_for(report.format).table(table)
    expected = list(tdef.rows)
    if table == "applications":
        split = any(k.startswith("other_") for k in rows)
        if report.format == "2021" and "other" in rows and not split:
            expected = [r for r in expected if not r.key.startswith("other_")]  # t3.rows says so
        elif report.format == "2019" and split and "other" not in rows:
            expected = [r for r in expected if r.key != "other"]
    for r in expected:
        if r.key not in rows:
            yield r.key, r.label


@rule("structure.tables", "MUST", "三张统计表齐全")
def tables_present(report: Report) -> Iterator[Finding]:
    for f in _missing(report, reading=False):
        if f.rule == "structure.tables":
            yield f


@rule("t3.rows", "MUST", "表三各行齐全；（六）其他处理 2021 版分三行、2019 版一行")
def t3_rows(report: Report) -> Iterator[Finding]:
    rows = report.tables.get("applications")
    if not rows or not report.format:
        return
    split = [k for k in rows if k.startswith("other_")]
    single = "other" in rows
    if report.format == "2021" and single and not split:
        yield finding(
            "t3.rows",
            "表三按 2021 版格式应将（六）其他处理分为三行（1.逾期不补正 2.逾期未缴费 3.其他），"
            "报告仍按 2019 版印为一行。",
            table="applications",
            row="other",
            expected=["other_no_correction", "other_fee_unpaid", "other_other"],
            actual=["other"],
        )
    elif report.format == "2019" and split and not single:
        yield finding(
            "t3.rows",
            "表三按 2019 版格式（六）其他处理应为一行，报告却分为多行。",
            table="applications",
            row=split[0],
            expected=["other"],
            actual=split,
        )
    for f in _missing(report, reading=False):
        if f.rule == "t3.rows":
            yield f


@rule("t2.rows", "MUST", "表二各行齐全")
def t2_rows(report: Report) -> Iterator[Finding]:
    for f in _missing(report, reading=False):
        if f.rule == "t2.rows":
            yield f


@rule("t3.carry_forward_share", "HEUR", "结转下年度占比异常")
def t3_carry_share(report: Report) -> Iterator[Finding]:
    new, over, fwd = (
        report.value("applications", r, "total") for r in ("new_received", "carried_over", "carried_forward")
    )
    if new is None or over is None or fwd is None:
        return
    base = new + over
    if base >= 10 and fwd * 2 > base and fwd <= base:
        yield finding(
            "t3.carry_forward_share",
            f"结转下年度继续办理 {fwd} 件，占本年新收与上年结转之和 {base} 件的一半以上，请核实。",
            table="applications",
            row="carried_forward",
            column="total",
            actual=fwd,
        )


@rule("t2.issued_vs_in_force", "HEUR", "本年制发件数不应超过现行有效件数与本年废止件数之和")
def t2_issued(report: Report) -> Iterator[Finding]:
    if report.format != "2021":
        return
    for r in ("regulations", "normative_documents"):
        issued, repealed, in_force = (
            report.value("active_disclosure", r, c) for c in ("issued", "repealed", "in_force")
        )
        if issued is None or repealed is None or in_force is None:
            continue
        if issued > in_force + repealed:
            yield finding(
                "t2.issued_vs_in_force",
                f"{cell_label('active_disclosure', r, None, '2021')}本年制发 {issued} 件，"
                f"多于现行有效 {in_force} 件与本年废止 {repealed} 件之和，请核实。",
                table="active_disclosure",
                row=r,
                column="issued",
                expected=f"<= {in_force + repealed}",
                actual=issued,
            )


# County-level and lower bodies cannot make 规章 (立法法第八十二条); 自治区 is a province.
_LOW_LEVEL = re.compile(r"(县|旗|乡|镇|街道|(?<!自治)(?<!特别行政)区)")


@rule("t2.regulations_level", "HEUR", "县级及以下机关一般不制定规章")
def t2_regulations_level(report: Report) -> Iterator[Finding]:
    if not report.agency or not _LOW_LEVEL.search(report.agency):
        return
    cols = ("issued", "in_force") if report.format == "2021" else ("new_made", "total_published")
    for c in cols:
        v = report.value("active_disclosure", "regulations", c)
        if v:
            yield finding(
                "t2.regulations_level",
                f"{report.agency}属县级及以下机关，一般无权制定规章，但表二规章「{c}」填写为 {v}，请核实是否误填。",
                table="active_disclosure",
                row="regulations",
                column=c,
                expected=0,
                actual=v,
            )


@rule("t2.fee_unit", "HEUR", "行政事业性收费金额单位为万元")
def t2_fee_unit(report: Report) -> Iterator[Finding]:
    v = report.value("active_disclosure", "fees", "amount")
    if v is not None and v >= 1_000_000:
        yield finding(
            "t2.fee_unit",
            f"行政事业性收费金额填写为 {v} 万元（即 {v / 10000} 亿元），疑似按“元”填写，单位应为万元。",
            table="active_disclosure",
            row="fees",
            column="amount",
            actual=v,
        )


@rule("t2.items_vs_decisions", "HEUR", "2019 版（五）（六）：处理决定数量不应照抄项目数")
def t2_items(report: Report) -> Iterator[Finding]:
    if report.format != "2019":
        return
    for r in ("licensing", "other_services", "penalty", "coercion"):
        prev, change, dec = (report.value("active_disclosure", r, c) for c in ("previous_items", "change", "decisions"))
        if prev is None or change is None or dec is None or not dec:
            continue
        if prev + change == dec:
            yield finding(
                "t2.items_vs_decisions",
                f"{cell_label('active_disclosure', r, None, '2019')}的处理决定数量 {dec} 恰好等于上一年项目数量 {prev} "
                f"加本年增/减 {change}，看起来填的是项目数而不是处理决定数，请核实各栏口径。",
                table="active_disclosure",
                row=r,
                column="decisions",
                actual=dec,
            )
