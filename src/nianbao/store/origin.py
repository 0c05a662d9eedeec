"""Where stored reports came from (collected URLs) and what changed between versions.

A report collected from a portal keeps its original URL and fetch time. When
the portal republishes it with other content, the new content is a new report
row with the same URL — a new version beside the old one — and
`diff_cells` shows what changed cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select, update

from nianbao.store import tables as T
from nianbao.template import cell_label

_R = T.reports


def _when(iso: str | None) -> dt.datetime | None:
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        return None


def record_origins(engine: Engine, entries: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Set each stored report's URL and fetch time from manifest lines; returns sha256 → report id.

    A report that already has a URL keeps it (the same content linked from a second place)."""
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        for e in entries:
            row = conn.execute(select(_R.c.id, _R.c.source_url).where(_R.c.sha256 == e["sha256"])).first()
            if row is None:
                continue
            ids[e["sha256"]] = int(row.id)
            if row.source_url is None:
                conn.execute(
                    update(_R)
                    .where(_R.c.id == row.id)
                    .values(source_url=e["url"], fetched_at=_when(e.get("fetched_at")))
                )
    return ids


def versions(engine: Engine, report_id: int) -> list[dict[str, Any]]:
    """Every stored version of the report's URL (oldest first), itself included; [] when not collected."""
    with engine.connect() as conn:
        url = conn.execute(select(_R.c.source_url).where(_R.c.id == report_id)).scalar()
        if not url:
            return []
        rows = conn.execute(
            select(_R.c.id, _R.c.fetched_at, _R.c.sha256, _R.c.n_errors, _R.c.n_warnings)
            .where(_R.c.source_url == url)
            .order_by(_R.c.fetched_at, _R.c.id)
        ).all()
    return [
        {
            "id": r.id,
            "fetched_at": r.fetched_at.isoformat(" ", "seconds") if r.fetched_at else None,
            "sha256": r.sha256,
            "n_errors": r.n_errors,
            "n_warnings": r.n_warnings,
        }
        for r in rows
    ]


def origin(engine: Engine, report_id: int) -> dict[str, Any] | None:
    """The report's original URL, fetch time and versions, for its page; None when it was not collected."""
    with engine.connect() as conn:
        row = conn.execute(select(_R.c.source_url, _R.c.fetched_at).where(_R.c.id == report_id)).first()
    if row is None or not row.source_url or not str(row.source_url).startswith(("http://", "https://")):
        return None
    return {
        "url": row.source_url,
        "fetched_at": row.fetched_at.isoformat(" ", "seconds") if row.fetched_at else None,
        "versions": versions(engine, report_id),
    }


@dataclass(frozen=True)
class CellChange:
    table: str
    row: str
    column: str
    label: str
    before: float | None  # None: blank
    after: float | None
    before_present: bool  # the cell exists in the older report at all
    after_present: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "before": self.before if self.before_present else "（无此单元格）",
            "after": self.after if self.after_present else "（无此单元格）",
        }


def diff_cells(engine: Engine, a: int, b: int) -> list[CellChange] | None:
    """The cells whose value differs between reports `a` and `b` (None when either is not stored)."""
    with engine.connect() as conn:
        fmts = {r.id: r.format for r in conn.execute(select(_R.c.id, _R.c.format).where(_R.c.id.in_([a, b])))}
        if a not in fmts or b not in fmts:
            return None
        vals: dict[int, dict[tuple[str, str, str], float | None]] = {a: {}, b: {}}
        c = T.cells
        for r in conn.execute(select(c).where(c.c.report_id.in_([a, b]))):
            vals[r.report_id][(r.table_key, r.row_key, r.column_key)] = r.value
    from nianbao.store.export import cell_columns

    order = {(tk, rk, ck): i for i, (_n, tk, rk, ck) in enumerate(cell_columns())}
    out = []
    for key in sorted(set(vals[a]) | set(vals[b]), key=lambda k: (order.get(k, len(order)), k)):
        va, vb = vals[a].get(key), vals[b].get(key)
        pa, pb = key in vals[a], key in vals[b]
        if va == vb and pa == pb:
            continue
        out.append(CellChange(*key, cell_label(*key, fmts[b] or fmts[a]), va, vb, pa, pb))
    return out
