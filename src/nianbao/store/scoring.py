"""What scoring reads from the store: reports with their findings, less those a reviewer dismissed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from nianbao.model import Finding
from nianbao.store import tables as T
from nianbao.store.queries import find_region, region_names
from nianbao.web import db as W  # the reviews live in the same store (migration 0100)

_CHUNK = 500


@dataclass
class StoredReport:
    id: int
    source: str
    agency: str | None
    year: int | None
    region: str | None
    findings: list[Finding] = field(default_factory=list)
    dismissed: int = 0  # findings left out because a reviewer dismissed them


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def reports_for_scoring(
    engine: Engine, *, year: int | None = None, region: str | None = None, region_id: int | None = None
) -> Iterator[StoredReport]:
    """Readable reports (optionally of one year, or in a region and below it, given by name path
    such as "宁夏/中卫市" or "中卫市", or by id), each with its findings; dismissed findings are left out."""
    r, a, f = T.reports, T.agencies, T.findings
    names = region_names(engine)
    q = (
        select(r.c.id, r.c.source, r.c.agency_name, r.c.year, a.c.region_id)
        .select_from(r.outerjoin(a, a.c.id == r.c.agency_id))
        .where(r.c.status == "ok")
        .order_by(r.c.id)
    )
    if year is not None:
        q = q.where(r.c.year == year)
    if region is not None:
        region_id = find_region(engine, region)
        if region_id is None:
            raise LookupError(f"报告库中没有地区“{region}”")
    if region_id is not None:
        rg = T.regions
        own = select(rg.c.path).where(rg.c.id == region_id).scalar_subquery()
        q = q.where(a.c.region_id.in_(select(rg.c.id).where(rg.c.path.like(own + "%"))))
    # The latest decision per finding: a finding dismissed and later confirmed counts again.
    latest = (
        select(W.reviews.c.finding_id, func.max(W.reviews.c.id).label("last"))
        .where(W.reviews.c.finding_id.is_not(None))
        .group_by(W.reviews.c.finding_id)
        .subquery()
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            ids = [x.id for x in chunk]
            dismissed = set(
                conn.execute(
                    select(W.reviews.c.finding_id)
                    .join(latest, latest.c.last == W.reviews.c.id)
                    .join(f, f.c.id == W.reviews.c.finding_id)
                    .where(f.c.report_id.in_(ids), W.reviews.c.decision == "dismissed")
                ).scalars()
            )
            by_report: dict[int, StoredReport] = {
                x.id: StoredReport(
                    x.id,
                    x.source,
                    x.agency_name,
                    x.year,
                    names.get(x.region_id) if x.region_id is not None else None,
                )
                for x in chunk
            }
            for x in conn.execute(select(f).where(f.c.report_id.in_(ids)).order_by(f.c.id)):
                rep = by_report[x.report_id]
                if x.id in dismissed:
                    rep.dismissed += 1
                    continue
                rep.findings.append(
                    Finding(
                        x.rule,
                        x.severity,
                        x.message,
                        x.table_key,
                        x.row_key,
                        x.column_key,
                        _json(x.expected),
                        _json(x.actual),
                        x.line,
                    )
                )
            yield from by_report.values()
