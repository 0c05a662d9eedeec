"""Roll-up from the store: fetch a region's own report and its children's, compare them
with `nianbao.corpus.rollup` (see there for what is compared)."""

from __future__ import annotations

from sqlalchemy import Engine, or_, select

from nianbao.corpus.rollup import Rollup, gaps
from nianbao.store import tables as T

__all__ = ["Rollup", "rollup"]


def rollup(engine: Engine, region_id: int, year: int) -> Rollup:
    """Compare region `region_id`'s own report of `year` with the sum of its children's reports."""
    a, r, rg, c = T.agencies, T.reports, T.regions, T.cells
    with engine.connect() as conn:
        subregions = set(conn.execute(select(rg.c.id).where(rg.c.parent_id == region_id)).scalars())
        bodies = conn.execute(
            select(a.c.id, a.c.name, a.c.region_id, a.c.is_government).where(
                or_(a.c.region_id == region_id, a.c.region_id.in_(subregions))
            )
        ).all()
        gov = [b.id for b in bodies if b.region_id == region_id and b.is_government]
        kids = {
            b.id: b.name
            for b in bodies
            if (b.region_id == region_id and not b.is_government) or (b.region_id in subregions and b.is_government)
        }
        reps = conn.execute(
            select(r.c.id, r.c.agency_id, r.c.year).where(r.c.agency_id.in_([*gov, *kids]), r.c.status == "ok")
        ).all()
        own = next((x.id for x in reps if x.agency_id in gov and x.year == year), None)
        this_year = {x.agency_id: x.id for x in reps if x.year == year and x.agency_id in kids}
        out = Rollup(region_id, year, own)
        out.children = [{"agency_id": k, "name": kids[k], "report_id": v} for k, v in sorted(this_year.items())]
        out.missing = sorted({kids[x.agency_id] for x in reps if x.agency_id in kids} - {kids[k] for k in this_year})
        ids = [*this_year.values(), *([own] if own else [])]
        values: dict[tuple[int, str], float | None] = {}
        for cell in conn.execute(
            select(c.c.report_id, c.c.table_key, c.c.row_key, c.c.column_key, c.c.value).where(
                c.c.report_id.in_(ids),
                c.c.column_key == "total",
                c.c.table_key.in_(("applications", "review_litigation")),
            )
        ):
            values[(cell.report_id, f"{cell.table_key}.{cell.row_key}.{cell.column_key}")] = cell.value
    if own is not None:
        out.gaps = gaps(own, this_year.values(), values)
    return out
