"""Read API of the store, for the CLI and the web app: plain dicts and dataclasses.

Every function takes an `Engine` (from `open_store(url)`) and returns data
that serialises to JSON as is. Region-level figures are aggregated in
Python from per-region sums, so a dashboard query touches one indexed pass
over `indicator_values` for one year.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select, update

from nianbao.corpus.indicators import INDICATORS, rate
from nianbao.model import rule_kind
from nianbao.store import tables as T
from nianbao.store.gazetteer import builtin
from nianbao.store.ingest import Writer

_R, _A, _RG, _IV = T.reports, T.agencies, T.regions, T.indicator_values


# --- regions and agencies --------------------------------------------------


def region_names(engine: Engine) -> dict[int, str]:
    """Region id → full name path "宁夏回族自治区/中卫市"."""
    with engine.connect() as conn:
        rows = conn.execute(select(_RG.c.id, _RG.c.name, _RG.c.path)).all()
    names = {r.id: r.name for r in rows}
    return {r.id: "/".join(names[int(x)] for x in r.path.strip("/").split("/") if x) for r in rows}


def find_region(engine: Engine, text: str) -> int | None:
    """The id of a region named like "宁夏/中卫市", "中卫市" or "沙坡头区" (None when unknown or not one)."""
    chain = builtin().find(text)
    want = "/".join(p.name for p in chain) if chain else None
    names = region_names(engine)
    for rid, name in names.items():
        if name == want:
            return rid
    if want is None:  # a name the gazetteer does not place alone (鼓楼区): only when one region in the store has it
        hits = [rid for rid, name in names.items() if name.endswith("/" + text) or name == text]
        return hits[0] if len(hits) == 1 else None
    return None


def agencies(engine: Engine, region_id: int | None = None) -> list[dict[str, Any]]:
    """Agencies with their region, name variants and number of reports."""
    names = region_names(engine)
    with engine.connect() as conn:
        q = select(_A, func.count(_R.c.id).label("reports")).outerjoin(_R, _R.c.agency_id == _A.c.id).group_by(_A.c.id)
        if region_id is not None:
            q = q.where(_A.c.region_id == region_id)
        variants: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for v in conn.execute(select(T.agency_names).order_by(T.agency_names.c.first_year)):
            variants[v.agency_id].append({"name": v.name, "first_year": v.first_year, "last_year": v.last_year})
        return [
            {
                "id": a.id,
                "name": a.name,
                "unit": a.unit,
                "region_id": a.region_id,
                "region": names.get(a.region_id) if a.region_id else None,
                "is_government": a.is_government,
                "region_source": a.region_source,
                "names": variants[a.id],
                "reports": a.reports,
            }
            for a in conn.execute(q)
        ]


def set_agency_region(engine: Engine, agency: str, region: str) -> dict[str, Any]:
    """Correct the region of the agency that printed `agency` in a title; `region` like "宁夏/中卫市/沙坡头区".

    Raises ValueError (Chinese message) when the agency or region is unknown.
    """
    chain = builtin().find(region)
    if not chain:
        raise ValueError(f"无法识别地区「{region}」，请写成“省/市/县”形式，例如“宁夏/中卫市/沙坡头区”")
    writer = Writer(engine)
    with engine.begin() as conn:
        aid = conn.execute(select(T.agency_names.c.agency_id).where(T.agency_names.c.name == agency)).scalar()
        if aid is None:
            raise ValueError(f"库中没有名为「{agency}」的机关")
        rid = writer.region_id(conn, chain)
        conn.execute(update(_A).where(_A.c.id == aid).values(region_id=rid, region_source="manual"))
    return {"agency_id": aid, "region_id": rid, "region": "/".join(p.name for p in chain)}


def apply_corrections(engine: Engine, path: str) -> list[dict[str, Any]]:
    """Apply a CSV of corrections with columns `agency,region` (UTF-8, header row)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [set_agency_region(engine, row["agency"].strip(), row["region"].strip()) for row in csv.DictReader(f)]


# --- reports ---------------------------------------------------------------


def summary(engine: Engine) -> dict[str, Any]:
    """Counts for a dashboard header: reports ok/failed, agencies, regions, years."""
    with engine.connect() as conn:
        by_status: dict[str, int] = dict(conn.execute(select(_R.c.status, func.count()).group_by(_R.c.status)).all())
        years: dict[int | None, int] = dict(
            conn.execute(select(_R.c.year, func.count()).where(_R.c.status == "ok").group_by(_R.c.year)).all()
        )
        return {
            "reports": by_status.get("ok", 0),
            "failed": by_status.get("failed", 0),
            "agencies": conn.execute(select(func.count()).select_from(_A)).scalar_one(),
            "regions": conn.execute(select(func.count()).select_from(_RG)).scalar_one(),
            "years": {int(k): v for k, v in years.items() if k is not None},
        }


def list_reports(
    engine: Engine,
    *,
    agency_id: int | None = None,
    year: int | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Reports (newest id first) with agency, year, format, status, error and finding counts."""
    q = select(_R).order_by(_R.c.id.desc()).limit(limit).offset(offset)
    if agency_id is not None:
        q = q.where(_R.c.agency_id == agency_id)
    if year is not None:
        q = q.where(_R.c.year == year)
    if status is not None:
        q = q.where(_R.c.status == status)
    with engine.connect() as conn:
        return [_report_dict(r) for r in conn.execute(q)]


def failures(engine: Engine) -> list[dict[str, Any]]:
    """Files that could not be used, with the Chinese reason."""
    return list_reports(engine, status="failed", limit=1_000_000)


def _report_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "agency_id": r.agency_id,
        "agency": r.agency_name,
        "year": r.year,
        "format": r.format,
        "source": r.source,
        "sha256": r.sha256,
        "status": r.status,
        "error": r.error,
        "published": r.published.isoformat() if r.published else None,
        "n_errors": r.n_errors,
        "n_warnings": r.n_warnings,
    }


def get_report(engine: Engine, report_id: int) -> dict[str, Any] | None:
    """One report with its cells (`table.row.column` → value) and all findings (own and history)."""
    with engine.connect() as conn:
        r = conn.execute(select(_R).where(_R.c.id == report_id)).first()
        if r is None:
            return None
        out = _report_dict(r)
        out["cells"] = {
            f"{c.table_key}.{c.row_key}.{c.column_key}": c.value
            for c in conn.execute(select(T.cells).where(T.cells.c.report_id == report_id))
        }
        out["findings"] = report_findings(engine, report_id)
        return out


def report_indicators(engine: Engine, report_id: int) -> dict[str, dict[str, float | None]]:
    """Every indicator of one report: {key: {"name", "numerator", "denominator", "value"}}."""
    with engine.connect() as conn:
        rows = conn.execute(select(_IV).where(_IV.c.report_id == report_id)).all()
    return {
        r.indicator: {
            "numerator": r.numerator,
            "denominator": r.denominator,
            "value": rate(r.numerator, r.denominator),
        }
        for r in rows
        if r.indicator in INDICATORS
    }


def report_findings(engine: Engine, report_id: int) -> list[dict[str, Any]]:
    f = T.findings
    with engine.connect() as conn:
        return [
            {
                "rule": x.rule,
                "kind": rule_kind(x.rule),  # not stored: it follows from the rule
                "severity": x.severity,
                "message": x.message,
                "table": x.table_key,
                "row": x.row_key,
                "column": x.column_key,
                "line": x.line,
                "scope": x.scope,
            }
            for x in conn.execute(select(f).where(f.c.report_id == report_id).order_by(f.c.id))
        ]


def findings_by_rule(engine: Engine, rule: str) -> list[dict[str, Any]]:
    """All findings of one rule (e.g. `history.carry_over`) with their report's agency and year."""
    f = T.findings
    with engine.connect() as conn:
        q = select(f, _R.c.agency_name, _R.c.year).join(_R, _R.c.id == f.c.report_id).where(f.c.rule == rule)
        return [
            {
                "report_id": x.report_id,
                "agency": x.agency_name,
                "year": x.year,
                "severity": x.severity,
                "message": x.message,
                "row": x.row_key,
                "column": x.column_key,
            }
            for x in conn.execute(q)
        ]


# --- indicators --------------------------------------------------------------


@dataclass
class IndicatorValue:
    """An indicator for one unit (report, agency or region) and year."""

    key: str  # indicator key
    unit_id: int
    name: str
    year: int
    numerator: float
    denominator: float
    value: float | None
    rank: int | None = None
    change: float | None = None  # vs previous year, in the indicator's unit (rate difference)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Ranking:
    indicator: str
    year: int
    min_cases: int
    ranked: list[IndicatorValue] = field(default_factory=list)
    too_few: list[IndicatorValue] = field(default_factory=list)  # below min_cases: listed, not ranked

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "year": self.year,
            "min_cases": self.min_cases,
            "ranked": [v.to_dict() for v in self.ranked],
            "too_few": [v.to_dict() for v in self.too_few],
        }


def _check(indicator: str) -> None:
    if indicator not in INDICATORS:
        raise ValueError(f"没有名为「{indicator}」的指标；可用：{'、'.join(INDICATORS)}")


def _region_sums(
    engine: Engine, indicator: str, year: int | None, within: str | None = None
) -> list[tuple[int, int, float, float]]:
    """(region id, year, Σ numerator, Σ denominator) per agency region, over reports with both parts."""
    q = (
        select(_A.c.region_id, _IV.c.year, func.sum(_IV.c.numerator), func.sum(_IV.c.denominator))
        .select_from(_IV.join(_A, _A.c.id == _IV.c.agency_id))
        .where(
            _IV.c.indicator == indicator,
            _IV.c.numerator.is_not(None),
            _IV.c.denominator.is_not(None),
            _A.c.region_id.is_not(None),
        )
        .group_by(_A.c.region_id, _IV.c.year)
    )
    q = q.where(_IV.c.year == year) if year is not None else q.where(_IV.c.year.is_not(None))
    if within is not None:  # a region path: only bodies in that subtree
        q = q.where(_A.c.region_id.in_(select(_RG.c.id).where(_RG.c.path.like(within + "%"))))
    with engine.connect() as conn:
        return [(int(a), int(b), float(c or 0), float(d or 0)) for a, b, c, d in conn.execute(q)]


def region_indicator(
    engine: Engine, indicator: str, year: int | None = None, level: str = "county", region_id: int | None = None
) -> list[IndicatorValue]:
    """An indicator per region of `level` (province|city|county|township) and year.

    A region's value pools every report filed by a body in it or below it
    (Σ numerators ÷ Σ denominators), including its government's own report.
    """
    _check(indicator)
    with engine.connect() as conn:
        regs = conn.execute(select(_RG.c.id, _RG.c.level, _RG.c.path)).all()
    level_of = {r.id: r.level for r in regs}
    ancestors = {r.id: [int(x) for x in r.path.strip("/").split("/") if x] for r in regs}
    names = region_names(engine)
    acc: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    within = next((r.path for r in regs if r.id == region_id), None) if region_id is not None else None
    for rid, yr, num, den in _region_sums(engine, indicator, year, within):
        for anc in ancestors.get(rid, ()):
            if level_of.get(anc) == level:
                a = acc[(anc, yr)]
                a[0] += num
                a[1] += den
    return [
        IndicatorValue(indicator, rid, names[rid].rsplit("/", 1)[-1], yr, n, d, rate(n, d))
        for (rid, yr), (n, d) in sorted(acc.items())
    ]


def agency_indicator(
    engine: Engine,
    indicator: str,
    year: int | None = None,
    region_id: int | None = None,
    agency_id: int | None = None,
) -> list[IndicatorValue]:
    """An indicator per agency and year (summed over its reports of that year), optionally within a region."""
    _check(indicator)
    q = (
        select(_A.c.id, _A.c.name, _IV.c.year, func.sum(_IV.c.numerator), func.sum(_IV.c.denominator))
        .select_from(_IV.join(_A, _A.c.id == _IV.c.agency_id))
        .where(
            _IV.c.indicator == indicator,
            _IV.c.numerator.is_not(None),
            _IV.c.denominator.is_not(None),
        )
        .group_by(_A.c.id, _A.c.name, _IV.c.year)
    )
    if year is not None:
        q = q.where(_IV.c.year == year)
    if agency_id is not None:
        q = q.where(_IV.c.agency_id == agency_id)
    if region_id is not None:
        with engine.connect() as conn:
            path = conn.execute(select(_RG.c.path).where(_RG.c.id == region_id)).scalar_one()
        sub = select(_RG.c.id).where(_RG.c.path.like(path + "%"))
        q = q.where(_A.c.region_id.in_(sub))
    with engine.connect() as conn:
        return [
            IndicatorValue(
                indicator, int(a), n, int(y), float(s or 0), float(d or 0), rate(float(s or 0), float(d or 0))
            )
            for a, n, y, s, d in conn.execute(q)
            if y is not None  # filtered here, not in SQL, so the planner keeps the agency index
        ]


def rank(
    values: list[IndicatorValue], indicator: str, year: int, *, descending: bool = True, min_cases: int | None = None
) -> Ranking:
    """Rank units of one year; a denominator below `min_cases` (default: the indicator's) is not ranked."""
    _check(indicator)
    floor = INDICATORS[indicator].min_cases if min_cases is None else min_cases
    out = Ranking(indicator, year, floor)
    rows = [v for v in values if v.year == year]
    ok = [v for v in rows if v.value is not None and v.denominator >= floor]
    ok.sort(key=lambda v: (-(v.value or 0) if descending else (v.value or 0), v.name))
    for i, v in enumerate(ok, start=1):
        v.rank = i
    out.ranked = ok
    ranked = {id(v) for v in ok}
    out.too_few = sorted((v for v in rows if id(v) not in ranked), key=lambda v: v.name)
    return out


def rank_regions(engine: Engine, indicator: str, year: int, level: str = "county", **kw: Any) -> Ranking:
    """Regions of `level` ranked by an indicator in `year` (see `rank`)."""
    return rank(region_indicator(engine, indicator, year, level), indicator, year, **kw)


def rank_agencies(engine: Engine, indicator: str, year: int, region_id: int | None = None, **kw: Any) -> Ranking:
    """Agencies (optionally within a region) ranked by an indicator in `year` (see `rank`)."""
    return rank(agency_indicator(engine, indicator, year, region_id), indicator, year, **kw)


def series(values: list[IndicatorValue]) -> list[IndicatorValue]:
    """Sort by unit and year and fill `change` (value − previous year's value, when both exist)."""
    values = sorted(values, key=lambda v: (v.unit_id, v.year))
    prev: IndicatorValue | None = None
    for v in values:
        if (
            prev is not None
            and prev.unit_id == v.unit_id
            and prev.year == v.year - 1
            and None not in (v.value, prev.value)
        ):
            assert v.value is not None and prev.value is not None
            v.change = v.value - prev.value
        prev = v
    return values


def indicator_series(
    engine: Engine, indicator: str, *, agency_id: int | None = None, region_id: int | None = None
) -> list[IndicatorValue]:
    """Year-over-year values of one agency or one region (any level), with `change` filled."""
    if agency_id is not None:
        return series(agency_indicator(engine, indicator, agency_id=agency_id))
    if region_id is None:
        raise ValueError("需要指定机关或地区")
    with engine.connect() as conn:
        level = conn.execute(select(_RG.c.level).where(_RG.c.id == region_id)).scalar_one()
    values = region_indicator(engine, indicator, None, level, region_id=region_id)
    return series([v for v in values if v.unit_id == region_id])
