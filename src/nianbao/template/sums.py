"""Which cells are sums of which: the identities every table must satisfy.

Derived from the table definitions, so checks, tests and the generator share
one source. An `Equation` says sum(lhs) == sum(rhs): lhs is the printed side
a finding reports as actual, rhs what it should equal (expected).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.template.formats import APPLICANT_COLUMNS, RESULT_COLUMNS, T3_ROWS_ALL, TABLE4

CellRef = tuple[str, str]  # (row key, column key)


@dataclass(frozen=True)
class Equation:
    rule: str
    table: str
    lhs: tuple[CellRef, ...]
    rhs: tuple[CellRef, ...]
    anchor: CellRef  # the cell a finding names (usually the total)


APPLICANT_KEYS = tuple(c.key for c in APPLICANT_COLUMNS if c.key != "total")


def outcome_rows(rows_present: Iterable[str]) -> tuple[str, ...]:
    """The outcome rows （一）–（六） as printed (one （六） row or three)."""
    present = set(rows_present)
    keys = [r.key for r in T3_ROWS_ALL if r.group == "outcome" and r.key in present]
    if any(k.startswith("other_") for k in keys):
        keys = [k for k in keys if k != "other"]
    return tuple(keys)


def table3_equations(rows_present: Iterable[str]) -> list[Equation]:
    present = tuple(rows_present)
    eqs: list[Equation] = []
    outcomes = outcome_rows(present)
    for col in (c.key for c in APPLICANT_COLUMNS):
        eqs.append(
            Equation(
                "t3.balance",
                "applications",
                (("total_processed", col), ("carried_forward", col)),
                (("new_received", col), ("carried_over", col)),
                ("total_processed", col),
            )
        )
        eqs.append(
            Equation(
                "t3.outcome_sum",
                "applications",
                (("total_processed", col),),
                tuple((r, col) for r in outcomes),
                ("total_processed", col),
            )
        )
    for row in present:
        eqs.append(
            Equation(
                "t3.row_total",
                "applications",
                ((row, "total"),),
                tuple((row, c) for c in APPLICANT_KEYS),
                (row, "total"),
            )
        )
    return eqs


def table4_equations() -> list[Equation]:
    parts = tuple(c.key for c in RESULT_COLUMNS if c.key != "total")
    return [
        Equation(
            "t4.group_total",
            "review_litigation",
            ((g.key, "total"),),
            tuple((g.key, p) for p in parts),
            (g.key, "total"),
        )
        for g in TABLE4.rows
    ]
