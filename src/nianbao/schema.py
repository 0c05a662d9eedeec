"""The interchange schema `nianbao/report@1`, built from the template with pydantic.

`json_schema()` is what `nianbao schema` prints; `load_report()` validates a
report@1 object (as `extract` prints it, or written by hand) into a `Report`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from nianbao.model import SCHEMA_ID, Cell, Report, SectionText
from nianbao.template import SECTION_KEYS, T3_ROWS_ALL, TEMPLATES, Row

__all__ = ["SchemaError", "json_schema", "load_report"]


class SchemaError(ValueError):
    """The data is not a valid report@1 object; the message is in Chinese."""


def _cell_type(kind: str) -> Any:
    return (float | None) if kind == "money" else (int | None)


def _row_model(name: str, row: Row) -> type[BaseModel]:
    fields: dict[str, Any] = {
        c.key: (_cell_type(c.kind), Field(default=None, description=c.label)) for c in row.columns
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=row.label, **fields)


def _table_model(name: str, rows: tuple[Row, ...], doc: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        r.key: (_row_model(f"{name}_{r.key}", r) | None, Field(default=None, description=r.label)) for r in rows
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields)


@lru_cache(maxsize=1)
def report_model() -> type[BaseModel]:
    ad = {
        fmt: _table_model(
            f"ActiveDisclosure{fmt}", t.table("active_disclosure").rows, f"二、主动公开政府信息情况（{fmt} 版）"
        )
        for fmt, t in TEMPLATES.items()
    }
    apps = _table_model("Applications", T3_ROWS_ALL, "三、收到和处理政府信息公开申请情况")
    t4 = TEMPLATES["2021"].table("review_litigation")
    rl = _table_model("ReviewLitigation", t4.rows, "四、政府信息公开行政复议、行政诉讼情况")
    # Field definitions are typed Any: they are built at run time from the template.
    table_fields: dict[str, Any] = {
        "active_disclosure": (ad["2021"] | ad["2019"] | None, None),
        "applications": (apps | None, None),
        "review_litigation": (rl | None, None),
    }
    tables = create_model("Tables", __config__=ConfigDict(extra="forbid"), **table_fields)
    section_fields: dict[str, Any] = {"title": (str | None, None), "text": (str, "")}
    section = create_model("Section", **section_fields)
    sections_fields: dict[str, Any] = {k: (section | None, None) for k in SECTION_KEYS}
    sections = create_model("Sections", **sections_fields)
    period_fields: dict[str, Any] = {"start": (dt.date, ...), "end": (dt.date, ...)}
    period = create_model("Period", **period_fields)
    fields: dict[str, Any] = {
        "schema_": (Literal["nianbao/report@1"], Field(SCHEMA_ID, alias="schema")),
        "format": (Literal["2021", "2019"] | None, Field(None, description="采用的模板版本")),
        "agency": (str | None, Field(None, description="发布机关（标题中的名称）")),
        "year": (int | None, Field(None, description="报告年度（统计年度）")),
        "source": (str | None, None),
        "title": (str | None, None),
        "period": (period | None, None),
        "published": (dt.date | None, None),
        "contact": (dict[str, str] | None, None),
        "sections": (sections | None, None),
        "tables": (tables, ...),
        "unread": (
            list[str] | None,
            Field(
                None,
                description="读取时未能识别或无法确定所在栏的单元格（table.row.column），其值为 null，"
                "不同于报告本身空白的单元格",
            ),
        ),
    }
    return create_model(
        "ReportV1",
        __config__=ConfigDict(extra="allow", title="nianbao/report@1"),
        __doc__="政府信息公开工作年度报告（nianbao/report@1）",
        **fields,
    )


def json_schema() -> dict[str, Any]:
    schema = report_model().model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    return schema


def load_report(data: dict[str, Any], source: str | None = None) -> Report:
    """A `Report` from a report@1 object; raises SchemaError with a readable reason."""
    try:
        m = report_model().model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SchemaError(f"数据不符合 nianbao/report@1 格式：{where}：{first['msg']}") from exc
    dump = m.model_dump(by_alias=True, exclude_none=False)
    report = Report(
        source=source or dump.get("source") or "",
        format=dump.get("format"),
        agency=dump.get("agency"),
        year=dump.get("year"),
        title=dump.get("title"),
        published=dump.get("published"),
        contact={k: v for k, v in (dump.get("contact") or {}).items() if v},
        format_basis="table" if dump.get("format") else None,
    )
    if dump.get("period"):
        report.period_start, report.period_end = dump["period"]["start"], dump["period"]["end"]
    for key, sec in (dump.get("sections") or {}).items():
        if sec is not None:
            report.sections[key] = SectionText(key, sec.get("title") or "", sec.get("text") or "")
    # Only rows present in the input are rows of the report (a missing row is not a blank row).
    raw_tables = data.get("tables") or {}
    for t, rows in (dump.get("tables") or {}).items():
        if rows is None:
            continue
        report.tables[t] = {}
        for r, cols in rows.items():
            if cols is None or r not in (raw_tables.get(t) or {}):
                continue
            report.tables[t][r] = {c: Cell(_value(v)) for c, v in cols.items()}
    for ref in dump.get("unread") or ():
        t, _, rest = ref.partition(".")
        r, _, c = rest.partition(".")
        cell = report.cell(t, r, c)
        if cell is not None and cell.value is None:
            cell.unread = True
    return report


def _value(v: Any) -> int | Decimal | None:
    if v is None:
        return None
    if isinstance(v, float):
        d = Decimal(str(v))
        return int(d) if d == d.to_integral_value() else d
    return int(v)
