"""Synthetic corpora for load tests: realistic text reports with a manifest of injected errors.

Reports are generated agency by agency over consecutive years, so honest
reports satisfy every rule, the history rules included (carry-over, 现行有效).
Both templates are used (2019 format for 2019–2020, 2021 after), in three
layouts the extractor reads: tab-separated, Markdown pipe tables and
space-aligned columns. A share of reports carries exactly one injected error,
recorded in `manifest.jsonl` with the rule that should catch it:

- `t3.balance` — 本年新收 raised without the outcomes (Table 3 does not balance);
- `history.carry_over` — 上年结转 differs from last year's 结转下年度 (Table 3 still balances);
- `history.copied_text` — the narrative is last year's with only the year changed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.store.gazetteer import builtin
from nianbao.template import APPLICANT_COLUMNS, RESULT_COLUMNS, SECTIONS, expected_format, template_for

YEARS = tuple(range(2019, 2026))
LAYOUTS = ("tabs", "pipes", "spaces")
ERRORS = ("t3.balance", "history.carry_over", "history.copied_text")

DEPARTMENTS = (
    "人民政府",
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化旅游广电局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业和草原局",
    "审批服务管理局",
    "信访局",
    "乡村振兴局",
    "体育局",
    "民族宗教事务委员会",
    "机关事务管理局",
    "城市管理综合执法局",
    "气象局",
)
_SYLLABLES = "东西南北新安永兴和平宁丰泰福宝山河川清明长乐康庄阳光红星金石台柳杨"

_TOPIC = (
    "政务公开",
    "信息发布",
    "政策解读",
    "依申请公开",
    "网站建设",
    "政务新媒体",
    "公开目录",
    "制度建设",
    "基层政务公开",
    "重点领域公开",
    "财政预决算公开",
    "行政执法公示",
    "办事指南",
    "便民服务",
    "公开专区",
    "保密审查",
    "回应关切",
    "政民互动",
    "考核评议",
    "业务培训",
    "档案管理",
    "公开平台",
    "数据开放",
    "营商环境",
    "乡村振兴信息",
    "安全生产信息",
    "社会救助信息",
    "教育信息",
    "就业信息",
    "惠企政策",
)
_VERB = (
    "持续深化",
    "扎实推进",
    "不断完善",
    "着力加强",
    "认真落实",
    "全面规范",
    "积极拓展",
    "统筹做好",
    "进一步健全",
    "稳步推进",
    "切实强化",
    "有序开展",
    "大力推动",
    "常态化开展",
    "精准做好",
    "逐步优化",
)
_OBJ = (
    "工作机制",
    "发布流程",
    "审核制度",
    "栏目设置",
    "更新频次",
    "答复质量",
    "办理时限",
    "工作台账",
    "责任分工",
    "考核办法",
    "解读形式",
    "互动渠道",
    "服务能力",
    "标准体系",
    "监督检查",
    "信息质量",
    "公开范围",
    "公开深度",
    "专栏内容",
    "查询功能",
    "纸质文件管理",
    "电子档案",
    "线上平台",
    "线下窗口",
)
_ADV = ("全年", "截至年底", "本年度", "报告期内", "期间", "年内", "累计")
_RESULT = (
    "发布各类信息",
    "更新办事指南",
    "开展专题培训",
    "回复网民留言",
    "组织政府开放日",
    "公开政策文件",
    "制作图解产品",
    "召开新闻发布会",
    "审核拟公开信息",
    "整改问题",
    "走访企业",
    "收集意见建议",
)
_UNIT = ("条", "件", "次", "场", "篇", "个", "项")


@dataclass
class Agency:
    name: str
    level: str  # region level of the body: county bodies make no 规章
    state: dict[Any, Any] = field(default_factory=dict)  # carried over between years


def agencies(rng: random.Random) -> Iterator[Agency]:
    """A place of every province in turn (so a corpus spans the country), then invented townships.

    A place comes with all its departments (so roll-ups have children); a province's real
    townships come after its prefectures and counties.
    A county whose name is shared by counties elsewhere (鼓楼区) is printed after its prefecture.
    """
    g = builtin()
    places = [p for p in g.places if p.level in ("city", "county")]
    printed = {p: g.printed(p) for p in places}

    def province(name: str) -> Iterator[list[Agency]]:
        mine = [p for p in places if p.path[0] == name]
        for p in mine:
            yield [Agency(printed[p] + d, p.level) for d in DEPARTMENTS]
        for c in mine:
            if c.level == "county":
                yield [Agency(printed[c] + t.name + "人民政府", "township") for t in g.townships(c)]

    queues = [province(p.name) for p in g.places if p.level == "province"]
    while queues:
        for q in list(queues):
            batch = next(q, None)
            if batch is None:
                queues.remove(q)
            else:
                yield from batch
    counties = [p for p in places if p.level == "county"]
    i = 0
    while True:
        c = counties[i % len(counties)]
        a, b = _SYLLABLES[(i // len(counties)) % len(_SYLLABLES)], _SYLLABLES[(i * 7 + 3) % len(_SYLLABLES)]
        yield Agency(
            f"{printed[c]}{a}{b}{'镇' if i % 3 else '乡'}{i // (len(counties) * len(_SYLLABLES)) or ''}人民政府",
            "township",
        )
        i += 1


# --- numbers ---------------------------------------------------------------


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    out = [0] * parts
    for _ in range(total):
        out[rng.randrange(parts)] += 1
    return out


def tables(rng: random.Random, ag: Agency, year: int) -> dict[str, dict[str, dict[str, Any]]]:
    fmt = expected_format(year)
    tpl = template_for(fmt)
    t3rows = [r.key for r in tpl.table("applications").rows]
    outcome = [r.key for r in tpl.table("applications").rows if r.group == "outcome"]
    cols = [c.key for c in APPLICANT_COLUMNS if c.key != "total"]
    scale = 30 if ag.level == "county" and ag.name[-4:] == "人民政府" else 6
    prev_fwd: dict[str, int] = ag.state.get("carried_forward") or {c: rng.choice((0, 0, 1)) for c in cols}
    t3: dict[str, dict[str, Any]] = {r: {} for r in t3rows}
    weights = [8, 3, 1, 1, 1, 1][: len(cols)]
    for c, w in zip(cols, weights, strict=True):
        new = rng.randrange(0, scale * w // 8 + 1)
        carried = prev_fwd.get(c, 0)
        pool = new + carried
        fwd = rng.randrange(0, pool // 5 + 1) if pool else 0
        shares = _split(rng, pool - fwd, len(outcome))
        t3["new_received"][c], t3["carried_over"][c] = new, carried
        for k, v in zip(outcome, shares, strict=True):
            t3[k][c] = v
        t3["total_processed"][c] = pool - fwd
        t3["carried_forward"][c] = fwd
    for r in t3rows:
        t3[r]["total"] = sum(t3[r][c] for c in cols)
    ag.state["carried_forward"] = {c: t3["carried_forward"][c] for c in cols}
    t4: dict[str, dict[str, Any]] = {}
    for g in ("review", "litigation_direct", "litigation_after_review"):
        res = {c.key: (rng.randrange(0, 3) if rng.random() < 0.3 else 0) for c in RESULT_COLUMNS if c.key != "total"}
        res["total"] = sum(res.values())
        t4[g] = res
    t2: dict[str, dict[str, Any]] = {}
    # Only governments of cities with legislative power make 规章 (rule 10): here, city governments.
    makes_rules = ag.level == "city" and ag.name.endswith("市人民政府")
    for row in tpl.table("active_disclosure").rows:
        vals: dict[str, Any] = {}
        none = row.key == "regulations" and not makes_rules
        for col in row.columns:
            if none:
                vals[col.key] = 0
            elif col.key == "issued":
                vals[col.key] = rng.randrange(0, 6)
            elif col.key == "repealed":
                vals[col.key] = rng.randrange(0, 3)
            elif col.key == "in_force":
                last = ag.state.get(("in_force", row.key), rng.randrange(0, 20) if row.key != "regulations" else 0)
                vals[col.key] = max(0, last + vals["issued"] - vals["repealed"])
                vals["repealed"] = last + vals["issued"] - vals[col.key]
                ag.state[("in_force", row.key)] = vals[col.key]
            elif col.kind == "money":
                vals[col.key] = round(rng.uniform(0, 2000), 2) if rng.random() < 0.4 else 0
            elif col.kind == "signed":
                vals[col.key] = rng.randrange(-5, 6)
            else:
                vals[col.key] = rng.randrange(0, 500)
        # Decisions equal to items + change look like item counts (a 2019 check): avoid it by accident.
        items = {"previous_items", "change", "decisions"} <= set(vals)
        if items and vals["decisions"] == vals["previous_items"] + vals["change"]:
            vals["decisions"] += 1
        t2[row.key] = vals
    return {"active_disclosure": t2, "applications": t3, "review_litigation": t4}


def inject(rng: random.Random, kind: str, t: dict[str, dict[str, dict[str, Any]]]) -> None:
    t3 = t["applications"]
    if kind == "t3.balance":
        k = rng.randrange(1, 5)
        t3["new_received"]["natural_person"] += k
        t3["new_received"]["total"] += k
    elif kind == "history.carry_over":
        k = rng.randrange(1, 4)
        for col in ("natural_person", "total"):  # Table 3 still balances: only the history rule can see it
            t3["carried_over"][col] += k
            t3["disclosed"][col] += k
            t3["total_processed"][col] += k


# --- text --------------------------------------------------------------------


def narrative(rng: random.Random, agency: str, year: int) -> dict[str, str]:
    def para(n: int) -> str:
        out = []
        for _ in range(n):
            out.append(
                f"{rng.choice(_ADV)}，{agency}{rng.choice(_VERB)}{rng.choice(_TOPIC)}{rng.choice(_OBJ)}，"
                f"{rng.choice(_RESULT)}{rng.randrange(1, 400)}{rng.choice(_UNIT)}，"
                f"{rng.choice(_TOPIC)}{rng.choice(_OBJ)}{rng.choice(_VERB)}。"
            )
        return "".join(out)

    return {
        "overview": f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》。{para(8)}\n\n{para(6)}"
        "将政务公开工作纳入年度绩效考核，邀请群众代表开展社会评议，全年未发生因政府信息公开工作被责任追究的情况。",
        "problems": f"{year}年政府信息公开工作仍存在一些不足。{para(3)}\n\n下一步，{para(3)}",
        "other": f"本机关{year}年未收取信息处理费。{para(2)}",
    }


def _line(cells: list[str], layout: str) -> str:
    if layout == "tabs":
        return "\t".join(cells)
    if layout == "pipes":
        return "| " + " | ".join(cells) + " |"
    return "    ".join(cells)


def _fmt(v: Any) -> str:
    return str(v)


def render(agency: str, year: int, t: dict[str, dict[str, dict[str, Any]]], texts: dict[str, str], layout: str) -> str:
    fmt = expected_format(year)
    tpl = template_for(fmt)
    out: list[str] = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    out.append(f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告统计数据从{year}年1月1日至12月31日。")
    out.append("")
    heads = {s.key: f"{s.number}、{s.title}" for s in SECTIONS}

    def table_block(rows: list[list[str]], width: int) -> None:
        for i, cells in enumerate(rows):
            out.append(_line(cells, layout))
            if layout == "pipes" and i == 0:
                out.append("|" + "---|" * len(cells))
        out.append("")
        del width

    for key in ("overview", "active_disclosure", "applications", "review_litigation", "problems", "other"):
        out.append(heads[key])
        out.append("")
        if key in texts:
            out.extend([texts[key], ""])
        elif key == "active_disclosure":
            group = None
            for row in tpl.table("active_disclosure").rows:
                if row.group != group:
                    group = row.group
                    table_block(
                        [[row.group or "", *([""] * len(row.columns))], ["信息内容", *(c.label for c in row.columns)]],
                        0,
                    )
                    out.pop()
                out.append(
                    _line([row.label, *(_fmt(t["active_disclosure"][row.key][c.key]) for c in row.columns)], layout)
                )
            out.append("")
        elif key == "applications":
            head = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
            labels = ["", *(c.label for c in APPLICANT_COLUMNS)]
            rows = [head, labels]
            for row in tpl.table("applications").rows:
                rows.append([row.label, *(str(t["applications"][row.key][c.key]) for c in APPLICANT_COLUMNS)])
            table_block(rows, 8)
        else:
            h1 = ["行政复议", "", "", "", "", "行政诉讼"]
            h2 = [*(c.label for c in RESULT_COLUMNS), "未经复议直接起诉", "", "", "", "", "复议后起诉"]
            h3 = [*(c.label for c in RESULT_COLUMNS)] * 3
            vals = [
                str(t["review_litigation"][g][c.key])
                for g in ("review", "litigation_direct", "litigation_after_review")
                for c in RESULT_COLUMNS
            ]
            table_block([h1, h2, h3, vals], 15)
    out.append(agency)
    out.append(f"{year + 1}年1月{(hash(agency) % 20) + 5}日")
    return "\n".join(out) + "\n"


@dataclass
class Synth:
    name: str  # relative file name
    text: str
    entry: dict[str, Any]  # the manifest line
    tables: dict[str, dict[str, dict[str, Any]]]  # the values printed


def generate(n: int, *, seed: int = 1, error_share: float = 0.1) -> Iterator[Synth]:
    """n synthetic reports, in agency-then-year order."""
    rng = random.Random(seed)
    made = 0
    for ag in agencies(rng):
        prev_text: dict[str, str] | None = None
        for year in YEARS:
            if made >= n:
                return
            t = tables(rng, ag, year)
            texts = narrative(rng, ag.name, year)
            error = None
            if rng.random() < error_share:
                choices = [e for e in ERRORS if e == "t3.balance" or prev_text is not None]
                error = rng.choice(choices)
                if error == "history.copied_text" and prev_text is not None:
                    texts = {k: v.replace(str(year - 1), str(year)) for k, v in prev_text.items()}
                else:
                    inject(rng, error, t)
            layout = LAYOUTS[made % len(LAYOUTS)]
            ext = ".md" if layout == "pipes" else ".txt"
            name = f"{made // 1000:04d}/{made:07d}{ext}"
            entry = {
                "file": name,
                "agency": ag.name,
                "year": year,
                "format": expected_format(year),
                "layout": layout,
                "errors": [error] if error else [],
            }
            yield Synth(name, render(ag.name, year, t, texts, layout), entry, t)
            prev_text = texts
            made += 1


def write_corpus(n: int, out: str, *, seed: int = 1, error_share: float = 0.1) -> int:
    """Write n reports under `out` (1,000 per subfolder) and `out/manifest.jsonl`; returns n written."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(root / "manifest.jsonl", "w", encoding="utf-8") as man:
        for s in generate(n, seed=seed, error_share=error_share):
            p = root / s.name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(s.text, encoding="utf-8")
            man.write(json.dumps(s.entry, ensure_ascii=False) + "\n")
            count += 1
    return count
