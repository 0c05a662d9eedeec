"""What a report page shows: the three tables laid out as the template prints them,
each cell with its value, its findings and where it came from, and the source
beside them (text lines, or PDF pages rendered to PNG).

Grids come from `nianbao.template.layout` via `nianbao.render.layout`; no label
is spelled here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from nianbao import budget
from nianbao.batch import Outcome, process
from nianbao.checks import RULES
from nianbao.document import Document
from nianbao.model import Cell, Finding, Report, SectionText, rule_kind
from nianbao.readers import MAX_BYTES
from nianbao.readers.pdf import page_count, page_png, page_size
from nianbao.render.model import fmt_value, layout
from nianbao.store import tables as T
from nianbao.template import (
    SECTIONS,
    TEMPLATES,
    cell_label,
    row_def,
    table3_equations,
    table4_equations,
    template_for,
)
from nianbao.template.layout import grid
from nianbao.web import db as W
from nianbao.web.uploads import Upload, temp_copy

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_NAMES = {"report": "报告问题", "reading": "读取问题"}
DECISION_NAMES = {"confirmed": "确认", "dismissed": "驳回", None: "待审"}
TABLE_NAMES = {"active_disclosure": "表二", "applications": "表三", "review_litigation": "表四"}
TEXT_KINDS = ("text", "html")  # sniffed kinds whose document lines are cheap to show again


@dataclass
class SourcePage:
    number: int
    src: str  # data: URI or URL of the PNG
    width: float  # page size in the units of the cells' boxes
    height: float


@dataclass
class Source:
    kind: str  # lines | pages | sections | none
    lines: list[tuple[int, str]] = field(default_factory=list)
    pages: list[SourcePage] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


@dataclass
class ReportView:
    title: str
    source_name: str
    agency: str | None
    year: int | None
    format: str | None
    findings: list[dict[str, Any]]
    tables: list[dict[str, Any]]
    source: Source
    report_id: int | None = None
    error: str | None = None
    n_errors: int = 0
    n_warnings: int = 0
    n_reading: int = 0  # what the reader could not see or place: not the report's problems
    status: str = "待审"  # review state of a stored report
    narrative: list[tuple[str, str]] = field(default_factory=list)

    @property
    def report_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["kind"] == "report"]

    @property
    def reading_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["kind"] != "report"]

    def provenance(self) -> dict[str, Any]:
        """Cell key → origin (line and span, or page and box), for the page script."""
        return {c["key"]: c["prov"] for t in self.tables for row in t["rows"] for c in row if c.get("prov")}


def rule_title(rule: str) -> str:
    r = RULES.get(rule)
    return r.title if r else rule


def check_item(outcome: Outcome, source: str) -> dict[str, Any]:
    """One element of `nianbao check --format json`, naming the file as uploaded."""
    item: dict[str, Any] = {"source": source, "findings": [f.to_dict() for f in outcome.findings]}
    if outcome.error:
        item["error"] = outcome.error
    elif outcome.report is not None:
        item.update(agency=outcome.report.agency, year=outcome.report.year, format=outcome.report.format)
    return item


def run_check(upload: Upload) -> Outcome:
    with temp_copy(upload) as path:  # read in a worker process, within the file budget (nianbao.budget)
        outcome = budget.within(process, path, fallback=lambda reason: Outcome(upload.filename, error=reason))
    outcome.source = upload.filename
    if outcome.report is not None:
        outcome.report.source = upload.filename
    return outcome


# --- sources -------------------------------------------------------------------


def _sniff(data: bytes) -> str:
    from nianbao.readers.sniff import sniff

    return sniff(data[:8192])


def _text_lines(upload: Upload) -> list[tuple[int, str]]:
    from nianbao.readers import ReadError, read_bytes

    try:
        doc = read_bytes(upload.filename, upload.data)
    except ReadError:
        return []
    return [(ln.number, ln.text) for ln in doc.lines]


def _pages_wanted(report: Report | None, total: int) -> list[int]:
    pages = sorted(
        {
            c.page
            for rows in (report.tables.values() if report else [])
            for cols in rows.values()
            for c in cols.values()
            if c.page
        }
    )
    return [p for p in pages if 1 <= p <= total] or list(range(1, min(total, 3) + 1))


def source_for_upload(
    upload: Upload, report: Report | None, *, url: str | None = None, document: Document | None = None
) -> Source:
    """The source pane: text lines (of `document` when it was read already), or PDF pages
    (data URIs, or `url` with {n} for a stored report)."""
    kind = _sniff(upload.data)
    if kind == "pdf":
        try:
            total = page_count(upload.data)
        except Exception:
            return Source("none", note="无法显示 PDF 页面")
        pages: list[SourcePage] = []
        for n in _pages_wanted(report, total):
            if url is None:
                png, w, h = page_png(upload.data, n)
                src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            else:
                w, h = page_size(upload.data, n)
                src = url.format(n=n)
            pages.append(SourcePage(n, src, w, h))
        return Source("pages", pages=pages, note=f"共 {total} 页，显示含表格数据的页面")
    if kind in ("png", "jpeg", "tiff", "bmp", "gif", "webp"):
        from PIL import Image

        with Image.open(io.BytesIO(upload.data)) as im:
            w, h = im.size
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "PNG")
        src = (
            "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
            if url is None
            else url.format(n=1)
        )
        return Source("pages", pages=[SourcePage(1, src, float(w), float(h))])
    lines = [(ln.number, ln.text) for ln in document.lines] if document is not None else _text_lines(upload)
    return Source("lines", lines=lines) if lines else Source("none", note="无法显示原文")


def image_png(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "PNG")
        return buf.getvalue()


# --- tables ----------------------------------------------------------------------


def _prov(cell: Cell | None) -> dict[str, Any] | None:
    if cell is None or (cell.line is None and cell.page is None):
        return None
    out: dict[str, Any] = {"line": cell.line, "start": cell.start, "end": cell.end, "page": cell.page}
    if cell.bbox is not None:
        out["bbox"] = [round(float(x), 2) for x in cell.bbox]
    if cell.raw is not None:
        out["raw"] = cell.raw
    return out


def build_tables(report: Report, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each table's printed rows: cells with text, spans, css classes, finding indexes and provenance."""
    lay = layout(report)
    by_cell: dict[str, list[int]] = {}
    by_row: dict[str, list[int]] = {}
    by_table: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        if f.get("table") and f.get("row") and f.get("column"):
            by_cell.setdefault(f"{f['table']}.{f['row']}.{f['column']}", []).append(i)
        elif f.get("table") and f.get("row"):
            by_row.setdefault(f"{f['table']}.{f['row']}", []).append(i)
        elif f.get("table"):
            by_table.setdefault(f["table"], []).append(i)
    out: list[dict[str, Any]] = []
    for part in lay.parts:
        if part.grid is None or part.table is None:
            continue
        g = part.grid
        t = part.table
        rows: list[list[dict[str, Any]]] = []
        for row in g.rows():
            cells: list[dict[str, Any]] = []
            for c in row:
                d: dict[str, Any] = {"text": c.text, "rowspan": c.rowspan, "colspan": c.colspan, "kind": c.kind}
                if c.ref is not None:
                    rk, ck = c.ref
                    key = f"{t}.{rk}.{ck}"
                    cell = report.cell(t, rk, ck)
                    idx = by_cell.get(key, []) + by_row.get(f"{t}.{rk}", [])
                    live = [findings[i] for i in idx if findings[i].get("decision") != "dismissed"]
                    # The report's problems colour a cell; what the reader could not read or place
                    # is shown apart (class "unread"), never as an error of the report.
                    sev = {f["severity"] for f in live if f["kind"] == "report"}
                    cls = "error" if "error" in sev else "warning" if "warning" in sev else "info" if sev else ""
                    unread = cell is not None and cell.unread
                    if unread or (not cls and live):
                        cls = (cls + " unread").strip() if unread else "reading"
                    d.update(
                        key=key,
                        text="？" if unread else lay.text(t, c),
                        findings=idx,
                        label=cell_label(t, rk, ck, report.format) + ("（未能读取）" if unread else ""),
                        prov=_prov(cell),
                        cls=cls,
                        missing=cell is None,
                    )
                cells.append(d)
            rows.append(cells)
        tbl = TEMPLATES[lay.format].table(t)
        out.append(
            {
                "key": t,
                "title": f"{TABLE_NAMES.get(t, t)}　{tbl.title}",
                "rows": rows,
                "header_rows": g.header_rows,
                "findings": by_table.get(t, []),
            }
        )
    return out


def finding_dict(f: Finding | dict[str, Any], fmt: str | None, idx: int) -> dict[str, Any]:
    d = f.to_dict() if isinstance(f, Finding) else dict(f)
    d["idx"] = idx
    d["severity_name"] = SEVERITY_NAMES.get(d["severity"], d["severity"])
    d["kind"] = d.get("kind") or rule_kind(d["rule"])  # stored findings: from the rule registry
    d["kind_name"] = KIND_NAMES.get(d["kind"], d["kind"])
    d["rule_title"] = rule_title(d["rule"])
    d["where"] = cell_label(d["table"], d.get("row"), d.get("column"), fmt) if d.get("table") else "全文"
    d["ref"] = (
        f"{d['table']}.{d['row']}.{d['column']}"
        if d.get("table") and d.get("row") and d.get("column")
        else f"{d['table']}.{d['row']}"
        if d.get("table") and d.get("row")
        else None
    )
    d.setdefault("decision", None)
    d["decision_name"] = DECISION_NAMES.get(d["decision"], d["decision"])
    return d


def _narrative(report: Report) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for sec in SECTIONS:
        s = report.sections.get(sec.key)
        if s is not None and s.text.strip():
            out.append((f"{sec.number}、{sec.title}", s.text))
    return out


def view_from_outcome(outcome: Outcome, upload: Upload) -> ReportView:
    """The page of a freshly checked upload (nothing stored)."""
    if outcome.report is None:
        return ReportView(
            upload.filename, upload.filename, None, None, None, [], [], Source("none"), error=outcome.error
        )
    r = outcome.report
    findings = [finding_dict(f, r.format, i) for i, f in enumerate(outcome.findings)]
    return ReportView(
        title=f"{r.agency or '（未识别机关）'} {r.year or ''} 年度报告",
        source_name=upload.filename,
        agency=r.agency,
        year=r.year,
        format=r.format,
        findings=findings,
        tables=build_tables(r, findings),
        source=source_for_upload(upload, r, document=outcome.document),
        n_errors=sum(f["severity"] == "error" and f["kind"] == "report" for f in findings),
        n_warnings=sum(f["severity"] == "warning" and f["kind"] == "report" for f in findings),
        n_reading=sum(f["kind"] != "report" for f in findings),
        narrative=_narrative(r),
    )


# --- stored reports ----------------------------------------------------------------


def _value(table: str, row: str, column: str, fmt: str | None, v: float | None) -> int | Decimal | None:
    if v is None:
        return None
    rd = row_def(table, row, fmt)
    col = next((c for c in rd.columns if c.key == column), None) if rd else None
    if col is not None and col.kind == "money" and not float(v).is_integer():
        return Decimal(str(v))
    return int(v)


def stored_report(engine: Engine, report_id: int) -> tuple[Any, Report] | None:
    """The report row and a Report rebuilt from the stored cells and sections."""
    with engine.connect() as conn:
        r = conn.execute(select(T.reports).where(T.reports.c.id == report_id)).first()
        if r is None:
            return None
        rep = Report(source=r.source, format=r.format, agency=r.agency_name, year=r.year, title=r.title)
        for c in conn.execute(select(T.cells).where(T.cells.c.report_id == report_id)):
            rep.tables.setdefault(c.table_key, {}).setdefault(c.row_key, {})[c.column_key] = Cell(
                _value(c.table_key, c.row_key, c.column_key, r.format, c.value), line=c.line, page=c.page
            )
        for s in conn.execute(select(T.sections).where(T.sections.c.report_id == report_id)):
            rep.sections[s.key] = SectionText(s.key, s.title or "", s.text, s.line)
        # Unread cells are stored as blanks; the finding that names each tells them apart.
        unread = select(T.findings.c.table_key, T.findings.c.row_key, T.findings.c.column_key).where(
            T.findings.c.report_id == report_id, T.findings.c.rule == "extract.unread"
        )
        for t, rk, ck in conn.execute(unread):
            cell = rep.cell(t, rk, ck) if t and rk and ck else None
            if cell is not None and cell.value is None:
                cell.unread = True
    return r, rep


def stored_findings(engine: Engine, report_id: int, fmt: str | None) -> list[dict[str, Any]]:
    """Findings of a stored report with ids and their latest review."""
    f, rv = T.findings, W.reviews
    latest = (
        select(rv.c.finding_id, func.max(rv.c.id).label("rid"))
        .where(rv.c.report_id == report_id, rv.c.finding_id.is_not(None))
        .group_by(rv.c.finding_id)
        .subquery()
    )
    q = (
        select(f, rv.c.decision, rv.c.comment.label("review_comment"), W.users.c.name.label("reviewer"))
        .outerjoin(latest, latest.c.finding_id == f.c.id)
        .outerjoin(rv, rv.c.id == latest.c.rid)
        .outerjoin(W.users, W.users.c.id == rv.c.user_id)
        .where(f.c.report_id == report_id)
        .order_by(f.c.id)
    )
    out: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for i, x in enumerate(conn.execute(q)):
            d = {
                "id": x.id,
                "rule": x.rule,
                "severity": x.severity,
                "message": x.message,
                "table": x.table_key,
                "row": x.row_key,
                "column": x.column_key,
                "expected": json.loads(x.expected) if x.expected else None,
                "actual": json.loads(x.actual) if x.actual else None,
                "line": x.line,
                "scope": x.scope,
                "decision": x.decision,
                "review_comment": x.review_comment,
                "reviewer": x.reviewer,
            }
            out.append(finding_dict(d, fmt, i))
    return out


def review_status(engine: Engine, report_id: int, findings: list[dict[str, Any]]) -> str:
    with engine.connect() as conn:
        done = conn.execute(
            select(func.count())
            .select_from(W.reviews)
            .where(W.reviews.c.report_id == report_id, W.reviews.c.finding_id.is_(None), W.reviews.c.decision == "done")
        ).scalar_one()
    if done:
        return "已审"
    if findings and all(f.get("decision") for f in findings):
        return "已审"
    if any(f.get("decision") for f in findings):
        return "审核中"
    return "待审"


@lru_cache(maxsize=16)
def _reprocessed(report_id: int, sha: str, filename: str, data: bytes) -> Outcome:
    """A stored upload read again for provenance (spans and boxes are not kept in the store), cached."""
    return run_check(Upload(filename, data))


def upload_of(engine: Engine, report_id: int) -> Upload | None:
    """The original bytes: uploaded through the web app, or the file a `nianbao ingest` read."""
    with engine.connect() as conn:
        row = conn.execute(
            select(W.uploads.c.filename, W.uploads.c.data).where(W.uploads.c.report_id == report_id)
        ).first()
        if row is not None:
            return Upload(row.filename, bytes(row.data))
        rep = conn.execute(select(T.reports.c.source, T.reports.c.sha256).where(T.reports.c.id == report_id)).first()
    return None if rep is None else file_on_disk(rep.source, rep.sha256)


def file_on_disk(path: str, sha256: str) -> Upload | None:
    """An ingested file still where it was read from, byte for byte (its hash is checked,
    so a path in the store never shows anything but the report that was ingested)."""
    try:
        p = Path(path)
        if not p.is_file() or p.stat().st_size > MAX_BYTES:
            return None
        data = p.read_bytes()
    except (OSError, ValueError):
        return None
    return Upload(p.name, data) if hashlib.sha256(data).hexdigest() == sha256 else None


def view_from_store(engine: Engine, report_id: int) -> ReportView | None:
    got = stored_report(engine, report_id)
    if got is None:
        return None
    r, rep = got
    if r.status != "ok":
        return ReportView(r.source, r.source, None, None, None, [], [], Source("none"), report_id=r.id, error=r.error)
    findings = stored_findings(engine, report_id, r.format)
    upload = upload_of(engine, report_id)
    prov_report = rep
    if upload is not None:
        outcome = _reprocessed(report_id, r.sha256, upload.filename, upload.data)
        again = outcome.report
        if again is not None:
            for t, rows in rep.tables.items():  # keep stored values, take spans and boxes from the reread
                for rk, cols in rows.items():
                    for ck, cell in cols.items():
                        other = again.cell(t, rk, ck)
                        if other is not None:
                            cell.start, cell.end, cell.bbox, cell.raw = other.start, other.end, other.bbox, other.raw
                            cell.line, cell.page = other.line, other.page
        source = source_for_upload(
            upload, prov_report, url=f"/reports/{report_id}/page/{{n}}.png", document=outcome.document
        )
    else:
        source = Source(
            "sections",
            sections=_narrative(rep),
            note="原始文件不在库中（由命令行导入，且已不在导入时的位置或内容已改变），下方显示提取出的正文；点击单元格可看到它在原文中的行号或页码。",
        )
    return ReportView(
        title=f"{r.agency_name or '（未识别机关）'} {r.year or ''} 年度报告",
        source_name=r.source,
        agency=r.agency_name,
        year=r.year,
        format=r.format,
        findings=findings,
        tables=build_tables(rep, findings),
        source=source,
        report_id=r.id,
        n_errors=r.n_errors,
        n_warnings=r.n_warnings,
        n_reading=sum(f["kind"] != "report" for f in findings),
        status=review_status(engine, report_id, findings),
        narrative=_narrative(rep) if upload is not None else [],
    )


# --- the template as JSON (for the writing form) -----------------------------------


@lru_cache(maxsize=4)
def template_json(fmt: str) -> dict[str, Any]:
    """Grids, column kinds and identities of one format, for the form and its live checks."""
    tpl = template_for(fmt)
    tables: list[dict[str, Any]] = []
    equations: list[dict[str, Any]] = []
    for t in tpl.tables:
        g = grid(t)
        tables.append(
            {
                "key": t.key,
                "number": t.number,
                "title": f"{TABLE_NAMES.get(t.key, t.key)}　{t.title}",
                "header_rows": g.header_rows,
                "rows": [
                    [
                        {
                            "text": c.text,
                            "rowspan": c.rowspan,
                            "colspan": c.colspan,
                            "kind": c.kind,
                            "key": f"{t.key}.{c.ref[0]}.{c.ref[1]}" if c.ref else None,
                            "value_kind": next(
                                (col.kind for col in t.row(c.ref[0]).columns if col.key == c.ref[1]), "count"
                            )
                            if c.ref
                            else None,
                        }
                        for c in row
                    ]
                    for row in g.rows()
                ],
            }
        )
        if t.key == "applications":
            eqs = table3_equations(t.row_keys)
        elif t.key == "review_litigation":
            eqs = table4_equations()
        else:
            eqs = []
        for e in eqs:
            equations.append(
                {
                    "rule": e.rule,
                    "title": rule_title(e.rule),
                    "lhs": [f"{e.table}.{r}.{c}" for r, c in e.lhs],
                    "rhs": [f"{e.table}.{r}.{c}" for r, c in e.rhs],
                    "anchor": f"{e.table}.{e.anchor[0]}.{e.anchor[1]}",
                    "label": cell_label(e.table, e.anchor[0], e.anchor[1], fmt),
                    "lhs_labels": [cell_label(e.table, r, c, fmt) for r, c in e.lhs],
                    "rhs_labels": [cell_label(e.table, r, c, fmt) for r, c in e.rhs],
                }
            )
    return {
        "format": fmt,
        "name": tpl.name,
        "tables": tables,
        "equations": equations,
        "sections": [{"key": s.key, "heading": f"{s.number}、{s.title}"} for s in SECTIONS],
    }


def report_from_form(form: dict[str, str], fmt: str) -> Report:
    """A Report from the writing form's fields (`agency`, `year`, `cell:table.row.column`, `section:key`)."""
    tpl = template_for(fmt)
    year_text = form.get("year", "").strip()
    rep = Report(
        source="网页填报",
        format=fmt,
        agency=form.get("agency", "").strip()[:200] or None,
        year=int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
    )
    for t in tpl.tables:
        for r in t.rows:
            for c in r.columns:
                raw = form.get(f"cell:{t.key}.{r.key}.{c.key}", "").strip()
                value: int | Decimal | None = None
                if raw:
                    try:
                        value = Decimal(raw) if c.kind == "money" else int(raw)
                    except (ValueError, ArithmeticError):
                        value = None
                rep.tables.setdefault(t.key, {}).setdefault(r.key, {})[c.key] = Cell(value, raw=raw or None)
    for s in SECTIONS:
        text = form.get(f"section:{s.key}", "").strip()
        if text:
            rep.sections[s.key] = SectionText(s.key, f"{s.number}、{s.title}", text)
    return rep


__all__ = [
    "ReportView",
    "check_item",
    "fmt_value",
    "report_from_form",
    "run_check",
    "template_json",
    "view_from_outcome",
    "view_from_store",
]
