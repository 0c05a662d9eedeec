"""Checks across years of one agency (FORMAT.md §6 rules 12–14).

These rules need more than one report, so `nianbao check` on a single file
cannot run them; the store runs them after ingest (`nianbao.store.analyse`),
and `compare_years` runs them on any two `Report`s. The rules themselves are
declared in `nianbao.checks.crossyear`.
"""

from __future__ import annotations

from nianbao.checks.crossyear import CARRY_OVER, IN_FORCE
from nianbao.checks.registry import finding
from nianbao.model import Finding, Report
from nianbao.template import APPLICANT_COLUMNS, TEMPLATES, cell_label

# Rows of Table 2 (2021) that carry issued / repealed / in force, from the template.
_STOCK_ROWS = tuple(
    r.key
    for r in TEMPLATES["2021"].table("active_disclosure").rows
    if {c.key for c in r.columns} >= {"issued", "repealed", "in_force"}
)


def carry_over(prev: Report, cur: Report) -> list[Finding]:
    """Rule 12: cur's 二、上年结转 equals prev's 四、结转下年度, per applicant column."""
    if prev.year is None or cur.year is None or cur.year != prev.year + 1:
        return []
    out: list[Finding] = []
    for col in APPLICANT_COLUMNS:
        last = prev.value("applications", "carried_forward", col.key)
        now = cur.value("applications", "carried_over", col.key)
        unread = [
            f"{y}年报告的{cell_label('applications', row, col.key, r.format)}"
            for y, r, row in ((prev.year, prev, "carried_forward"), (cur.year, cur, "carried_over"))
            if (c := r.cell("applications", row, col.key)) is not None and c.unread
        ]
        if unread:  # not judged: what could not be read is not the report's fault
            out.append(
                finding(
                    "extract.unchecked",
                    f"跨年度结转衔接（「{col.label}」栏）无法核对：{'、'.join(unread)}未能读取。",
                    table="applications",
                    row="carried_over",
                    column=col.key,
                    expected=CARRY_OVER,
                )
            )
            continue
        if last is None or now is None or last == now:
            continue
        out.append(
            finding(
                CARRY_OVER,
                f"{cell_label('applications', 'carried_over', col.key, cur.format)}为 {now}，"
                f"但上一年度（{prev.year}年）报告的「四、结转下年度继续办理」「{col.label}」栏为 {last}，两者应相等。",
                table="applications",
                row="carried_over",
                column=col.key,
                expected=last,
                actual=now,
            )
        )
    return out


def in_force(prev: Report, cur: Report) -> list[Finding]:
    """Rule 13: 现行有效(N) = 现行有效(N−1) + 本年制发(N) − 本年废止(N) (2021 format, consecutive years)."""
    if prev.year is None or cur.year is None or cur.year != prev.year + 1:
        return []
    if prev.format != "2021" or cur.format != "2021":
        return []
    out: list[Finding] = []
    for row in _STOCK_ROWS:
        last = prev.value("active_disclosure", row, "in_force")
        issued = cur.value("active_disclosure", row, "issued")
        repealed = cur.value("active_disclosure", row, "repealed")
        now = cur.value("active_disclosure", row, "in_force")
        if None in (last, issued, repealed, now):
            continue
        assert last is not None and issued is not None and repealed is not None
        expected = last + issued - repealed
        if expected == now:
            continue
        out.append(
            finding(
                IN_FORCE,
                f"{cell_label('active_disclosure', row, 'in_force', cur.format)}为 {now}，"
                f"按上一年度（{prev.year}年）现行有效 {last} + 本年制发 {issued} − 本年废止 {repealed}"
                f" 应为 {expected}。",
                table="active_disclosure",
                row=row,
                column="in_force",
                expected=expected,
                actual=now,
            )
        )
    return out


def compare_years(prev: Report, cur: Report) -> list[Finding]:
    """Rules 12 and 13 for two reports of one agency (prev.year + 1 == cur.year)."""
    return carry_over(prev, cur) + in_force(prev, cur)


def history_rows() -> dict[str, tuple[str, ...]]:
    """The cells the history rules read, per table (for loading them from the store)."""
    return {
        "applications": ("carried_over", "carried_forward"),
        "active_disclosure": _STOCK_ROWS,
    }
