"""The register of applications (one row per application) → Table 3 for a year, plus deadlines.

Counting for year Y (FORMAT.md §4, §7):
- 一、本年新收: received in Y;
- 二、上年结转: received before Y and still pending on 1 January Y (not answered before Y);
- 三、办理结果: answered in Y, by outcome row and applicant column;
- 四、结转下年度: received by 31 December Y and not answered by then.
Every application counted in 一 or 二 lands in exactly one of 三 or 四, so the
Table 3 identities hold by construction. A row with any error is left out of
every count and reported with its line number; nothing is guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.model import Cell, Report
from nianbao.readers.errors import os_reason
from nianbao.register.workdays import CalendarError, Workdays, uncovered_message, workdays
from nianbao.template import APPLICANT_COLUMNS, T3_ROWS_ALL, expected_format, template_for
from nianbao.template.layout import grid
from nianbao.textnorm import norm_label

ANSWER_DAYS = 20  # 第三十三条: 20 working days from receipt
EXTENSION_DAYS = 20  # one extension of at most 20 working days
CORRECTION_NOTICE_DAYS = 7  # 第三十条: notify a correction within 7 working days
EARLIEST = dt.date(2008, 5, 1)  # the first 条例 took effect


class RegisterError(ValueError):
    """The register as a whole cannot be read; the message is Chinese."""


# --- the register's columns ------------------------------------------------------------------

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "申请编号", "登记编号", "登记号", "申请号", "序号"),
    "received": (
        "received",
        "date_received",
        "收到日期",
        "收到申请日期",
        "受理日期",
        "申请日期",
        "接收日期",
        "收到时间",
    ),
    "applicant": ("applicant", "applicant_type", "申请人类型", "申请人情况", "申请人类别", "申请人"),
    "channel": ("channel", "申请方式", "申请渠道", "渠道", "提交方式"),
    "answered": ("answered", "date_answered", "答复日期", "办结日期", "答复时间", "办结时间"),
    "outcome": ("outcome", "result", "办理结果", "答复类型", "处理结果", "答复结果"),
    "reason": ("reason", "withheld_reason", "具体情形", "理由", "不予公开理由", "情形"),
    "extended": ("extended", "extension", "是否延期", "延期", "延长答复期限"),
    "correction_notified": ("correction_notified", "补正通知日期", "补正告知日期", "告知补正日期", "通知补正日期"),
    "correction_received": ("correction_received", "补正收到日期", "收到补正日期", "补正日期"),
    "consult_days": ("consult_days", "征求意见工作日", "征求意见天数", "不计入期限的工作日"),
}
FIELD_NAMES = {"id": "编号", "received": "收到日期", "applicant": "申请人类型", "outcome": "办理结果"}
REQUIRED = ("id", "received", "applicant")


def _norm(text: str) -> str:
    return norm_label(text).lower()


_HEADER = {_norm(alias): key for key, aliases in FIELDS.items() for alias in aliases}


# --- vocabularies: applicant types and outcomes, from the template -----------------------------

_APPLICANT: dict[str, str] = {}
for _c in APPLICANT_COLUMNS:
    if _c.key == "total":
        continue
    for _name in (_c.key, _c.label, *_c.variants):
        _APPLICANT[_norm(_name)] = _c.key
for _name, _key in (
    ("公民", "natural_person"),
    ("个人", "natural_person"),
    ("企业", "commercial"),
    ("律师事务所", "legal_services"),
    ("其他组织", "other_org"),
):
    _APPLICANT.setdefault(_norm(_name), _key)
_AMBIGUOUS_APPLICANT = {_norm(w) for w in ("法人或其他组织", "法人或其它组织", "法人", "组织", "单位")}
APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:\(([一二三四五六七八九十]+)\))?(?:\d+[.、．])?")


def _strip_numbering(label: str) -> str:
    return _NUMBERING.sub("", norm_label(label))


@dataclass(frozen=True)
class _Vocab:
    exact: dict[str, str]  # normalised name → outcome row key
    groups: dict[str, tuple[str, ...]]  # normalised group name → its item rows
    items: dict[str, dict[str, str]]  # group → item name → row key
    group_names: dict[str, str]  # normalised group name → printed group label


def _build_vocab() -> _Vocab:
    g = grid(template_for("2021").table("applications"))
    by_row = {c.row: c.ref[0] for c in g.cells if c.ref is not None}
    exact: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    items: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for c in g.cells:
        if c.kind == "label" and c.col == 1 and c.rowspan > 1:
            rows = tuple(by_row[y] for y in range(c.row, c.row + c.rowspan))
            key = _norm(_strip_numbering(c.text))
            groups[key] = rows
            names[key] = c.text
            items[key] = {}
            for y in range(c.row, c.row + c.rowspan):
                item = next(x for x in g.cells if x.row == y and x.kind == "label" and x.col == 2)
                items[key][_norm(_strip_numbering(item.text))] = by_row[y]
                items[key][_norm(item.text)] = by_row[y]
    for r in T3_ROWS_ALL:
        if r.group != "outcome":
            continue
        full = norm_label(r.label)
        for name in {r.key, full, *full.split(" ")}:
            exact.setdefault(_norm(name), r.key)
        parts = r.label.split(" ")
        exact.setdefault(_norm(_strip_numbering(parts[-1])), r.key)
        exact.setdefault(_norm("".join(_strip_numbering(p) for p in parts)), r.key)
    # A group's own name means "which item?" (asked via the reason), except the 2019 single （六）.
    for key in groups:
        exact.pop(key, None)
        exact.pop(_norm(names[key]), None)
    return _Vocab(exact, groups, items, names)


_VOCAB = _build_vocab()
_OUTCOME_PATTERNS = [
    (r.key, [re.compile(p) for p in r.patterns]) for r in T3_ROWS_ALL if r.group == "outcome" and r.key != "other"
]


def _outcome_key(text: str) -> str | None:
    n = _norm(text)
    if n in _VOCAB.exact:
        return _VOCAB.exact[n]
    label = norm_label(text)
    hits = {k for k, pats in _OUTCOME_PATTERNS if any(p.search(label) for p in pats)}
    return hits.pop() if len(hits) == 1 else None


def _group_of(text: str) -> str | None:
    n = _norm(_strip_numbering(text))
    return n if n in _VOCAB.groups else None


# --- values ------------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_date_cache: dict[str, dt.date | None] = {}


def parse_date(v: Any) -> dt.date | None:
    """A date from a cell (date, datetime, '2024-09-30', '2024/9/30', '2024年9月30日', '20240930')."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    if s in _date_cache:
        return _date_cache[s]
    out: dt.date | None = None
    m = _DATE_RE.match(s)
    try:
        if m:
            out = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif len(s) == 8 and s.isdigit():
            out = dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        out = None
    if len(_date_cache) < 100_000:
        _date_cache[s] = out
    return out


_YES = {_norm(w) for w in ("是", "y", "yes", "true", "1", "延期", "已延期", "√")}
_NO = {_norm(w) for w in ("否", "n", "no", "false", "0", "未延期", "不延期", "无")}


# --- results -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Problem:
    line: int  # 1-based line of the file (the header is line 1)
    message: str  # Chinese
    kind: str  # a stable id, e.g. "date.answer_before_receipt"
    severity: str = "error"  # error: the row is left out; warning: counted
    id: str | None = None

    def text(self) -> str:
        who = f"（编号 {self.id}）" if self.id else ""
        return f"第 {self.line} 行{who}：{self.message}"


STATUS_TEXT = {"overdue": "已超期未答复", "overdue_answered": "超期答复", "due_soon": "即将到期"}


@dataclass(slots=True)
class Deadline:
    line: int
    id: str
    applicant: str
    received: dt.date
    clock_start: dt.date  # receipt, or the day the corrected application arrived
    due: dt.date
    status: str  # overdue | overdue_answered | due_soon
    answered: dt.date | None = None
    days_left: int | None = None  # working days from the as-of date to the due date

    def text(self) -> str:
        s = f"第 {self.line} 行（编号 {self.id}）：{self.received} 收到，答复期限 {self.due}"
        if self.clock_start != self.received:
            s += f"（自 {self.clock_start} 收到补正后的申请起算）"
        if self.status == "overdue_answered":
            return s + f"，{self.answered} 才答复，超期答复"
        if self.status == "overdue":
            return s + f"，已超期 {-(self.days_left or 0)} 个工作日，尚未答复"
        return s + f"，还剩 {self.days_left} 个工作日"


@dataclass
class RegisterResult:
    year: int
    format: str
    table: dict[str, dict[str, int]]
    rows_read: int = 0
    counted: int = 0  # applications that count in Table 3 for this year
    problems: list[Problem] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    as_of: dt.date | None = None
    calendar_error: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def report(self, agency: str | None = None, source: str = "") -> Report:
        r = Report(source=source, format=self.format, agency=agency, year=self.year, format_basis="table")
        r.period_start, r.period_end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        r.tables["applications"] = {
            row: {col: Cell(v, str(v)) for col, v in cols.items()} for row, cols in self.table.items()
        }
        return r


def table3_rows(fmt: str) -> tuple[str, ...]:
    return template_for(fmt).table("applications").row_keys


# --- reading -----------------------------------------------------------------------------------


def read_rows(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (line number, cells) of a CSV or XLSX register."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise RegisterError(f"无法读取登记表 {p}：{os_reason(exc, '读取').removeprefix('无法读取文件：')}") from exc
    if head.startswith(b"PK"):
        return _xlsx_rows(p)
    data = p.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterError("无法识别登记表的文字编码（应为 UTF-8 或 GBK/GB18030 的 CSV，或 XLSX）")
    return _csv_rows(text)


def _csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    sample = text[:4096]
    delim = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise RegisterError("登记表为空") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, cells

    return header, rows()


def _xlsx_rows(p: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    import openpyxl  # type: ignore[import-untyped]

    from nianbao.readers.errors import ReadError, log
    from nianbao.readers.zipguard import open_zip

    try:  # measured before openpyxl inflates anything
        with open_zip(p, "登记表工作簿"):
            pass
    except ReadError as exc:
        raise RegisterError(exc.reason) from exc
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:
        log.debug("openpyxl failed on %s", p, exc_info=True)
        raise RegisterError(f"无法打开登记表工作簿 {p}：文件已损坏或不是 XLSX 工作簿") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = ["" if v is None else str(v) for v in next(it)]
    except StopIteration:
        raise RegisterError("登记表为空") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for i, cells in enumerate(it, start=2):
            yield i, [_cell_text(v) for v in cells]

    return header, rows()


def _cell_text(v: Any) -> str:
    """A workbook cell as the text a CSV would hold (dates as ISO, 3.0 as 3)."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def map_header(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _HEADER.get(_norm(str(h)))
        if key is not None and key not in cols:
            cols[key] = i
    missing = [k for k in REQUIRED if k not in cols]
    if missing:
        names = "、".join(f"{FIELD_NAMES[k]}（{k}）" for k in missing)
        raise RegisterError(
            f"登记表缺少必需的栏目：{names}。表头应包含编号、收到日期、申请人类型，以及答复日期、办理结果等"
        )
    return cols


# --- counting ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Application:
    """One register row that passed every check."""

    line: int
    rid: str
    received: dt.date
    answered: dt.date | None
    corr_n: dt.date | None  # correction notified
    corr_r: dt.date | None  # corrected application received
    applicant: str
    outcome: str | None
    extended: bool
    consult: int  # working days of consultation not counted in the deadline


class _RowReader:
    """Turns register rows into applications; each fault is a `Problem`, and a row with an
    error gives no application (it is left out of every count)."""

    def __init__(self, header: list[str], fmt: str, problems: list[Problem]) -> None:
        cols = map_header(header)
        self.width = len(header)
        # Each field's cell index; a missing field points into the padding (always "").
        self.ix = {k: cols.get(k, self.width) for k in FIELDS}
        self.pad = [""] * (self.width + 1)
        self.single_other = fmt == "2019"
        self.problems = problems
        self.seen: dict[str, int] = {}
        self.memo: dict[tuple[str, ...], tuple[Any, tuple[tuple[str, str, str], ...]]] = {}

    def _cached(self, key: tuple[str, ...], compute: Any, line: int, rid: str) -> Any:
        # Vocabulary look-ups repeat across a register: resolve each distinct text once.
        hit = self.memo.get(key)
        if hit is None:
            scratch: list[Problem] = []
            hit = (compute(scratch), tuple((p.message, p.kind, p.severity) for p in scratch))
            if len(self.memo) < 50_000:
                self.memo[key] = hit
        for msg, kind, sev in hit[1]:
            self.problems.append(Problem(line, msg, kind, sev, rid or None))
        return hit[0]

    def read(self, line: int, raw: list[str]) -> _Application | None:
        problems, ix = self.problems, self.ix
        before = len(problems)
        cells = raw + self.pad
        rid = self._identity(line, raw, cells[ix["id"]].strip())
        received = _date(cells[ix["received"]].strip(), line, rid, "收到日期", "received", problems, required=True)
        answered = _date(cells[ix["answered"]].strip(), line, rid, "答复日期", "answered", problems)
        t_cn, t_cr = cells[ix["correction_notified"]].strip(), cells[ix["correction_received"]].strip()
        corr_n = _date(t_cn, line, rid, "补正通知日期", "correction_notified", problems) if t_cn else None
        corr_r = _date(t_cr, line, rid, "补正收到日期", "correction_received", problems) if t_cr else None
        t_app, t_out = cells[ix["applicant"]].strip(), cells[ix["outcome"]].strip()
        t_why, t_ext = cells[ix["reason"]].strip(), cells[ix["extended"]].strip()
        applicant = self._cached(("a", t_app), lambda ps, t=t_app: _applicant(t, 0, "", ps), line, rid)
        one = self.single_other
        outcome = (
            self._cached(("o", t_out, t_why), lambda ps, t=t_out, w=t_why: _outcome(t, w, 0, "", ps, one), line, rid)
            if t_out
            else None
        )
        extended = (
            self._cached(("e", t_ext), lambda ps, t=t_ext: _extended(t, 0, "", ps), line, rid) if t_ext else False
        )
        t_con = cells[ix["consult_days"]].strip()
        consult = _consult(t_con, line, rid, problems) if t_con else 0
        app = _Application(line, rid, received, answered, corr_n, corr_r, applicant, outcome, extended, consult)  # type: ignore[arg-type]
        self._consistency(app, before)
        if len(problems) > before and any(p.severity == "error" for p in problems[before:]):
            return None
        return app

    def _identity(self, line: int, raw: list[str], rid: str) -> str:
        """The row's id, after checking it is there, unique, and the row not too wide."""
        if len(raw) > self.width and "".join(raw[self.width :]).strip():
            self.problems.append(
                Problem(
                    line,
                    f"本行有 {len(raw)} 栏，多于表头的 {self.width} 栏（可能有未加引号的逗号）",
                    "row.too_many_cells",
                    id=rid or None,
                )
            )
        if not rid:
            self.problems.append(Problem(line, "缺少编号", "id.missing"))
        elif rid in self.seen:
            self.problems.append(Problem(line, f"编号 {rid} 与第 {self.seen[rid]} 行重复", "id.duplicate", id=rid))
        else:
            self.seen[rid] = line
        return rid

    def _consistency(self, a: _Application, before: int) -> None:
        """Dates in order, and an answer date and an outcome together (parsed fields may be None)."""
        problems, line, rid = self.problems, a.line, a.rid
        received, answered, corr_n, corr_r = a.received, a.answered, a.corr_n, a.corr_r
        if received is not None:
            if answered is not None and answered < received:
                problems.append(
                    Problem(line, f"答复日期 {answered} 早于收到日期 {received}", "date.answer_before_receipt", id=rid)
                )
            if corr_n is not None and corr_n < received:
                problems.append(
                    Problem(line, f"补正通知日期 {corr_n} 早于收到日期 {received}", "correction.before_receipt", id=rid)
                )
        if corr_r is not None and corr_n is None:
            problems.append(Problem(line, "填了补正收到日期，却没有补正通知日期", "correction.no_notice", id=rid))
        if corr_r is not None and corr_n is not None and corr_r < corr_n:
            problems.append(
                Problem(
                    line,
                    f"补正收到日期 {corr_r} 早于补正通知日期 {corr_n}",
                    "correction.received_before_notice",
                    id=rid,
                )
            )
        if corr_r is not None and answered is not None and answered < corr_r:
            problems.append(
                Problem(
                    line,
                    f"答复日期 {answered} 早于收到补正申请的日期 {corr_r}",
                    "correction.answer_before_correction",
                    id=rid,
                )
            )
        if answered is not None and a.outcome is None and not _has_error_since(problems, before, "outcome."):
            problems.append(Problem(line, "已填答复日期，但没有填办理结果", "outcome.missing", id=rid))
        if a.outcome is not None and answered is None and not _has_error_since(problems, before, "date.answered"):
            problems.append(Problem(line, "已填办理结果，但没有填答复日期", "date.answered_missing", id=rid))


def _count(a: _Application, counts: dict[str, dict[str, int]], y0: dt.date, y1: dt.date) -> bool:
    """Count one application in year [y0, y1]'s Table 3; False when it belongs to another year."""
    if a.received > y1 or (a.answered is not None and a.answered < y0):
        return False
    counts["new_received" if a.received >= y0 else "carried_over"][a.applicant] += 1
    if a.answered is not None and a.answered <= y1:
        assert a.outcome is not None
        counts[a.outcome][a.applicant] += 1
    else:
        counts["carried_forward"][a.applicant] += 1
    return True


_NOT_OUTCOMES = ("new_received", "carried_over", "carried_forward", "total_processed")


def _totals(counts: dict[str, dict[str, int]], row_keys: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """（七）总计 from the outcome rows, and every row's 总计 from its applicant columns."""
    processed = counts["total_processed"]
    for r in row_keys:
        if r not in _NOT_OUTCOMES:
            for c in APPLICANT_KEYS:
                processed[c] += counts[r][c]
    return {r: {**counts[r], "total": sum(counts[r].values())} for r in row_keys}


def _calendar(year: int, res: RegisterResult) -> Workdays | None:
    """The working-day calendar, or None (and the reason on `res`) when it does not cover `year`."""
    wd = workdays()
    if not (wd.covers(dt.date(year, 1, 1)) and wd.covers(dt.date(year, 12, 31))):
        res.calendar_error = uncovered_message(year)
        return None
    return wd


def tabulate(
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    year: int,
    *,
    as_of: dt.date | None = None,
    warn_days: int = 5,
    deadlines: bool = True,
) -> RegisterResult:
    """Table 3 of `year` from the register's rows; bad rows reported and left out."""
    fmt = expected_format(year)
    row_keys = table3_rows(fmt)
    counts = {r: dict.fromkeys(APPLICANT_KEYS, 0) for r in row_keys}
    res = RegisterResult(year, fmt, {})
    y0, y1 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of is None:
        as_of = min(y1, dt.date.today()) if dt.date.today() >= y0 else y1
    res.as_of = as_of
    wd = _calendar(year, res) if deadlines else None
    reader = _RowReader(header, fmt, res.problems)
    n = 0
    for line, raw in rows:
        if not "".join(raw).strip():
            continue  # an empty line
        n += 1
        app = reader.read(line, raw)
        if app is None or not _count(app, counts, y0, y1):
            continue
        res.counted += 1
        if wd is not None:
            _deadline(wd, res, app, as_of, warn_days)
    res.rows_read = n
    res.table = _totals(counts, row_keys)
    return res


def _has_error_since(problems: list[Problem], start: int, prefix: str) -> bool:
    return any(p.kind.startswith(prefix) for p in problems[start:])


def _date(
    text: str, line: int, rid: str, name: str, key: str, problems: list[Problem], *, required: bool = False
) -> dt.date | None:
    if not text:
        if required:
            problems.append(Problem(line, f"缺少{name}", f"date.{key}_missing", id=rid or None))
        return None
    d = parse_date(text)
    if d is None:
        problems.append(
            Problem(
                line,
                f"{name}“{text}”不是有效日期（应写作 2024-09-30 或 2024年9月30日）",
                f"date.{key}_invalid",
                id=rid or None,
            )
        )
        return None
    if d < EARLIEST or d.year > 2100:
        problems.append(
            Problem(
                line, f"{name} {d} 不合理（早于 2008 年条例施行或年份有误）", f"date.{key}_implausible", id=rid or None
            )
        )
        return None
    return d


def _applicant(text: str, line: int, rid: str, problems: list[Problem]) -> str | None:
    if not text:
        problems.append(Problem(line, "缺少申请人类型", "applicant.missing", id=rid or None))
        return None
    n = _norm(text)
    key = _APPLICANT.get(n)
    if key is not None:
        return key
    choices = "、".join(c.label for c in APPLICANT_COLUMNS if c.key != "total")
    if n in _AMBIGUOUS_APPLICANT:
        problems.append(
            Problem(
                line, f"申请人类型“{text}”不够具体，表三要求细分为：{choices}", "applicant.ambiguous", id=rid or None
            )
        )
    else:
        problems.append(
            Problem(line, f"无法识别的申请人类型“{text}”（应为：{choices}）", "applicant.unknown", id=rid or None)
        )
    return None


def _outcome(text: str, reason: str, line: int, rid: str, problems: list[Problem], single_other: bool) -> str | None:
    if not text:
        return None
    key = _outcome_key(text)
    group = None if key is not None else _group_of(text)
    if key is None and group is not None:
        label = _VOCAB.group_names[group]
        if not reason:
            if single_other and "other" in _VOCAB.groups[group][0]:
                return "other"
            problems.append(
                Problem(
                    line, f"办理结果为“{label}”，但没有填写具体情形（理由）", "outcome.reason_missing", id=rid or None
                )
            )
            return None
        item = _VOCAB.items[group].get(_norm(_strip_numbering(reason))) or _VOCAB.items[group].get(_norm(reason))
        rk = _outcome_key(reason) if item is None else None
        if rk is not None and rk in _VOCAB.groups[group]:
            item = rk
        if item is None:
            if rk is not None:
                problems.append(
                    Problem(line, f"具体情形“{reason}”不属于“{label}”", "outcome.reason_wrong_group", id=rid or None)
                )
            else:
                problems.append(
                    Problem(line, f"无法识别“{label}”的具体情形“{reason}”", "outcome.reason_unknown", id=rid or None)
                )
            return None
        key = item
    if key is None:
        problems.append(
            Problem(
                line,
                f"无法识别的办理结果“{text}”（应为表三的办理结果类别，如 予以公开、部分公开、"
                "不予公开+具体情形、无法提供+具体情形、不予处理+具体情形、其他处理+具体情形）",
                "outcome.unknown",
                id=rid or None,
            )
        )
        return None
    if single_other and key.startswith("other_"):
        return "other"
    return key


def _extended(text: str, line: int, rid: str, problems: list[Problem]) -> bool:
    if not text:
        return False
    n = _norm(text)
    if n in _YES:
        return True
    if n in _NO:
        return False
    problems.append(Problem(line, f"是否延期“{text}”无法识别（应填 是 或 否）", "extension.invalid", id=rid or None))
    return False


def _consult(text: str, line: int, rid: str, problems: list[Problem]) -> int:
    if not text:
        return 0
    try:
        v = int(float(text))
    except ValueError:
        v = -1
    if v < 0 or str(text).strip() not in (str(v), f"{v}.0"):
        problems.append(Problem(line, f"征求意见工作日“{text}”应为不小于 0 的整数", "consult.invalid", id=rid or None))
        return 0
    return v


def _deadline(wd: Workdays, res: RegisterResult, a: _Application, as_of: dt.date, warn_days: int) -> None:
    line, rid, applicant, received, answered = a.line, a.rid, a.applicant, a.received, a.answered
    corr_n, corr_r, extended, consult = a.corr_n, a.corr_r, a.extended, a.consult
    start = corr_r or received
    try:
        if corr_n is not None and wd.between(received, corr_n) > CORRECTION_NOTICE_DAYS:
            res.problems.append(
                Problem(
                    line,
                    f"补正通知日期 {corr_n} 距收到申请已超过 {CORRECTION_NOTICE_DAYS} 个工作日（条例第三十条）",
                    "correction.late_notice",
                    "warning",
                    rid,
                )
            )
        if corr_n is not None and corr_r is None:
            return  # the clock stopped at the correction notice (then answered as abandoned, or still waiting)
        due = wd.add(start, ANSWER_DAYS + (EXTENSION_DAYS if extended else 0) + consult)
        if answered is not None and answered <= as_of:
            if answered > due and answered.year == res.year:
                res.deadlines.append(Deadline(line, rid, applicant, received, start, due, "overdue_answered", answered))
            return
        left = wd.between(as_of, due) if due >= as_of else -wd.between(due, as_of)
    except CalendarError as exc:
        if res.calendar_error is None:
            res.calendar_error = str(exc)
        return
    if left < 0:
        res.deadlines.append(Deadline(line, rid, applicant, received, start, due, "overdue", None, left))
    elif left <= warn_days:
        res.deadlines.append(Deadline(line, rid, applicant, received, start, due, "due_soon", None, left))


def tabulate_file(path: str | Path, year: int, **kw: Any) -> RegisterResult:
    header, rows = read_rows(path)
    return tabulate(header, rows, year, **kw)
