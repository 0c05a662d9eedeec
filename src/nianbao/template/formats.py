"""The national templates (2019 trial, 2021) as data.

Every other module reads rows, columns, labels and sums from here; no other
module spells a row label. Label patterns match text normalised by
`nianbao.textnorm.norm_label` (NFKC, no whitespace).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

FORMATS = ("2021", "2019")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count | signed | money
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    columns: tuple[Column, ...]
    patterns: tuple[str, ...] = ()  # regexes over the normalised label text
    group: str | None = None  # e.g. "withheld" for （三）不予公开 1–8
    variants: tuple[str, ...] = ()
    # Weak patterns (a bare 总计 or 其他) count only on a line that carries its
    # own numbers, right after the rows that precede it in the template.
    weak_patterns: tuple[str, ...] = ()
    # When any of these rows is printed, this row's label is only their group
    # heading (（六）其他处理 above its three 2021 sub-rows).
    yields_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    key: str
    number: int  # the table's number in the report (二, 三, 四)
    title: str
    rows: tuple[Row, ...]
    # "rows": one labelled line per row; "flat": all values on one unlabelled line.
    layout: str = "rows"
    markers: tuple[str, ...] = ()  # phrases that identify this format's version

    @property
    def short_name(self) -> str:
        """How a report names it: 表二, 表三, 表四."""
        return "表" + "一二三四五"[self.number - 1]

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)


@dataclass(frozen=True)
class Template:
    format: str
    name: str
    tables: tuple[Table, ...]
    years: tuple[int, int]  # reporting years the format applies to (inclusive; 9999 = open)

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    title: str
    patterns: tuple[str, ...]
    variants: tuple[str, ...] = field(default=())


# --- the six parts ---------------------------------------------------------

SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况", (r"总体情况", r"^概述$")),
    Section("active_disclosure", "二", "主动公开政府信息情况", (r"主动公开政府信息", r"主动公开情况")),
    Section(
        "applications",
        "三",
        "收到和处理政府信息公开申请情况",
        (r"收到和处理", r"依申请公开"),
    ),
    Section(
        "review_litigation",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (r"行政复议", r"行政诉讼"),
        variants=(
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "政府信息公开行政复议及行政诉讼情况",
        ),
    ),
    Section(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        (r"存在.{0,6}问题", r"改进情况", r"改进措施"),
        variants=("政府信息公开工作存在的主要问题及改进情况", "存在的主要问题和改进措施", "存在问题及改进情况"),
    ),
    Section("other", "六", "其他需要报告的事项", (r"其他需要报告",)),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)

# --- Table 3 (identical columns in both formats) -----------------------------

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织", variants=("社会组织",)),
    Column("legal_services", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
APPLICANT_HEADER_WORDS = ("申请人情况", "法人或其他组织", "法人或其它组织")


def _t3row(key: str, label: str, *patterns: str, group: str | None = None, weak: tuple[str, ...] = ()) -> Row:
    return Row(key, label, APPLICANT_COLUMNS, patterns, group=group, weak_patterns=weak)


_T3_HEAD = (
    _t3row("new_received", "一、本年新收政府信息公开申请数量", r"本年新收"),
    _t3row("carried_over", "二、上年结转政府信息公开申请数量", r"上年结转"),
    _t3row("disclosed", "三、本年度办理结果 （一）予以公开", r"予以公开", group="outcome"),
    _t3row(
        "partially_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        r"部分公开",
        group="outcome",
    ),
    _t3row("withheld_state_secret", "（三）不予公开 1.属于国家秘密", r"国家秘密", group="outcome"),
    _t3row(
        "withheld_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        r"法规禁止",
        r"其他法律行政",
        group="outcome",
    ),
    _t3row("withheld_security_stability", "3.危及“三安全一稳定”", r"三安全", r"一稳定", group="outcome"),
    _t3row("withheld_third_party_rights", "4.保护第三方合法权益", r"第三方", group="outcome"),
    _t3row("withheld_internal_affairs", "5.属于三类内部事务信息", r"内部事务", group="outcome"),
    _t3row("withheld_process_information", "6.属于四类过程性信息", r"过程性", group="outcome"),
    _t3row("withheld_enforcement_files", "7.属于行政执法案卷", r"执法案卷", group="outcome"),
    _t3row("withheld_query_matters", "8.属于行政查询事项", r"查询事项", group="outcome"),
    _t3row("unable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息", r"不掌握", group="outcome"),
    _t3row("unable_needs_creation", "2.没有现成信息需要另行制作", r"另行制作", r"没有现成", group="outcome"),
    _t3row("unable_unclear_after_correction", "3.补正后申请内容仍不明确", r"仍不明确", r"补正后申请", group="outcome"),
    _t3row("not_handled_complaint", "（五）不予处理 1.信访举报投诉类申请", r"信访", r"举报投诉", group="outcome"),
    _t3row("not_handled_repeated", "2.重复申请", r"重复申请", group="outcome"),
    _t3row("not_handled_publication", "3.要求提供公开出版物", r"出版物", group="outcome"),
    _t3row("not_handled_excessive", "4.无正当理由大量反复申请", r"大量反复", group="outcome"),
    _t3row(
        "not_handled_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        r"重新出具",
        r"确认或重新",
        group="outcome",
    ),
)
_T3_OTHER_2021 = (
    _t3row(
        "other_no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"逾期不补正",
        r"不补正",
        group="outcome",
    ),
    _t3row(
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"缴纳费用",
        r"收费通知",
        group="outcome",
    ),
    _t3row("other_other", "3.其他", r"^(\(六\)其他处理)?3[.、]?其他$", group="outcome", weak=(r"^其他$",)),
)
_T3_OTHER_2019 = (
    Row(
        "other",
        "（六）其他处理",
        APPLICANT_COLUMNS,
        (r"^(\(六\))?其他处理$",),
        group="outcome",
        yields_to=tuple(r.key for r in _T3_OTHER_2021),
    ),
)
_T3_TAIL = (
    _t3row("total_processed", "（七）总计", r"\(七\)总计", r"^七\)?总计$", weak=(r"^总计$",)),
    _t3row("carried_forward", "四、结转下年度继续办理", r"结转下年", r"转下年度"),
)

T3_TITLE = "收到和处理政府信息公开申请情况"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _table3(other_rows: tuple[Row, ...], *, markers: tuple[str, ...]) -> Table:
    return Table("applications", 3, T3_TITLE, _T3_HEAD + other_rows + _T3_TAIL, markers=markers)


# Some 2021-format reports print （六）其他处理 as one row; the extractor
# records what is printed, so it knows both variants of Table 3.
T3_ROWS_ALL: tuple[Row, ...] = _T3_HEAD + _T3_OTHER_2021 + _T3_OTHER_2019 + _T3_TAIL
OUTCOME_ROWS_2021 = tuple(r.key for r in _T3_HEAD + _T3_OTHER_2021 if r.group == "outcome")
OUTCOME_ROWS_2019 = tuple(r.key for r in _T3_HEAD + _T3_OTHER_2019 if r.group == "outcome")

# --- Table 4 (identical in both formats) ------------------------------------

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
TABLE4 = Table(
    "review_litigation",
    4,
    "政府信息公开行政复议、行政诉讼情况",
    (
        Row("review", "行政复议", RESULT_COLUMNS),
        Row("litigation_direct", "行政诉讼·未经复议直接起诉", RESULT_COLUMNS),
        Row("litigation_after_review", "行政诉讼·复议后起诉", RESULT_COLUMNS),
    ),
    layout="flat",
)

# --- Table 2 -----------------------------------------------------------------

_ISSUED = (
    Column("issued", "本年制发件数"),
    Column("repealed", "本年废止件数"),
    Column("in_force", "现行有效件数"),
)
_DECISIONS = (Column("decisions", "本年处理决定数量"),)

TABLE2_2021 = Table(
    "active_disclosure",
    2,
    "主动公开政府信息情况",
    (
        Row("regulations", "规章", _ISSUED, (r"^规章",), group="第二十条第（一）项"),
        Row(
            "normative_documents",
            "行政规范性文件",
            _ISSUED,
            (r"规范性",),
            group="第二十条第（一）项",
            variants=("规范性文件",),
        ),
        Row("licensing", "行政许可", _DECISIONS, (r"^行政许可",), group="第二十条第（五）项"),
        Row("penalty", "行政处罚", _DECISIONS, (r"^行政处罚",), group="第二十条第（六）项"),
        Row("coercion", "行政强制", _DECISIONS, (r"^行政强制",), group="第二十条第（六）项"),
        Row(
            "fees",
            "行政事业性收费",
            (Column("amount", "本年收费金额（单位：万元）", kind="money"),),
            (r"^行政事业性",),
            group="第二十条第（八）项",
        ),
    ),
    markers=("本年制发", "本年废止", "现行有效", "本年收费金额"),
)

_MADE = (
    Column("new_made", "本年新制作数量"),
    Column("new_published", "本年新公开数量"),
    Column("total_published", "对外公开总数量"),
)
_ITEMS = (
    Column("previous_items", "上一年项目数量"),
    Column("change", "本年增/减", kind="signed"),
    Column("decisions", "处理决定数量"),
)
TABLE2_2019 = Table(
    "active_disclosure",
    2,
    "主动公开政府信息情况",
    (
        Row("regulations", "规章", _MADE, (r"^规章",), group="第二十条第（一）项"),
        Row("normative_documents", "规范性文件", _MADE, (r"规范性",), group="第二十条第（一）项"),
        Row("licensing", "行政许可", _ITEMS, (r"^行政许可",), group="第二十条第（五）项"),
        Row("other_services", "其他对外管理服务事项", _ITEMS, (r"对外管理",), group="第二十条第（五）项"),
        Row("penalty", "行政处罚", _ITEMS, (r"^行政处罚",), group="第二十条第（六）项"),
        Row("coercion", "行政强制", _ITEMS, (r"^行政强制",), group="第二十条第（六）项"),
        Row("fees", "行政事业性收费", _ITEMS[:2], (r"^行政事业性",), group="第二十条第（八）项"),
        Row(
            "procurement",
            "政府集中采购",
            (Column("projects", "采购项目数量"), Column("amount", "采购总金额", kind="money")),
            (r"集中采购",),
            group="第二十条第（九）项",
        ),
    ),
    markers=("本年新制作", "本年新公开", "对外公开总数", "上一年项目", "本年增", "对外管理服务", "集中采购"),
)

TEMPLATES: dict[str, Template] = {
    "2021": Template(
        "2021",
        "国办公开办函〔2021〕30号",
        (TABLE2_2021, _table3(_T3_OTHER_2021, markers=("逾期不补正", "缴纳费用")), TABLE4),
        (2021, 9999),
    ),
    "2019": Template(
        "2019",
        "国办公开办函〔2019〕60号（试行）",
        (TABLE2_2019, _table3(_T3_OTHER_2019, markers=()), TABLE4),
        (2019, 2020),
    ),
}

TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")


def template_for(fmt: str) -> Template:
    return TEMPLATES[fmt]


def expected_format(year: int) -> str:
    """The template a report for `year` must follow (FORMAT.md §1)."""
    return "2019" if year <= 2020 else "2021"


def table_def(table: str, fmt: str | None) -> Table:
    return template_for(fmt or "2021").table(table)


@lru_cache(maxsize=1024)
def row_def(table: str, row: str, fmt: str | None = None) -> Row | None:
    """The definition of a row as printed, in either format."""
    if table == "applications":
        rows: tuple[Row, ...] = T3_ROWS_ALL
    else:
        rows = table_def(table, fmt).rows
    for r in rows:
        if r.key == row:
            return r
    if table == "active_disclosure":  # a row of the other format
        for t in TEMPLATES.values():
            for r in t.table(table).rows:
                if r.key == row:
                    return r
    return None


@lru_cache(maxsize=4096)  # findings name the same few hundred cells over and over
def cell_label(table: str, row: str | None, column: str | None, fmt: str | None = None) -> str:
    """A clerk's name for a cell: 表三「一、本年新收…」行「自然人」栏."""
    no = {"active_disclosure": "表二", "applications": "表三", "review_litigation": "表四"}.get(table, table)
    if row is None:
        return no
    r = row_def(table, row, fmt)
    out = f"{no}「{r.label if r else row}」"
    if column is None:
        return out
    col = next((c for c in r.columns if c.key == column), None) if r else None
    return f"{out}「{col.label if col else column}」"
