"""Roll-up check: a region's own report against the sum of its bodies' reports.

The children of region R in year Y are the departments registered in R
(agencies of R other than its government) and the governments of R's direct
sub-regions. For each compared cell (Table 3 总计 column, Table 4 总计 cells)
the gap is own − Σ children. Bodies that filed for R in another year but not
in Y are named as missing. A county's own report often covers more than the
bodies in the corpus, so gaps inform; they are not errors by themselves.

The comparison is pure; `nianbao.store.rollup` fetches the reports and calls it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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


def gaps(own: int, children: Iterable[int], values: dict[tuple[int, str], float | None]) -> list[Gap]:
    """Cells where report `own` differs from the sum of the `children` reports; `values` maps
    (report id, "table.row.column") to a figure. Pure: the store fetches, this compares."""
    kids = list(children)
    out: list[Gap] = []
    for t, row, col in COMPARED:
        name = f"{t}.{row}.{col}"
        if (own, name) not in values and not any((k, name) in values for k in kids):
            continue
        own_v = values.get((own, name))
        total = sum(values.get((k, name)) or 0.0 for k in kids)
        diff = None if own_v is None else own_v - total
        if diff != 0:
            out.append(Gap(name, own_v, total, diff))
    return out
