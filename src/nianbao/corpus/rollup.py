"""Roll-up check: a region's own report against the sum of its bodies' reports.

The children of region R in year Y are the departments registered in R
(agencies of R other than its government) and the governments of R's direct
sub-regions. For each compared cell (Table 3 总计 column, Table 4 总计 cells)
the gap is own − Σ children. Bodies that filed for R in another year but not
in Y are named as missing. A county's own report often covers more than the
bodies in the corpus, so gaps inform; they are not errors by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select

from nianbao.store import tables as T
from nianbao.template import RESULT_COLUMNS, T3_ROWS_ALL

COMPARED: tuple[tuple[str, str, str], ...] = (
    *(("applications", r.key, "total") for r in T3_ROWS_ALL),
    *(("review_litigation", g, "total") for g in ("review", "litigation_direct", "litigation_after_review")),
)
assert any(c.key == "total" for c in RESULT_COLUMNS)


@dataclass
class Gap:
    cell: str  # table.row.column
    own: float | None
    children: float
    difference: float | None  # own − children


@dataclass
class Rollup:
    region_id: int
    year: int
    own_report_id: int | None
    children: list[dict[str, Any]] = field(default_factory=list)  # {agency_id, name, report_id}
    missing: list[str] = field(default_factory=list)  # child bodies without a report this year
    gaps: list[Gap] = field(default_factory=list)  # cells where own ≠ Σ children

    def to_dict(self) -> dict[str, Any]:
        return {
            "region_id": self.region_id,
            "year": self.year,
            "own_report_id": self.own_report_id,
            "children": self.children,
            "missing": self.missing,
            "gaps": [g.__dict__ for g in self.gaps],
        }


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
    if own is None:
        return out
    for t, row, col in COMPARED:
        name = f"{t}.{row}.{col}"
        if (own, name) not in values and not any((k, name) in values for k in this_year.values()):
            continue
        own_v = values.get((own, name))
        total = sum(values.get((k, name)) or 0.0 for k in this_year.values())
        diff = None if own_v is None else own_v - total
        if diff != 0:
            out.gaps.append(Gap(name, own_v, total, diff))
    return out
