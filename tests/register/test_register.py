"""Register of applications → Table 3: independent counts, identities, and every kind of bad row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from nianbao.checks import check
from nianbao.cli import app
from nianbao.register import RegisterError, tabulate, tabulate_file
from nianbao.template import T3_ROWS_ALL, template_for

HEADER = [
    "编号",
    "收到日期",
    "申请人类型",
    "申请方式",
    "答复日期",
    "办理结果",
    "具体情形",
    "是否延期",
    "补正通知日期",
    "补正收到日期",
]
APPLICANTS = {
    "自然人": "natural_person",
    "商业企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "social_welfare",
    "法律服务机构": "legal_services",
    "其他": "other_org",
}
# How a clerk writes each outcome: (办理结果, 具体情形) — labels, group + reason, or the row key.
OUTCOMES_2021 = {
    "disclosed": ("予以公开", ""),
    "partially_disclosed": ("部分公开", ""),
    "withheld_state_secret": ("不予公开", "属于国家秘密"),
    "withheld_prohibited_by_law": ("不予公开", "其他法律行政法规禁止公开"),
    "withheld_security_stability": ("（三）不予公开", "3.危及“三安全一稳定”"),
    "withheld_third_party_rights": ("不予公开", "保护第三方合法权益"),
    "withheld_internal_affairs": ("withheld_internal_affairs", ""),
    "withheld_process_information": ("属于四类过程性信息", ""),
    "withheld_enforcement_files": ("不予公开", "行政执法案卷"),
    "withheld_query_matters": ("不予公开", "属于行政查询事项"),
    "unable_not_held": ("无法提供", "本机关不掌握相关政府信息"),
    "unable_needs_creation": ("无法提供", "没有现成信息需要另行制作"),
    "unable_unclear_after_correction": ("无法提供", "补正后申请内容仍不明确"),
    "not_handled_complaint": ("不予处理", "信访举报投诉类申请"),
    "not_handled_repeated": ("不予处理", "重复申请"),
    "not_handled_publication": ("不予处理", "要求提供公开出版物"),
    "not_handled_excessive": ("不予处理", "无正当理由大量反复申请"),
    "not_handled_confirmation": ("不予处理", "要求行政机关确认或重新出具已获取信息"),
    "other_no_correction": ("其他处理", "逾期不补正"),
    "other_fee_unpaid": ("其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    "other_other": ("其他处理", "其他"),
}


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _run(text: str, year: int) -> object:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return tabulate(header, ((reader.line_num, r) for r in reader), year, deadlines=False)


def _generate(n: int, year: int, seed: int = 7) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    apps = []
    y0 = dt.date(year - 1, 6, 1)
    for i in range(n):
        received = y0 + dt.timedelta(days=rnd.randrange(0, 760))  # mid Y-1 … early Y+1
        applicant = rnd.choice(list(APPLICANTS))
        answered: dt.date | None = received + dt.timedelta(days=rnd.randrange(0, 70))
        if rnd.random() < 0.15:
            answered = None
        outcome = rnd.choice(list(OUTCOMES_2021)) if answered else None
        apps.append(
            {
                "id": f"GK-{i:05d}",
                "received": received,
                "applicant": applicant,
                "answered": answered,
                "outcome": outcome,
            }
        )
    return apps


def _independent_count(apps: list[dict[str, object]], year: int) -> dict[str, dict[str, int]]:
    """A second, deliberately plain count straight from FORMAT.md's definitions."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    c: Counter[tuple[str, str]] = Counter()
    for a in apps:
        rec = a["received"]
        ans = a["answered"]
        col = APPLICANTS[str(a["applicant"])]
        assert isinstance(rec, dt.date)
        if start <= rec <= end:
            c["new_received", col] += 1
        if rec < start and (ans is None or (isinstance(ans, dt.date) and ans >= start)):
            c["carried_over", col] += 1
        if isinstance(ans, dt.date) and start <= ans <= end:
            c[str(a["outcome"]), col] += 1
            c["total_processed", col] += 1
        if rec <= end and (ans is None or (isinstance(ans, dt.date) and ans > end)):
            c["carried_forward", col] += 1
    out: dict[str, dict[str, int]] = {}
    for row in template_for("2021").table("applications").row_keys:
        cols = {k: c[row, k] for k in APPLICANTS.values()}
        out[row] = {**cols, "total": sum(cols.values())}
    return out


def _rows_of(apps: list[dict[str, object]]) -> list[list[str]]:
    rows = []
    for a in apps:
        outcome, reason = OUTCOMES_2021[str(a["outcome"])] if a["outcome"] else ("", "")
        ans = a["answered"]
        rows.append(
            [
                str(a["id"]),
                str(a["received"]),
                str(a["applicant"]),
                "网络",
                str(ans) if ans else "",
                outcome,
                reason,
                "",
                "",
                "",
            ]
        )
    return rows


def test_thousand_applications_match_an_independent_count() -> None:
    apps = _generate(1000, 2024)
    res = _run(_csv(_rows_of(apps)), 2024)
    assert not res.problems  # type: ignore[attr-defined]
    assert res.table == _independent_count(apps, 2024)  # type: ignore[attr-defined]
    # Every outcome category is exercised.
    assert all(res.table[k]["total"] > 0 for k in OUTCOMES_2021)  # type: ignore[attr-defined]


def test_table3_identities_hold_by_construction() -> None:
    apps = _generate(1000, 2024, seed=11)
    res = _run(_csv(_rows_of(apps)), 2024)
    report = res.report("某某局")  # type: ignore[attr-defined]
    findings = check(report, rules=[r for r in _t3_rules()])
    assert [f for f in findings if f.severity == "error"] == []
    t = res.table  # type: ignore[attr-defined]
    for col in [*APPLICANTS.values(), "total"]:
        assert t["new_received"][col] + t["carried_over"][col] == t["total_processed"][col] + t["carried_forward"][col]


def _t3_rules() -> list[str]:
    from nianbao.checks import RULES

    return [r for r in RULES if r.startswith(("t3.", "cells."))]


def test_year_2020_uses_the_single_other_row() -> None:
    apps = _generate(300, 2020, seed=3)
    res = _run(_csv(_rows_of(apps)), 2020)
    t = res.table  # type: ignore[attr-defined]
    assert "other" in t and not any(k.startswith("other_") for k in t)
    exp = _independent_count(apps, 2020)
    assert t["other"]["total"] == sum(
        exp[k]["total"] for k in ("other_no_correction", "other_fee_unpaid", "other_other")
    )
    assert t["total_processed"] == exp["total_processed"]


# Twenty kinds of bad rows, each with the kind the register must report.
GOOD = ["X", "2024-03-01", "自然人", "网络", "2024-03-20", "予以公开", "", "否", "", ""]


def _bad(**changes: str) -> list[str]:
    row = list(GOOD)
    for k, v in changes.items():
        row[{"id": 0, "rec": 1, "app": 2, "ans": 4, "out": 5, "why": 6, "ext": 7, "cn": 8, "cr": 9}[k]] = v
    return row


BAD_ROWS: list[tuple[str, list[str]]] = [
    ("id.missing", _bad(id="")),
    ("id.duplicate", _bad(id="DUP")),  # a second row with id DUP follows the good one
    ("date.received_missing", _bad(id="B3", rec="")),
    ("date.received_invalid", _bad(id="B4", rec="2024-02-30")),
    ("date.answered_invalid", _bad(id="B5", ans="三月二十日")),
    ("date.answer_before_receipt", _bad(id="B6", ans="2024-02-01")),
    ("applicant.missing", _bad(id="B7", app="")),
    ("applicant.unknown", _bad(id="B8", app="外星人")),
    ("applicant.ambiguous", _bad(id="B9", app="法人或其他组织")),
    ("outcome.unknown", _bad(id="B10", out="已办结")),
    ("date.answered_missing", _bad(id="B11", ans="")),
    ("outcome.missing", _bad(id="B12", out="")),
    ("outcome.reason_missing", _bad(id="B13", out="不予公开", why="")),
    ("outcome.reason_unknown", _bad(id="B14", out="无法提供", why="领导不同意")),
    ("outcome.reason_wrong_group", _bad(id="B15", out="不予公开", why="重复申请")),
    ("extension.invalid", _bad(id="B16", ext="也许")),
    ("correction.before_receipt", _bad(id="B17", cn="2024-02-20", cr="2024-03-05", ans="2024-03-20")),
    ("correction.received_before_notice", _bad(id="B18", cn="2024-03-05", cr="2024-03-04")),
    ("correction.no_notice", _bad(id="B19", cr="2024-03-04")),
    ("correction.answer_before_correction", _bad(id="B20", cn="2024-03-04", cr="2024-03-15", ans="2024-03-10")),
    ("date.received_implausible", _bad(id="B21", rec="1999-01-01")),
    ("row.too_many_cells", [*_bad(id="B22"), "多出的一栏"]),
]


def test_each_kind_of_bad_row_is_reported_with_its_line_and_left_out() -> None:
    good = [_bad(id="G1"), _bad(id="DUP")]
    rows = good + [r for _, r in BAD_ROWS]
    res = _run(_csv(rows), 2024)
    errors = [p for p in res.problems if p.severity == "error"]  # type: ignore[attr-defined]
    kinds_by_line: dict[int, set[str]] = {}
    for p in errors:
        kinds_by_line.setdefault(p.line, set()).add(p.kind)
        assert p.message and all("\u4e00" <= ch <= "\u9fff" for ch in p.message[:1] + "行")  # Chinese text
        assert f"第 {p.line} 行" in p.text()
    assert len(BAD_ROWS) >= 20
    for i, (kind, _row) in enumerate(BAD_ROWS):
        line = 1 + len(good) + i + 1  # header is line 1
        assert kind in kinds_by_line.get(line, set()), (kind, line, kinds_by_line.get(line))
    # Only the two good rows count.
    assert res.table["new_received"]["total"] == 2  # type: ignore[attr-defined]
    assert res.table["disclosed"]["total"] == 2  # type: ignore[attr-defined]
    assert res.counted == 2  # type: ignore[attr-defined]


def test_messages_read_well() -> None:
    res = _run(_csv([_bad(id="A"), _bad(id="A"), _bad(id="C", app="外星人")]), 2024)
    texts = [p.text() for p in res.problems]  # type: ignore[attr-defined]
    assert texts == [
        "第 3 行（编号 A）：编号 A 与第 2 行重复",
        "第 4 行（编号 C）：无法识别的申请人类型“外星人”"
        "（应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）",
    ]


def test_missing_required_column_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("编号,答复日期\n1,2024-01-02\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="缺少必需的栏目"):
        tabulate_file(p, 2024)


def test_xlsx_register_and_gbk_csv(tmp_path: Path) -> None:
    apps = _generate(200, 2024, seed=5)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for a, row in zip(apps, _rows_of(apps), strict=True):
        row[1] = a["received"]  # real dates, as Excel stores them
        if a["answered"]:
            row[4] = dt.datetime.combine(a["answered"], dt.time())  # type: ignore[arg-type]
        ws.append(row)
    wb.save(tmp_path / "r.xlsx")
    res = tabulate_file(tmp_path / "r.xlsx", 2024, deadlines=False)
    assert not res.problems
    assert res.table == _independent_count(apps, 2024)
    (tmp_path / "r.csv").write_bytes(_csv(_rows_of(apps)).encode("gb18030"))
    assert tabulate_file(tmp_path / "r.csv", 2024, deadlines=False).table == res.table


def test_english_keys_are_accepted() -> None:
    header = ["id", "received", "applicant", "channel", "answered", "outcome", "reason"]
    text = _csv(
        [
            ["1", "2024-01-05", "commercial", "", "2024-01-20", "withheld_state_secret", ""],
            ["2", "2024-01-05", "legal_services", "", "2024-01-20", "unable", "not held"],
            ["3", "2024/1/6", "科研机构", "", "2024年1月9日", "不予处理", "2.重复申请"],
        ],
        header,
    )
    res = _run(text, 2024)
    kinds = [p.kind for p in res.problems]  # type: ignore[attr-defined]
    assert kinds == ["outcome.unknown"]
    t = res.table  # type: ignore[attr-defined]
    assert t["withheld_state_secret"]["commercial"] == 1
    assert t["not_handled_repeated"]["research"] == 1


def test_cli_register_writes_report_json(tmp_path: Path) -> None:
    apps = _generate(100, 2024, seed=9)
    src = tmp_path / "r.csv"
    src.write_text(_csv(_rows_of(apps)), encoding="utf-8")
    out = tmp_path / "t3.json"
    r = CliRunner().invoke(app, ["register", str(src), "--year", "2024", "-o", str(out), "--agency", "某某局"])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "nianbao/report@1" and data["year"] == 2024 and data["agency"] == "某某局"
    assert data["tables"]["applications"] == _independent_count(apps, 2024)
    assert "计入本年度表三" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv([_bad(id="1", app="外星人")]), encoding="utf-8")
    r = CliRunner().invoke(app, ["register", str(bad), "--year", "2024"])
    assert r.exit_code == 1 and "第 2 行" in r.output and "外星人" in r.output


def test_template_rows_cover_all_outcomes() -> None:
    outcome_2021 = [r.key for r in T3_ROWS_ALL if r.group == "outcome" and r.key != "other"]
    assert sorted(outcome_2021) == sorted(OUTCOMES_2021)
