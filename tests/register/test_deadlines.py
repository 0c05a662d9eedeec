"""Answer deadlines (条例第三十三条) across the 2024–2026 holidays and make-up working days."""

from __future__ import annotations

import csv
import datetime as dt
import io

import chinese_calendar
import pytest

from nianbao.register import CalendarError, covered_years, tabulate, workdays
from nianbao.register.core import ANSWER_DAYS

D = dt.date


def _naive_add(start: dt.date, n: int) -> dt.date:
    """The n-th working day after start, one day at a time (independent of the cumulative table)."""
    d = start
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Friday before the 2024 National Day week: 29 Sep (Sunday) and 12 Oct (Saturday) are working days.
        (D(2024, 9, 27), D(2024, 10, 30)),
        # Received on the make-up working Saturday 12 Oct 2024.
        (D(2024, 10, 12), D(2024, 11, 8)),
        # Friday before the 2025 National Day + Mid-Autumn week (1–8 Oct; 28 Sep and 11 Oct worked).
        (D(2025, 9, 26), D(2025, 10, 30)),
        # Received on Sunday 28 Sep 2025, itself a make-up working day.
        (D(2025, 9, 28), D(2025, 10, 31)),
        # Received on the last working day before the 2025 Spring Festival (28 Jan – 4 Feb off; 26 Jan, 8 Feb worked).
        (D(2025, 1, 27), D(2025, 3, 3)),
    ],
)
def test_twenty_working_days_across_holidays(received: dt.date, due: dt.date) -> None:
    assert workdays().add(received, ANSWER_DAYS) == due
    assert _naive_add(received, ANSWER_DAYS) == due


def test_make_up_days_are_working_days() -> None:
    wd = workdays()
    assert wd.is_workday(D(2024, 9, 29))  # Sunday, worked
    assert wd.is_workday(D(2024, 10, 12))  # Saturday, worked
    assert not wd.is_workday(D(2024, 10, 7))
    assert wd.is_workday(D(2026, 1, 4))  # Sunday, worked (New Year 2026)


def test_table_matches_naive_counting_over_2024_to_2026() -> None:
    wd = workdays()
    d = D(2024, 1, 1)
    while d < D(2026, 11, 1):
        assert wd.add(d, 20) == _naive_add(d, 20), d
        assert wd.add(d, 40) == _naive_add(d, 40), d
        d += dt.timedelta(days=3)


def test_year_not_covered_is_a_clear_chinese_error() -> None:
    lo, hi = covered_years()
    assert lo <= 2024 and hi >= 2026
    with pytest.raises(CalendarError, match=f"只覆盖 {lo}—{hi} 年.*{hi + 1} 年的工作日"):
        workdays().add(D(hi + 1, 3, 1), 20)


HEADER = [
    "编号",
    "收到日期",
    "申请人类型",
    "答复日期",
    "办理结果",
    "具体情形",
    "是否延期",
    "补正通知日期",
    "补正收到日期",
    "征求意见工作日",
]


def _tab(rows: list[list[str]], year: int, **kw: object) -> object:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows)
    reader = csv.reader(io.StringIO(buf.getvalue()))
    header = next(reader)
    return tabulate(header, ((reader.line_num, r) for r in reader), year, **kw)  # type: ignore[arg-type]


def test_register_lists_overdue_and_nearly_due() -> None:
    rows = [
        # answered one working day late (due 30 Oct 2024)
        ["late", "2024-09-27", "自然人", "2024-10-31", "予以公开", "", "", "", "", ""],
        # answered on the due day: not listed
        ["ontime", "2024-09-27", "自然人", "2024-10-30", "予以公开", "", "", "", "", ""],
        # extension: due 27 Nov 2024, answered 20 Nov: fine
        ["ext", "2024-09-27", "自然人", "2024-11-20", "予以公开", "", "是", "", "", ""],
        # pending, received 2 Dec: due 30 Dec → nearly due at 24 Dec (4 working days left)
        ["soon", "2024-12-02", "商业企业", "", "", "", "", "", "", ""],
        # pending, received 1 Nov: due 29 Nov → overdue at 24 Dec
        ["over", "2024-11-01", "自然人", "", "", "", "", "", "", ""],
        # correction: the clock restarts on 15 Oct → due 12 Nov; answered 11 Nov is in time
        ["corr", "2024-09-27", "自然人", "2024-11-11", "予以公开", "", "", "2024-09-30", "2024-10-15", ""],
        # waiting for a correction: clock stopped, not listed
        ["wait", "2024-11-01", "自然人", "", "", "", "", "2024-11-05", "", ""],
        # consulting a third party for 15 working days does not count: due 20 Nov, answered 19 Nov
        ["consult", "2024-09-27", "自然人", "2024-11-19", "予以公开", "", "", "", "", "15"],
    ]
    res = _tab(rows, 2024, as_of=D(2024, 12, 24))
    got = {d.id: (d.status, d.due, d.days_left) for d in res.deadlines}  # type: ignore[attr-defined]
    assert got == {
        "late": ("overdue_answered", D(2024, 10, 30), None),
        "soon": ("due_soon", D(2024, 12, 30), 4),
        "over": ("overdue", D(2024, 11, 29), -17),
    }
    texts = [d.text() for d in res.deadlines]  # type: ignore[attr-defined]
    assert any("超期答复" in t for t in texts) and any("还剩 4 个工作日" in t for t in texts)
    assert not [p for p in res.problems if p.severity == "error"]  # type: ignore[attr-defined]


def test_late_correction_notice_is_a_warning_not_an_exclusion() -> None:
    rows = [["n", "2024-09-27", "自然人", "2024-11-29", "予以公开", "", "", "2024-10-14", "2024-10-20", ""]]
    res = _tab(rows, 2024)
    kinds = [(p.kind, p.severity) for p in res.problems]  # type: ignore[attr-defined]
    assert kinds == [("correction.late_notice", "warning")]
    assert res.table["disclosed"]["total"] == 1  # type: ignore[attr-defined]


def test_uncovered_year_still_counts_and_says_why() -> None:
    _, hi = covered_years()
    y = hi + 1
    res = _tab([["1", f"{y}-03-02", "自然人", f"{y}-03-10", "予以公开", "", "", "", "", ""]], y)
    assert res.table["disclosed"]["total"] == 1  # type: ignore[attr-defined]
    assert res.calendar_error and f"无法计算 {y} 年的工作日" in res.calendar_error  # type: ignore[attr-defined]
