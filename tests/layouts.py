"""Test code: random consistent report data, and writers that lay it out as text
the way real conversions do (tabs, spaces, pipes, split labels, numbers above labels)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from nianbao.model import _jsonable
from nianbao.template import APPLICANT_COLUMNS, SECTIONS, TEMPLATES, outcome_rows
from nianbao.template.sums import APPLICANT_KEYS

LAYOUTS = ("tabs", "spaces", "single", "pipes", "split_after", "split_before", "numbers_before")
FULLWIDTH = str.maketrans("0123456789.,+-", "０１２３４５６７８９．，＋－")


@st.composite
def report_data(draw: st.DrawFn, fmt: str | None = None) -> dict[str, Any]:
    fmt = fmt or draw(st.sampled_from(("2021", "2019")))
    tpl = TEMPLATES[fmt]
    small = st.integers(0, 40)
    t2: dict[str, dict[str, Any]] = {}
    for row in tpl.table("active_disclosure").rows:
        t2[row.key] = {}
        for col in row.columns:
            if col.kind == "money":
                cents = draw(st.integers(0, 50_000_000))
                t2[row.key][col.key] = _jsonable(Decimal(cents) / 100)
            elif col.kind == "signed":
                t2[row.key][col.key] = draw(st.integers(-500, 2000))
            else:
                t2[row.key][col.key] = draw(st.one_of(small, st.integers(0, 50_000)))
    rows = tpl.table("applications").row_keys
    outcomes = outcome_rows(rows)
    t3: dict[str, dict[str, int]] = {}
    for r in outcomes:
        t3[r] = {c: draw(st.integers(0, 12)) for c in APPLICANT_KEYS}
    total = {c: sum(t3[r][c] for r in outcomes) for c in APPLICANT_KEYS}
    fwd = {c: draw(st.integers(0, 5)) for c in APPLICANT_KEYS}
    over = {c: draw(st.integers(0, total[c] + fwd[c])) for c in APPLICANT_KEYS}
    new = {c: total[c] + fwd[c] - over[c] for c in APPLICANT_KEYS}
    t3["new_received"], t3["carried_over"], t3["total_processed"], t3["carried_forward"] = new, over, total, fwd
    apps = {}
    for r in rows:
        vals = dict(t3[r])
        vals["total"] = sum(vals[c] for c in APPLICANT_KEYS)
        apps[r] = {c.key: vals[c.key] for c in APPLICANT_COLUMNS}
    t4: dict[str, dict[str, int]] = {}
    for g in tpl.table("review_litigation").rows:
        parts = {c: draw(st.integers(0, 9)) for c in ("upheld", "corrected", "other", "pending")}
        t4[g.key] = {**parts, "total": sum(parts.values())}
    year = draw(st.integers(2019, 2020)) if fmt == "2019" else draw(st.integers(2021, 2025))
    return {
        "schema": "nianbao/report@1",
        "format": fmt,
        "agency": draw(st.sampled_from(["中卫市审批服务管理局", "青铜峡市", "某某县人民政府办公室", "某市生态环境局"])),
        "year": year,
        "tables": {"active_disclosure": t2, "applications": apps, "review_litigation": t4},
    }


def _num(v: Any, *, fullwidth: bool, thousands: bool) -> str:
    if isinstance(v, float):
        s = f"{Decimal(str(v)):f}"
    elif isinstance(v, int) and thousands and abs(v) >= 1000:
        s = f"{v:,}"
    else:
        s = str(v)
    return s.translate(FULLWIDTH) if fullwidth else s


def _line(label: str, values: list[str], layout: str) -> list[str]:
    """The lines of one table row in a layout."""
    if layout == "tabs":
        return ["\t".join([label, *values])]
    if layout == "spaces":
        return ["    ".join([label, *values])]
    if layout == "single":
        return [" ".join([label, *values])]
    if layout == "pipes":
        return ["| " + " | ".join([label, *values]) + " |"]
    nums = " ".join(values)
    if not label:
        return [nums]
    if layout == "numbers_before":
        return [nums, label] if values else [label]
    # Break between two CJK characters, as a narrow PDF column does.
    half = max(1, len(label) // 2)
    while half < len(label) - 1 and not (
        "\u4e00" <= label[half - 1] <= "\u9fff" and "\u4e00" <= label[half] <= "\u9fff"
    ):
        half += 1
    a, b = label[:half], label[half:]
    if layout == "split_after":  # numbers beside the first half of the label
        return [f"{a} {nums}".rstrip(), b]
    return [a, f"{b} {nums}".rstrip()]  # split_before: numbers beside the second half


def render_text(
    data: dict[str, Any],
    layout: str,
    *,
    fullwidth: bool = False,
    thousands: bool = False,
    page_break: bool = False,
    markdown: bool = False,
) -> str:
    tpl = TEMPLATES[data["format"]]
    tables = data["tables"]
    h1, h2 = ("# ", "## ") if markdown else ("", "")
    out = [f"{h1}{data['agency']}{data['year']}年政府信息公开工作年度报告", ""]
    out.append(f"本报告统计数据从{data['year']}年1月1日至12月31日。")
    titles = {s.key: f"{h2}{s.number}、{s.title}" for s in SECTIONS}
    out += [titles["overview"], "本机关认真贯彻条例，做好政府信息公开工作。", titles["active_disclosure"]]

    def fmt_vals(vals: list[Any]) -> list[str]:
        return [_num(v, fullwidth=fullwidth, thousands=thousands) for v in vals]

    for row in tpl.table("active_disclosure").rows:
        out.append("信息内容  " + "  ".join(c.label for c in row.columns))
        out += _line(row.label, fmt_vals([tables["active_disclosure"][row.key][c.key] for c in row.columns]), layout)
    out.append(titles["applications"])
    header = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
    cols = [c.label for c in APPLICANT_COLUMNS]
    if layout == "pipes":
        out += ["| 项目 | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
    else:
        out += [*header, "  ".join(cols)]
    rows = list(tpl.table("applications").rows)
    for i, row in enumerate(rows):
        if page_break and i == len(rows) // 2:
            out += ["", "- 3 -", ""]
            if layout != "pipes":
                out.append("  ".join(cols))  # the header repeated on the new page
        vals = fmt_vals([tables["applications"][row.key][c.key] for c in APPLICANT_COLUMNS])
        out += _line(row.label, vals, layout)
    out.append(titles["review_litigation"])
    out += ["行政复议  行政诉讼", "结果维持  结果纠正  其他结果  尚未审结  总计  未经复议直接起诉  复议后起诉"]
    t4 = [tables["review_litigation"][g.key][c.key] for g in tpl.table("review_litigation").rows for c in g.columns]
    flat_layout = layout if layout in ("tabs", "spaces", "single", "pipes") else "single"
    out += _line("", fmt_vals(t4), flat_layout) if flat_layout != "pipes" else ["| " + " | ".join(fmt_vals(t4)) + " |"]
    out += [titles["problems"], "公开内容还不够全面。", titles["other"], "本机关未收取信息处理费。", ""]
    return "\n".join(out)


# --- whole documents, drawn from the template by the renderers ------------------------------------

# Layouts of a whole report as readers meet it: the template's grid as HTML (as printed, with the
# 第二十条 group in a column of its own, with trailing empty cells merged), Markdown, DOCX, and a
# crawler's one-line text dump. Every row of the data's template is in each.
DOCUMENT_LAYOUTS = ("html", "html_group_column", "html_colspan", "md", "docx", "dump")


def render_document(data: dict[str, Any], layout: str) -> tuple[str, bytes]:
    """(file name, content) of the report in `layout`."""
    import re

    from nianbao.derive.textforms import dump
    from nianbao.render import render_bytes
    from nianbao.schema import load_report

    report = load_report(data)
    report.title = f"{data['agency']}{data['year']}年政府信息公开工作年度报告"
    if layout == "md":
        return "r.md", render_bytes(report, "md")
    if layout == "docx":
        return "r.docx", render_bytes(report, "docx")
    if layout == "dump":
        return "r.txt", dump(report).encode("utf-8")
    page = render_bytes(report, "html").decode("utf-8")
    if layout == "html_colspan":
        page = re.sub(r'(<td class="value")>([^<]*)</td><td class="label"></td>', r'\1 colspan="2">\2</td>', page)
        page = re.sub(r"<th>([^<]*)</th><th></th></tr>", r'<th colspan="2">\1</th></tr>', page)
    elif layout == "html_group_column":
        page = _group_column(page)
    return "r.html", page.encode("utf-8")


def _group_column(page: str) -> str:
    """Table 2 with each 第二十条 group in a first column spanning its rows, as many portals print it."""
    import re

    i = page.find('<table class="t-active_disclosure">')
    j = page.find("</table>", i)
    blocks: list[tuple[str, list[str]]] = []
    for row in re.findall(r"<tr>.*?</tr>", page[i:j], re.S):
        m = re.match(r'<tr><th colspan="\d+">([^<]*)</th></tr>', row)
        if m:
            blocks.append((m.group(1), []))
        elif blocks:
            blocks[-1][1].append(row)
    rows = [
        row.replace("<tr>", f'<tr><th rowspan="{len(rs)}">{group}</th>' if k == 0 else "<tr>", 1)
        for group, rs in blocks
        for k, row in enumerate(rs)
    ]
    return page[:i] + '<table class="t-active_disclosure"><tbody>' + "\n".join(rows) + "</tbody>" + page[j:]


def distinct_data(fmt: str) -> dict[str, Any]:
    """Consistent data in which every cell of a row differs from the same cell of every other
    row, so a figure read into a neighbouring row or column cannot pass unseen."""
    tpl = TEMPLATES[fmt]
    t2: dict[str, dict[str, Any]] = {}
    n = 0
    for row in tpl.table("active_disclosure").rows:
        t2[row.key] = {}
        for col in row.columns:
            n += 1
            t2[row.key][col.key] = _jsonable(Decimal(100 * n + 17) / 100) if col.kind == "money" else 10 * n + 1
    rows = tpl.table("applications").row_keys
    outcomes = outcome_rows(rows)
    t3: dict[str, dict[str, int]] = {}
    for i, r in enumerate(outcomes):
        t3[r] = {c: 1 + i + 30 * j for j, c in enumerate(APPLICANT_KEYS)}
    total = {c: sum(t3[r][c] for r in outcomes) for c in APPLICANT_KEYS}
    fwd = {c: 3 + j for j, c in enumerate(APPLICANT_KEYS)}
    over = {c: 5 + 2 * j for j, c in enumerate(APPLICANT_KEYS)}
    t3["new_received"] = {c: total[c] + fwd[c] - over[c] for c in APPLICANT_KEYS}
    t3["carried_over"], t3["total_processed"], t3["carried_forward"] = over, total, fwd
    apps = {r: {**t3[r], "total": sum(t3[r].values())} for r in rows}
    t4 = {}
    for g, row in enumerate(tpl.table("review_litigation").rows):
        parts = {c: 1 + g + 4 * k for k, c in enumerate(("upheld", "corrected", "other", "pending"))}
        t4[row.key] = {**parts, "total": sum(parts.values())}
    return {
        "schema": "nianbao/report@1",
        "format": fmt,
        "agency": "某市生态环境局",
        "year": 2020 if fmt == "2019" else 2023,
        "tables": {"active_disclosure": t2, "applications": apps, "review_litigation": t4},
    }
